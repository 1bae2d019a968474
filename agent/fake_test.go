package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// fakeService is a scripted AppConfigData: the profiles it knows, what is
// deployed to each, and sessions keyed by token, each remembering the
// version it was last sent. It records every call.
type fakeService struct {
	mu sync.Mutex
	// profiles maps the keys the service knows to what is deployed; nil
	// means nothing yet.
	profiles map[Key]*fakeDeployment
	sessions map[string]*fakeSession
	// down, when set, fails every call; hang makes every call wait for
	// its context to end.
	down error
	hang bool
	// nextInterval is the NextPollIntervalInSeconds answered.
	nextInterval time.Duration
	// refuseEarly refuses a session's poll that comes sooner than
	// nextInterval after its last one, without using up the token, as a
	// service holding sessions to their interval does.
	refuseEarly bool
	// rejectProblem is the Problem of the BadRequestException for a token
	// the service does not know.
	rejectProblem types.InvalidParameterProblem
	// push makes the service wait for changes as appconfigd does
	// (docs/WIRE.md §2.5): a poll that asks to wait is held until what
	// its session gets changes or the wait ends, is never refused as too
	// early, and its answer echoes the wait. Without push the service
	// ignores the wait and echoes nothing, as AWS does. With push, busy
	// answers every waiting poll at once with the echo 0, and instant
	// answers it at once with the echo of the wait, as a faulty server
	// would.
	push, busy, instant bool
	// latency is how long every GetLatest call takes before it is
	// answered (on top of any wait).
	latency time.Duration
	// changed is closed, and replaced, whenever what sessions get may
	// have changed or waits are broken, to wake waiting polls; breaks
	// counts breakWaits calls.
	changed chan struct{}
	breaks  int
	tokens  int
	starts  []fakeStart
	polls   []fakePoll
}

// maxFakePolls bounds the polls the service answers: a poller caught in
// a loop keeps a synctest bubble's clock from moving, so past this the
// service fails every poll, the poller backs off, and the test can see
// the count.
const maxFakePolls = 1000

// fakePoll is one GetLatest call: when it came and the wait it asked
// for.
type fakePoll struct {
	at   time.Time
	wait time.Duration
}

// fakeDeployment is what a profile serves: current to plain sessions,
// and during a gradual deployment (rollout) current as the baseline then
// target to the agent's session, as appconfigd does.
type fakeDeployment struct {
	current fakeVersion
	rollout *Rollout
	target  fakeVersion
}

type fakeVersion struct {
	content     string
	contentType string
	label       string
	version     string
}

type fakeSession struct {
	key         Key
	sent        string    // version last sent
	sentAny     bool      // whether anything was sent
	sentRollout *Rollout  // rollout state last sent
	lastPoll    time.Time // when the session last polled
}

type fakeStart struct {
	key             Key
	minPollInterval int32
	at              time.Time
}

func newFakeService(keys ...Key) *fakeService {
	f := &fakeService{
		profiles:      make(map[Key]*fakeDeployment),
		sessions:      make(map[string]*fakeSession),
		nextInterval:  DefaultPollInterval,
		rejectProblem: types.InvalidParameterProblemCorrupted,
		changed:       make(chan struct{}),
	}
	for _, k := range keys {
		f.profiles[k] = nil
	}
	return f
}

// deploy makes v what key serves, ending any rollout.
func (f *fakeService) deploy(key Key, v fakeVersion) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profiles[key] = &fakeDeployment{current: v}
	f.wake()
}

// wake wakes every waiting poll to look again. f.mu must be held.
func (f *fakeService) wake() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// breakWaits ends the polls waiting now with err, as a connection that
// breaks when a replica shuts down.
func (f *fakeService) breakWaits() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.breaks++
	f.wake()
}

// errBrokenWait is what a poll broken by breakWaits returns.
var errBrokenWait = errors.New("connection reset by peer")

// roll reports a gradual deployment of target to the agent.
func (f *fakeService) roll(key Key, r Rollout, target fakeVersion) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.profiles[key]
	if d == nil {
		d = &fakeDeployment{}
		f.profiles[key] = d
	}
	d.rollout, d.target = &r, target
	f.wake()
}

func (f *fakeService) setDown(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = err
}

func (f *fakeService) setHang(hang bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hang = hang
}

// expireTokens forgets every session, so that every token is rejected
// with problem.
func (f *fakeService) expireTokens(problem types.InvalidParameterProblem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = make(map[string]*fakeSession)
	f.rejectProblem = problem
}

func (f *fakeService) startCalls() []fakeStart {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeStart(nil), f.starts...)
}

func (f *fakeService) pollTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	var times []time.Time
	for _, p := range f.polls {
		times = append(times, p.at)
	}
	return times
}

// pollWaits returns the wait each GetLatest call asked for.
func (f *fakeService) pollWaits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var waits []time.Duration
	for _, p := range f.polls {
		waits = append(waits, p.wait)
	}
	return waits
}

// fail returns the error every call fails with now, waiting for ctx when
// the service hangs.
func (f *fakeService) fail(ctx context.Context) error {
	f.mu.Lock()
	down, hang := f.down, f.hang
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return down
}

func (f *fakeService) StartSession(ctx context.Context, key Key, minPollIntervalSeconds int32) (string, error) {
	f.mu.Lock()
	f.starts = append(f.starts, fakeStart{key: key, minPollInterval: minPollIntervalSeconds, at: time.Now()})
	f.mu.Unlock()
	if err := f.fail(ctx); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.profiles[key]; !ok {
		return "", &types.ResourceNotFoundException{Message: aws.String("no such configuration " + key.String())}
	}
	return f.newToken(&fakeSession{key: key}), nil
}

func (f *fakeService) newToken(s *fakeSession) string {
	f.tokens++
	token := fmt.Sprintf("token-%d", f.tokens)
	f.sessions[token] = s
	return token
}

func (f *fakeService) GetLatest(ctx context.Context, token string, wait time.Duration) (*Latest, error) {
	f.mu.Lock()
	f.polls = append(f.polls, fakePoll{at: time.Now(), wait: wait})
	n, latency := len(f.polls), f.latency
	f.mu.Unlock()
	if n > maxFakePolls {
		return nil, errors.New("too many polls")
	}
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := f.fail(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[token]
	if !ok {
		return nil, &types.BadRequestException{
			Message: aws.String("Token not valid"),
			Reason:  types.BadRequestReasonInvalidParameters,
			Details: &types.BadRequestDetailsMemberInvalidParameters{Value: map[string]types.InvalidParameterDetail{
				"ConfigurationToken": {Problem: f.rejectProblem},
			}},
		}
	}
	waits := f.push && wait > 0
	if f.refuseEarly && !waits && !s.lastPoll.IsZero() && time.Since(s.lastPoll) < f.nextInterval {
		return nil, &types.BadRequestException{
			Message: aws.String("Request too early"),
			Reason:  types.BadRequestReasonInvalidParameters,
			Details: &types.BadRequestDetailsMemberInvalidParameters{Value: map[string]types.InvalidParameterDetail{
				"ConfigurationToken": {Problem: types.InvalidParameterProblemPollIntervalNotSatisfied},
			}},
		}
	}
	var offered time.Duration
	if waits {
		offered = min(wait, maxWaitForChange)
		if f.busy {
			offered = 0
		}
		if err := f.awaitChange(ctx, s, offered); err != nil {
			return nil, err
		}
	}
	s.lastPoll = time.Now()
	delete(f.sessions, token)
	l := &Latest{NextToken: f.newToken(s), NextPollInterval: f.nextInterval, WaitAnswered: waits, WaitOffered: offered}
	v, rollout := f.view(s)
	l.Rollout, s.sentRollout = rollout, rollout
	if v == (fakeVersion{}) {
		return l, nil
	}
	l.ContentType, l.ConfigurationVersion = v.contentType, v.version
	if !s.sentAny || s.sent != v.version {
		s.sent, s.sentAny = v.version, true
		l.Configuration, l.VersionLabel = []byte(v.content), v.label
	}
	return l, nil
}

// view returns what session s gets now: the version, and the rollout in
// progress. f.mu must be held.
func (f *fakeService) view(s *fakeSession) (fakeVersion, *Rollout) {
	d := f.profiles[s.key]
	if d == nil {
		return fakeVersion{}, nil
	}
	if d.rollout == nil {
		return d.current, nil
	}
	hasBaseline := d.current.version != ""
	if !hasBaseline || (s.sentAny && (s.sent == d.current.version || s.sent == d.target.version)) {
		return d.target, d.rollout
	}
	return d.current, d.rollout
}

// awaitChange holds a waiting poll of s until what s gets differs from
// what it was last sent, or wait has passed (at once for 0, or when the
// service answers instantly), or ctx ends. A broken wait returns
// errBrokenWait. f.mu must be held; it is released while waiting.
func (f *fakeService) awaitChange(ctx context.Context, s *fakeSession, wait time.Duration) error {
	if wait == 0 || f.instant {
		return nil
	}
	timeout := time.After(wait)
	breaks := f.breaks
	for {
		v, rollout := f.view(s)
		if v != (fakeVersion{}) && (!s.sentAny || s.sent != v.version) || !sameRollout(rollout, s.sentRollout) {
			return nil
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-timeout:
			f.mu.Lock()
			return nil
		case <-ctx.Done():
			f.mu.Lock()
			return ctx.Err()
		}
		f.mu.Lock()
		if f.breaks != breaks {
			return errBrokenWait
		}
	}
}

// testAgent is an agent running on a fake service, inside a synctest
// bubble.
type testAgent struct {
	*Agent
	handler http.Handler
}

// startAgent runs an agent until the test ends. Call it inside
// synctest.Test: the agent's waits then run on the bubble's fake time.
func startAgent(t *testing.T, cfg Config, client DataClient) *testAgent {
	t.Helper()
	a := New(cfg, client, testLogger(t), SystemClock{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return &testAgent{Agent: a, handler: a.Handler()}
}

// get sends GET path with headers given as name, value pairs.
func (a *testAgent) get(t *testing.T, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	a.handler.ServeHTTP(w, r)
	return w
}

// checkBody checks a 200 answer's body.
func checkBody(t *testing.T, w *httptest.ResponseRecorder, want string) {
	t.Helper()
	if w.Code != http.StatusOK || w.Body.String() != want {
		t.Errorf("answer = %d %q; want 200 %q", w.Code, w.Body.String(), want)
	}
}

// checkStatus checks an answer's status.
func checkStatus(t *testing.T, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Errorf("status = %d (%q); want %d", w.Code, strings.TrimSpace(w.Body.String()), want)
	}
}

// testLogger logs to the test at debug level.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// deployedService returns a service that knows testKey, with v deployed.
func deployedService(v fakeVersion) *fakeService {
	svc := newFakeService(testKey)
	svc.deploy(testKey, v)
	return svc
}

// startDeployed runs an agent on a service with v deployed as testKey.
func startDeployed(t *testing.T, cfg Config, v fakeVersion) (*testAgent, *fakeService) {
	t.Helper()
	svc := deployedService(v)
	return startAgent(t, cfg, svc), svc
}

// nextPoll lets one default poll interval pass and the agent settle.
func nextPoll() {
	time.Sleep(DefaultPollInterval)
	synctest.Wait()
}

// backupConfig is the default configuration with a fresh
// BACKUP_DIRECTORY.
func backupConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.BackupDirectory = t.TempDir()
	return cfg
}
