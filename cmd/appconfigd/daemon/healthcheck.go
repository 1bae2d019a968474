package daemon

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

const healthcheckCommand = "healthcheck"

// runHealthcheck runs appconfigd healthcheck: it asks a server's /healthz
// whether it serves and exits 0 when it answers 200 within --timeout, else
// 1. It is the container image's HEALTHCHECK, which has no shell or curl
// to run.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("appconfigd "+healthcheckCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:2771/healthz", "`URL` of the server's /healthz")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if code, ok := parseCommandLine(fs, healthcheckCommand, args, stderr); !ok {
		return code
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return reportFailure(stderr, healthcheckCommand, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reportFailure(stderr, healthcheckCommand, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return reportFailure(stderr, healthcheckCommand, fmt.Errorf("%s answered %s", *url, resp.Status))
	}
	fmt.Fprintf(stdout, "%s: %s\n", *url, resp.Status)
	return 0
}
