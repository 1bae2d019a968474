package conformance

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	datatypes "github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/jackc/pgx/v5"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// newReplicaSchema creates an empty schema that is dropped when the test
// ends (apptest.NewSchema), and returns its name, an open admin connection
// to the test database itself (closed before the schema is dropped) and
// the URL the replicas get: the test database's, with search_path
// selecting the schema. Without a test database the test is skipped, and
// fails in CI (apptest.Missing).
func newReplicaSchema(t *testing.T) (schema string, admin *pgx.Conn, dsn string) {
	t.Helper()
	s := apptest.NewSchema(t, nil)
	admin, err := pgx.Connect(t.Context(), apptest.DatabaseURL(t))
	if err != nil {
		t.Fatalf("connect to %s: %v", apptest.DatabaseEnv, err)
	}
	t.Cleanup(func() { _ = admin.Close(context.Background()) })
	return s.Name, admin, s.DSN
}

// engineLeaseHolder returns the holder of the deployment engine's lease as
// stored, and when it ends; "" when nobody ever took it.
func engineLeaseHolder(t *testing.T, admin *pgx.Conn, schema string) (string, time.Time) {
	t.Helper()
	var (
		holder  string
		expires int64
	)
	err := admin.QueryRow(t.Context(),
		`SELECT holder, expires_at FROM `+pgx.Identifier{schema, "leases"}.Sanitize()+` WHERE name = 'deployment-engine'`,
	).Scan(&holder, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}
	}
	if err != nil {
		t.Fatalf("read the engine lease: %v", err)
	}
	return holder, time.Unix(0, expires)
}

// leaseLogLine is what deploy.Engine logs at info level, the binary's
// default, each time this process gains or loses the engine's lease.
const leaseLogLine = `msg="deployment engine lease" held=`

// holdsEngineLease reports whether the process's last lease log line says
// it holds the lease.
func holdsEngineLease(p *process) bool {
	log := p.stderr.String()
	i := strings.LastIndex(log, leaseLogLine)
	return i >= 0 && strings.HasPrefix(log[i+len(leaseLogLine):], "true")
}

// startedInstance matches the start line, which names the instance ID that
// the process writes as the lease's holder.
var startedInstance = regexp.MustCompile(`msg="appconfigd started" .*\binstance=(\S+)`)

// instanceID returns the instance ID the process logged at start, or ""
// when it logged none.
func instanceID(p *process) string {
	if m := startedInstance.FindStringSubmatch(p.stderr.String()); m != nil {
		return m[1]
	}
	return ""
}

// engineReplica waits until the stored lease is held by one of the live
// replicas and returns the replica's index and the holder. The holder is
// the instance ID each replica logs at start; with a binary that does not
// log it, the replica is the one live replica whose last lease log line
// says it holds the lease.
func engineReplica(t *testing.T, admin *pgx.Conn, schema string, replicas []*process, dead []bool, within time.Duration) (int, string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		holder, _ := engineLeaseHolder(t, admin, schema)
		var byID, byLog []int
		logsIDs := true
		for i, p := range replicas {
			id := instanceID(p)
			logsIDs = logsIDs && id != ""
			if dead[i] {
				continue
			}
			if id != "" && id == holder {
				byID = append(byID, i)
			}
			if holdsEngineLease(p) {
				byLog = append(byLog, i)
			}
		}
		if holder != "" {
			if logsIDs && len(byID) == 1 {
				return byID[0], holder
			}
			if !logsIDs && len(byLog) == 1 {
				return byLog[0], holder
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: the stored lease holder is %q; live replicas with that instance ID: %v; live replicas whose log says they hold the lease: %v",
				within, holder, byID, byLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// replicaNames names replicas in messages.
var replicaNames = []string{"A", "B", "C"}

// trafficStats counts what the background pollers saw.
type trafficStats struct {
	mu sync.Mutex
	// ok counts successful polls by replica.
	ok []int
	// refused counts connection failures of requests to a replica after
	// the test killed it: expected.
	refused []int
	// byStatus counts error responses by HTTP status.
	byStatus map[int]int
	// failures describes every unexpected error: error responses,
	// connection failures of live replicas, anything else.
	failures []string
}

func (s *trafficStats) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) < 20 {
		s.failures = append(s.failures, fmt.Sprintf(format, args...))
	} else if len(s.failures) == 20 {
		s.failures = append(s.failures, "…")
	}
}

// record classifies the outcome of one poll sent to replica r.
func (s *trafficStats) record(r int, dead bool, err error) {
	var (
		resp *awshttp.ResponseError
		send *smithyhttp.RequestSendError
		op   *smithy.OperationError
	)
	switch {
	case err == nil:
		s.mu.Lock()
		s.ok[r]++
		s.mu.Unlock()
	// A request that got no response is a RequestSendError, wrapped in
	// a ResponseError with status 0: test for it first.
	case errors.As(err, &send) && dead:
		s.mu.Lock()
		s.refused[r]++
		s.mu.Unlock()
	case errors.As(err, &send):
		s.fail("live replica %s: connection failed: %v", replicaNames[r], err)
	case errors.As(err, &resp):
		s.mu.Lock()
		s.byStatus[resp.HTTPStatusCode()]++
		s.mu.Unlock()
		s.fail("replica %s answered HTTP %d: %v", replicaNames[r], resp.HTTPStatusCode(), err)
	case errors.As(err, &op):
		s.fail("replica %s: %s failed before sending: %v", replicaNames[r], op.Operation(), err)
	default:
		s.fail("replica %s: %v (%T)", replicaNames[r], err, err)
	}
}

// poller polls one session continuously with its next tokens: always on
// replica home, or on each replica in turn when roundRobin is set, so that
// every token it uses was issued by another replica. After a connection
// failure it sends the same token to the next replica.
type poller struct {
	name       string
	home       int
	roundRobin bool
	// lastLabel is the label of the last configuration received.
	lastLabel atomic.Value
}

// run polls until ctx is done. The session is started on home, retrying
// until that replica knows the environment.
func (p *poller) run(ctx context.Context, data []*appconfigdata.Client, dead []atomic.Bool, fx fixture, stats *trafficStats) {
	p.lastLabel.Store("")
	var token string
	for token == "" {
		out, err := data[p.home].StartConfigurationSession(ctx, &appconfigdata.StartConfigurationSessionInput{
			ApplicationIdentifier:          aws.String(fx.app),
			EnvironmentIdentifier:          aws.String(fx.env),
			ConfigurationProfileIdentifier: aws.String(fx.profile),
		})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			stats.fail("%s: StartConfigurationSession on %s: %v", p.name, replicaNames[p.home], err)
			return
		}
		token = aws.ToString(out.InitialConfigurationToken)
	}
	for i := 0; ctx.Err() == nil; i++ {
		r := p.home
		if p.roundRobin {
			r = (p.home + i) % len(data)
		}
		isDead := dead[r].Load()
		out, err := data[r].GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
		if ctx.Err() != nil {
			return
		}
		stats.record(r, isDead || dead[r].Load(), err)
		if err == nil {
			token = aws.ToString(out.NextPollConfigurationToken)
			if len(out.Configuration) > 0 {
				p.lastLabel.Store(aws.ToString(out.VersionLabel))
			}
		}
		// Continuous but gentle: the machine also runs three servers.
		pause := 20 * time.Millisecond
		if err != nil && isDead {
			pause = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// startSessionEventually starts a session on c, retrying while the replica
// does not know the resources yet (it learns of them through the store's
// change feed), and returns the initial token and how long it took.
func startSessionEventually(t *testing.T, c *appconfigdata.Client, fx fixture, within time.Duration) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		out, err := c.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
			ApplicationIdentifier:          aws.String(fx.app),
			EnvironmentIdentifier:          aws.String(fx.env),
			ConfigurationProfileIdentifier: aws.String(fx.profile),
		})
		if err == nil {
			return checkToken(t, "InitialConfigurationToken", out.InitialConfigurationToken), time.Since(start)
		}
		var nf *datatypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("StartConfigurationSession: %v", err)
		}
		if time.Since(start) > within {
			t.Fatalf("StartConfigurationSession still fails %v after the resources were created: %v", within, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pollUntilLabel polls c with an initial token, which returns the whole
// configuration every time, until it returns label, and returns when.
func pollUntilLabel(c *appconfigdata.Client, token, label string, deadline time.Time) (time.Time, error) {
	for {
		out, err := c.GetLatestConfiguration(context.Background(), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
		now := time.Now()
		if err != nil {
			return now, err
		}
		if got := aws.ToString(out.VersionLabel); got == label {
			return now, nil
		} else if now.After(deadline) {
			return now, fmt.Errorf("still served version %q, not %q", got, label)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReplicas runs three appconfigd binaries on one PostgreSQL schema, as
// replicas of one service. A deployment started through one is served by
// all; a token from one works on the others; and when the replica running
// the deployment engine is killed mid-deployment another takes over and the
// deployment completes with every step once, at the time it was due.
// Background clients poll every replica throughout, and no response may be
// a server error.
func TestReplicas(t *testing.T) {
	t.Parallel()
	schema, admin, dsn := newReplicaSchema(t)
	bin := buildBinary(t)
	// At 150x, the recorded 15-minute 25% linear strategy takes 6 s: a
	// step every 1.2 s.
	const scale = 150
	step := 3 * time.Minute / scale

	replicas := make([]*process, 3)
	for i := range replicas {
		replicas[i] = startBinary(t, bin, t.TempDir(), "--database-url", dsn, "--deployment-time-scale", strconv.Itoa(scale))
	}
	control := make([]*appconfig.Client, len(replicas))
	data := make([]*appconfigdata.Client, len(replicas))
	for i, p := range replicas {
		control[i], data[i] = newControlClient(p.url), newDataClient(p.url)
	}
	const a, b, c = 0, 1, 2

	// Everything is created through A.
	app := createApplication(t, control[a], "app")
	profile := createProfile(t, control[a], app, "profile")
	fxNow := fixture{app: app, env: createEnvironment(t, control[a], app, "instant"), profile: profile}
	fxFail := fixture{app: app, env: createEnvironment(t, control[a], app, "failover"), profile: profile}
	instant, err := control[a].CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("instant"),
		DeploymentDurationInMinutes: aws.Int32(0),
		FinalBakeTimeInMinutes:      0,
		GrowthFactor:                aws.Float32(100),
		GrowthType:                  types.GrowthTypeLinear,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy(instant): %v", err)
	}
	linear, err := control[a].CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("linear-25-15m"),
		DeploymentDurationInMinutes: aws.Int32(15),
		FinalBakeTimeInMinutes:      0,
		GrowthFactor:                aws.Float32(25),
		GrowthType:                  types.GrowthTypeLinear,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy(linear): %v", err)
	}
	v1 := createVersion(t, control[a], app, profile, []byte(`{"v":1}`), "application/json", "v1")
	v2 := createVersion(t, control[a], app, profile, []byte(`{"v":2}`), "application/json", "v2")

	// Every replica learns of the new resources through the change feed.
	tokens := make([]string, len(replicas))
	for i := range replicas {
		var took time.Duration
		tokens[i], took = startSessionEventually(t, data[i], fxNow, 5*time.Second)
		t.Logf("replica %s started a session %v after its first try", replicaNames[i], took.Round(time.Millisecond))
	}
	for i := range replicas {
		startSessionEventually(t, data[i], fxFail, 5*time.Second)
	}

	// Background traffic on the failover environment, on every replica,
	// until the end of the test.
	dead := make([]atomic.Bool, len(replicas))
	stats := &trafficStats{ok: make([]int, len(replicas)), refused: make([]int, len(replicas)), byStatus: map[int]int{}}
	var pollers []*poller
	for i := range replicas {
		pollers = append(pollers,
			&poller{name: "pinned-" + replicaNames[i], home: i},
			&poller{name: "round-robin-from-" + replicaNames[i], home: i, roundRobin: true})
	}
	trafficCtx, stopTraffic := context.WithCancel(context.Background())
	var traffic sync.WaitGroup
	for _, p := range pollers {
		traffic.Go(func() { p.run(trafficCtx, data, dead, fxFail, stats) })
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			stopTraffic()
			traffic.Wait()
		}
	}
	defer stop()

	t.Run("DeploymentReachesEveryReplica", func(t *testing.T) {
		begin := time.Now()
		startDeployment(t, control[a], fxNow, fmt.Sprint(v1), aws.ToString(instant.Id))
		returned := time.Since(begin)
		deadline := begin.Add(5 * time.Second)
		var wg sync.WaitGroup
		latency := make([]time.Duration, len(replicas))
		errs := make([]error, len(replicas))
		for i := range replicas {
			wg.Go(func() {
				at, err := pollUntilLabel(data[i], tokens[i], "v1", deadline)
				latency[i], errs[i] = at.Sub(begin), err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("replica %s, %v after StartDeployment on A was sent: %v", replicaNames[i], latency[i].Round(time.Millisecond), err)
			}
		}
		t.Logf("StartDeployment on A returned after %v; version served (from sending StartDeployment) on A after %v, B after %v, C after %v",
			returned.Round(time.Microsecond), latency[a].Round(time.Microsecond), latency[b].Round(time.Microsecond), latency[c].Round(time.Microsecond))
	})

	t.Run("TokensWorkOnEveryReplica", func(t *testing.T) {
		// A session started on each replica, polled on the next one
		// and then the one after: the sealing key is in the database.
		for i := range replicas {
			token := tokens[i]
			for k := 1; k <= len(replicas); k++ {
				r := (i + k) % len(replicas)
				out, err := data[r].GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
				if err != nil {
					t.Fatalf("token of a session started on %s, polled on %s (poll %d): %v", replicaNames[i], replicaNames[r], k, err)
				}
				if k == 1 {
					checkConfiguration(t, out, []byte(`{"v":1}`), "application/json", "v1")
				} else {
					checkConfiguration(t, out, nil, "application/json", "")
				}
				token = checkToken(t, "NextPollConfigurationToken", out.NextPollConfigurationToken)
			}
		}
	})

	// Which next tokens were used is remembered per process: a used token
	// is refused by the replica that took it, and (documented in
	// docs/REPLICAS.md, not required) accepted once by another.
	t.Run("NextTokenSingleUsePerReplica", func(t *testing.T) {
		out := poll(t, data[b], tokens[a])
		next := checkToken(t, "NextPollConfigurationToken", out.NextPollConfigurationToken)
		poll(t, data[b], next)
		_, err := data[b].GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(next)})
		bad := asError[*datatypes.BadRequestException](t, err)
		if got := aws.ToString(bad.Message); got != "Token not valid" {
			t.Errorf("reusing a next token on the replica that took it: message %q; want %q", got, "Token not valid")
		}
		if _, err := data[c].GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(next)}); err == nil {
			t.Logf("a next token used on B was accepted once more on C: single use is per replica")
		} else {
			t.Logf("a next token used on B was refused on C too: %v", err)
		}
	})

	t.Run("EngineFailover", func(t *testing.T) {
		deadFlags := make([]bool, len(replicas))
		leader, holder := engineReplica(t, admin, schema, replicas, deadFlags, 10*time.Second)
		survivor := (leader + 1) % len(replicas)
		t.Logf("replica %s (pid %d) runs the deployment engine as %s", replicaNames[leader], replicas[leader].cmd.Process.Pid, holder)

		started := startDeployment(t, control[leader], fxFail, fmt.Sprint(v2), aws.ToString(linear.Id))
		startedAt := aws.ToTime(started.StartedAt)

		// Kill after the first step (due at 1.2 s) and well before the
		// last (4.8 s).
		time.Sleep(time.Until(startedAt.Add(step + step/2)))
		var before *appconfig.GetDeploymentOutput
		for deadline := time.Now().Add(5 * time.Second); ; {
			before = getDeployment(t, control[survivor], fxFail, started.DeploymentNumber)
			if aws.ToFloat32(before.PercentageComplete) >= 25 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if p := aws.ToFloat32(before.PercentageComplete); p < 25 || p >= 100 || before.State != types.DeploymentStateDeploying {
			t.Fatalf("%v after the start, before the kill: %s at %g%%; want DEPLOYING at 25%% to 75%% (the machine ran too slowly for the test to be meaningful)",
				time.Since(startedAt).Round(time.Millisecond), before.State, p)
		}
		dead[leader].Store(true)
		deadFlags[leader] = true
		killedAt := time.Now()
		replicas[leader].kill(t)
		t.Logf("killed %s %v after the start, at %g%%", replicaNames[leader], killedAt.Sub(startedAt).Round(time.Millisecond), aws.ToFloat32(before.PercentageComplete))

		// Another replica takes the lease once it has ended: within
		// LeaseTTL + RenewEvery = 13 s of the last renewal.
		var newHolder string
		for deadline := killedAt.Add(20 * time.Second); ; {
			if newHolder, _ = engineLeaseHolder(t, admin, schema); newHolder != holder {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the engine lease is still %s's, 20 s after it was killed", holder)
			}
			time.Sleep(50 * time.Millisecond)
		}
		tookOver := time.Now()
		takeover := tookOver.Sub(killedAt)
		next, _ := engineReplica(t, admin, schema, replicas, deadFlags, 5*time.Second)
		t.Logf("replica %s took over the engine as %s %v after the kill", replicaNames[next], newHolder, takeover.Round(time.Millisecond))
		if takeover >= 15*time.Second {
			t.Errorf("takeover took %v; want under 15 s (at most 13 s: LeaseTTL + RenewEvery)", takeover.Round(time.Millisecond))
		}

		// It completes through another replica.
		var d *appconfig.GetDeploymentOutput
		for deadline := killedAt.Add(25 * time.Second); ; {
			d = getDeployment(t, control[survivor], fxFail, started.DeploymentNumber)
			if d.State == types.DeploymentStateComplete || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if d.State != types.DeploymentStateComplete {
			t.Fatalf("deployment is %s at %g%% 25 s after the engine's replica was killed; want COMPLETE", d.State, aws.ToFloat32(d.PercentageComplete))
		}
		t.Logf("deployment complete %v after the kill", time.Since(killedAt).Round(time.Millisecond))
		checkLinear25Events(t, d, step, downtime{from: killedAt, to: tookOver}, "the engine's replica was killed")

		// Every survivor serves the new version to new sessions, and
		// every background session that polls a survivor got it.
		deadline := time.Now().Add(5 * time.Second)
		for i := range replicas {
			if deadFlags[i] {
				continue
			}
			token, _ := startSessionEventually(t, data[i], fxFail, 5*time.Second)
			if _, err := pollUntilLabel(data[i], token, "v2", deadline); err != nil {
				t.Errorf("replica %s after the deployment completed: %v", replicaNames[i], err)
			}
		}
		for _, p := range pollers {
			if p.home == leader && !p.roundRobin {
				continue
			}
			for p.lastLabel.Load() != "v2" && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if got := p.lastLabel.Load(); got != "v2" {
				t.Errorf("background session %s last received %q; want v2", p.name, got)
			}
		}
	})

	stop()
	stats.mu.Lock()
	defer stats.mu.Unlock()
	t.Logf("background polls: ok %v by replica (A, B, C); connection failures of the killed replica %v; error responses by status %v",
		stats.ok, stats.refused, stats.byStatus)
	for status, n := range stats.byStatus {
		if status >= 500 {
			t.Errorf("%d background polls were answered with HTTP %d", n, status)
		}
	}
	for _, f := range stats.failures {
		t.Errorf("background poll: %s", f)
	}
	for i, n := range stats.ok {
		if n == 0 {
			t.Errorf("replica %s answered no background poll", replicaNames[i])
		}
	}
}
