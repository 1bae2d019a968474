package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	datatypes "github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// warmupIterations are deployments made, and not measured, before the
// propagation measurement.
const warmupIterations = 3

// propagationDeadline is how long a replica may take to serve a
// deployment before the iteration counts as failed.
const propagationDeadline = 10 * time.Second

// settle is the pause between two measured deployments, so that each
// starts on a quiet system.
const settle = 100 * time.Millisecond

// result is what one replica count measured.
type result struct {
	replicas int

	// StartDeployment call latencies, one per iteration.
	startCall []time.Duration
	// perReplica[i] holds, per iteration, how long after StartDeployment
	// was sent replica i first served the new version.
	perReplica [][]time.Duration
	// every holds, per iteration, when the last replica did.
	every []time.Duration
	// lag holds, per iteration, every minus the StartDeployment call: how
	// long after StartDeployment returned the last replica served the
	// version (negative when all did before the response arrived).
	lag []time.Duration
	// propagationErrors describes iterations some replica failed.
	propagationErrors []string
	// propagationCPU is the CPU the replicas, the bench and everything
	// else used during the propagation measurement, and how long it took.
	propagationCPU cpuUse

	// Throughput.
	polls         int
	window        time.Duration
	latencies     []time.Duration
	pollErrs      map[string]int
	throughputCPU cpuUse
	// loadBefore is the load average when the replicas were started.
	loadBefore string
	// idleCPU is the CPU time the replicas used together during
	// idleWindow with no request in flight.
	idleCPU time.Duration
}

// idleWindow is how long the replicas are watched doing nothing.
const idleWindow = 3 * time.Second

func (r *result) failed() bool {
	return len(r.propagationErrors) > 0 || len(r.pollErrs) > 0
}

// cluster is the running replicas and clients for each.
type cluster struct {
	replicas []*replica
	control  []*appconfig.Client
	data     []*appconfigdata.Client
	app      string
	env      string
	profile  string
	strategy string
}

// benchKey returns the access key the bench signs with and gives every
// replica as its admin key: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// when both are set, else a fixed one.
func benchKey() (id, secret string) {
	id, secret = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "AKIDREPLICASBENCH", "appconfigd-replicas-bench-secret"
	}
	return id, secret
}

// awsConfig returns the SDK configuration: the bench's key, no retries so
// that every failure counts, and an HTTP client that keeps enough idle
// connections for every worker.
func awsConfig(conns int) aws.Config {
	id, secret := benchKey()
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns = conns * 2
			tr.MaxIdleConnsPerHost = conns
		}),
	}
}

// measure runs both measurements with n replicas.
func measure(ctx context.Context, o *options, n int, logs io.Writer) (res *result, err error) {
	s, err := createSchema(ctx, o.databaseURL)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, s.drop()) }()
	fmt.Fprintf(logs, "schema %s\n", s.name)

	load := loadAverage()
	c := &cluster{}
	defer func() {
		for _, r := range c.replicas {
			err = errors.Join(err, r.stop())
		}
	}()
	cfg := awsConfig(o.concurrency + 8)
	for i := range n {
		r, err := startReplica(ctx, replicaNames[i:i+1], o.serverBin, s.dsn, o.serverFlags, logs)
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
	res = &result{replicas: n, pollErrs: map[string]int{}, loadBefore: load}
	fmt.Fprintf(logs, "idle: %s without requests\n", idleWindow)
	if res.idleCPU, err = c.idle(ctx); err != nil {
		return res, err
	}
	fmt.Fprintf(logs, "propagation: %d deployments through A\n", o.iterations)
	if err := c.propagation(ctx, o.iterations, o.pollGap, res); err != nil {
		return res, err
	}
	fmt.Fprintf(logs, "throughput: %d sessions for %s after %s of warm-up\n", o.concurrency, o.duration, o.warmup)
	if err := c.throughput(ctx, o, res); err != nil {
		return res, err
	}
	return res, nil
}

// setup creates, through replica A, an application, an environment, a
// hosted profile and a zero-duration, zero-bake strategy, and waits until
// every replica knows them.
func (c *cluster) setup(ctx context.Context) error {
	a := c.control[0]
	app, err := a.CreateApplication(ctx, &appconfig.CreateApplicationInput{Name: aws.String("bench")})
	if err != nil {
		return err
	}
	c.app = aws.ToString(app.Id)
	env, err := a.CreateEnvironment(ctx, &appconfig.CreateEnvironmentInput{ApplicationId: app.Id, Name: aws.String("bench")})
	if err != nil {
		return err
	}
	c.env = aws.ToString(env.Id)
	profile, err := a.CreateConfigurationProfile(ctx, &appconfig.CreateConfigurationProfileInput{
		ApplicationId: app.Id, Name: aws.String("bench"), LocationUri: aws.String("hosted"),
	})
	if err != nil {
		return err
	}
	c.profile = aws.ToString(profile.Id)
	strategy, err := a.CreateDeploymentStrategy(ctx, &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("bench-instant"),
		DeploymentDurationInMinutes: aws.Int32(0),
		FinalBakeTimeInMinutes:      0,
		GrowthFactor:                aws.Float32(100),
		GrowthType:                  types.GrowthTypeLinear,
	})
	if err != nil {
		return err
	}
	c.strategy = aws.ToString(strategy.Id)
	for i := range c.replicas {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := c.startSession(ctx, i)
			if err == nil {
				break
			}
			var nf *datatypes.ResourceNotFoundException
			if !errors.As(err, &nf) || time.Now().After(deadline) {
				return fmt.Errorf("replica %s: %w", c.replicas[i].name, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

// cpuUse is CPU time used during a measurement.
type cpuUse struct {
	replicas, bench time.Duration
	// other is what everything else on the machine used, PostgreSQL
	// included.
	other time.Duration
	// wall is how long the measurement took.
	wall time.Duration
}

// cores formats the average number of cores each used.
func (u cpuUse) cores() string {
	if u.wall <= 0 {
		return "–"
	}
	f := func(d time.Duration) float64 { return d.Seconds() / u.wall.Seconds() }
	return fmt.Sprintf("%.2f / %.2f / %.2f", f(u.replicas), f(u.bench), f(u.other))
}

// cpuSample is a snapshot of the CPU time used so far.
type cpuSample struct {
	at                    time.Time
	replicas, bench, busy time.Duration
}

func (c *cluster) sampleCPU() (cpuSample, error) {
	s := cpuSample{at: time.Now(), bench: selfCPUTime()}
	for _, r := range c.replicas {
		d, err := cpuTime(r.pid())
		if err != nil {
			return s, err
		}
		s.replicas += d
	}
	var err error
	s.busy, err = systemBusy()
	return s, err
}

// since returns the CPU used since s0.
func (s cpuSample) since(s0 cpuSample) cpuUse {
	u := cpuUse{replicas: s.replicas - s0.replicas, bench: s.bench - s0.bench, wall: s.at.Sub(s0.at)}
	u.other = max(s.busy-s0.busy-u.replicas-u.bench, 0)
	return u
}

// idle returns the CPU time the replicas use together, after a second to
// settle, during idleWindow without requests. Nothing is due, so it should
// be next to nothing.
func (c *cluster) idle(ctx context.Context) (time.Duration, error) {
	total := func() (time.Duration, error) {
		var sum time.Duration
		for _, r := range c.replicas {
			d, err := cpuTime(r.pid())
			if err != nil {
				return 0, err
			}
			sum += d
		}
		return sum, nil
	}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(time.Second):
	}
	before, err := total()
	if err != nil {
		return 0, err
	}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(idleWindow):
	}
	after, err := total()
	return after - before, err
}

// startSession starts a session on replica i and returns its initial
// token.
func (c *cluster) startSession(ctx context.Context, i int) (string, error) {
	out, err := c.data[i].StartConfigurationSession(ctx, &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(c.app),
		EnvironmentIdentifier:          aws.String(c.env),
		ConfigurationProfileIdentifier: aws.String(c.profile),
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.InitialConfigurationToken), nil
}

// createVersion creates, through replica A, a hosted version labelled
// label and returns its number.
func (c *cluster) createVersion(ctx context.Context, label string) (int32, error) {
	v, err := c.control[0].CreateHostedConfigurationVersion(ctx, &appconfig.CreateHostedConfigurationVersionInput{
		ApplicationId:          aws.String(c.app),
		ConfigurationProfileId: aws.String(c.profile),
		Content:                fmt.Appendf(nil, `{"label":%q,"limits":{"requests":100,"burst":20},"features":{"search":true,"beta":false}}`, label),
		ContentType:            aws.String("application/json"),
		VersionLabel:           aws.String(label),
	})
	if err != nil {
		return 0, fmt.Errorf("CreateHostedConfigurationVersion: %w", err)
	}
	return v.VersionNumber, nil
}

// propagation measures, iterations times, how long after StartDeployment is
// sent through A each replica serves the new version.
func (c *cluster) propagation(ctx context.Context, iterations int, gap time.Duration, res *result) error {
	tokens := make([]string, len(c.replicas))
	for i := range c.replicas {
		var err error
		if tokens[i], err = c.startSession(ctx, i); err != nil {
			return fmt.Errorf("StartConfigurationSession on %s: %w", c.replicas[i].name, err)
		}
	}
	res.perReplica = make([][]time.Duration, len(c.replicas))
	var cpu0 cpuSample
	for k := -warmupIterations; k < iterations; k++ {
		if k == 0 {
			var err error
			if cpu0, err = c.sampleCPU(); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		label := fmt.Sprintf("iteration-%d", k)
		version, err := c.createVersion(ctx, label)
		if err != nil {
			return err
		}
		// Every replica polls from before StartDeployment is sent until
		// it serves the version.
		pollCtx, cancel := context.WithTimeout(ctx, propagationDeadline)
		sent := time.Now()
		seen := make([]time.Duration, len(c.replicas))
		errs := make([]error, len(c.replicas))
		var wg sync.WaitGroup
		for i := range c.replicas {
			wg.Go(func() { seen[i], errs[i] = c.pollUntil(pollCtx, i, tokens[i], label, sent, gap) })
		}
		_, err = c.control[0].StartDeployment(ctx, &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(c.app),
			EnvironmentId:          aws.String(c.env),
			ConfigurationProfileId: aws.String(c.profile),
			ConfigurationVersion:   aws.String(fmt.Sprint(version)),
			DeploymentStrategyId:   aws.String(c.strategy),
		})
		call := time.Since(sent)
		if err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("StartDeployment: %w", err)
		}
		wg.Wait()
		cancel()
		if k < 0 {
			continue
		}
		res.startCall = append(res.startCall, call)
		var slowest time.Duration
		var failed []string
		for i, d := range seen {
			if errs[i] != nil {
				failed = append(failed, fmt.Sprintf("replica %s: %v", c.replicas[i].name, errs[i]))
				continue
			}
			res.perReplica[i] = append(res.perReplica[i], d)
			slowest = max(slowest, d)
		}
		if len(failed) > 0 {
			res.propagationErrors = append(res.propagationErrors, fmt.Sprintf("iteration %d: %v", k, failed))
		} else {
			res.every = append(res.every, slowest)
			res.lag = append(res.lag, slowest-call)
		}
		time.Sleep(settle)
	}
	cpu1, err := c.sampleCPU()
	if err != nil {
		return err
	}
	res.propagationCPU = cpu1.since(cpu0)
	return nil
}

// pollUntil polls replica i with token, an initial token that returns the
// whole configuration every time, until it returns label, and returns how
// long after sent that response arrived. It waits gap between polls.
func (c *cluster) pollUntil(ctx context.Context, i int, token, label string, sent time.Time, gap time.Duration) (time.Duration, error) {
	for first := true; ; first = false {
		if !first && gap > 0 {
			time.Sleep(gap)
		}
		out, err := c.data[i].GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
		at := time.Since(sent)
		if err != nil {
			if ctx.Err() != nil {
				return at, fmt.Errorf("did not serve %s within %s", label, propagationDeadline)
			}
			return at, err
		}
		if aws.ToString(out.VersionLabel) == label {
			return at, nil
		}
	}
}

// throughput polls with o.concurrency sessions, each on replica (worker
// mod N) with its next tokens, for o.duration after o.warmup.
func (c *cluster) throughput(ctx context.Context, o *options, res *result) error {
	tokens := make([]string, o.concurrency)
	for w := range tokens {
		r := w % len(c.replicas)
		token, err := c.startSession(ctx, r)
		if err != nil {
			return fmt.Errorf("StartConfigurationSession on %s: %w", c.replicas[r].name, err)
		}
		// The first poll returns the configuration; the measured ones
		// return nothing new.
		out, err := c.data[r].GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
		if err != nil {
			return fmt.Errorf("first GetLatestConfiguration on %s: %w", c.replicas[r].name, err)
		}
		tokens[w] = aws.ToString(out.NextPollConfigurationToken)
	}

	begin := time.Now()
	measureFrom := begin.Add(o.warmup)
	measureTo := measureFrom.Add(o.duration)
	runCtx, cancel := context.WithDeadline(ctx, measureTo)
	defer cancel()

	type workerResult struct {
		latencies []time.Duration
		errs      map[string]int
	}
	results := make([]workerResult, o.concurrency)
	var wg sync.WaitGroup
	for w := range o.concurrency {
		wg.Go(func() {
			wr := workerResult{errs: map[string]int{}}
			r := w % len(c.replicas)
			token := tokens[w]
			for {
				start := time.Now()
				out, err := c.data[r].GetLatestConfiguration(runCtx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
				end := time.Now()
				if runCtx.Err() != nil {
					break
				}
				if err != nil {
					wr.errs[classify(err)]++
					time.Sleep(10 * time.Millisecond)
					continue
				}
				token = aws.ToString(out.NextPollConfigurationToken)
				if !start.Before(measureFrom) {
					wr.latencies = append(wr.latencies, end.Sub(start))
				}
			}
			results[w] = wr
		})
	}

	// CPU time of the replicas, of this process and of the whole machine
	// over the window.
	time.Sleep(time.Until(measureFrom))
	cpu0, cpuErr := c.sampleCPU()
	time.Sleep(time.Until(measureTo))
	cpu1, cpuErr2 := c.sampleCPU()
	wg.Wait()
	res.window = cpu1.at.Sub(cpu0.at)
	if err := errors.Join(cpuErr, cpuErr2); err == nil {
		res.throughputCPU = cpu1.since(cpu0)
	}
	for _, wr := range results {
		res.latencies = append(res.latencies, wr.latencies...)
		for k, v := range wr.errs {
			res.pollErrs[k] += v
		}
	}
	res.polls = len(res.latencies)
	slices.Sort(res.latencies)
	return ctx.Err()
}

// classify names the kind of a failed poll.
func classify(err error) string {
	var (
		send *smithyhttp.RequestSendError
		resp *awshttp.ResponseError
	)
	switch {
	case errors.As(err, &send):
		return "connection"
	case errors.As(err, &resp):
		return fmt.Sprintf("HTTP %d", resp.HTTPStatusCode())
	default:
		return "other"
	}
}
