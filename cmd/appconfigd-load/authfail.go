package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The admin key an authfail run configures, and the wrong secret its
// guessers sign with.
const (
	authfailKeyID       = "AKIDAUTHFAILADMIN"
	authfailSecret      = "authfail-admin-secret"
	authfailWrongSecret = "authfail-guessed-secret"
)

// authfailOptions are the flags of the authfail subcommand.
type authfailOptions struct {
	server      serverFlags
	concurrency int
	duration    time.Duration
	guessFrom   string
	legitFrom   string
}

// authfailCommand measures how many wrong-secret requests one client gets
// answered: it starts appconfigd with one admin key, sends ListApplications
// signed with that key's ID and a wrong secret as fast as --concurrency
// workers can from one loopback address, and meanwhile makes correctly
// signed requests one after another from another loopback address.
func authfailCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseAuthfailFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	rep, err := runAuthfail(ctx, o, stderr)
	if rep != nil {
		rep.write(stdout, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load authfail:", err)
		return 1
	}
	return 0
}

func parseAuthfailFlags(args []string, stderr io.Writer) (*authfailOptions, error) {
	o := &authfailOptions{}
	fs := flag.NewFlagSet("appconfigd-load authfail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.server.register(fs)
	fs.IntVar(&o.concurrency, "concurrency", 16, "workers sending wrong-secret requests")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long to send them")
	fs.StringVar(&o.guessFrom, "guess-from", "127.0.0.1", "loopback `address` the wrong-secret requests come from")
	fs.StringVar(&o.legitFrom, "legit-from", "127.0.0.2", "loopback `address` the correctly signed requests come from")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	errs := o.server.problems()
	if o.concurrency < 1 {
		errs = append(errs, "--concurrency must be at least 1")
	}
	if o.duration <= 0 {
		errs = append(errs, "--duration must be positive")
	}
	for _, a := range []string{o.guessFrom, o.legitFrom} {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			errs = append(errs, fmt.Sprintf("%q is not a loopback address", a))
		}
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "appconfigd-load authfail: "+strings.Join(errs, "; "))
		return nil, errors.New("invalid flags")
	}
	return o, nil
}

// authfailReport is what an authfail run measured.
type authfailReport struct {
	Elapsed time.Duration
	// Guesses counts the wrong-secret requests by status; GuessErrors
	// those that got no answer.
	Guesses     map[int]int
	GuessErrors int
	// Legit are the latencies of the correctly signed requests that
	// succeeded; LegitFailed counts the others, LegitFirstError the
	// first of them.
	Legit           []time.Duration
	LegitFailed     int
	LegitFirstError error
}

func (rep *authfailReport) write(w io.Writer, o *authfailOptions) {
	secs := rep.Elapsed.Seconds()
	fmt.Fprintf(w, "appconfigd-load authfail: %d workers sending ListApplications with a wrong secret from %s for %s\n",
		o.concurrency, o.guessFrom, rep.Elapsed.Round(time.Millisecond))
	statuses := slices.Sorted(func(yield func(int) bool) {
		for s := range rep.Guesses {
			if !yield(s) {
				return
			}
		}
	})
	for _, s := range statuses {
		fmt.Fprintf(w, "wrong-secret answers %d: %d (%.0f/s)\n", s, rep.Guesses[s], float64(rep.Guesses[s])/secs)
	}
	if rep.GuessErrors > 0 {
		fmt.Fprintf(w, "wrong-secret requests without an answer: %d\n", rep.GuessErrors)
	}
	fmt.Fprintf(w, "signatures checked and refused (403): %.0f/s\n", float64(rep.Guesses[http.StatusForbidden])/secs)
	sorted := slices.Clone(rep.Legit)
	slices.Sort(sorted)
	pct := func(p float64) string {
		if len(sorted) == 0 {
			return "–"
		}
		return fmtDuration(sorted[min(len(sorted)-1, int(p*float64(len(sorted))))])
	}
	fmt.Fprintf(w, "correctly signed requests from %s meanwhile: %d ok (p50 %s, p99 %s), %d failed\n",
		o.legitFrom, len(sorted), pct(0.5), pct(0.99), rep.LegitFailed)
	if rep.LegitFirstError != nil {
		fmt.Fprintf(w, "first failure: %v\n", rep.LegitFirstError)
	}
}

// runAuthfail starts the server and runs the measurement.
func runAuthfail(ctx context.Context, o *authfailOptions, stderr io.Writer) (rep *authfailReport, err error) {
	env := []string{"APPCONFIGD_ADMIN_ACCESS_KEY_ID=" + authfailKeyID, "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY=" + authfailSecret}
	server, err := o.server.startServer(ctx, stderr, env, "warn", nil)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, server.Stop()) }()

	// One signer per secret: the SDK's signer caches derived signing keys
	// by access key ID, not by secret.
	guessSigner, legitSigner := v4.NewSigner(), v4.NewSigner()
	guesser := clientFromAddress(o.guessFrom, o.concurrency)
	legit := clientFromAddress(o.legitFrom, 1)
	wrong := aws.Credentials{AccessKeyID: authfailKeyID, SecretAccessKey: authfailWrongSecret}
	right := aws.Credentials{AccessKeyID: authfailKeyID, SecretAccessKey: authfailSecret}
	if status, err := listApplications(ctx, legitSigner, legit, server.URL, right); err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("correctly signed ListApplications before the run: status %d, %v", status, err)
	}

	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	rep = &authfailReport{Guesses: map[int]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Go(func() {
			counts := map[int]int{}
			errs := 0
			for runCtx.Err() == nil {
				status, err := listApplications(runCtx, guessSigner, guesser, server.URL, wrong)
				switch {
				case err == nil:
					counts[status]++
				case runCtx.Err() == nil:
					errs++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for s, n := range counts {
				rep.Guesses[s] += n
			}
			rep.GuessErrors += errs
		})
	}
	wg.Go(func() {
		for runCtx.Err() == nil {
			t0 := time.Now()
			status, err := listApplications(runCtx, legitSigner, legit, server.URL, right)
			if runCtx.Err() != nil {
				return
			}
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("status %d", status)
			}
			mu.Lock()
			if err != nil {
				rep.LegitFailed++
				if rep.LegitFirstError == nil {
					rep.LegitFirstError = err
				}
			} else {
				rep.Legit = append(rep.Legit, time.Since(t0))
			}
			mu.Unlock()
			// One request every 10 ms: a client's pace, not a flood.
			select {
			case <-runCtx.Done():
			case <-time.After(10 * time.Millisecond):
			}
		}
	})
	wg.Wait()
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// clientFromAddress returns an HTTP client whose connections come from the
// loopback address local, with conns keep-alive connections.
func clientFromAddress(local string, conns int) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = dialer.DialContext
	t.MaxIdleConns = 2 * conns
	t.MaxIdleConnsPerHost = 2 * conns
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// listApplications sends GET /applications signed with creds by signer, as
// aws-sdk-go-v2's appconfig client signs it, reads the answer and returns
// its status.
func listApplications(ctx context.Context, signer *v4.Signer, c *http.Client, baseURL string, creds aws.Credentials) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/applications", nil)
	if err != nil {
		return 0, err
	}
	if err := signer.SignHTTP(ctx, creds, req, emptyPayloadHash, signingService, signingRegion, time.Now().UTC()); err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}
