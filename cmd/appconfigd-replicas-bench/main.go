// Command appconfigd-replicas-bench measures appconfigd replicas that share
// one PostgreSQL schema, for docs/REPLICAS.md.
//
//	appconfigd-replicas-bench --server-bin PATH --database-url URL
//	    [--replicas 1,3] [--iterations 50] [--duration 10s] [--warmup 2s]
//	    [--concurrency 32] [--poll-gap 0] [--server-flag FLAG]...
//
// For each replica count N it creates a schema of its own in the database
// --database-url names, starts N appconfigd binaries on it as child
// processes (each with its own --data directory, the schema as
// search_path, one admin access key given through the environment and,
// when the binary has the flag, --rate-limit=0), sets them up through
// replica A with the AWS SDK (aws-sdk-go-v2, SigV4-signed) and measures:
//
//   - propagation: --iterations times, it creates a hosted version and
//     starts a zero-duration, zero-bake deployment of it through replica A,
//     while one goroutine per replica polls a session started on that
//     replica with its initial token (which returns the whole configuration
//     every time) in a tight loop (or every --poll-gap); it reports how long
//     after StartDeployment
//     was sent each replica first returned the new version, and when the
//     last of them did.
//   - throughput: --concurrency workers, each with a session of its own on
//     replica (worker mod N), poll with their next tokens, unchanged, as
//     fast as they can for --duration after --warmup; it reports requests
//     per second, latency percentiles and CPU time per request.
//
// The load generator, the replicas and PostgreSQL share one machine, so the
// throughput numbers say how the work splits, not how replicas scale on
// machines of their own. It prints markdown on standard output, progress on
// standard error, and drops its schemas when done. It exits non-zero when
// a request fails or a replica never serves a deployment.
//
//	appconfigd-replicas-bench catalog [--apps 100,10000] [--writes 200]
//	    [--iterations 50] [--replicas 3] [--database-url URL]
//
// measures instead the control plane as the catalog grows, in this process
// (catalog.go; docs/PERFORMANCE.md, "A catalog of 10,000 applications").
//
//	appconfigd-replicas-bench agents --server-bin PATH --database-url URL
//	    [--replicas 3] [--agents 1000] [--processes 3] [--deployments 20]
//	    [--poll-interval 45s] [--waiters 10000] [--server-flag FLAG]...
//
// measures how soon a fleet of agents learns of a deployment through
// waiting polls (docs/WIRE.md §2.5; agents.go): it starts the replicas,
// --agents agents in this process (package agent, each with its own SDK
// client, agent k on replica k mod N) and --processes `appconfigd agent`
// processes, then --deployments times deploys a new version through
// replica A all at once and reports how long after StartDeployment was
// sent each agent's local API served it, with each replica's waiting polls
// and CPU. Then, with the agents stopped, it holds --waiters waiting polls
// on replica A over raw keep-alive connections and reports the resident
// memory each costs, and the time and CPU the replica takes to answer them
// all when a version is deployed. --server-flag=--push-max-waiters=0
// measures the same fleet polling at its interval instead.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	serverBin   string
	databaseURL string
	replicas    []int
	iterations  int
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	pollGap     time.Duration
	serverFlags []string
}

// intList is a comma-separated list of positive integers.
type intList struct{ v *[]int }

func (l intList) String() string {
	if l.v == nil {
		return ""
	}
	s := make([]string, len(*l.v))
	for i, n := range *l.v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func (l intList) Set(s string) error {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 26 {
			return fmt.Errorf("want replica counts from 1 to 26, got %q", f)
		}
		out = append(out, n)
	}
	*l.v = out
	return nil
}

// stringList is a repeatable string flag.
type stringList struct{ v *[]string }

func (l stringList) String() string {
	if l.v == nil {
		return ""
	}
	return strings.Join(*l.v, " ")
}

func (l stringList) Set(s string) error {
	*l.v = append(*l.v, s)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{replicas: []int{1, 3}}
	fs := flag.NewFlagSet("appconfigd-replicas-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.serverBin, "server-bin", "", "`path` of the appconfigd binary to run (required)")
	fs.StringVar(&o.databaseURL, "database-url", os.Getenv("APPCONFIGD_DATABASE_URL"), "PostgreSQL `URL` (postgres://…); a schema is created in it for each run and dropped after (default $APPCONFIGD_DATABASE_URL)")
	fs.Var(intList{&o.replicas}, "replicas", "comma-separated replica `counts` to measure")
	fs.IntVar(&o.iterations, "iterations", 50, "deployments measured for propagation per replica count")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long the throughput measurement lasts")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured polling before the throughput measurement")
	fs.IntVar(&o.concurrency, "concurrency", 32, "concurrent polling sessions for the throughput measurement")
	fs.DurationVar(&o.pollGap, "poll-gap", 0, "pause between two polls of a replica while waiting for a deployment (0: a tight loop)")
	fs.Var(stringList{&o.serverFlags}, "server-flag", "extra `flag` for every appconfigd (repeatable), e.g. --server-flag=--rate-limit=1000")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := checkServerAndDatabase(fs, o.serverBin, o.databaseURL); err != nil {
		return nil, err
	}
	switch {
	case o.iterations < 1 || o.concurrency < 1 || o.duration <= 0 || o.warmup < 0 || o.pollGap < 0:
		return nil, errors.New("--iterations, --concurrency and --duration must be positive, --warmup and --poll-gap not negative")
	}
	return o, nil
}

// checkServerAndDatabase checks what every mode's command line needs: no
// argument left over, the binary to run and a PostgreSQL URL.
func checkServerAndDatabase(fs *flag.FlagSet, serverBin, databaseURL string) error {
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case serverBin == "":
		return errors.New("--server-bin is required (go build -o /tmp/appconfigd ./cmd/appconfigd)")
	case databaseURL == "":
		return errors.New("--database-url is required, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	case !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://"):
		return errors.New("--database-url must be a postgres:// URL")
	}
	return nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "catalog" {
		return runCatalog(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "agents" {
		return runAgents(ctx, args[1:], stdout, stderr)
	}
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd-replicas-bench: %v\n", err)
		return 2
	}
	if o.serverFlags, err = defaultServerFlags(ctx, o.serverBin, o.serverFlags); err != nil {
		fmt.Fprintf(stderr, "appconfigd-replicas-bench: %v\n", err)
		return 1
	}
	env, err := describeEnvironment(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd-replicas-bench: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, env)

	var results []*result
	failed := false
	for _, n := range o.replicas {
		fmt.Fprintf(stderr, "== %d replica(s)\n", n)
		r, err := measure(ctx, o, n, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "appconfigd-replicas-bench: %d replica(s): %v\n", n, err)
			failed = true
			if ctx.Err() != nil {
				break
			}
		}
		if r != nil {
			results = append(results, r)
			failed = failed || r.failed()
		}
	}
	report(stdout, o, results)
	if failed {
		return 1
	}
	return 0
}
