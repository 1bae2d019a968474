package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is a server started as a child process, announcing its URL on the
// first line of its standard output.
type child struct {
	name string
	cmd  *exec.Cmd
	// URL is the server's base URL, e.g. http://127.0.0.1:41234, or
	// https://… when it speaks TLS.
	URL  string
	done chan error
}

// startChild starts bin with args and env added to this process's
// environment, sends its standard error to stderr and waits up to 30
// seconds for the first stdout line, from which it takes the first word
// starting with http:// or https://.
func startChild(ctx context.Context, name string, stderr io.Writer, env []string, bin string, args ...string) (*child, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- line
		// Keep draining so the child never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, r)
		c.done <- cmd.Wait()
	}()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case line := <-lines:
		for _, word := range strings.Fields(line) {
			if strings.HasPrefix(word, "http://") || strings.HasPrefix(word, "https://") {
				c.URL = strings.TrimRight(word, ".,")
				return c, nil
			}
		}
		c.Stop()
		return nil, fmt.Errorf("%s: no URL on its first output line %q", name, line)
	case <-timeout.C:
		c.Stop()
		return nil, fmt.Errorf("%s did not announce its URL within 30s", name)
	case <-ctx.Done():
		c.Stop()
		return nil, ctx.Err()
	}
}

// PID returns the child's process ID.
func (c *child) PID() int { return c.cmd.Process.Pid }

// Stop asks the child to shut down with SIGTERM, kills it if it has not
// exited after 15 seconds, and returns how it exited.
func (c *child) Stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		return exitError(c.name, err)
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		return fmt.Errorf("%s did not exit within 15s of SIGTERM; killed: %w", c.name, exitError(c.name, <-c.done))
	}
}

// exitError describes err from Wait, treating a clean exit as success.
func exitError(name string, err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("%s exited: %w", name, err)
	}
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
