package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/agent"
	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// The agent's poll interval in these tests: the AWS agent's default,
// which the session asks the server for as its minimum (docs/WIRE.md §1.2).
const agentPollInterval = agent.DefaultPollInterval

// agentClock is an agent's fake clock. It reads the server's fake clock,
// so that agent and server agree on the time, and fires the agent's timers
// only when the test moves time on: nothing sleeps.
type agentClock struct {
	base *apptest.Clock

	mu     sync.Mutex
	timers []agentTimer
	// changed is closed and replaced whenever a timer is added.
	changed chan struct{}
}

type agentTimer struct {
	at time.Time
	c  chan time.Time
}

func newAgentClock(base *apptest.Clock) *agentClock {
	return &agentClock{base: base, changed: make(chan struct{})}
}

// Now returns the server's fake time.
func (c *agentClock) Now() time.Time { return c.base.Now() }

// After returns a channel that receives once the test has moved time past
// d from now.
func (c *agentClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers = append(c.timers, agentTimer{at: c.base.Now().Add(d), c: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// waitTimers waits until the agent waits on at least n timers, that is
// until its pollers have done what they could do without time passing.
// It fails the test after 10 seconds of real time.
func (c *agentClock) waitTimers(t *testing.T, n int) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		count, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if count >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("the agent waits on %d timers after 10 s; want %d", count, n)
		}
	}
}

// untilNext returns how long until the earliest timer is due (0 if it
// is).
func (c *agentClock) untilNext() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.base.Now()
	next := time.Duration(-1)
	for _, tm := range c.timers {
		if d := max(tm.at.Sub(now), 0); next < 0 || d < next {
			next = d
		}
	}
	return max(next, 0)
}

// fire delivers every timer due by now.
func (c *agentClock) fire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.base.Now()
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(now) {
			kept = append(kept, tm)
			continue
		}
		tm.c <- now
	}
	c.timers = kept
}

// runningAgent is `appconfigd agent` in process, polling a server through
// the real aws-sdk-go-v2 client and answering on 127.0.0.1.
type runningAgent struct {
	url   string
	clock *agentClock
	// advance moves the server's (and so the agent's) time on.
	advance func(t *testing.T, d time.Duration)
}

// startAgent starts an agent for the server at serverURL with cfg; it
// stops when the test ends.
func startAgent(t *testing.T, serverURL string, base *apptest.Clock, advance func(*testing.T, time.Duration), cfg agent.Config) *runningAgent {
	t.Helper()
	awsCfg := awsConfig()
	awsCfg.BaseEndpoint = aws.String(serverURL)
	logs := &testLogWriter{t: t}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The request timeout runs on the real clock, unlike everything else
	// here; a race-detector run on a loaded machine may take seconds per
	// call, which must not count as the server being down.
	cfg.RequestTimeout = time.Minute
	clock := newAgentClock(base)
	a := agent.New(cfg, agent.NewDataClient(awsCfg, cfg), logger, clock)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		stop()
		if err := <-done; err != nil {
			t.Errorf("agent Run: %v", err)
		}
		logs.stop()
	})
	return &runningAgent{url: srv.URL, clock: clock, advance: advance}
}

// agentAnswer is one answer of the agent.
type agentAnswer struct {
	status int
	body   string
	header http.Header
}

// get sends GET path to the agent, as curl would, with headers given as
// name, value pairs.
func (ra *runningAgent) get(t *testing.T, path string, headers ...string) agentAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), http.MethodGet, ra.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return agentAnswer{status: resp.StatusCode, body: string(body), header: resp.Header}
}

// tick moves time on to the agent's next poll, with the server's
// deployments, and waits until the agent has polled and waits again. It
// returns how far time moved.
func (ra *runningAgent) tick(t *testing.T) time.Duration {
	t.Helper()
	ra.clock.waitTimers(t, 1)
	d := ra.clock.untilNext()
	ra.advance(t, d)
	ra.clock.fire()
	ra.clock.waitTimers(t, 1)
	return d
}

// checkAnswer checks a 200 answer's body and headers (docs/WIRE.md §4.4).
func checkAnswer(t *testing.T, got agentAnswer, wantBody, wantType, wantVersion string) {
	t.Helper()
	if got.status != http.StatusOK || got.body != wantBody {
		t.Errorf("agent answer = %d %q; want 200 %q", got.status, got.body, wantBody)
	}
	if ct := got.header.Get("Content-Type"); ct != wantType {
		t.Errorf("Content-Type = %q; want %q", ct, wantType)
	}
	if v := got.header.Get("Configuration-Version"); v != wantVersion {
		t.Errorf("Configuration-Version = %q; want %q", v, wantVersion)
	}
}

// checkJSONAnswer checks a 200 JSON answer by value.
func checkJSONAnswer(t *testing.T, got agentAnswer, want string) {
	t.Helper()
	var g, w any
	if got.status != http.StatusOK || json.Unmarshal([]byte(got.body), &g) != nil {
		t.Errorf("agent answer = %d %q; want 200 with JSON %s", got.status, got.body, want)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad wanted JSON %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("agent answer = %s; want %s", got.body, want)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
}

// configurationPath is the agent's path of a configuration (docs/WIRE.md §4.4).
func configurationPath(app, env, profile string) string {
	return "/applications/" + app + "/environments/" + env + "/configurations/" + profile
}

// immediateStrategy creates a strategy that deploys at once and does not
// bake, so that one deployment can follow another without waiting.
func immediateStrategy(t *testing.T, c *appconfig.Client) string {
	t.Helper()
	out, err := c.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("immediate"),
		DeploymentDurationInMinutes: aws.Int32(0),
		FinalBakeTimeInMinutes:      0,
		GrowthFactor:                aws.Float32(100),
		GrowthType:                  types.GrowthTypeLinear,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	return aws.ToString(out.Id)
}

// deployNow stores content as a new version and deploys it with strategy.
func deployNow(t *testing.T, c *appconfig.Client, fx fixture, strategy string, content, contentType string) {
	t.Helper()
	version := createVersion(t, c, fx.app, fx.profile, []byte(content), contentType, "")
	startDeployment(t, c, fx, fmt.Sprint(version), strategy)
}

// startFlagAgent deploys doc to environment Beta as the
// AWS.AppConfig.FeatureFlags profile profileName of application appName
// on a new server, and starts an agent for it.
func startFlagAgent(t *testing.T, appName, profileName, doc string) (*runningAgent, fixture) {
	t.Helper()
	ts := startServer(t)
	app := createApplication(t, ts.control, appName)
	fx := fixture{app: app, env: createEnvironment(t, ts.control, app, "Beta"), profile: createFlagProfile(t, ts.control, app, profileName)}
	deployVersion(t, ts.control, fx, []byte(doc), "application/json", "")
	return startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig()), fx
}

// agentBasicFlags is a deployment-time flag document with basic flags
// only (docs/WIRE.md §4.1).
const agentBasicFlags = `{
  "version": "1",
  "flags": {
    "ui_refresh": {"name": "UI Refresh", "attributes": {"dark_mode_support": {"constraints": {"type": "boolean"}}}},
    "logger_settings": {"name": "Logger", "attributes": {"level": {"constraints": {"type": "string", "enum": ["INFO", "DEBUG"], "required": true}}}}
  },
  "values": {
    "ui_refresh": {"enabled": true, "dark_mode_support": true},
    "logger_settings": {"enabled": false, "level": "INFO"}
  }
}`

// TestAgentServesFlags: a flag profile deployed is served by the agent in
// retrieval format, and ?flag= picks flags (docs/WIRE.md §4.2, §4.4). The
// application's name has a '/', which the path carries URL-encoded.
func TestAgentServesFlags(t *testing.T) {
	t.Parallel()
	ra, fx := startFlagAgent(t, "test-backend/test-service", "flags", agentBasicFlags)
	path := configurationPath("test-backend%2Ftest-service", "Beta", "flags")

	t.Run("AllFlags", func(t *testing.T) {
		got := ra.get(t, path)
		checkJSONAnswer(t, got, `{"ui_refresh":{"enabled":true,"dark_mode_support":true},"logger_settings":{"enabled":false}}`)
		if v := got.header.Get("Configuration-Version"); v != "1" {
			t.Errorf("Configuration-Version = %q; want 1", v)
		}
	})
	t.Run("OneFlag", func(t *testing.T) {
		checkJSONAnswer(t, ra.get(t, path+"?flag=ui_refresh"), `{"ui_refresh":{"enabled":true,"dark_mode_support":true}}`)
	})
	t.Run("TwoFlags", func(t *testing.T) {
		checkJSONAnswer(t, ra.get(t, path+"?flag=ui_refresh&flag=logger_settings"), `{"ui_refresh":{"enabled":true,"dark_mode_support":true},"logger_settings":{"enabled":false}}`)
	})
	t.Run("ByIDs", func(t *testing.T) {
		checkJSONAnswer(t, ra.get(t, configurationPath(fx.app, fx.env, fx.profile)+"?flag=logger_settings"), `{"logger_settings":{"enabled":false}}`)
	})
	t.Run("UnknownFlag", func(t *testing.T) {
		if got := ra.get(t, path+"?flag=nosuch"); got.status != http.StatusBadRequest {
			t.Errorf("unknown flag: %d %q; want 400", got.status, got.body)
		}
	})
	t.Run("UnknownProfile", func(t *testing.T) {
		if got := ra.get(t, configurationPath("test-backend%2Ftest-service", "Beta", "nosuch")); got.status != http.StatusNotFound {
			t.Errorf("unknown profile: %d %q; want 404", got.status, got.body)
		}
	})
}

// agentMultiVariantFlags has a multi-variant flag whose variants match on
// the caller's context (docs/WIRE.md §4.1, §4.3).
const agentMultiVariantFlags = `{
  "version": "1",
  "flags": {
    "banner": {"name": "Banner", "attributes": {"color": {"constraints": {"type": "string"}}}},
    "checkout": {"name": "Checkout"}
  },
  "values": {
    "banner": {
      "_variants": [
        {"name": "QA", "enabled": true, "rule": "(ends_with $email \"qa-testers.example.org\")", "attributeValues": {"color": "red"}},
        {"name": "US", "enabled": true, "rule": "(eq $country \"US\")", "attributeValues": {"color": "blue"}},
        {"name": "Default Variant", "enabled": false}
      ]
    },
    "checkout": {"enabled": true}
  }
}`

// TestAgentMultiVariantFlags: the agent resolves a multi-variant flag for
// the Context headers to the first variant whose rule matches, else the
// default, and serves JSON (docs/WIRE.md §4.2, §4.4).
func TestAgentMultiVariantFlags(t *testing.T) {
	t.Parallel()
	ra, _ := startFlagAgent(t, "MyDemoApp", "MyConfigProfile", agentMultiVariantFlags)
	path := configurationPath("MyDemoApp", "Beta", "MyConfigProfile")

	tests := []struct {
		name    string
		query   string
		headers []string
		want    string
	}{
		{"NoContext", "", nil, `{"banner":{"_variant":"Default Variant","enabled":false},"checkout":{"enabled":true}}`},
		{"Country", "?flag=banner", []string{"Context", "country=US"}, `{"banner":{"_variant":"US","enabled":true,"color":"blue"}}`},
		{"OtherCountry", "?flag=banner", []string{"Context", "country=CA"}, `{"banner":{"_variant":"Default Variant","enabled":false}}`},
		{"FirstMatchWins", "?flag=banner", []string{"Context", "email=jane@qa-testers.example.org,country=US"}, `{"banner":{"_variant":"QA","enabled":true,"color":"red"}}`},
		{"SeveralHeaders", "?flag=banner", []string{"Context", "email=jane@qa-testers.example.org", "Context", "country=US"}, `{"banner":{"_variant":"QA","enabled":true,"color":"red"}}`},
		{"BasicFlag", "?flag=checkout", []string{"Context", "country=US"}, `{"checkout":{"enabled":true}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkJSONAnswer(t, ra.get(t, path+tt.query, tt.headers...), tt.want)
		})
	}
	t.Run("BadContext", func(t *testing.T) {
		if got := ra.get(t, path, "Context", "country"); got.status != http.StatusBadRequest {
			t.Errorf("bad Context: %d %q; want 400", got.status, got.body)
		}
	})
}

// TestAgentFollowsDeployments: a version deployed after the agent fetched
// the configuration is served after at most one poll interval of the
// agent's clock, not before.
func TestAgentFollowsDeployments(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withoutPush())
	fx := newFixture(t, ts.control)
	strategy := immediateStrategy(t, ts.control)
	createVersion(t, ts.control, fx.app, fx.profile, []byte("one"), "text/plain", "release-1")
	startDeployment(t, ts.control, fx, "1", strategy)
	ra := startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig())
	path := configurationPath("app", "env", "profile")
	got := ra.get(t, path)
	checkAnswer(t, got, "one", "text/plain", "1")
	if l := got.header.Get("Version-Label"); l != "release-1" {
		t.Errorf("Version-Label = %q; want release-1", l)
	}

	deployNow(t, ts.control, fx, strategy, "two", "text/plain")
	checkAnswer(t, ra.get(t, path), "one", "text/plain", "1")
	if d := ra.tick(t); d > agentPollInterval {
		t.Errorf("the agent polled %v after the last poll; want at most the poll interval, %v", d, agentPollInterval)
	}
	checkAnswer(t, ra.get(t, path), "two", "text/plain", "2")
}

// TestAgentPush: against appconfigd, the agent's polls wait for a change
// (docs/WIRE.md §2.5), so a deployment reaches its local API without any
// time passing on the agent's clock, that is without waiting for its
// poll interval.
func TestAgentPush(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	strategy := immediateStrategy(t, ts.control)
	deployNow(t, ts.control, fx, strategy, "one", "text/plain")
	ra := startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig())
	path := configurationPath("app", "env", "profile")
	checkAnswer(t, ra.get(t, path), "one", "text/plain", "1")
	// The first fetch's answer said the server waits; the next poll
	// waits at once.
	svc := ts.daemon.Service()
	deadline := time.Now().Add(10 * time.Second)
	for svc.WaitingPolls() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d polls wait on the server; want the agent's one", svc.WaitingPolls())
		}
		time.Sleep(time.Millisecond)
	}

	deployNow(t, ts.control, fx, strategy, "two", "text/plain")
	for {
		got := ra.get(t, path)
		if got.body == "two" {
			checkAnswer(t, got, "two", "text/plain", "2")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agent serves %q 10 s after the deployment, with no time passing on its clock; want two", got.body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// restartableServer is an in-process appconfigd that a test can stop and
// start again on the same address and data directory.
type restartableServer struct {
	cfg   daemon.Config
	clock *apptest.Clock
	ts    *testServer // nil while stopped
	logs  *testLogWriter
}

func startRestartableServer(t *testing.T) *restartableServer {
	t.Helper()
	cfg := daemon.DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Keys = testKeys(t)
	// The agent is stepped poll by poll on a fake clock (withoutPush).
	cfg.MaxWaiters = 0
	s := &restartableServer{cfg: cfg, clock: apptest.NewClock(apptest.Start)}
	s.start(t)
	s.cfg.Listen = s.ts.daemon.Addr()
	t.Cleanup(func() {
		if s.ts != nil {
			s.stop(t)
		}
	})
	return s
}

// start starts the server on its address.
func (s *restartableServer) start(t *testing.T) {
	t.Helper()
	s.logs = &testLogWriter{t: t}
	var d *daemon.Daemon
	// Another test may bind the port for a moment while the server is
	// down; Open cleans up after a failure, so it can simply try again.
	for attempt := 1; ; attempt++ {
		d = daemon.New(s.cfg)
		d.Logger = slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
		d.Clock = s.clock
		err := d.Open(context.Background())
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EADDRINUSE) || attempt == 50 {
			t.Fatalf("open daemon: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	url := d.URL()
	s.ts = &testServer{daemon: d, url: url, clock: s.clock, control: newControlClient(url), data: newDataClient(url)}
}

// stop stops the server: its address refuses connections.
func (s *restartableServer) stop(t *testing.T) {
	t.Helper()
	if err := s.ts.daemon.Close(); err != nil {
		t.Errorf("close daemon: %v", err)
	}
	s.logs.stop()
	s.ts = nil
}

// advance moves time on, running the deployments due while the server
// runs.
func (s *restartableServer) advance(t *testing.T, d time.Duration) {
	t.Helper()
	if s.ts == nil {
		s.clock.Advance(d)
		return
	}
	s.ts.advance(t, d)
}

// TestAgentServerDown: while the server is stopped the agent keeps serving
// the last configuration it got, and a new agent with the same
// BACKUP_DIRECTORY serves the backup; once the server is back both catch
// up with a version deployed meanwhile within one poll interval (wire
// §4.4).
func TestAgentServerDown(t *testing.T) {
	t.Parallel()
	srv := startRestartableServer(t)
	url := srv.ts.url
	fx := newFixture(t, srv.ts.control)
	strategy := immediateStrategy(t, srv.ts.control)
	deployNow(t, srv.ts.control, fx, strategy, `{"v":1}`, "application/json")
	cfg := agent.DefaultConfig()
	cfg.BackupDirectory = t.TempDir()
	first := startAgent(t, url, srv.clock, srv.advance, cfg)
	path := configurationPath("app", "env", "profile")
	checkAnswer(t, first.get(t, path), `{"v":1}`, "application/json", "1")

	srv.stop(t)
	for range 3 {
		first.tick(t)
	}
	checkAnswer(t, first.get(t, path), `{"v":1}`, "application/json", "1")

	second := startAgent(t, url, srv.clock, srv.advance, cfg)
	checkAnswer(t, second.get(t, path), `{"v":1}`, "application/json", "1")

	srv.start(t)
	deployNow(t, srv.ts.control, fx, strategy, `{"v":2}`, "application/json")
	for name, ra := range map[string]*runningAgent{"first": first, "second": second} {
		if d := ra.tick(t); d > agentPollInterval {
			t.Errorf("%s agent polled %v after the server came back; want at most %v", name, d, agentPollInterval)
		}
		checkAnswer(t, ra.get(t, path), `{"v":2}`, "application/json", "2")
	}
}

// checkLateAgent starts an agent in the middle of a deployment and checks
// that from its first answers on it serves every entity what the agent that
// saw the deployment start serves (served holds the entities given the new
// version).
func checkLateAgent(t *testing.T, ts *testServer, path string, ids []string, served map[string]bool) {
	t.Helper()
	late := startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig())
	differ := 0
	for _, id := range ids {
		got := late.get(t, path, "Entity-Id", id)
		if (got.body == "two") != served[id] {
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("an agent started mid-deployment serves %d of %d entities another version than the agent that saw it start", differ, len(ids))
	}
}

// TestAgentEntityRollout: during a gradual deployment the share of
// entities the agent serves the new version follows the deployment's
// percentage, an entity keeps the version it got, and all get it once the
// deployment completes (AWS's entity-based gradual deployments).
func TestAgentEntityRollout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withoutPush())
	fx := newFixture(t, ts.control)
	deployNow(t, ts.control, fx, immediateStrategy(t, ts.control), "one", "text/plain")
	strategy, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("linear-20-10m"),
		DeploymentDurationInMinutes: aws.Int32(10),
		GrowthFactor:                aws.Float32(20),
		GrowthType:                  types.GrowthTypeLinear,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	ra := startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig())
	path := configurationPath("app", "env", "profile")
	checkAnswer(t, ra.get(t, path), "one", "text/plain", "1")

	version := createVersion(t, ts.control, fx.app, fx.profile, []byte("two"), "text/plain", "")
	deployment := startDeployment(t, ts.control, fx, fmt.Sprint(version), aws.ToString(strategy.Id)).DeploymentNumber
	// Which entities get the target depends on the environment's random
	// ID, so the share is checked against the binomial spread: six
	// standard deviations leave about one failure in 10^8 checks.
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%d", i)
	}
	previous := make(map[string]bool) // entities served version 2
	intermediate := 0
	for step := 0; ; step++ {
		if step == 30 {
			t.Fatal("the deployment did not complete in 30 polls")
		}
		ra.tick(t)
		d := getDeployment(t, ts.control, fx, deployment)
		pct := float64(aws.ToFloat32(d.PercentageComplete))
		served := make(map[string]bool)
		for _, id := range ids {
			got := ra.get(t, path, "Entity-Id", id)
			if got.status != http.StatusOK || (got.body != "one" && got.body != "two") {
				t.Fatalf("Entity-Id %s: %d %q; want 200 one or two", id, got.status, got.body)
			}
			if got.body == "two" {
				served[id] = true
			} else if previous[id] {
				t.Errorf("at %g%%, entity %s went back to version 1", pct, id)
			}
		}
		share := 100 * float64(len(served)) / float64(len(ids))
		if d.State == types.DeploymentStateComplete {
			if share != 100 {
				t.Errorf("after the deployment, %.1f%% of entities get version 2; want all", share)
			}
			break
		}
		p := pct / 100
		spread := 100*6*math.Sqrt(p*(1-p)/float64(len(ids))) + 100/float64(len(ids))
		if share < pct-spread || share > pct+spread {
			t.Errorf("at %g%%, %.1f%% of entities get version 2; want %g±%.1f", pct, share, pct, spread)
		}
		if pct > 0 && pct < 100 {
			intermediate++
			if intermediate == 1 {
				checkLateAgent(t, ts, path, ids, served)
			}
		}
		previous = served
	}
	if intermediate < 2 {
		t.Errorf("saw %d polls in the middle of the deployment; want 2 or more for the test to mean something", intermediate)
	}
}
