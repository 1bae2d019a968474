package agent

import (
	"context"
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
	tokens        int
	starts        []fakeStart
	polls         []time.Time
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
	key      Key
	sent     string    // version last sent
	sentAny  bool      // whether anything was sent
	lastPoll time.Time // when the session last polled
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
}

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
	return append([]time.Time(nil), f.polls...)
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

func (f *fakeService) GetLatest(ctx context.Context, token string) (*Latest, error) {
	f.mu.Lock()
	f.polls = append(f.polls, time.Now())
	f.mu.Unlock()
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
	if f.refuseEarly && !s.lastPoll.IsZero() && time.Since(s.lastPoll) < f.nextInterval {
		return nil, &types.BadRequestException{
			Message: aws.String("Request too early"),
			Reason:  types.BadRequestReasonInvalidParameters,
			Details: &types.BadRequestDetailsMemberInvalidParameters{Value: map[string]types.InvalidParameterDetail{
				"ConfigurationToken": {Problem: types.InvalidParameterProblemPollIntervalNotSatisfied},
			}},
		}
	}
	s.lastPoll = time.Now()
	delete(f.sessions, token)
	l := &Latest{NextToken: f.newToken(s), NextPollInterval: f.nextInterval}
	d := f.profiles[s.key]
	if d == nil {
		return l, nil
	}
	v := d.current
	if d.rollout != nil {
		l.Rollout = d.rollout
		hasBaseline := d.current.version != ""
		if !hasBaseline || (s.sentAny && (s.sent == d.current.version || s.sent == d.target.version)) {
			v = d.target
		}
	}
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
