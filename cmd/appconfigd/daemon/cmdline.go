package daemon

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseCommandLine parses args into fs, the flags of appconfigd command,
// and reports whether the run goes on. When it does not, code is the exit
// code: 0 after -h, 2 after a bad flag (which fs has already reported) or
// an argument that no flag takes.
func parseCommandLine(fs *flag.FlagSet, command string, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", commandName(command), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// reportFailure writes err to stderr, each of its lines prefixed with the
// command's name (a plan refused for several reasons names each on its own
// line), and returns 1, the exit code of a command that failed.
func reportFailure(stderr io.Writer, command string, err error) int {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(stderr, "%s: %s\n", commandName(command), line)
	}
	return 1
}

// commandName is how messages name command: "appconfigd" for serve, which
// needs no command word, else "appconfigd command".
func commandName(command string) string {
	if command == "" {
		return "appconfigd"
	}
	return "appconfigd " + command
}
