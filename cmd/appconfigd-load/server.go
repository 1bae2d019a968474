package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// serverFlags are the flags of every subcommand that starts appconfigd:
// the binary, extra arguments for `appconfigd serve`, and where its log
// goes.
type serverFlags struct {
	bin  string
	args []string
	log  string
}

// register adds --server-bin, --server-arg and --server-log to fs.
func (s *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.bin, "server-bin", "", "`path` of the appconfigd binary to start (required)")
	fs.Func("server-arg", "extra `argument` for appconfigd serve (repeatable), e.g. --server-arg=--auth=off", func(a string) error {
		s.args = append(s.args, a)
		return nil
	})
	fs.StringVar(&s.log, "server-log", "", "`file` for the children's standard error (default: this command's standard error)")
}

// problems returns what is wrong with the flags, for the usage message.
func (s *serverFlags) problems() []string {
	if s.bin == "" {
		return []string{"--server-bin is required"}
	}
	return nil
}

// server is a started appconfigd with the temporary directory it keeps
// its data in.
type server struct {
	*child
	// Dir is a temporary directory removed when the server stops; the
	// server's data directory is inside it.
	Dir     string
	logFile *os.File
}

// startServer starts `appconfigd serve` on 127.0.0.1:0 with its data in a
// new temporary directory, the log level given, then the arguments args
// returns (it may write files into the directory first), then
// --server-arg's arguments, and env added to its environment. Its standard
// error goes to --server-log or stderr.
func (s *serverFlags) startServer(ctx context.Context, stderr io.Writer, env []string, level string, args func(dir string) ([]string, error)) (srv *server, err error) {
	srv = &server{}
	defer func() {
		if err != nil {
			err = errors.Join(err, srv.Stop())
		}
	}()
	childLog := stderr
	if s.log != "" {
		if srv.logFile, err = os.Create(s.log); err != nil {
			return nil, err
		}
		childLog = srv.logFile
	}
	if srv.Dir, err = os.MkdirTemp("", "appconfigd-load-"); err != nil {
		return nil, err
	}
	all := []string{"serve", "--listen", "127.0.0.1:0", "--data", filepath.Join(srv.Dir, "data"), "--log-level", level}
	if args != nil {
		more, err := args(srv.Dir)
		if err != nil {
			return nil, err
		}
		all = append(all, more...)
	}
	if srv.child, err = startChild(ctx, "appconfigd", childLog, env, s.bin, append(all, s.args...)...); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "appconfigd (pid %d) on %s\n", srv.PID(), srv.URL)
	return srv, nil
}

// childLog returns where other children started beside the server log:
// --server-log's file, or stderr.
func (srv *server) childLog(stderr io.Writer) io.Writer {
	if srv.logFile != nil {
		return srv.logFile
	}
	return stderr
}

// Stop stops the server and removes its directory.
func (srv *server) Stop() error {
	var errs []error
	if srv.child != nil {
		errs = append(errs, srv.child.Stop())
	}
	if srv.Dir != "" {
		errs = append(errs, os.RemoveAll(srv.Dir))
	}
	if srv.logFile != nil {
		errs = append(errs, srv.logFile.Close())
	}
	return errors.Join(errs...)
}
