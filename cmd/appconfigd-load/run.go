package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// runOptions are the flags of the run subcommand.
type runOptions struct {
	server      serverFlags
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	sizes       []int
	modes       []string
	rate        float64
	rounds      int
	// accessKeyID and secretAccessKey sign every request.
	accessKeyID     string
	secretAccessKey string
}

// runCommand runs the load test and prints the report to stdout. Progress
// and the children's logs go to stderr.
func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseRunFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	results, err := runAll(ctx, o, stderr)
	if len(results) > 0 {
		writeReport(stdout, o, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load:", err)
		return 1
	}
	for _, r := range results {
		if r.Errors > 0 {
			fmt.Fprintf(stderr, "appconfigd-load: %d failed polls (%s, %s, %d bytes); first: %v\n",
				r.Errors, r.Spec.Target.Name, r.Spec.Mode, r.Spec.Deployed.Size, r.FirstError)
			return 1
		}
	}
	return 0
}

// parseRunFlags parses the run subcommand's flags. It reports problems on
// stderr and returns an error, flag.ErrHelp for -h.
func parseRunFlags(args []string, stderr io.Writer) (*runOptions, error) {
	o := &runOptions{}
	sizes := "1024,1048576"
	modes := modeUnchanged + "," + modeChanged
	fs := flag.NewFlagSet("appconfigd-load run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.server.register(fs)
	fs.IntVar(&o.concurrency, "concurrency", 64, "concurrent sessions, one worker each")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per size, mode and target")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured time before each measurement")
	fs.StringVar(&sizes, "sizes", sizes, "comma-separated configuration sizes in `bytes`")
	fs.StringVar(&modes, "modes", modes, "comma-separated poll modes: unchanged, changed")
	fs.IntVar(&o.rounds, "rounds", 1, "measure each size and mode this many times per target, alternating which target goes first, and pool the rounds")
	fs.Float64Var(&o.rate, "rate", 0, "total polls per second to pace the workers to; 0 polls as fast as they can (closed loop)")
	fs.StringVar(&o.accessKeyID, "access-key-id", "", "access key `id` to sign requests with (default $AWS_ACCESS_KEY_ID, else "+defaultAccessKeyID+")")
	fs.StringVar(&o.secretAccessKey, "secret-access-key", "", "secret access `key` to sign requests with (default $AWS_SECRET_ACCESS_KEY, else a fixed one)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.accessKeyID == "" {
		o.accessKeyID = envOr("AWS_ACCESS_KEY_ID", defaultAccessKeyID)
	}
	if o.secretAccessKey == "" {
		o.secretAccessKey = envOr("AWS_SECRET_ACCESS_KEY", defaultSecretAccessKey)
	}
	errs := o.server.problems()
	if o.concurrency < 1 {
		errs = append(errs, "--concurrency must be at least 1")
	}
	if o.duration <= 0 || o.warmup < 0 {
		errs = append(errs, "--duration must be positive and --warmup not negative")
	}
	if o.rounds < 1 {
		errs = append(errs, "--rounds must be at least 1")
	}
	if o.rate < 0 {
		errs = append(errs, "--rate must not be negative")
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < minContentSize {
			errs = append(errs, fmt.Sprintf("--sizes: %q is not a size of at least %d bytes", s, minContentSize))
			continue
		}
		o.sizes = append(o.sizes, n)
	}
	for _, m := range strings.Split(modes, ",") {
		m = strings.TrimSpace(m)
		if m != modeUnchanged && m != modeChanged {
			errs = append(errs, fmt.Sprintf("--modes: unknown mode %q", m))
			continue
		}
		o.modes = append(o.modes, m)
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, "appconfigd-load run: "+strings.Join(errs, "; "))
		return nil, errors.New("invalid flags")
	}
	return o, nil
}

// envOr returns the environment variable name, or def when it is empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// runAll starts appconfigd, sets it up, and for every size starts the bare
// baseline and measures every mode against both. It returns the results
// measured so far, with an error if it could not finish.
func runAll(ctx context.Context, o *runOptions, stderr io.Writer) (results []*loadResult, err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The server verifies signatures against the load generator's key,
	// as an admin key of the environment; per-key rate limits would
	// measure the limiter, so they are off unless --server-arg sets one.
	env := []string{"APPCONFIGD_ADMIN_ACCESS_KEY_ID=" + o.accessKeyID, "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY=" + o.secretAccessKey}
	server, err := o.server.startServer(ctx, stderr, env, "warn", func(string) ([]string, error) {
		return []string{"--rate-limit", "0"}, nil
	})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, server.Stop()) }()
	childLog := server.childLog(stderr)

	client := newHTTPClient(o.concurrency)
	p := newPoller(client, aws.Credentials{AccessKeyID: o.accessKeyID, SecretAccessKey: o.secretAccessKey, Source: "appconfigd-load"})
	all, err := setUp(ctx, server.URL, client, p, o.sizes)
	if err != nil {
		return nil, fmt.Errorf("set up appconfigd: %w", err)
	}
	appconfigd := target{Name: "appconfigd", URL: server.URL, PID: server.PID(), Data: newDataClient(server.URL, client, p.creds)}

	for _, d := range all {
		bare, err := startChild(ctx, "bare", childLog, nil, self, "bare", "--listen", "127.0.0.1:0",
			"--size", strconv.Itoa(d.Size), "--token-length", strconv.Itoa(d.TokenLength),
			"--content-type", d.ContentType, "--version-label", d.VersionLabel)
		if err != nil {
			return results, err
		}
		fmt.Fprintf(stderr, "bare (pid %d) on %s serving %d bytes, %d-character tokens\n", bare.PID(), bare.URL, d.Size, d.TokenLength)
		baseline := target{Name: "bare", URL: bare.URL, PID: bare.PID(), Data: newDataClient(bare.URL, client, p.creds)}
		for _, mode := range o.modes {
			rs, err := measure(ctx, o, p, d, mode, []target{appconfigd, baseline}, stderr)
			results = append(results, rs...)
			if err != nil {
				return results, errors.Join(err, bare.Stop())
			}
		}
		if err := bare.Stop(); err != nil {
			return results, err
		}
		client.CloseIdleConnections()
	}
	return results, nil
}

// measure runs o.rounds rounds of mode against each target, alternating
// which target goes first so that drift in the machine's background load
// falls on both alike, and returns one pooled result per target.
func measure(ctx context.Context, o *runOptions, p *poller, d *deployed, mode string, targets []target, stderr io.Writer) ([]*loadResult, error) {
	rounds := make([][]*loadResult, len(targets))
	for round := range o.rounds {
		for k := range targets {
			i := k
			if round%2 == 1 {
				i = len(targets) - 1 - k
			}
			t := targets[i]
			spec := loadSpec{Target: t, Deployed: d, Mode: mode, Concurrency: o.concurrency,
				Warmup: o.warmup, Duration: o.duration, Rate: o.rate}
			fmt.Fprintf(stderr, "%s: %s polls of %s, %d sessions, round %d/%d: ", t.Name, mode, fmtSize(d.Size), o.concurrency, round+1, o.rounds)
			r, err := runLoad(ctx, p, spec)
			if err != nil {
				fmt.Fprintln(stderr, "failed")
				return nil, err
			}
			fmt.Fprintf(stderr, "%.0f polls/s, p50 %s, p99 %s, server %.1f µs/poll, other processes %.2f CPUs, %d errors\n",
				r.Throughput(), fmtDuration(r.Percentile(0.5)), fmtDuration(r.Percentile(0.99)),
				micros(r.PerPoll(r.ServerCPU)), r.OtherCPU.Seconds()/r.Elapsed.Seconds(), r.Errors)
			rounds[i] = append(rounds[i], r)
		}
	}
	out := make([]*loadResult, len(targets))
	for i, rs := range rounds {
		out[i] = mergeResults(rs)
	}
	return out, nil
}
