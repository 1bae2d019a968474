package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The keys a fleet run configures on appconfigd: the admin key sets it up,
// and every virtual client signs with the one reader key, as a real fleet
// shares one.
const (
	fleetAdminKeyID  = "AKIDFLEETADMIN"
	fleetAdminSecret = "fleet-admin-secret-0123456789"
	fleetReaderKeyID = "AKIDFLEETREADER"
	fleetReaderKey   = "fleet-reader-secret-0123456789"
)

// Fleet targets, by --targets.
const (
	targetAppconfigd = "appconfigd"
	targetBare       = "bare"
)

// fleetOptions are the flags of the fleet subcommand.
type fleetOptions struct {
	server      serverFlags
	clients     int
	connections int
	workers     int
	interval    time.Duration
	jitter      float64
	minInterval time.Duration
	duration    time.Duration
	ramp        time.Duration
	sample      time.Duration
	timeout     time.Duration
	size        int
	charts      string
	tls         bool
	targets     []string
}

// fleetCommand runs the fleet simulator against each target in turn and
// prints the report to stdout; progress and the children's logs go to
// stderr. Any failed request makes the exit status 1.
func fleetCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFleetFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	files, fileErr := raiseFileLimit()
	if fileErr != nil || files < uint64(o.connections)+256 {
		fmt.Fprintf(stderr, "appconfigd-load fleet: open files limit %d (%v): %d connections may not fit\n", files, fileErr, o.connections)
	}
	results, err := runFleetTargets(ctx, o, stderr)
	if len(results) > 0 {
		writeFleetReport(stdout, o, files, results)
		if o.charts != "" {
			if cerr := writeFleetCharts(o.charts, results); cerr != nil {
				err = errors.Join(err, cerr)
			} else {
				fmt.Fprintf(stderr, "charts written to %s\n", o.charts)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load fleet:", err)
		return 1
	}
	for _, r := range results {
		if n := r.ErrorCount(); n > 0 {
			fmt.Fprintf(stderr, "appconfigd-load fleet: %s: %d failed requests\n", r.Spec.Name, n)
			return 1
		}
	}
	return 0
}

// parseFleetFlags parses the fleet subcommand's flags. It reports problems
// on stderr and returns an error, flag.ErrHelp for -h.
func parseFleetFlags(args []string, stderr io.Writer) (*fleetOptions, error) {
	o := &fleetOptions{}
	targets := targetAppconfigd + "," + targetBare
	fs := flag.NewFlagSet("appconfigd-load fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.server.register(fs)
	fs.IntVar(&o.clients, "clients", 1_000_000, "virtual clients, each with its own session")
	fs.IntVar(&o.connections, "connections", 5000, "keep-alive connections the clients share")
	fs.IntVar(&o.workers, "workers", 2*runtime.GOMAXPROCS(0), "schedulers, each owning a shard of the clients and connections")
	fs.DurationVar(&o.interval, "interval", 60*time.Second, "each client's poll interval")
	fs.Float64Var(&o.jitter, "jitter", 0.1, "each interval varies uniformly by ± this fraction")
	fs.DurationVar(&o.minInterval, "min-interval", 15*time.Second, "RequiredMinimumPollIntervalInSeconds each session asks for, whole seconds (0 none)")
	fs.DurationVar(&o.duration, "duration", 5*time.Minute, "measured time per target")
	fs.DurationVar(&o.ramp, "ramp", 60*time.Second, "unmeasured time after the first polls begin (they spread over the first interval)")
	fs.DurationVar(&o.sample, "sample", 5*time.Second, "period of the time series and progress lines")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "bound on each request")
	fs.IntVar(&o.size, "size", 1024, "configuration size in `bytes`")
	fs.StringVar(&o.charts, "charts", "", "`directory` to write PNG charts to")
	fs.BoolVar(&o.tls, "tls", false, "serve both targets over TLS with a self-signed certificate made for the run")
	fs.StringVar(&targets, "targets", targets, "comma-separated targets, run one after the other: appconfigd, bare")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var errs []string
	for _, t := range strings.Split(targets, ",") {
		t = strings.TrimSpace(t)
		if t != targetAppconfigd && t != targetBare || slices.Contains(o.targets, t) {
			errs = append(errs, fmt.Sprintf("--targets: %q is not appconfigd or bare, or repeated", t))
			continue
		}
		o.targets = append(o.targets, t)
	}
	if slices.Contains(o.targets, targetAppconfigd) {
		errs = append(errs, o.server.problems()...)
	}
	if o.clients < 1 || o.clients > math.MaxInt32 {
		errs = append(errs, "--clients must be 1..2147483647")
	}
	if o.connections < 1 || o.workers < 1 {
		errs = append(errs, "--connections and --workers must be at least 1")
	}
	if o.jitter < 0 || o.jitter >= 1 {
		errs = append(errs, "--jitter must be in [0, 1)")
	}
	if o.minInterval < 0 || o.minInterval%time.Second != 0 {
		errs = append(errs, "--min-interval must be whole seconds")
	}
	if o.interval <= 0 || float64(o.interval)*(1-o.jitter) < float64(o.minInterval) {
		errs = append(errs, "--interval less --jitter must not be below --min-interval: the server refuses early polls")
	}
	if o.duration <= 0 || o.ramp < 0 || o.sample <= 0 || o.timeout <= 0 {
		errs = append(errs, "--duration, --sample and --timeout must be positive and --ramp not negative")
	}
	if o.size < minContentSize {
		errs = append(errs, fmt.Sprintf("--size must be at least %d", minContentSize))
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "appconfigd-load fleet: "+strings.Join(errs, "; "))
		return nil, errors.New("invalid flags")
	}
	return o, nil
}

// raiseFileLimit raises this process's soft limit of open files to its
// hard limit, so that thousands of connections fit; the children it starts
// inherit it. It returns the limit in force.
func raiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Cur < l.Max {
		want := l
		want.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
			return l.Cur, err
		}
		l = want
	}
	return l.Cur, nil
}

// runFleetTargets runs the fleet against each target in o.targets, one
// after the other with the same parameters, each server started fresh and
// stopped after its run. It returns the results measured so far.
func runFleetTargets(ctx context.Context, o *fleetOptions, stderr io.Writer) (results []*fleetResult, err error) {
	tmp, err := os.MkdirTemp("", "appconfigd-fleet-")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(tmp)) }()
	var tlsConf *tls.Config
	var tlsArgs []string
	if o.tls {
		cert, key, conf, err := writeSelfSigned(tmp)
		if err != nil {
			return nil, err
		}
		tlsConf, tlsArgs = conf, []string{"--tls-cert", cert, "--tls-key", key}
	}
	// What the bare baseline serves follows what appconfigd served, when
	// it ran first.
	d := &deployed{Size: o.size, ApplicationID: "fleetapp", EnvironmentID: "fleetenv", ProfileID: "fleetprf", TokenLength: defaultTokenLength}
	for _, name := range o.targets {
		var r *fleetResult
		if name == targetAppconfigd {
			r, err = fleetAppconfigd(ctx, o, tlsConf, tlsArgs, d, stderr)
		} else {
			r, err = fleetBare(ctx, o, tlsConf, tlsArgs, d, stderr)
		}
		if r != nil && r.Corrected != nil {
			results = append(results, r)
		}
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// fleetAppconfigd starts appconfigd with the fleet's admin and reader keys,
// deploys a configuration of o.size bytes through the SDK, and runs the
// fleet against it. It fills d with what it deployed.
func fleetAppconfigd(ctx context.Context, o *fleetOptions, tlsConf *tls.Config, tlsArgs []string, d *deployed, stderr io.Writer) (res *fleetResult, err error) {
	srv, err := o.server.startServer(ctx, stderr, nil, "warn", func(dir string) ([]string, error) {
		keys, err := writeKeysFile(dir, keyPair{"admin", fleetAdminKeyID, fleetAdminSecret}, keyPair{"fleet", fleetReaderKeyID, fleetReaderKey})
		// Per-key rate limits would measure the limiter: a fleet shares
		// one key.
		return append([]string{"--keys-file", keys, "--rate-limit", "0"}, tlsArgs...), err
	})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, srv.Stop()) }()
	client := newHTTPClient(8)
	if tlsConf != nil {
		client.Transport.(*http.Transport).TLSClientConfig = tlsConf
	}
	admin := newPoller(client, aws.Credentials{AccessKeyID: fleetAdminKeyID, SecretAccessKey: fleetAdminSecret, Source: "appconfigd-load"})
	all, err := setUp(ctx, srv.URL, client, admin, []int{o.size})
	if err != nil {
		return nil, fmt.Errorf("set up appconfigd: %w", err)
	}
	client.CloseIdleConnections()
	*d = *all[0]
	return runFleet(ctx, o.spec(targetAppconfigd, srv.URL, srv.PID(), tlsConf, d, stderr))
}

// fleetBare starts the bare baseline serving what d describes and runs the
// fleet against it.
func fleetBare(ctx context.Context, o *fleetOptions, tlsConf *tls.Config, tlsArgs []string, d *deployed, stderr io.Writer) (res *fleetResult, err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logTo := stderr
	if o.server.log != "" {
		f, err := os.OpenFile(o.server.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		logTo = f
	}
	args := append([]string{"bare", "--listen", "127.0.0.1:0", "--size", strconv.Itoa(d.Size),
		"--token-length", strconv.Itoa(d.TokenLength)}, tlsArgs...)
	bare, err := startChild(ctx, targetBare, logTo, nil, self, args...)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, bare.Stop()) }()
	fmt.Fprintf(stderr, "bare (pid %d) on %s\n", bare.PID(), bare.URL)
	return runFleet(ctx, o.spec(targetBare, bare.URL, bare.PID(), tlsConf, d, stderr))
}

// spec returns the run of o against one target.
func (o *fleetOptions) spec(name, url string, pid int, tlsConf *tls.Config, d *deployed, progress io.Writer) *fleetSpec {
	return &fleetSpec{
		Name: name, URL: url, TLS: tlsConf, PID: pid, Deployed: d,
		Creds:   aws.Credentials{AccessKeyID: fleetReaderKeyID, SecretAccessKey: fleetReaderKey, Source: "appconfigd-load"},
		Clients: o.clients, Connections: o.connections, Workers: o.workers,
		Interval: o.interval, Jitter: o.jitter, MinInterval: o.minInterval,
		Ramp: o.ramp, Duration: o.duration, Sample: o.sample, Timeout: o.timeout,
		Progress: progress,
	}
}

// writeFleetReport prints the results as a markdown table, the machine
// line, and the errors by type.
func writeFleetReport(w io.Writer, o *fleetOptions, files uint64, results []*fleetResult) {
	scheme := "HTTP"
	if o.tls {
		scheme = "HTTPS"
	}
	fmt.Fprintf(w, "appconfigd-load fleet: %d clients over %d connections (%s), polling every %s ±%.0f%% open loop (min interval %s), %s measured after %s ramp; %d CPUs, %s, open files limit %d\n\n",
		o.clients, o.connections, scheme, o.interval, 100*o.jitter, o.minInterval, o.duration, o.ramp, runtime.NumCPU(), runtime.Version(), files)
	fmt.Fprintln(w, "| target | clients | connections (server sockets) | sessions started in | target polls/s | achieved polls/s | vs bare | p50 | p99 | p99.9 | max | raw p99 | errors | server CPU µs/poll | server CPUs | server RSS MiB peak | client CPUs |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var bare *fleetResult
	for _, r := range results {
		if r.Spec.Name == targetBare {
			bare = r
		}
	}
	for _, r := range results {
		ratio := "–"
		if bare != nil && bare.Rate() > 0 {
			ratio = fmt.Sprintf("%.2f", r.Rate()/bare.Rate())
		}
		perPoll := 0.0
		if r.Polls > 0 {
			perPoll = micros(r.ServerCPU / time.Duration(r.Polls))
		}
		fmt.Fprintf(w, "| %s | %d | %d (%d) | %s | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %d | %.1f | %.2f | %.1f | %.2f |\n",
			r.Spec.Name, r.Spec.Clients, r.Conns, r.ServerSockets, r.SessionsTime.Round(100*time.Millisecond),
			r.Spec.TargetRate(), r.Rate(), ratio,
			fmtDuration(r.Quantile(r.Corrected, 50)), fmtDuration(r.Quantile(r.Corrected, 99)),
			fmtDuration(r.Quantile(r.Corrected, 99.9)), fmtDuration(r.Quantile(r.Corrected, 100)),
			fmtDuration(r.Quantile(r.Raw, 99)), r.ErrorCount(), perPoll,
			r.ServerCPU.Seconds()/r.Elapsed.Seconds(), float64(r.ServerRSSPeak)/(1<<20), r.ClientCPU.Seconds()/r.Elapsed.Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Latencies are corrected for coordinated omission: each counts from when its poll was due, not from when it was sent (raw p99 counts from the send). Server CPU and RSS are the server process's (/proc/PID/stat) over the measured window; client CPUs are this load generator's; server sockets were counted in /proc/PID/fd at the window's end.")
	for _, r := range results {
		kinds := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "- %s errors: %s × %d\n", r.Spec.Name, k, r.Errors[k])
		}
	}
}
