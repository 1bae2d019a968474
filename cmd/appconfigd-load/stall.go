package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
)

// The keys a stall run configures on the server it starts.
const (
	stallAdminKeyID  = "AKIDSTALLADMIN"
	stallAdminSecret = "stall-admin-secret"
	stallReaderKeyID = "AKIDSTALLREADER"
	stallReaderKey   = "stall-reader-secret"
)

// Keys the stalling connections sign with.
const (
	stallKeyWrongSecret = "wrong-secret"
	stallKeyReader      = "reader"
)

// stallOperations are the requests a stall run can send, by --op: each a
// method and a path of an operation that takes a body. The identifiers in
// the paths need not exist: authentication comes first.
var stallOperations = map[string]struct{ method, path, contentType string }{
	"hosted":             {http.MethodPost, "/applications/abc1234/configurationprofiles/def5678/hostedconfigurationversions", "application/octet-stream"},
	"create-application": {http.MethodPost, "/applications", "application/json"},
	"start-session":      {http.MethodPost, "/configurationsessions", "application/json"},
}

// stallOptions are the flags of the stall subcommand.
type stallOptions struct {
	server        serverFlags
	conns         int
	contentLength int64
	send          int64
	key           string
	op            string
	hold          time.Duration
	settle        time.Duration
}

// stallCommand measures what connections that send signed headers and then
// stall cost the server: it starts appconfigd, opens the connections,
// samples the server's RSS while they stall, makes legitimate requests
// meanwhile, closes them and samples the RSS again after --settle.
func stallCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseStallFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	rep, err := runStall(ctx, o, stderr)
	if rep != nil {
		rep.write(stdout, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load stall:", err)
		return 1
	}
	return 0
}

func parseStallFlags(args []string, stderr io.Writer) (*stallOptions, error) {
	o := &stallOptions{}
	fs := flag.NewFlagSet("appconfigd-load stall", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.server.register(fs)
	fs.IntVar(&o.conns, "conns", 300, "stalling connections to open")
	fs.Int64Var(&o.contentLength, "content-length", 2<<20, "Content-Length each stalling request declares, in `bytes`")
	fs.Int64Var(&o.send, "send", -1, "body `bytes` each connection sends before it stalls; -1 sends all but the last byte")
	fs.StringVar(&o.key, "key", stallKeyWrongSecret, "what the requests are signed with: "+stallKeyWrongSecret+" (the admin key ID with a wrong secret) or "+stallKeyReader+" (a valid reader key)")
	fs.StringVar(&o.op, "op", "hosted", "operation the requests call: hosted, create-application or start-session")
	fs.DurationVar(&o.hold, "hold", 10*time.Second, "how long the connections stall")
	fs.DurationVar(&o.settle, "settle", 20*time.Second, "how long after closing them to sample the RSS again")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.send < 0 {
		o.send = max(o.contentLength-1, 0)
	}
	errs := o.server.problems()
	if o.conns < 1 {
		errs = append(errs, "--conns must be at least 1")
	}
	if o.contentLength < 1 || o.send > o.contentLength {
		errs = append(errs, "--content-length must be positive and --send at most --content-length")
	}
	if o.key != stallKeyWrongSecret && o.key != stallKeyReader {
		errs = append(errs, fmt.Sprintf("--key: unknown key %q", o.key))
	}
	if _, ok := stallOperations[o.op]; !ok {
		errs = append(errs, fmt.Sprintf("--op: unknown operation %q", o.op))
	}
	if o.hold <= 0 || o.settle < 0 {
		errs = append(errs, "--hold must be positive and --settle not negative")
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "appconfigd-load stall: "+strings.Join(errs, "; "))
		return nil, errors.New("invalid flags")
	}
	return o, nil
}

// stallReport is what a stall run measured.
type stallReport struct {
	// IdleRSS is the server's RSS before the connections opened, PeakRSS
	// the largest sample while they stalled, SettledRSS the sample
	// --settle after they closed.
	IdleRSS, PeakRSS, SettledRSS int64
	// Opened counts connections established; Answered counts those the
	// server answered while they stalled, by status.
	Opened   int
	Answered map[int]int
	// Legit are the legitimate requests made while the connections
	// stalled.
	Legit []legitResult
}

// legitResult is one legitimate request made during the stall.
type legitResult struct {
	Name    string
	Latency time.Duration
	Err     error
}

func (rep *stallReport) write(w io.Writer, o *stallOptions) {
	mib := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	fmt.Fprintf(w, "appconfigd-load stall: %d connections (%d opened), %s, Content-Length %d, %d body bytes sent, key %s, held %s\n",
		o.conns, rep.Opened, o.op, o.contentLength, o.send, o.key, o.hold)
	fmt.Fprintf(w, "server RSS: idle %s, peak while stalled %s, %s after closing %s\n", mib(rep.IdleRSS), mib(rep.PeakRSS), o.settle, mib(rep.SettledRSS))
	statuses := make([]int, 0, len(rep.Answered))
	for s := range rep.Answered {
		statuses = append(statuses, s)
	}
	slices.Sort(statuses)
	var answered []string
	for _, s := range statuses {
		answered = append(answered, fmt.Sprintf("%d×%d", rep.Answered[s], s))
	}
	if len(answered) == 0 {
		answered = []string{"none"}
	}
	fmt.Fprintf(w, "stalling connections answered before closing: %s\n", strings.Join(answered, ", "))
	for _, l := range rep.Legit {
		result := "ok"
		if l.Err != nil {
			result = "FAILED: " + l.Err.Error()
		}
		fmt.Fprintf(w, "legitimate %s meanwhile: %s in %s\n", l.Name, result, l.Latency.Round(time.Millisecond))
	}
}

// runStall starts the server and runs the measurement.
func runStall(ctx context.Context, o *stallOptions, stderr io.Writer) (rep *stallReport, err error) {
	server, err := o.server.startServer(ctx, stderr, nil, "error", func(dir string) ([]string, error) {
		keysFile, err := writeKeysFile(dir, keyPair{"admin", stallAdminKeyID, stallAdminSecret}, keyPair{"reader", stallReaderKeyID, stallReaderKey})
		return []string{"--keys-file", keysFile}, err
	})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, server.Stop()) }()
	u, err := url.Parse(server.URL)
	if err != nil {
		return nil, err
	}

	rep = &stallReport{Answered: map[int]int{}}
	// Let the server finish starting before taking the idle figure.
	time.Sleep(time.Second)
	idle, err := readProc(server.PID())
	if err != nil {
		return nil, err
	}
	rep.IdleRSS = idle.RSS

	head, err := stallHeader(ctx, o, u.Host)
	if err != nil {
		return nil, err
	}
	s := newStaller(u.Host, head, o.send)
	fmt.Fprintf(stderr, "opening %d stalling connections\n", o.conns)
	s.open(ctx, o.conns)

	var peakMu sync.Mutex
	sample := func() {
		if p, err := readProc(server.PID()); err == nil {
			peakMu.Lock()
			rep.PeakRSS = max(rep.PeakRSS, p.RSS)
			peakMu.Unlock()
		}
	}
	sampling, stopSampling := context.WithCancel(ctx)
	var sampler sync.WaitGroup
	sampler.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-sampling.Done():
				return
			case <-tick.C:
			}
		}
	})
	// Halfway through the hold, every connection has sent what it will.
	if !sleepCtx(ctx, o.hold/2) {
		stopSampling()
		return rep, ctx.Err()
	}
	rep.Legit = legitRequests(ctx, server.URL)
	sleepCtx(ctx, o.hold-o.hold/2)
	stopSampling()
	sampler.Wait()
	sample()
	rep.Opened, rep.Answered = s.close()

	fmt.Fprintf(stderr, "closed; waiting %s\n", o.settle)
	if !sleepCtx(ctx, o.settle) {
		return rep, ctx.Err()
	}
	settled, err := readProc(server.PID())
	if err != nil {
		return rep, err
	}
	rep.SettledRSS = settled.RSS
	return rep, nil
}

// stallHeader returns the request head every stalling connection sends:
// signed with aws-sdk-go-v2's signer over a body of Content-Length bytes
// that the connection never finishes sending.
func stallHeader(ctx context.Context, o *stallOptions, host string) ([]byte, error) {
	op := stallOperations[o.op]
	req, err := http.NewRequestWithContext(ctx, op.method, "http://"+host+op.path, nil)
	if err != nil {
		return nil, err
	}
	req.ContentLength = o.contentLength
	req.Header.Set("Content-Type", op.contentType)
	creds := aws.Credentials{AccessKeyID: stallAdminKeyID, SecretAccessKey: "not-the-secret"}
	if o.key == stallKeyReader {
		creds = aws.Credentials{AccessKeyID: stallReaderKeyID, SecretAccessKey: stallReaderKey}
	}
	// The hash of the body it declares: o.contentLength bytes of 'x'.
	h := sha256.New()
	chunk := []byte(strings.Repeat("x", 32<<10))
	for n := o.contentLength; n > 0; n -= int64(len(chunk)) {
		h.Write(chunk[:min(n, int64(len(chunk)))])
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(h.Sum(nil)), signingService, signingRegion, time.Now().UTC()); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", op.method, op.path, host, o.contentLength)
	for name, values := range req.Header {
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	b.WriteString("\r\n")
	return []byte(b.String()), nil
}

// staller holds the stalling connections.
type staller struct {
	addr string
	head []byte
	send int64

	mu       sync.Mutex
	conns    []net.Conn
	answered map[int]int
	readers  sync.WaitGroup
}

func newStaller(addr string, head []byte, send int64) *staller {
	return &staller{addr: addr, head: head, send: send, answered: map[int]int{}}
}

// open dials n connections, each sending the head and send body bytes in
// its own goroutine, and returns once every connection is dialled.
func (s *staller) open(ctx context.Context, n int) {
	dialer := net.Dialer{Timeout: 5 * time.Second}
	body := []byte(strings.Repeat("x", 32<<10))
	var dialled sync.WaitGroup
	for range n {
		dialled.Go(func() {
			c, err := dialer.DialContext(ctx, "tcp", s.addr)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.readers.Go(func() { s.readStatus(c) })
			go func() {
				if _, err := c.Write(s.head); err != nil {
					return
				}
				for left := s.send; left > 0; left -= int64(len(body)) {
					if _, err := c.Write(body[:min(left, int64(len(body)))]); err != nil {
						return
					}
				}
			}()
		})
	}
	dialled.Wait()
}

// readStatus records the status of a response to a stalling request, if
// the server sends one before the connection is closed.
func (s *staller) readStatus(c net.Conn) {
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return
	}
	if status, err := strconv.Atoi(fields[1]); err == nil {
		s.mu.Lock()
		s.answered[status]++
		s.mu.Unlock()
	}
}

// close closes every connection and returns how many were opened and the
// statuses the server answered with.
func (s *staller) close() (opened int, answered map[int]int) {
	s.mu.Lock()
	conns := s.conns
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	s.readers.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(conns), maps.Clone(s.answered)
}

// legitRequests makes, through the AppConfig SDK client and the admin key,
// a request without a body (ListApplications) and one with a small body
// (CreateApplication), and times each.
func legitRequests(ctx context.Context, endpoint string) []legitResult {
	c := appconfig.New(appconfig.Options{
		Region:       signingRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: aws.Credentials{AccessKeyID: stallAdminKeyID, SecretAccessKey: stallAdminSecret}},
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
		// One attempt: a retry would hide a refusal.
		RetryMaxAttempts: 1,
	})
	var out []legitResult
	start := time.Now()
	_, err := c.ListApplications(ctx, &appconfig.ListApplicationsInput{})
	out = append(out, legitResult{"ListApplications", time.Since(start), err})
	start = time.Now()
	_, err = c.CreateApplication(ctx, &appconfig.CreateApplicationInput{Name: aws.String("stall-" + strconv.FormatInt(start.UnixNano(), 36))})
	out = append(out, legitResult{"CreateApplication", time.Since(start), err})
	return out
}

// sleepCtx sleeps for d or until ctx is done, and reports whether it slept
// the whole time.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
