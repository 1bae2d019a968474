package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/jackc/pgx/v5"

	"github.com/appconfigd/appconfigd/agent"
)

// agentsOptions are the flags of the agents subcommand.
type agentsOptions struct {
	serverBin    string
	databaseURL  string
	replicas     int
	agents       int
	processes    int
	deployments  int
	pollInterval time.Duration
	waiters      int
	serverFlags  []string
}

// parseAgentsFlags reads the agents subcommand's command line.
func parseAgentsFlags(args []string, stderr io.Writer) (*agentsOptions, error) {
	o := &agentsOptions{}
	fs := flag.NewFlagSet("appconfigd-replicas-bench agents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.serverBin, "server-bin", "", "`path` of the appconfigd binary to run as replicas and as agent processes (required)")
	fs.StringVar(&o.databaseURL, "database-url", os.Getenv("APPCONFIGD_DATABASE_URL"), "PostgreSQL `URL` (postgres://…); a schema is created in it and dropped after (default $APPCONFIGD_DATABASE_URL)")
	fs.IntVar(&o.replicas, "replicas", 3, "replicas sharing the schema; agent k polls replica k mod N")
	fs.IntVar(&o.agents, "agents", 1000, "agents run in this process")
	fs.IntVar(&o.processes, "processes", 3, "`appconfigd agent` processes run besides them")
	fs.IntVar(&o.deployments, "deployments", 20, "deployments measured")
	fs.DurationVar(&o.pollInterval, "poll-interval", agent.DefaultPollInterval, "every agent's POLL_INTERVAL, in whole seconds")
	fs.IntVar(&o.waiters, "waiters", 10000, "waiting polls held open on replica A for the memory and fan-out measurement (0 skips it)")
	fs.Var(stringList{&o.serverFlags}, "server-flag", "extra `flag` for every replica (repeatable), e.g. --server-flag=--push-max-waiters=0")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := checkServerAndDatabase(fs, o.serverBin, o.databaseURL); err != nil {
		return nil, err
	}
	switch {
	case o.replicas < 1 || o.replicas > len(replicaNames):
		return nil, fmt.Errorf("--replicas must be from 1 to %d", len(replicaNames))
	case o.agents < 1 || o.processes < 0 || o.deployments < 1 || o.waiters < 0:
		return nil, errors.New("--agents and --deployments must be positive, --processes and --waiters not negative")
	case o.pollInterval < time.Second || o.pollInterval%time.Second != 0:
		return nil, errors.New("--poll-interval must be whole seconds, at least 1s (POLL_INTERVAL takes seconds)")
	}
	return o, nil
}

// flagValue returns the value the last of flags gives the server flag
// name (without dashes), in the --name=value or --name value forms, and
// whether one does.
func flagValue(flags []string, name string) (string, bool) {
	var v string
	var found bool
	for i, f := range flags {
		n, val, hasValue := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if n != name || !strings.HasPrefix(f, "-") {
			continue
		}
		switch {
		case hasValue:
			v, found = val, true
		case i+1 < len(flags):
			v, found = flags[i+1], true
		}
	}
	return v, found
}

// agentsServerFlags returns the flags every replica gets, besides those
// defaultServerFlags adds: room for every connection the run opens
// (--max-connections) and for every waiting poll (--push-max-waiters),
// unless the user set them.
func agentsServerFlags(o *agentsOptions, flags []string) []string {
	var extra []string
	if _, ok := flagValue(flags, "max-connections"); !ok {
		// Each in-process agent holds up to MAX_CONNECTIONS (3) connections,
		// and keeps them open for a while after it stops.
		extra = append(extra, "--max-connections="+strconv.Itoa(o.waiters+agent.DefaultMaxConnections*(o.agents+o.processes)+1000))
	}
	if _, ok := flagValue(flags, "push-max-waiters"); !ok {
		extra = append(extra, "--push-max-waiters="+strconv.Itoa(max(o.waiters, o.agents+o.processes)+1000))
	}
	return append(extra, flags...)
}

// waitersSkipped returns why the waiting-poll measurement cannot run with
// the replicas' flags, "" when it can.
func waitersSkipped(o *agentsOptions, flags []string) string {
	if o.waiters == 0 {
		return "--waiters 0"
	}
	if v, ok := flagValue(flags, "push-max-waiters"); ok {
		if n, err := strconv.Atoi(v); err != nil || n < o.waiters {
			return fmt.Sprintf("the replicas run with --push-max-waiters=%s, fewer than --waiters %d", v, o.waiters)
		}
	}
	return ""
}

// runAgents is `appconfigd-replicas-bench agents`: how long after a
// deployment is started through replica A a fleet of agents spread over
// the replicas serves it from their local APIs, and what a waiting poll
// costs the replica that holds it.
func runAgents(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseAgentsFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd-replicas-bench agents: %v\n", err)
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "appconfigd-replicas-bench agents: %v\n", err)
		return 1
	}
	files, err := raiseFileLimit()
	if err != nil {
		fmt.Fprintf(stderr, "raise the open-files limit: %v (it stays %d)\n", err, files)
	}
	flags, err := defaultServerFlags(ctx, o.serverBin, o.serverFlags)
	if err != nil {
		return fail(err)
	}
	flags = agentsServerFlags(o, flags)
	header, err := agentsHeader(ctx, o, flags, files)
	if err != nil {
		return fail(err)
	}
	fmt.Fprint(stdout, header)
	res, err := measureAgents(ctx, o, flags, stderr)
	if res != nil {
		res.report(stdout, o)
	}
	if err != nil {
		return fail(err)
	}
	if res.failed() {
		fmt.Fprintln(stderr, "appconfigd-replicas-bench agents: some agents or waiting polls never got a deployment; see the report")
		return 1
	}
	return 0
}

// raiseFileLimit raises this process's soft limit of open files to its
// hard limit, so that the waiting polls' connections fit; the replicas it
// starts inherit it. It returns the limit in force.
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

// agentsHeader returns the report's header: machine, database, binary
// and flags.
func agentsHeader(ctx context.Context, o *agentsOptions, flags []string, files uint64) (string, error) {
	conn, err := pgx.Connect(ctx, o.databaseURL)
	if err != nil {
		return "", fmt.Errorf("connect to --database-url: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var pgVersion string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion); err != nil {
		return "", fmt.Errorf("query the PostgreSQL version: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# appconfigd-replicas-bench agents\n\n")
	fmt.Fprintf(&b, "- date: %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- machine: %s, %d cores, %s memory, %s/%s; load average at start %s\n", cpuModel(), runtime.NumCPU(), memTotal(), runtime.GOOS, runtime.GOARCH, loadAverage())
	fmt.Fprintf(&b, "- bench built with %s; server and agent processes %s; open-files limit %d\n", runtime.Version(), o.serverBin, files)
	fmt.Fprintf(&b, "- PostgreSQL %s\n", pgVersion)
	fmt.Fprintf(&b, "- flags: --replicas %d --agents %d --processes %d --deployments %d --poll-interval %s --waiters %d",
		o.replicas, o.agents, o.processes, o.deployments, o.pollInterval, o.waiters)
	for _, f := range o.serverFlags {
		fmt.Fprintf(&b, " --server-flag=%s", f)
	}
	fmt.Fprintf(&b, "\n- every replica ran with: %s\n\n", strings.Join(flags, " "))
	return b.String(), nil
}

// agentsResult is what the agents subcommand measured.
type agentsResult struct {
	replicas []string // names
	// rampUp is how long the fleet took to start and hold the first
	// version.
	rampUp      time.Duration
	deployments []*deploymentResult
	// cpu is the CPU each replica used over the measured deployments, and
	// the split between replicas, bench and the rest of the machine.
	replicaCPU []time.Duration
	cpu        cpuUse
	loadAfter  string
	// warnings counts the agents' log messages at warn level and above,
	// by message.
	warnings map[string]int
	waiters  *waiterResult
}

// deploymentResult is one measured deployment.
type deploymentResult struct {
	version   string
	startCall time.Duration
	// waiting is each replica's appconfigd_waiting_polls just before.
	waiting []int
	// inProcess and processes are, per agent, how long after
	// StartDeployment was sent it served the version; -1 for never.
	inProcess []time.Duration
	processes []time.Duration
	// failures describes agents that never served the version or served
	// another.
	failures []string
	// cpu is what the replicas, the bench (its agents) and the rest of
	// the machine used from just before StartDeployment until the last
	// agent served the version.
	cpu cpuUse
}

// failed reports whether an agent or a waiting poll never got a
// deployment.
func (r *agentsResult) failed() bool {
	for _, d := range r.deployments {
		if len(d.failures) > 0 {
			return true
		}
	}
	return r.waiters != nil && r.waiters.failed()
}

// measureAgents starts the replicas and the fleet and measures.
func measureAgents(ctx context.Context, o *agentsOptions, flags []string, logs io.Writer) (res *agentsResult, err error) {
	s, err := createSchema(ctx, o.databaseURL)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.drop()) }()
	fmt.Fprintf(logs, "schema %s\n", s.name)
	c := &cluster{}
	defer func() {
		for _, r := range c.replicas {
			err = errors.Join(err, r.stop())
		}
	}()
	cfg := awsConfig(8)
	for i := range o.replicas {
		r, err := startReplica(ctx, replicaNames[i:i+1], o.serverBin, s.dsn, flags, logs)
		if err != nil {
			return nil, err
		}
		c.replicas = append(c.replicas, r)
		c.control = append(c.control, appconfig.NewFromConfig(cfg, func(o *appconfig.Options) { o.BaseEndpoint = aws.String(r.url) }))
		c.data = append(c.data, appconfigdata.NewFromConfig(cfg, func(o *appconfigdata.Options) { o.BaseEndpoint = aws.String(r.url) }))
		fmt.Fprintf(logs, "replica %s: %s (pid %d)\n", r.name, r.url, r.pid())
	}
	if err := c.setup(ctx); err != nil {
		return nil, fmt.Errorf("set up: %w", err)
	}
	res = &agentsResult{}
	for _, r := range c.replicas {
		res.replicas = append(res.replicas, r.name)
	}
	first, err := c.createVersion(ctx, "agents-0")
	if err != nil {
		return res, err
	}
	if _, err := c.startDeployment(ctx, first); err != nil {
		return res, err
	}

	f := &fleet{cluster: c, logs: logs}
	defer func() { err = errors.Join(err, f.stop()) }()
	started := time.Now()
	if err := f.start(ctx, o); err != nil {
		return res, err
	}
	fmt.Fprintf(logs, "waiting for every agent to hold version %d\n", first)
	if missing := f.await(ctx, strconv.Itoa(int(first)), time.Now().Add(2*o.pollInterval+30*time.Second)); missing != "" {
		return res, fmt.Errorf("the fleet never held the first version: %s", missing)
	}
	res.rampUp = time.Since(started)
	// One more poll interval, so that the fleet is as it runs: every
	// agent past its first fetch, with a poll waiting or, polling, on
	// its interval (the agents started spread over one interval).
	fmt.Fprintf(logs, "fleet holds version %d after %s; waiting %s for every agent to poll again\n", first, res.rampUp.Round(time.Millisecond), o.pollInterval+steadyMargin)
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(o.pollInterval + steadyMargin):
	}

	cpu0, err := c.sampleCPU()
	if err != nil {
		return res, err
	}
	replica0, err := replicaCPU(c)
	if err != nil {
		return res, err
	}
	for k := 1; k <= o.deployments; k++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		d, err := f.deploy(ctx, k, 2*o.pollInterval+30*time.Second)
		if d != nil {
			res.deployments = append(res.deployments, d)
			fmt.Fprintf(logs, "deployment %d (version %s): in-process %s, processes %s, %d failures\n", k, d.version,
				summarize(d.inProcess).brief(), summarize(d.processes).brief(), len(d.failures))
		}
		if err != nil {
			return res, err
		}
		// Every agent asks again at once after a change; let each
		// waiting poll be back in place before the next deployment.
		time.Sleep(time.Second)
	}
	cpu1, err := c.sampleCPU()
	if err != nil {
		return res, err
	}
	replica1, err := replicaCPU(c)
	if err != nil {
		return res, err
	}
	res.cpu = cpu1.since(cpu0)
	for i := range replica1 {
		res.replicaCPU = append(res.replicaCPU, replica1[i]-replica0[i])
	}
	res.loadAfter = loadAverage()
	res.warnings = f.inProcess.warningCounts()

	fmt.Fprintf(logs, "stopping the agents\n")
	if err := f.stop(); err != nil {
		return res, err
	}
	if why := waitersSkipped(o, flags); why != "" {
		res.waiters = &waiterResult{n: o.waiters, skipped: why}
		return res, nil
	}
	res.waiters, err = measureWaiters(ctx, c, o.waiters, logs)
	return res, err
}

// steadyMargin is how long past one poll interval after the fleet holds
// the first version the measured deployments wait to begin.
const steadyMargin = 3 * time.Second

// replicaCPU returns the CPU time each replica has used.
func replicaCPU(c *cluster) ([]time.Duration, error) {
	out := make([]time.Duration, len(c.replicas))
	for i, r := range c.replicas {
		var err error
		if out[i], err = cpuTime(r.pid()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// startDeployment starts, through replica A, an all-at-once deployment of
// version with the cluster's zero-duration, zero-bake strategy, and
// returns when it was sent. A deployment still in progress (the previous
// one, not yet marked complete) is waited out.
func (c *cluster) startDeployment(ctx context.Context, version int32) (time.Time, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		sent := time.Now()
		_, err := c.control[0].StartDeployment(ctx, &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(c.app),
			EnvironmentId:          aws.String(c.env),
			ConfigurationProfileId: aws.String(c.profile),
			ConfigurationVersion:   aws.String(strconv.Itoa(int(version))),
			DeploymentStrategyId:   aws.String(c.strategy),
		})
		var conflict *types.ConflictException
		if errors.As(err, &conflict) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if err != nil {
			return sent, fmt.Errorf("StartDeployment: %w", err)
		}
		return sent, nil
	}
}

// versionLog records when each agent of a group first served each
// version: for in-process agents, when the agent logged "new
// configuration" with it (agent/poller.go, record), which it does once
// the version is in the cache its local API serves from; for processes,
// when their local API first answered it.
type versionLog struct {
	mu      sync.Mutex
	first   []map[string]time.Time
	holders map[string]int
	// changed receives, without blocking, after each record.
	changed chan struct{}
	// warnings counts the messages at warn level and above, by message;
	// the first few are printed in full to progress.
	warnings map[string]int
	printed  int
	progress io.Writer
}

// warningsPrinted is how many agent warnings are shown in full.
const warningsPrinted = 20

// newVersionLog returns an empty log for n agents that prints the first
// warnings to progress (nil: none).
func newVersionLog(n int, progress io.Writer) *versionLog {
	l := &versionLog{
		first:    make([]map[string]time.Time, n),
		holders:  map[string]int{},
		changed:  make(chan struct{}, 1),
		warnings: map[string]int{},
		progress: progress,
	}
	for i := range l.first {
		l.first[i] = map[string]time.Time{}
	}
	return l
}

// record notes that agent i served version at at, unless it did before.
func (l *versionLog) record(i int, version string, at time.Time) {
	l.mu.Lock()
	if _, ok := l.first[i][version]; !ok {
		l.first[i][version] = at
		l.holders[version]++
	}
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// at returns when agent i first served version.
func (l *versionLog) at(i int, version string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.first[i][version]
	return t, ok
}

// count returns how many agents have served version.
func (l *versionLog) count(version string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holders[version]
}

// warn counts a warning of agent i and prints the first few.
func (l *versionLog) warn(i int, msg, detail string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warnings[msg]++
	if l.printed < warningsPrinted && l.progress != nil {
		l.printed++
		fmt.Fprintf(l.progress, "agent %d: %s%s\n", i, msg, detail)
		if l.printed == warningsPrinted {
			fmt.Fprintf(l.progress, "(further agent warnings are only counted)\n")
		}
	}
}

// warningCounts returns the warnings counted so far, by message.
func (l *versionLog) warningCounts() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.warnings)
}

// newConfigurationMessage is what the agent logs, at info level with the
// attribute versionAttr, when a poll brings a configuration it did not
// hold (agent/poller.go, record).
const (
	newConfigurationMessage = "new configuration"
	versionAttr             = "version"
)

// agentLogHandler is the slog.Handler of one in-process agent: it turns
// "new configuration" into a versionLog record and counts warnings.
// Everything else is dropped: a thousand agents logging to the terminal
// would measure the terminal.
type agentLogHandler struct {
	log *versionLog
	i   int
}

// Enabled implements slog.Handler: info and above, as the agent logs by
// default.
func (h agentLogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo
}

// Handle implements slog.Handler.
func (h agentLogHandler) Handle(_ context.Context, r slog.Record) error {
	at := r.Time
	if at.IsZero() {
		at = time.Now()
	}
	switch {
	case r.Message == newConfigurationMessage:
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == versionAttr {
				h.log.record(h.i, a.Value.String(), at)
				return false
			}
			return true
		})
	case r.Level >= slog.LevelWarn:
		var b strings.Builder
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
			return true
		})
		h.log.warn(h.i, r.Message, b.String())
	}
	return nil
}

// WithAttrs and WithGroup implement slog.Handler; the agent passes the
// version with the message, so attributes bound before do not matter.
func (h agentLogHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h agentLogHandler) WithGroup(string) slog.Handler      { return h }

// fleet is the agents under measurement: in-process agents and
// `appconfigd agent` processes, agent k on replica k mod N.
type fleet struct {
	cluster   *cluster
	logs      io.Writer
	key       agent.Key
	agents    []*agent.Agent
	inProcess *versionLog
	procs     []*agentProcess
	processes *versionLog

	cancel  context.CancelFunc
	running sync.WaitGroup
	stopped bool
}

// start starts o.agents agents in this process, spread evenly over one
// poll interval so that, as in a fleet, their polls are not in step, and
// o.processes agent processes; the processes' local APIs are polled every
// processPollGap from then on.
func (f *fleet) start(ctx context.Context, o *agentsOptions) error {
	c := f.cluster
	f.key = agent.Key{Application: c.app, Environment: c.env, Profile: c.profile}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f.cancel = cancel
	f.inProcess = newVersionLog(o.agents, f.logs)
	f.processes = newVersionLog(o.processes, f.logs)

	for j := range o.processes {
		r := c.replicas[j%len(c.replicas)]
		p, err := startAgentProcess(ctx, j, o.serverBin, r.url, f.key, o.pollInterval, f.logs)
		if err != nil {
			return err
		}
		f.procs = append(f.procs, p)
		fmt.Fprintf(f.logs, "agent process %d: %s on replica %s (pid %d)\n", j, p.url, r.name, p.cmd.Process.Pid)
		f.running.Go(func() { p.watch(runCtx, f.key, j, f.processes) })
	}

	id, secret := benchKey()
	awsCfgs := make([]aws.Config, len(c.replicas))
	for i, r := range c.replicas {
		awsCfgs[i] = aws.Config{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
			BaseEndpoint: aws.String(r.url),
		}
	}
	fmt.Fprintf(f.logs, "starting %d in-process agents over %s\n", o.agents, o.pollInterval)
	begin := time.Now()
	for i := range o.agents {
		if d := time.Until(begin.Add(o.pollInterval * time.Duration(i) / time.Duration(o.agents))); d > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		cfg := agent.DefaultConfig()
		cfg.PollInterval = o.pollInterval
		cfg.Prefetch = []agent.Key{f.key}
		a := agent.New(cfg, agent.NewDataClient(awsCfgs[i%len(awsCfgs)], cfg),
			slog.New(agentLogHandler{log: f.inProcess, i: i}), agent.SystemClock{})
		f.agents = append(f.agents, a)
		f.running.Go(func() {
			if err := a.Run(runCtx); err != nil {
				f.inProcess.warn(i, "agent stopped", " err="+err.Error())
			}
		})
		if (i+1)%max(o.agents/10, 1) == 0 {
			fmt.Fprintf(f.logs, "%d agents started\n", i+1)
		}
	}
	return nil
}

// await waits until every agent serves version or deadline passes, and
// returns "" or which agents do not.
func (f *fleet) await(ctx context.Context, version string, deadline time.Time) string {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		in, procs := f.inProcess.count(version), f.processes.count(version)
		if in == len(f.agents) && procs == len(f.procs) {
			return ""
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Sprintf("%d of %d in-process agents and %d of %d processes serve version %s", in, len(f.agents), procs, len(f.procs), version)
		}
		select {
		case <-ctx.Done():
		case <-f.inProcess.changed:
		case <-f.processes.changed:
		case <-tick.C:
		}
	}
}

// deploy creates the k-th version, deploys it through replica A and
// measures when each agent serves it, waiting at most timeout.
func (f *fleet) deploy(ctx context.Context, k int, timeout time.Duration) (*deploymentResult, error) {
	c := f.cluster
	number, err := c.createVersion(ctx, fmt.Sprintf("agents-%d", k))
	if err != nil {
		return nil, err
	}
	d := &deploymentResult{version: strconv.Itoa(int(number))}
	for _, r := range c.replicas {
		n, err := scrapeWaiting(ctx, r.url)
		if err != nil {
			fmt.Fprintf(f.logs, "replica %s: %v\n", r.name, err)
			n = -1
		}
		d.waiting = append(d.waiting, n)
	}
	cpu0, err := c.sampleCPU()
	if err != nil {
		return nil, err
	}
	t0, err := c.startDeployment(ctx, number)
	if err != nil {
		return nil, err
	}
	d.startCall = time.Since(t0)
	if missing := f.await(ctx, d.version, t0.Add(timeout)); missing != "" {
		d.failures = append(d.failures, "within "+timeout.String()+": "+missing)
	}
	cpu1, err := c.sampleCPU()
	if err != nil {
		return nil, err
	}
	d.cpu = cpu1.since(cpu0)
	collect := func(l *versionLog, n int, kind string) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			at, ok := l.at(i, d.version)
			if !ok {
				out[i] = -1
				d.failures = append(d.failures, fmt.Sprintf("%s %d never served version %s", kind, i, d.version))
				continue
			}
			out[i] = at.Sub(t0)
		}
		return out
	}
	d.inProcess = collect(f.inProcess, len(f.agents), "in-process agent")
	d.processes = collect(f.processes, len(f.procs), "agent process")
	// Confirm that what the log said is what each local API serves.
	path := "/applications/" + url.PathEscape(f.key.Application) + "/environments/" + url.PathEscape(f.key.Environment) +
		"/configurations/" + url.PathEscape(f.key.Profile)
	for i, a := range f.agents {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
		if got := rec.Result().Header.Get("Configuration-Version"); rec.Code != http.StatusOK || got != d.version {
			d.failures = append(d.failures, fmt.Sprintf("in-process agent %d answers status %d, Configuration-Version %q; want 200, %q", i, rec.Code, got, d.version))
		}
	}
	for j, p := range f.procs {
		if got := p.last.Load(); got == nil || *got != d.version {
			d.failures = append(d.failures, fmt.Sprintf("agent process %d last answered Configuration-Version %v; want %q", j, got, d.version))
		}
	}
	return d, nil
}

// stop stops every agent; it may be called more than once.
func (f *fleet) stop() error {
	if f.stopped {
		return nil
	}
	f.stopped = true
	if f.cancel != nil {
		f.cancel()
	}
	var err error
	for _, p := range f.procs {
		err = errors.Join(err, p.stop())
	}
	f.running.Wait()
	return err
}

// processPollGap is how often an agent process's local API is asked
// which version it serves.
const processPollGap = 5 * time.Millisecond

// agentProcess is one `appconfigd agent` child process.
type agentProcess struct {
	child
	// last is the Configuration-Version its local API last answered.
	last atomic.Pointer[string]
}

// agentServingLine is the first line `appconfigd agent` prints.
var agentServingLine = regexp.MustCompile(`^appconfigd agent is serving on (http://\S+)`)

// agentVariables are the variables of the agent and of the SDK that the
// bench sets or must not pass on from its own environment.
var agentVariables = regexp.MustCompile(`^(AWS_|HTTP_HOST=|HTTP_PORT=|POLL_INTERVAL=|PREFETCH_LIST=|BACKUP_DIRECTORY=|PRELOAD_BACKUPS=|LOCAL_DEVELOPMENT_DIRECTORY=|ACCESS_TOKEN=|REQUEST_TIMEOUT=|LOG_LEVEL=|SERVICE_REGION=|MAX_CONNECTIONS=)`)

// agentEnv returns the environment of agent process: the bench's own
// without any agent or AWS variable, then those that point it at
// endpoint.
func agentEnv(environ []string, endpoint string, key agent.Key, pollInterval time.Duration) []string {
	var env []string
	for _, kv := range environ {
		if !agentVariables.MatchString(kv) {
			env = append(env, kv)
		}
	}
	id, secret := benchKey()
	return append(env,
		"HTTP_PORT=0",
		"PREFETCH_LIST="+key.String(),
		"POLL_INTERVAL="+strconv.Itoa(int(pollInterval/time.Second)),
		"LOG_LEVEL=warn",
		"AWS_ENDPOINT_URL_APPCONFIGDATA="+endpoint,
		"AWS_ACCESS_KEY_ID="+id,
		"AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_REGION=us-east-1",
	)
}

// startAgentProcess starts `bin agent` polling endpoint for key, copies
// its standard error to logs, and returns once it has printed its
// address.
func startAgentProcess(ctx context.Context, j int, bin, endpoint string, key agent.Key, pollInterval time.Duration, logs io.Writer) (*agentProcess, error) {
	p := &agentProcess{child: child{label: "agent process " + strconv.Itoa(j), cmd: exec.Command(bin, "agent")}}
	p.cmd.Env = agentEnv(os.Environ(), endpoint, key, pollInterval)
	p.cmd.Stderr = &prefixWriter{prefix: p.label + ": ", w: logs}
	if err := p.start(ctx, agentServingLine, "address"); err != nil {
		return nil, err
	}
	return p, nil
}

// watch asks the process's local API for key every processPollGap until
// ctx ends, and records in l, as agent j, when each version was first
// answered.
func (p *agentProcess) watch(ctx context.Context, key agent.Key, j int, l *versionLog) {
	client := &http.Client{Timeout: 5 * time.Second}
	target := p.url + "/applications/" + url.PathEscape(key.Application) + "/environments/" + url.PathEscape(key.Environment) +
		"/configurations/" + url.PathEscape(key.Profile)
	tick := time.NewTicker(processPollGap)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return
		}
		resp, err := client.Do(req)
		at := time.Now()
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if v := resp.Header.Get("Configuration-Version"); resp.StatusCode == http.StatusOK && v != "" {
				p.last.Store(&v)
				l.record(j, v, at)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// waitingPollsMetric is the gauge of polls waiting for a change.
const waitingPollsMetric = "appconfigd_waiting_polls"

// scrapeWaiting returns a replica's appconfigd_waiting_polls. GET /metrics
// needs no signature when the metrics share the API's listener.
func scrapeWaiting(ctx context.Context, baseURL string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("scrape metrics: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("scrape metrics: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("scrape metrics: status %d", resp.StatusCode)
	}
	v, ok := gaugeValue(body, waitingPollsMetric)
	if !ok {
		return 0, fmt.Errorf("scrape metrics: no %s (a server without waiting polls?)", waitingPollsMetric)
	}
	return int(v), nil
}

// gaugeValue returns the value of the unlabelled sample name in a
// Prometheus text exposition.
func gaugeValue(exposition []byte, name string) (float64, bool) {
	for line := range strings.SplitSeq(string(exposition), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != name {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// residentMemory returns process pid's resident set size, VmRSS of
// /proc/PID/status (Linux only).
func residentMemory(pid int) (int64, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	return parseVmRSS(raw)
}

// parseVmRSS reads the VmRSS line of a /proc/PID/status, in bytes.
func parseVmRSS(status []byte) (int64, error) {
	for line := range strings.SplitSeq(string(status), "\n") {
		v, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse VmRSS %q: %w", strings.TrimSpace(v), err)
		}
		return kb << 10, nil
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

// waiterResult is what the waiting-poll measurement found.
type waiterResult struct {
	n       int
	skipped string
	// open is how long the n connections took to open and each to have
	// its poll waiting; reached is the gauge then.
	open    time.Duration
	reached int
	// rssBefore and rssWaiting are replica A's resident memory before the
	// connections opened and once they all waited.
	rssBefore, rssWaiting int64
	// early counts polls that ended before the deployment, by reason.
	early map[string]int
	// startCall is the StartDeployment call; answers how long after it
	// was sent each waiting poll got the version (sorted); all when the
	// last did; missed counts those that never did.
	startCall time.Duration
	answers   []time.Duration
	all       time.Duration
	missed    map[string]int
	// cpu is replica A's CPU time from just before StartDeployment until
	// the last answer arrived.
	cpu time.Duration
}

// failed reports whether a waiting poll ended early or never got the
// deployment.
func (w *waiterResult) failed() bool {
	return w.skipped == "" && (len(w.early) > 0 || len(w.missed) > 0 || len(w.answers) < w.n)
}

// signingService is the name AppConfigData requests are signed for, as
// aws-sdk-go-v2 signs them.
const signingService = "appconfig"

// emptyPayloadHash is the SHA-256 of an empty body.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// waitSecondsAsked is the Appconfigd-Wait-For-Change each poll asks for:
// the most a server waits (docs/WIRE.md §2.5).
const waitSecondsAsked = "60"

// waitAnswerMargin is how long past the wait a waiting poll's answer may
// take before the connection counts as broken.
const waitAnswerMargin = 30 * time.Second

// waiterSetupWorkers bound the connections being set up at once.
const waiterSetupWorkers = 32

// waiters holds n waiting polls on one replica over raw HTTP/1.1
// keep-alive connections, one session each.
type waiters struct {
	host     string
	signer   *v4.Signer
	creds    aws.Credentials
	session  []byte
	sessHash string
	// target is the label of the version deployed, "" before.
	target atomic.Pointer[string]
	exits  chan waiterExit

	mu    sync.Mutex
	conns []net.Conn
}

// waiterExit is how one connection's waiting ended: with the deployed
// version at at, or for reason.
type waiterExit struct {
	at       time.Time
	answered bool
	reason   string
	// afterTarget says it ended after the deployment started.
	afterTarget bool
}

// measureWaiters opens n connections to replica A, each with its own
// session and one waiting poll, reads A's memory once all wait, then
// deploys a new version and measures the fan-out.
func measureWaiters(ctx context.Context, c *cluster, n int, logs io.Writer) (*waiterResult, error) {
	a := c.replicas[0]
	u, err := url.Parse(a.url)
	if err != nil {
		return nil, err
	}
	res := &waiterResult{n: n, early: map[string]int{}, missed: map[string]int{}}
	body, err := json.Marshal(map[string]string{
		"ApplicationIdentifier":          c.app,
		"EnvironmentIdentifier":          c.env,
		"ConfigurationProfileIdentifier": c.profile,
	})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	id, secret := benchKey()
	w := &waiters{
		host:     u.Host,
		signer:   v4.NewSigner(),
		creds:    aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		session:  body,
		sessHash: hex.EncodeToString(sum[:]),
		exits:    make(chan waiterExit, n),
	}
	runCtx, cancel := context.WithCancel(ctx)
	var running sync.WaitGroup
	defer func() {
		cancel()
		w.closeAll()
		running.Wait()
	}()

	// Let the replica finish with the polls the stopped agents left.
	time.Sleep(2 * time.Second)
	if res.rssBefore, err = residentMemory(a.pid()); err != nil {
		return nil, err
	}
	fmt.Fprintf(logs, "waiters: opening %d connections to replica A (resident memory %s)\n", n, mib(res.rssBefore))
	begin := time.Now()
	sem := make(chan struct{}, waiterSetupWorkers)
	for range n {
		running.Go(func() { w.run(runCtx, sem) })
	}
	// Every poll waits once the gauge counts all but those that ended.
	deadline := begin.Add(3*time.Minute + time.Duration(n)*time.Millisecond)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	early := 0
	lastReport := begin
	for {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case e := <-w.exits:
			early++
			res.early[e.reason]++
			continue
		case <-tick.C:
		}
		waiting, err := scrapeWaiting(ctx, a.url)
		if err != nil {
			return res, err
		}
		if time.Since(lastReport) >= 5*time.Second {
			fmt.Fprintf(logs, "waiters: %d waiting, %d ended\n", waiting, early)
			lastReport = time.Now()
		}
		if waiting >= n-early && n-early > 0 {
			res.open, res.reached = time.Since(begin), waiting
			break
		}
		if early == n {
			return res, fmt.Errorf("no poll waits: %v", res.early)
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("only %d of %d polls wait after %s (%d ended: %v)", waiting, n, time.Since(begin).Round(time.Second), early, res.early)
		}
	}
	if res.rssWaiting, err = residentMemory(a.pid()); err != nil {
		return res, err
	}
	fmt.Fprintf(logs, "waiters: %d waiting after %s; resident memory %s\n", res.reached, res.open.Round(time.Millisecond), mib(res.rssWaiting))

	label := "waiters"
	number, err := c.createVersion(ctx, label)
	if err != nil {
		return res, err
	}
	w.target.Store(&label)
	cpu0, err := cpuTime(a.pid())
	if err != nil {
		return res, err
	}
	t0, err := c.startDeployment(ctx, number)
	if err != nil {
		return res, err
	}
	res.startCall = time.Since(t0)
	timeout := time.NewTimer(60*time.Second + waitAnswerMargin)
	defer timeout.Stop()
	var last time.Time
	for got := early; got < n; {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-timeout.C:
			res.missed["no answer within 90s"] += n - got
			got = n
			continue
		case e := <-w.exits:
			got++
			switch {
			case e.answered:
				res.answers = append(res.answers, e.at.Sub(t0))
				if e.at.After(last) {
					last = e.at
				}
			case e.afterTarget:
				res.missed[e.reason]++
			default:
				res.early[e.reason]++
			}
		}
	}
	cpu1, err := cpuTime(a.pid())
	if err != nil {
		return res, err
	}
	res.cpu = cpu1 - cpu0
	if !last.IsZero() {
		res.all = last.Sub(t0)
	}
	slices.Sort(res.answers)
	fmt.Fprintf(logs, "waiters: %d answered, the last after %s; replica A used %s of CPU\n", len(res.answers), ms(res.all), ms(res.cpu))
	return res, nil
}

// mib formats a byte count in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// closeAll closes every connection, which ends the polls waiting on them.
func (w *waiters) closeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.conns {
		c.Close()
	}
	w.conns = nil
}

// run opens one connection, starts a session, takes the current version
// with a first poll, then sends waiting polls, each after the previous
// ended unchanged, until one brings the target version; it reports how it
// ended on w.exits. sem bounds the setups in progress.
func (w *waiters) run(ctx context.Context, sem chan struct{}) {
	exit := func(e waiterExit) {
		e.afterTarget = w.target.Load() != nil
		w.exits <- e
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		exit(waiterExit{reason: "cancelled"})
		return
	}
	conn, token, err := w.setup(ctx)
	<-sem
	if err != nil {
		exit(waiterExit{reason: "set-up: " + classifyRaw(err)})
		return
	}
	for {
		st, h, body, err := conn.roundTrip(ctx, w.pollRequest(ctx, token, true), time.Now().Add(60*time.Second+waitAnswerMargin))
		at := time.Now()
		switch {
		case err != nil:
			exit(waiterExit{reason: "waiting poll: " + classifyRaw(err)})
			return
		case st != http.StatusOK:
			exit(waiterExit{reason: fmt.Sprintf("waiting poll: HTTP %d %s", st, errorType(body))})
			return
		case h.Get("Appconfigd-Wait-For-Change") == "":
			exit(waiterExit{reason: "waiting poll: the server does not wait (no Appconfigd-Wait-For-Change in the answer)"})
			return
		case h.Get("Appconfigd-Wait-For-Change") == "0":
			exit(waiterExit{reason: "waiting poll: refused, as many polls wait as the server allows"})
			return
		}
		if target := w.target.Load(); target != nil && h.Get("Version-Label") == *target {
			exit(waiterExit{at: at, answered: true})
			return
		}
		if token = h.Get("Next-Poll-Configuration-Token"); token == "" {
			exit(waiterExit{reason: "waiting poll: no Next-Poll-Configuration-Token"})
			return
		}
	}
}

// setup opens a connection, starts a session on it and polls once
// without waiting, and returns the connection and the next token.
func (w *waiters) setup(ctx context.Context) (*rawConn, string, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", w.host)
	if err != nil {
		return nil, "", err
	}
	w.mu.Lock()
	w.conns = append(w.conns, nc)
	w.mu.Unlock()
	conn := &rawConn{c: nc, br: bufio.NewReaderSize(nc, 2048)}
	deadline := time.Now().Add(30 * time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+w.host+"/configurationsessions", bytes.NewReader(w.session))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := w.signer.SignHTTP(ctx, w.creds, req, w.sessHash, signingService, "us-east-1", time.Now().UTC()); err != nil {
		return nil, "", err
	}
	st, _, body, err := conn.roundTrip(ctx, req, deadline)
	if err != nil {
		return nil, "", err
	}
	if st != http.StatusCreated {
		return nil, "", fmt.Errorf("StartConfigurationSession: HTTP %d %s", st, errorType(body))
	}
	var out struct{ InitialConfigurationToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.InitialConfigurationToken == "" {
		return nil, "", fmt.Errorf("StartConfigurationSession: no InitialConfigurationToken in %q", body)
	}
	st, h, body, err := conn.roundTrip(ctx, w.pollRequest(ctx, out.InitialConfigurationToken, false), deadline)
	if err != nil {
		return nil, "", err
	}
	if st != http.StatusOK {
		return nil, "", fmt.Errorf("GetLatestConfiguration: HTTP %d %s", st, errorType(body))
	}
	return conn, h.Get("Next-Poll-Configuration-Token"), nil
}

// pollRequest returns a signed GetLatestConfiguration with token, asking
// to wait for a change when wait is set.
func (w *waiters) pollRequest(ctx context.Context, token string, wait bool) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+w.host+"/configuration?configuration_token="+url.QueryEscape(token), nil)
	if err != nil {
		panic(err) // the URL is built from a parsed host and an escaped token
	}
	if wait {
		req.Header.Set("Appconfigd-Wait-For-Change", waitSecondsAsked)
	}
	if err := w.signer.SignHTTP(ctx, w.creds, req, emptyPayloadHash, signingService, "us-east-1", time.Now().UTC()); err != nil {
		panic(err) // static credentials and a well-formed request
	}
	return req
}

// rawConn is one keep-alive HTTP/1.1 connection spoken directly
// (http.Request.Write and http.ReadResponse), so that each waiting poll
// holds exactly one connection of its own.
type rawConn struct {
	c  net.Conn
	br *bufio.Reader
}

// roundTrip sends req and reads the whole answer before deadline.
func (c *rawConn) roundTrip(ctx context.Context, req *http.Request, deadline time.Time) (int, http.Header, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, err
	}
	_ = c.c.SetDeadline(deadline)
	if err := req.Write(c.c); err != nil {
		return 0, nil, nil, err
	}
	resp, err := http.ReadResponse(c.br, req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	if resp.Close {
		return resp.StatusCode, resp.Header, body, errors.New("the server closed the connection")
	}
	return resp.StatusCode, resp.Header, body, nil
}

// classifyRaw names the kind of a failed exchange.
func classifyRaw(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	default:
		return err.Error()
	}
}

// errorType returns the __type of an AWS JSON error body, else its start.
func errorType(body []byte) string {
	var e struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(body, &e) == nil && e.Type != "" {
		return e.Type
	}
	if len(body) > 100 {
		body = body[:100]
	}
	return string(body)
}

// distribution summarizes latencies: count, p50, p90, p99 and max of
// those observed (negative ones, agents that never served, left out).
type distribution struct {
	n                  int
	p50, p90, p99, max time.Duration
}

// summarize returns the distribution of ds.
func summarize(ds []time.Duration) distribution {
	var s []time.Duration
	for _, d := range ds {
		if d >= 0 {
			s = append(s, d)
		}
	}
	slices.Sort(s)
	if len(s) == 0 {
		return distribution{}
	}
	return distribution{n: len(s), p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[len(s)-1]}
}

// cells formats n | p50 | p90 | p99 | max as table cells.
func (d distribution) cells() string {
	if d.n == 0 {
		return "0 | – | – | – | –"
	}
	return fmt.Sprintf("%d | %s | %s | %s | %s", d.n, ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max))
}

// brief formats p50 / p99 / max for progress lines.
func (d distribution) brief() string {
	if d.n == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s, p99 %s, max %s", ms(d.p50), ms(d.p99), ms(d.max))
}

// agentsTarget is the goal measured: a deployment started through one
// replica is served by 1,000 agents' local APIs within 250 ms p99.
const agentsTarget = 250 * time.Millisecond

// report writes the results as markdown.
func (r *agentsResult) report(w io.Writer, o *agentsOptions) {
	fmt.Fprintf(w, "## Agents: StartDeployment sent to replica A until each agent's local API serves the version\n\n")
	fmt.Fprintf(w, "%d agents in this process (agent.New with the SDK client, logs captured) and %d `appconfigd agent` processes; agent k polls replica k mod %d with POLL_INTERVAL=%s. The in-process agents started spread over one poll interval; the fleet held the first version %s after the first started, and the measurement began one poll interval and %s later, once every agent had polled again and the fleet ran as it does in steady state. Times from just before StartDeployment was sent: for an in-process agent until it logged the version as new (then confirmed by a GET through its handler), for a process until its local API, asked every %s, answered it. Zero-duration, zero-bake strategy; 1 s between deployments.\n\n",
		o.agents, o.processes, len(r.replicas), o.pollInterval, r.rampUp.Round(time.Millisecond), steadyMargin, processPollGap)
	fmt.Fprintf(w, "| deployment | version | waiting polls before (%s) | StartDeployment call | in-process n | p50 | p90 | p99 | max | processes n | p50 | p90 | p99 | max | failures |\n",
		strings.Join(r.replicas, " / "))
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var allIn, allProc, calls []time.Duration
	byReplica := make([][]time.Duration, len(r.replicas))
	for k, d := range r.deployments {
		waiting := make([]string, len(d.waiting))
		for i, n := range d.waiting {
			waiting[i] = strconv.Itoa(n)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %d |\n", k+1, d.version, strings.Join(waiting, " / "), ms(d.startCall),
			summarize(d.inProcess).cells(), summarize(d.processes).cells(), len(d.failures))
		allIn = append(allIn, d.inProcess...)
		allProc = append(allProc, d.processes...)
		calls = append(calls, d.startCall)
		for i, t := range d.inProcess {
			byReplica[i%len(byReplica)] = append(byReplica[i%len(byReplica)], t)
		}
	}
	cs := summarize(calls)
	fmt.Fprintf(w, "| **all** | | | p50 %s | %s | %s | |\n\n", ms(cs.p50), summarize(allIn).cells(), summarize(allProc).cells())

	fmt.Fprintf(w, "CPU time from just before StartDeployment until the last agent served the version (10 ms ticks), on the machine's %d cores: the fleet runs beside the replicas, so the agents' own work (reading each answer, signing and sending the next poll) competes with the replicas' for the same cores.\n\n", runtime.NumCPU())
	fmt.Fprintf(w, "| deployment | wall | replicas | bench (in-process agents) | rest of machine (PostgreSQL, agent processes, other work) |\n|---|---|---|---|---|\n")
	var cpuSum cpuUse
	for k, d := range r.deployments {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n", k+1, ms(d.cpu.wall), ms(d.cpu.replicas), ms(d.cpu.bench), ms(d.cpu.other))
		cpuSum.wall += d.cpu.wall
		cpuSum.replicas += d.cpu.replicas
		cpuSum.bench += d.cpu.bench
		cpuSum.other += d.cpu.other
	}
	if n := time.Duration(len(r.deployments)); n > 0 {
		fmt.Fprintf(w, "| **mean** | %s | %s | %s | %s |\n", ms(cpuSum.wall/n), ms(cpuSum.replicas/n), ms(cpuSum.bench/n), ms(cpuSum.other/n))
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "In-process agents by the replica they poll (all deployments):\n\n| replica | n | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|\n")
	for i, ds := range byReplica {
		fmt.Fprintf(w, "| %s | %s |\n", r.replicas[i], summarize(ds).cells())
	}
	fmt.Fprintln(w)
	in := summarize(allIn)
	verdict := "met"
	if in.n == 0 || in.p99 >= agentsTarget || r.failed() {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "- target: %d agents over %d replicas serve a deployment within %s p99; measured p99 %s over %d agents × %d deployments → %s\n",
		o.agents, len(r.replicas), ms(agentsTarget), ms(in.p99), o.agents, len(r.deployments), verdict)
	for _, d := range r.deployments {
		for i, f := range d.failures {
			if i == 10 {
				fmt.Fprintf(w, "  - version %s: … %d more\n", d.version, len(d.failures)-i)
				break
			}
			fmt.Fprintf(w, "  - version %s: %s\n", d.version, f)
		}
	}
	if len(r.warnings) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(r.warnings)) {
			parts = append(parts, fmt.Sprintf("%q × %d", k, r.warnings[k]))
		}
		fmt.Fprintf(w, "- in-process agents' warnings: %s\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintf(w, "- in-process agents' warnings: none\n")
	}

	fmt.Fprintf(w, "\n## Server CPU over the measured deployments\n\n")
	fmt.Fprintf(w, "Over %s (the %d deployments, the waits between them and the agents' polls meanwhile); load average at the end %s.\n\n",
		r.cpu.wall.Round(time.Millisecond), len(r.deployments), r.loadAfter)
	fmt.Fprintf(w, "| replica | CPU time | cores | CPU time ÷ deployments |\n|---|---|---|---|\n")
	for i, d := range r.replicaCPU {
		cores := 0.0
		if r.cpu.wall > 0 {
			cores = d.Seconds() / r.cpu.wall.Seconds()
		}
		fmt.Fprintf(w, "| %s | %s | %.3f | %s |\n", r.replicas[i], ms(d), cores, ms(d/time.Duration(max(len(r.deployments), 1))))
	}
	fmt.Fprintf(w, "\nCores used on average, replicas / bench (with its in-process agents) / rest of the machine (PostgreSQL, agent processes): %s\n", r.cpu.cores())

	wr := r.waiters
	if wr == nil {
		return
	}
	fmt.Fprintf(w, "\n## Waiting polls on one replica\n\n")
	if wr.skipped != "" {
		fmt.Fprintf(w, "Skipped: %s.\n", wr.skipped)
		return
	}
	fmt.Fprintf(w, "After the agents stopped: %d raw HTTP/1.1 keep-alive connections to replica A, each with its own session, a first poll taking the current version and then a SigV4-signed poll with `Appconfigd-Wait-For-Change: %s` (sent again whenever one ended unchanged). Resident memory (VmRSS) before the connections opened and once `%s` counted them all; then one deployment of a new version through A (the other replicas idle).\n\n",
		wr.n, waitSecondsAsked, waitingPollsMetric)
	perPoll := "–"
	if wr.reached > 0 {
		perPoll = fmt.Sprintf("%.1f KiB", float64(wr.rssWaiting-wr.rssBefore)/float64(wr.reached)/1024)
	}
	fmt.Fprintf(w, "| waiting polls | time to open and wait | RSS before | RSS waiting | RSS per waiting poll |\n|---|---|---|---|---|\n")
	fmt.Fprintf(w, "| %d | %s | %s | %s | %s |\n\n", wr.reached, wr.open.Round(time.Millisecond), mib(wr.rssBefore), mib(wr.rssWaiting), perPoll)
	a := summarize(wr.answers)
	perWaiter := "–"
	if len(wr.answers) > 0 {
		perWaiter = us(wr.cpu / time.Duration(len(wr.answers)))
	}
	fmt.Fprintf(w, "| answered | StartDeployment call | p50 | p90 | p99 | all answered | replica A CPU, StartDeployment to last answer | per waiting poll |\n|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(w, "| %d of %d | %s | %s | %s | %s | %s | %s | %s |\n", len(wr.answers), wr.n, ms(wr.startCall), ms(a.p50), ms(a.p90), ms(a.p99), ms(wr.all), ms(wr.cpu), perWaiter)
	if len(wr.early) > 0 {
		fmt.Fprintf(w, "\n- ended before the deployment: %v\n", wr.early)
	}
	if len(wr.missed) > 0 {
		fmt.Fprintf(w, "- never got the version: %v\n", wr.missed)
	}
}
