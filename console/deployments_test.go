package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// snapshot is what the deployment event stream sends.
type snapshot struct {
	State      string  `json:"state"`
	Percentage float64 `json:"percentage"`
	Final      bool    `json:"final"`
	CanStop    bool    `json:"canStop"`
	CanRevert  bool    `json:"canRevert"`
	// CompletedAt and the events' Time are shown as the page shows times.
	CompletedAt string `json:"completedAt"`
	Events      []struct {
		Type string `json:"type"`
		At   string `json:"at"`
		Time string `json:"time"`
	} `json:"events"`
}

// shownTime is how the console shows times.
var shownTime = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$`)

// stream is an open deployment event stream.
type stream struct {
	t     *testing.T
	lines *bufio.Scanner
}

// openStream opens path's event stream as b and checks its content type.
func (b *browser) openStream(path string) *stream {
	b.t.Helper()
	// The stream sends within a check interval; the deadline only keeps
	// a broken test from hanging.
	ctx, cancel := context.WithTimeout(b.t.Context(), 20*time.Second)
	b.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		b.t.Fatalf("stream: status %d, content type %q; want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return &stream{t: b.t, lines: bufio.NewScanner(res.Body)}
}

// next returns the next snapshot, or false when the stream ended.
func (s *stream) next() (snapshot, bool) {
	s.t.Helper()
	for s.lines.Scan() {
		data, ok := strings.CutPrefix(s.lines.Text(), "data: ")
		if !ok {
			continue
		}
		var snap snapshot
		if err := json.Unmarshal([]byte(data), &snap); err != nil {
			s.t.Fatalf("snapshot %q: %v", data, err)
		}
		return snap, true
	}
	if err := s.lines.Err(); err != nil {
		s.t.Fatalf("reading the stream: %v", err)
	}
	return snapshot{}, false
}

// startThroughConsole starts a deployment of version with strategy as b
// and returns the path of its live page.
func startThroughConsole(t *testing.T, b *browser, f fixture, version, strategy string) string {
	t.Helper()
	p := b.submit(f.envPath()+"/deployments", url.Values{"profile": {f.Profile.ID}, "version": {version}, "strategy": {strategy}, "description": {"from the console"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, f.envPath()+"/deployments/") {
		t.Fatalf("start deployment: got %d to %q, want 303 to its page:\n%s", p.status, p.location, p.body)
	}
	return p.location
}

func TestDeployments(t *testing.T) {
	t.Parallel()

	t.Run("AdminStartsADeploymentAndWatchesItComplete", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		ctx := t.Context()
		f := newFixture(t, tc, "live")
		admin := tc.signIn(t, adminID, adminSecret)
		path := startThroughConsole(t, admin, f, "2", "AppConfig.Linear50PercentEvery30Seconds")

		d, err := tc.Service.GetDeployment(ctx, f.App.ID, f.Env.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.VersionNumber != 2 || d.Description != "from the console" || d.State != appconfigd.DeploymentDeploying {
			t.Fatalf("deployment %+v, want version 2 DEPLOYING", d)
		}
		page := admin.get(path)
		page.mustContain(t, "Started deployment 1.", "<progress", `data-events="`+path+`/events"`, "Stop and roll back", "DEPLOYMENT_STARTED")

		s := admin.openStream(path + "/events")
		first, ok := s.next()
		if !ok || first.State != "DEPLOYING" || first.Percentage != 0 || first.Final || !first.CanStop {
			t.Fatalf("first snapshot %+v, want DEPLOYING at 0%% that can be stopped", first)
		}
		tc.Clock.Advance(21 * time.Second)
		if _, err := tc.Service.AdvanceDeployments(ctx); err != nil {
			t.Fatal(err)
		}
		second, ok := s.next()
		if !ok || second.Percentage != 50 || len(second.Events) != 2 || second.Events[0].Type != "PERCENTAGE_UPDATED" {
			t.Fatalf("snapshot after the first step %+v, want 50%% with the step newest first", second)
		}
		tc.Clock.Advance(3 * time.Minute)
		if _, err := tc.Service.AdvanceDeployments(ctx); err != nil {
			t.Fatal(err)
		}
		var last snapshot
		for snap, ok := s.next(); ok; snap, ok = s.next() {
			last = snap
		}
		if last.State != "COMPLETE" || !last.Final || last.CanStop || !last.CanRevert {
			t.Fatalf("last snapshot %+v, want a final COMPLETE that can be reverted", last)
		}
		if !shownTime.MatchString(last.CompletedAt) {
			t.Errorf("completedAt %q, want it as the page shows times (2006-01-02 15:04:05 UTC)", last.CompletedAt)
		}
		for _, ev := range last.Events {
			if !shownTime.MatchString(ev.Time) {
				t.Errorf("event %s at %q: time %q, want it as the page shows times", ev.Type, ev.At, ev.Time)
			}
			if _, err := time.Parse(time.RFC3339, ev.At); err != nil {
				t.Errorf("event %s: at %q is not RFC 3339, which <time datetime> needs", ev.Type, ev.At)
			}
		}
	})
	t.Run("StopRollsBack", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		f := newFixture(t, tc, "stop")
		admin := tc.signIn(t, adminID, adminSecret)
		path := startThroughConsole(t, admin, f, "1", "AppConfig.Linear50PercentEvery30Seconds")
		p := admin.submit(path+"/stop", nil)
		if p.status != http.StatusSeeOther || p.location != path {
			t.Fatalf("stop: got %d to %q, want 303 back to the page", p.status, p.location)
		}
		d, err := tc.Service.GetDeployment(t.Context(), f.App.ID, f.Env.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != appconfigd.DeploymentRolledBack {
			t.Fatalf("state %s after stop, want ROLLED_BACK", d.State)
		}
		// A stopped deployment cannot be stopped again: the service's
		// error is shown on the page.
		p = admin.submit(path+"/stop", nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("second stop: status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "cannot be stopped", "ROLLED_BACK")
		// The stream of a finished deployment sends one final snapshot
		// and ends.
		s := admin.openStream(path + "/events")
		if snap, ok := s.next(); !ok || snap.State != "ROLLED_BACK" || !snap.Final || snap.CanRevert {
			t.Fatalf("snapshot %+v, want a final ROLLED_BACK", snap)
		}
		if snap, ok := s.next(); ok {
			t.Fatalf("stream went on after the final snapshot with %+v", snap)
		}
	})
	t.Run("RevertOfACompleteDeployment", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		f := newFixture(t, tc, "revert")
		admin := tc.signIn(t, adminID, adminSecret)
		path := startThroughConsole(t, admin, f, "1", "AppConfig.AllAtOnce")
		admin.get(path).mustContain(t, `id="deployment-revert" data-confirm="Revert deployment 1 to the previous version?" hidden`)
		tc.Clock.Advance(11 * time.Minute)
		if _, err := tc.Service.AdvanceDeployments(t.Context()); err != nil {
			t.Fatal(err)
		}
		page := admin.get(path)
		page.mustContain(t, "COMPLETE", `id="deployment-stop" data-confirm="Stop deployment 1 and roll it back?" hidden`)
		page.mustNotContain(t, `previous version?" hidden`)
		p := admin.submit(path+"/revert", nil)
		if p.status != http.StatusSeeOther {
			t.Fatalf("revert: status %d, want 303:\n%s", p.status, p.body)
		}
		d, err := tc.Service.GetDeployment(t.Context(), f.App.ID, f.Env.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != appconfigd.DeploymentReverted {
			t.Fatalf("state %s after revert, want REVERTED", d.State)
		}
		out, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{Operation: "StopDeployment"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].KeyName != "alice" || out.Items[0].Resource != path+"/revert" {
			t.Fatalf("audit entries %+v, want alice's revert", out.Items)
		}
	})
	t.Run("StartErrorIsShownWithTheInput", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		f := newFixture(t, tc, "bad-start")
		admin := tc.signIn(t, adminID, adminSecret)
		p := admin.submit(f.envPath()+"/deployments", url.Values{"profile": {f.Profile.ID}, "version": {"9"}, "strategy": {"AppConfig.AllAtOnce"}, "description": {"kept text"}})
		if p.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", p.status)
		}
		p.mustContain(t, `role="alert"`, `value="kept text"`, `value="9"`)
	})
	t.Run("ReaderWatchesButMayNotStop", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		f := newFixture(t, tc, "readable")
		if _, err := tc.Service.StartDeployment(t.Context(), f.App.ID, f.Env.ID, appconfigd.StartDeploymentInput{ConfigurationProfileID: f.Profile.ID, ConfigurationVersion: "1", DeploymentStrategyID: "AppConfig.Linear50PercentEvery30Seconds"}); err != nil {
			t.Fatal(err)
		}
		reader := tc.signIn(t, readerID, readerSecret)
		path := f.envPath() + "/deployments/1"
		page := reader.get(path)
		if page.status != http.StatusOK {
			t.Fatalf("status %d, want 200", page.status)
		}
		page.mustNotContain(t, "Stop and roll back", "Revert</button>")
		if snap, ok := reader.openStream(path + "/events").next(); !ok || snap.State != "DEPLOYING" {
			t.Fatalf("reader's snapshot %+v, want DEPLOYING", snap)
		}
		if p := reader.submit(path+"/stop", nil); p.status != http.StatusForbidden {
			t.Fatalf("reader stop: status %d, want 403", p.status)
		}
		if d, err := tc.Service.GetDeployment(t.Context(), f.App.ID, f.Env.ID, 1); err != nil || d.State != appconfigd.DeploymentDeploying {
			t.Fatalf("after the reader's stop: %v, %v; want it still DEPLOYING", d, err)
		}
	})
}
