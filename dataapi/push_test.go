package dataapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/dataapi"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// The tests below drive waiting polls and streams of changes
// (docs/WIRE.md §2.5) over a real HTTP connection, as clients see them:
// the handlers move write deadlines and flush events, which a recorder
// would not show.

// answerWithin bounds how long a test waits for an answer the contract
// says comes at once, or soon after a change: far below the 60 seconds a
// poll may wait, so that a poll that waits when it should not fails the
// test instead of passing late.
const answerWithin = 10 * time.Second

// pushContent is what hosted version n holds.
func pushContent(n int) []byte { return []byte(`{"version":` + strconv.Itoa(n) + `}`) }

// pushFixture is a data plane served over HTTP from a Service of its own
// on SQLite with a fake clock (so that "too early" does not depend on how
// fast the test runs): one application, environment and hosted profile
// with versions 1 and 2, version 1 deployed.
type pushFixture struct {
	svc               *appconfigd.Service
	srv               *httptest.Server
	app, env, profile string
	allAtOnce         string
}

// newPushFixture builds a pushFixture; change, when set, adjusts the
// Service before it opens (its MaxWaiters, say).
func newPushFixture(t *testing.T, change func(*appconfigd.Service)) *pushFixture {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	svc := apptest.NewService(t, store, apptest.NewClock(time.Time{}), nil, change)
	app, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "push"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "prod"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "config", LocationURI: "hosted"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// All at once without the predefined strategy's ten minutes of
	// baking, so that a second deployment may follow the first at once.
	st, err := svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{
		Name: "all-at-once", GrowthType: appconfigd.GrowthLinear, GrowthFactor: 100,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &pushFixture{svc: svc, app: app.ID, env: env.ID, profile: prof.ID, allAtOnce: st.ID}
	for n := 1; n <= 2; n++ {
		v, err := svc.CreateHostedConfigurationVersion(ctx, app.ID, prof.ID, &appconfigd.HostedConfigurationVersion{
			Content: pushContent(n), ContentType: "application/json", VersionLabel: "v" + strconv.Itoa(n),
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.VersionNumber != n {
			t.Fatalf("hosted version %d got number %d", n, v.VersionNumber)
		}
	}
	f.deploy(t, 1)
	data := &dataapi.Server{Service: svc, Auth: auth.AcceptAll{}, Logger: svc.Logger}
	f.srv = httptest.NewServer(awsjson.WithRequestID(awsjson.NewRouter(data.Routes())))
	// Answer what still waits first: Close waits for every request in
	// flight, and a waiting poll could hold it for a minute.
	t.Cleanup(func() {
		svc.StopWaiting()
		f.srv.Close()
	})
	return f
}

// deploy deploys hosted version n all at once through the Service.
func (f *pushFixture) deploy(t *testing.T, n int) {
	t.Helper()
	_, err := f.svc.StartDeployment(t.Context(), f.app, f.env, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: f.allAtOnce, ConfigurationProfileID: f.profile, ConfigurationVersion: strconv.Itoa(n),
	})
	if err != nil {
		t.Fatalf("deploy version %d: %v", n, err)
	}
}

// startSession starts a session over HTTP and returns its initial token;
// interval, when positive, is its required minimum poll interval.
func (f *pushFixture) startSession(t *testing.T, interval int) string {
	t.Helper()
	in := map[string]any{
		"ApplicationIdentifier":          f.app,
		"EnvironmentIdentifier":          f.env,
		"ConfigurationProfileIdentifier": f.profile,
	}
	if interval > 0 {
		in["RequiredMinimumPollIntervalInSeconds"] = interval
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.srv.URL+"/configurationsessions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	a, err := f.do(req)
	if err != nil {
		t.Fatalf("StartConfigurationSession: %v", err)
	}
	var out struct{ InitialConfigurationToken string }
	if err := json.Unmarshal(a.body, &out); a.status != http.StatusCreated || err != nil || out.InitialConfigurationToken == "" {
		t.Fatalf("StartConfigurationSession: status %d, %v: %s", a.status, err, a.body)
	}
	return out.InitialConfigurationToken
}

// answer is a response read to its end.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends req and reads the whole answer.
func (f *pushFixture) do(req *http.Request) (*answer, error) {
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// pollRequest returns a GetLatestConfiguration request for token that
// sends each of waits as an Appconfigd-Wait-For-Change header.
func (f *pushFixture) pollRequest(t *testing.T, ctx context.Context, path, token string, waits ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path+"?configuration_token="+url.QueryEscape(token), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range waits {
		req.Header.Add(dataapi.HeaderWaitForChange, w)
	}
	return req
}

// poll polls with token and returns the answer, failing the test when
// none comes within answerWithin.
func (f *pushFixture) poll(t *testing.T, token string, waits ...string) *answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), answerWithin)
	defer cancel()
	a, err := f.do(f.pollRequest(t, ctx, "/configuration", token, waits...))
	if err != nil {
		t.Fatalf("GetLatestConfiguration (waits %q): %v", waits, err)
	}
	return a
}

// pollResult is what a poll sent in the background got.
type pollResult struct {
	a   *answer
	err error
}

// pollInBackground sends a poll with token and returns where its answer
// arrives. The poll gives up after answerWithin, or when the test ends.
func (f *pushFixture) pollInBackground(t *testing.T, token string, waits ...string) <-chan pollResult {
	t.Helper()
	req := f.pollRequest(t, t.Context(), "/configuration", token, waits...)
	done := make(chan pollResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(req.Context(), answerWithin)
		defer cancel()
		a, err := f.do(req.WithContext(ctx))
		done <- pollResult{a, err}
	}()
	return done
}

// firstPoll polls the session's initial token, checks that it got
// version 1 and returns the next token.
func (f *pushFixture) firstPoll(t *testing.T, initial string) string {
	t.Helper()
	a := f.poll(t, initial)
	checkConfiguration(t, a, 1)
	return a.header.Get("Next-Poll-Configuration-Token")
}

// waitForWaiters waits until n polls wait for a change: a wait for a
// state, bounded so that a poll that never waits fails the test.
func waitForWaiters(t *testing.T, svc *appconfigd.Service, n int) {
	t.Helper()
	deadline := time.Now().Add(answerWithin)
	for svc.WaitingPolls() != n {
		if time.Now().After(deadline) {
			t.Fatalf("WaitingPolls() = %d after %v; want %d", svc.WaitingPolls(), answerWithin, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// checkConfiguration checks that a is a 200 carrying hosted version n
// and a next token.
func checkConfiguration(t *testing.T, a *answer, n int) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s; want 200 with version %d", a.status, a.body, n)
	}
	if got, want := a.header.Get("Version-Label"), "v"+strconv.Itoa(n); got != want {
		t.Errorf("Version-Label = %q; want %q", got, want)
	}
	if got, want := string(a.body), string(pushContent(n)); got != want {
		t.Errorf("body = %q; want %q", got, want)
	}
	if got, want := a.header.Get(dataapi.HeaderConfigurationVersion), strconv.Itoa(n); got != want {
		t.Errorf("%s = %q; want %q", dataapi.HeaderConfigurationVersion, got, want)
	}
	if a.header.Get("Next-Poll-Configuration-Token") == "" {
		t.Error("no Next-Poll-Configuration-Token")
	}
}

// checkUnchanged checks that a is a 200 that says "unchanged": no body,
// no Version-Label, and a next token other than the one polled.
func checkUnchanged(t *testing.T, a *answer, polled string) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s; want 200 unchanged", a.status, a.body)
	}
	if len(a.body) != 0 {
		t.Errorf("body = %q; want none (unchanged)", a.body)
	}
	if got := a.header.Get("Version-Label"); got != "" {
		t.Errorf("Version-Label = %q; want none (unchanged)", got)
	}
	switch next := a.header.Get("Next-Poll-Configuration-Token"); next {
	case "":
		t.Error("no Next-Poll-Configuration-Token")
	case polled:
		t.Error("Next-Poll-Configuration-Token is the token polled; want a new one")
	}
}

// checkEcho checks the answer's Appconfigd-Wait-For-Change header: want
// its one value, or "" for no header at all.
func checkEcho(t *testing.T, a *answer, want string) {
	t.Helper()
	got := a.header.Values(dataapi.HeaderWaitForChange)
	switch {
	case want == "" && len(got) != 0:
		t.Errorf("%s = %q; want no such header", dataapi.HeaderWaitForChange, got)
	case want != "" && (len(got) != 1 || got[0] != want):
		t.Errorf("%s = %q; want [%q]", dataapi.HeaderWaitForChange, got, want)
	}
}

// checkError checks that a is an AWS JSON error (docs/WIRE.md §1.5) of
// exception name with status, whose Message contains message.
func checkError(t *testing.T, a *answer, status int, name, message string) {
	t.Helper()
	if a.status != status {
		t.Errorf("status %d; want %d", a.status, status)
	}
	if got := a.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q; want application/json", got)
	}
	if got := a.header.Get("X-Amzn-Errortype"); got != name {
		t.Errorf("X-Amzn-ErrorType = %q; want %q", got, name)
	}
	var doc struct {
		Type    string `json:"__type"`
		Message string
	}
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatalf("error body %q: %v", a.body, err)
	}
	if doc.Type != name {
		t.Errorf("__type = %q; want %q", doc.Type, name)
	}
	if !strings.Contains(doc.Message, message) {
		t.Errorf("Message = %q; want it to contain %q", doc.Message, message)
	}
}

// TestWaitForChange: a poll with Appconfigd-Wait-For-Change answers as
// soon as its answer changes, says how long the server was willing to
// wait, and leaves polls without the header as they were (docs/WIRE.md
// §2.5).
func TestWaitForChange(t *testing.T) {
	t.Parallel()
	t.Run("ChangeAnswersTheWaitingPoll", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		next := f.firstPoll(t, f.startSession(t, 0))
		waiting := f.pollInBackground(t, next, "60")
		waitForWaiters(t, f.svc, 1)
		f.deploy(t, 2)
		r := <-waiting
		if r.err != nil {
			t.Fatalf("waiting poll: %v; want version 2 as soon as it is deployed, within %v", r.err, answerWithin)
		}
		checkConfiguration(t, r.a, 2)
		checkEcho(t, r.a, "60")
		if n := f.svc.WaitingPolls(); n != 0 {
			t.Errorf("WaitingPolls() = %d after the answer; want 0", n)
		}
	})
	t.Run("EchoIsCappedAt60", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		// The initial token has not received version 1: answered at once.
		for _, wait := range []string{"3600", "99999999999999999999"} {
			a := f.poll(t, f.startSession(t, 0), wait)
			checkConfiguration(t, a, 1)
			checkEcho(t, a, "60")
		}
	})
	t.Run("MalformedHeaderIsBadRequest", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		next := f.firstPoll(t, f.startSession(t, 0))
		for _, waits := range [][]string{{"abc"}, {"0"}, {"000"}, {"-5"}, {"+5"}, {"1.5"}, {""}, {"5", "5"}} {
			a := f.poll(t, next, waits...)
			checkError(t, a, http.StatusBadRequest, "BadRequestException", dataapi.HeaderWaitForChange)
			if t.Failed() {
				t.Fatalf("with %s %q", dataapi.HeaderWaitForChange, waits)
			}
		}
		// The refused polls did not use the token up.
		a := f.poll(t, next)
		checkUnchanged(t, a, next)
	})
	t.Run("AtTheLimitAnswersAtOnceWithZero", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, func(s *appconfigd.Service) { s.MaxWaiters = 1 })
		waiting := f.pollInBackground(t, f.firstPoll(t, f.startSession(t, 0)), "60")
		waitForWaiters(t, f.svc, 1)
		// A 15-second session polls right after its previous answer:
		// too early for a plain poll, but a waiting poll is never too
		// early, and at the limit it answers at once.
		next := f.firstPoll(t, f.startSession(t, 15))
		a := f.poll(t, next, "60")
		checkUnchanged(t, a, next)
		checkEcho(t, a, "0")
		if n := f.svc.WaitingPolls(); n != 1 {
			t.Errorf("WaitingPolls() = %d; want 1, the first poll still waiting", n)
		}
		f.svc.StopWaiting()
		if r := <-waiting; r.err != nil {
			t.Errorf("first waiting poll: %v", r.err)
		}
	})
	t.Run("ShutdownAnswersWaitingPolls", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		next := f.firstPoll(t, f.startSession(t, 0))
		waiting := f.pollInBackground(t, next, "60")
		waitForWaiters(t, f.svc, 1)
		f.svc.StopWaiting()
		r := <-waiting
		if r.err != nil {
			t.Fatalf("waiting poll: %v; want an answer as soon as the server stops waiting", r.err)
		}
		checkUnchanged(t, r.a, next)
		checkEcho(t, r.a, "60")
		// The new token polls on.
		checkUnchanged(t, f.poll(t, r.a.header.Get("Next-Poll-Configuration-Token")), "")
	})
	t.Run("PlainPollUnaffected", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		a := f.poll(t, f.startSession(t, 15))
		checkConfiguration(t, a, 1)
		checkEcho(t, a, "")
		a = f.poll(t, a.header.Get("Next-Poll-Configuration-Token"))
		checkError(t, a, http.StatusBadRequest, "BadRequestException", "Request too early")
		checkEcho(t, a, "")
	})
}

// event is one server-sent event.
type event struct {
	name, data string
}

// eventStream reads a stream of changes.
type eventStream struct {
	resp *http.Response
	sc   *bufio.Scanner
}

// openStream opens GET /configuration/stream with token. A stream that
// began is read until the test ends or for at most answerWithin; a
// refusal comes back as the answer instead.
func (f *pushFixture) openStream(t *testing.T, token string) (*eventStream, *answer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), answerWithin)
	t.Cleanup(cancel)
	resp, err := f.srv.Client().Do(f.pollRequest(t, ctx, "/configuration/stream", token))
	if err != nil {
		t.Fatalf("GET /configuration/stream: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET /configuration/stream: status %d, reading body: %v", resp.StatusCode, err)
		}
		return nil, &answer{status: resp.StatusCode, header: resp.Header, body: body}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	return &eventStream{resp: resp, sc: sc}, nil
}

// next returns the next event, or io.EOF when the stream ended cleanly
// between events.
func (s *eventStream) next() (event, error) {
	var e event
	started := false
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if started {
				return e, nil
			}
		case strings.HasPrefix(line, "event: "):
			e.name, started = strings.TrimPrefix(line, "event: "), true
		case strings.HasPrefix(line, "data: "):
			e.data, started = strings.TrimPrefix(line, "data: "), true
		default:
			return e, errors.New("unexpected line " + strconv.Quote(line))
		}
	}
	if err := s.sc.Err(); err != nil {
		return e, err
	}
	if started {
		return e, io.ErrUnexpectedEOF
	}
	return e, io.EOF
}

// streamConfiguration is the data of a configuration event.
type streamConfiguration struct {
	Configuration              []byte
	ContentType                string
	VersionLabel               string
	VersionNumber              int
	NextPollConfigurationToken string
	NextPollIntervalInSeconds  int
}

// nextConfiguration reads the next event, checks that it is a
// configuration event of hosted version n and returns its data.
func (s *eventStream) nextConfiguration(t *testing.T, n int) streamConfiguration {
	t.Helper()
	e, err := s.next()
	if err != nil {
		t.Fatalf("reading the event of version %d: %v", n, err)
	}
	if e.name != "configuration" {
		t.Fatalf("event %q (data %s); want configuration of version %d", e.name, e.data, n)
	}
	var c streamConfiguration
	if err := json.Unmarshal([]byte(e.data), &c); err != nil {
		t.Fatalf("configuration data %q: %v", e.data, err)
	}
	if got, want := string(c.Configuration), string(pushContent(n)); got != want {
		t.Errorf("Configuration = %q; want %q", got, want)
	}
	if c.VersionNumber != n {
		t.Errorf("VersionNumber = %d; want %d", c.VersionNumber, n)
	}
	if got, want := c.VersionLabel, "v"+strconv.Itoa(n); got != want {
		t.Errorf("VersionLabel = %q; want %q", got, want)
	}
	if c.ContentType != "application/json" {
		t.Errorf("ContentType = %q; want application/json", c.ContentType)
	}
	if c.NextPollConfigurationToken == "" {
		t.Error("no NextPollConfigurationToken")
	}
	return c
}

// TestConfigurationStream: GET /configuration/stream sends the current
// version, then each change, as server-sent events; refuses in AWS JSON
// what a poll refuses; and ends when the server stops waiting, leaving
// the client a token that works (docs/WIRE.md §2.5).
func TestConfigurationStream(t *testing.T) {
	t.Parallel()
	t.Run("FirstEventIsTheCurrentVersion", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		s, refused := f.openStream(t, f.startSession(t, 0))
		if refused != nil {
			t.Fatalf("status %d: %s; want a stream", refused.status, refused.body)
		}
		if got := s.resp.Header.Get("Content-Type"); got != "text/event-stream" {
			t.Errorf("Content-Type = %q; want text/event-stream", got)
		}
		s.nextConfiguration(t, 1)
	})
	t.Run("ChangeIsAnEvent", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		s, refused := f.openStream(t, f.startSession(t, 0))
		if refused != nil {
			t.Fatalf("status %d: %s; want a stream", refused.status, refused.body)
		}
		s.nextConfiguration(t, 1)
		waitForWaiters(t, f.svc, 1)
		f.deploy(t, 2)
		s.nextConfiguration(t, 2)
	})
	t.Run("BadTokenIsAJSONError", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		token := []byte(f.startSession(t, 0))
		// One character changed in the middle: the seal no longer opens.
		if i := len(token) / 2; token[i] == 'A' {
			token[i] = 'B'
		} else {
			token[i] = 'A'
		}
		s, refused := f.openStream(t, string(token))
		if s != nil {
			t.Fatalf("a corrupted token opened a stream (Content-Type %q); want a JSON error", s.resp.Header.Get("Content-Type"))
		}
		checkError(t, refused, http.StatusBadRequest, "BadRequestException", "Token not valid")
	})
	t.Run("AtTheLimitIsThrottled", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, func(s *appconfigd.Service) { s.MaxWaiters = 0 })
		next := f.firstPoll(t, f.startSession(t, 0))
		// next has received the version served, so the stream must wait
		// at once, and may not.
		s, refused := f.openStream(t, next)
		if s != nil {
			e, err := s.next()
			t.Fatalf("a stream at the limit of waiters began (first event %q, %v); want a JSON error", e.name, err)
		}
		checkError(t, refused, http.StatusTooManyRequests, "ThrottlingException", "wait for a change already")
		// The refusal did not use the token up.
		checkUnchanged(t, f.poll(t, next), next)
	})
	t.Run("ShutdownEndsTheStream", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		s, refused := f.openStream(t, f.startSession(t, 0))
		if refused != nil {
			t.Fatalf("status %d: %s; want a stream", refused.status, refused.body)
		}
		s.nextConfiguration(t, 1)
		waitForWaiters(t, f.svc, 1)
		f.svc.StopWaiting()
		e, err := s.next()
		if err != nil || e.name != "token" {
			t.Fatalf("after StopWaiting: event %q, %v; want a token event", e.name, err)
		}
		if e, err := s.next(); err != io.EOF {
			t.Fatalf("after the token event: event %q, %v; want the stream to end (EOF)", e.name, err)
		}
	})
	t.Run("NewestTokenWorksAfterTheStream", func(t *testing.T) {
		t.Parallel()
		f := newPushFixture(t, nil)
		s, refused := f.openStream(t, f.startSession(t, 0))
		if refused != nil {
			t.Fatalf("status %d: %s; want a stream", refused.status, refused.body)
		}
		first := s.nextConfiguration(t, 1)
		waitForWaiters(t, f.svc, 1)
		f.deploy(t, 2)
		s.nextConfiguration(t, 2)
		waitForWaiters(t, f.svc, 1)
		f.svc.StopWaiting()
		e, err := s.next()
		if err != nil || e.name != "token" {
			t.Fatalf("after StopWaiting: event %q, %v; want a token event", e.name, err)
		}
		var last struct{ NextPollConfigurationToken string }
		if err := json.Unmarshal([]byte(e.data), &last); err != nil || last.NextPollConfigurationToken == "" {
			t.Fatalf("token event data %q: %v; want a NextPollConfigurationToken", e.data, err)
		}
		if _, err := s.next(); err != io.EOF {
			t.Fatalf("after the token event: %v; want the stream to end (EOF)", err)
		}
		a := f.poll(t, last.NextPollConfigurationToken)
		checkUnchanged(t, a, last.NextPollConfigurationToken)
		if got := a.header.Get(dataapi.HeaderConfigurationVersion); got != "2" {
			t.Errorf("%s = %q after the stream; want 2", dataapi.HeaderConfigurationVersion, got)
		}
		// Each event used the token before it: the first event's token
		// is spent.
		checkError(t, f.poll(t, first.NextPollConfigurationToken), http.StatusBadRequest, "BadRequestException", "Token not valid")
	})
}
