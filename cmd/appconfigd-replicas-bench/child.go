package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// child is a process of the binary under measurement, a replica or an
// agent: started, known by the address it prints first, and stopped.
type child struct {
	label string // as messages name it, e.g. "replica 1"
	cmd   *exec.Cmd
	url   string
	done  chan error // cmd.Wait's result, once it has exited
}

// start starts c.cmd (its environment and stderr already set) and returns
// once its first stdout line, matched by serving, has given its address.
// what names that address in errors ("endpoint", "address"). On an error
// the process is stopped.
func (c *child) start(ctx context.Context, serving *regexp.Regexp, what string) error {
	c.done = make(chan error, 1)
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", c.label, err)
	}
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		line, _ := br.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, br)
		c.done <- c.cmd.Wait()
	}()
	select {
	case line := <-lines:
		m := serving.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			c.stop()
			return fmt.Errorf("%s: first output line %q does not name its %s", c.label, line, what)
		}
		c.url = m[1]
		return nil
	case <-time.After(30 * time.Second):
		c.stop()
		return fmt.Errorf("%s printed no %s within 30s", c.label, what)
	case <-ctx.Done():
		c.stop()
		return ctx.Err()
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop ends the process with SIGTERM (SIGKILL after 15 s).
func (c *child) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("%s: %w", c.label, err)
		}
		return nil
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("%s did not exit within 15s of SIGTERM; killed", c.label)
	}
}
