package controlapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// auditEntries returns the whole audit trail, newest first.
func (e *testEnv) auditEntries() []*appconfigd.AuditEntry {
	e.t.Helper()
	var entries []*appconfigd.AuditEntry
	err := e.svc.Store.View(e.t.Context(), func(tx appconfigd.Tx) (err error) {
		entries, _, err = tx.ListAudit(e.t.Context(), appconfigd.AuditFilter{}, appconfigd.Page{})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// onlyAuditEntry returns the one audit entry, failing unless there is
// exactly one.
func (e *testEnv) onlyAuditEntry() *appconfigd.AuditEntry {
	e.t.Helper()
	entries := e.auditEntries()
	if len(entries) != 1 {
		e.t.Fatalf("audit trail has %d entries, want 1: %+v", len(entries), entries)
	}
	return entries[0]
}

// signedBy makes every request come from the key id named name with role.
func (e *testEnv) signedBy(id, name string, role appconfigd.Role) {
	e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
		return appconfigd.Principal{AccessKeyID: id, Name: name, Role: role}, nil
	})
}

func TestAudit(t *testing.T) {
	t.Parallel()

	t.Run("ChangeIsRecorded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.signedBy("AKIDADMIN", "ops", appconfigd.RoleAdmin)
		rec := e.do("POST", "/applications", `{"Name":"web"}`)
		wantStatus(t, rec, http.StatusCreated)
		got := e.onlyAuditEntry()
		want := appconfigd.AuditEntry{
			Time:        e.clock.Now(),
			RequestID:   rec.Header().Get("X-Amzn-RequestId"),
			AccessKeyID: "AKIDADMIN",
			KeyName:     "ops",
			Operation:   "CreateApplication",
			Resource:    "/applications",
			Status:      http.StatusCreated,
		}
		if want.RequestID == "" || !got.Time.Equal(want.Time) {
			t.Errorf("RequestID %q, Time %v; want a request ID and %v", want.RequestID, got.Time, want.Time)
		}
		got.Time = want.Time
		if *got != want {
			t.Errorf("entry = %+v\nwant    %+v", *got, want)
		}
	})

	t.Run("FailedChangeRecordsTheError", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("DELETE", "/applications/nosuchapp", "")
		body := wantError(t, rec, http.StatusNotFound, "ResourceNotFoundException")
		got := e.onlyAuditEntry()
		if got.Operation != "DeleteApplication" || got.Resource != "/applications/nosuchapp" ||
			got.Status != http.StatusNotFound || got.ErrorCode != appconfigd.ENotFound || got.Message != body["Message"] {
			t.Errorf("entry = %+v, want DeleteApplication of /applications/nosuchapp, 404 ResourceNotFound with the message sent (%v)", *got, body["Message"])
		}
	})

	t.Run("EveryKindOfChangeIsRecorded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		app := e.createApplication("web")
		env := e.createEnvironment(app, "prod")
		for _, tt := range []struct{ method, path, body string }{
			{"PATCH", "/applications/" + app, `{"Description":"d"}`},
			{"POST", "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2F" + app, `{"Tags":{"k":"v"}}`},
			{"DELETE", "/applications/" + app + "/environments/" + env + "/deployments/1", ""},
			{"POST", "/extensions", `{}`}, // unsupported, and refused as such
		} {
			e.do(tt.method, tt.path, tt.body)
		}
		var ops []string
		for _, a := range e.auditEntries() {
			ops = append(ops, a.Operation)
		}
		want := "CreateExtension StopDeployment TagResource UpdateApplication CreateEnvironment CreateApplication"
		if got := strings.Join(ops, " "); got != want {
			t.Errorf("operations recorded, newest first: %s\nwant %s", got, want)
		}
	})

	t.Run("ReadsAreNotRecorded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		app := e.createApplication("web")
		profile := e.createProfile(app, "p")
		e.createVersion(app, profile, `{}`)
		before := len(e.auditEntries())
		for _, tt := range []struct{ method, path string }{
			{"GET", "/applications"},
			{"GET", "/applications/" + app},
			{"HEAD", "/applications/" + app},
			{"GET", "/deploymentstrategies"},
			// ValidateConfiguration is a POST that changes nothing.
			{"POST", "/applications/" + app + "/configurationprofiles/" + profile + "/validators?configuration_version=1"},
		} {
			e.do(tt.method, tt.path, "")
		}
		if after := len(e.auditEntries()); after != before {
			t.Errorf("audit trail grew from %d to %d entries on reads", before, after)
		}
	})

	t.Run("AccessDeniedIsRecorded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.signedBy("AKIDREADER", "dashboard", appconfigd.RoleReader)
		rec := e.do("POST", "/applications", `{"Name":"web"}`)
		wantError(t, rec, http.StatusForbidden, "AccessDeniedException")
		got := e.onlyAuditEntry()
		if got.AccessKeyID != "AKIDREADER" || got.KeyName != "dashboard" || got.Operation != "CreateApplication" ||
			got.Status != http.StatusForbidden || got.ErrorCode != appconfigd.EAccessDenied {
			t.Errorf("entry = %+v, want AKIDREADER's CreateApplication refused with 403 AccessDenied", *got)
		}
	})

	t.Run("FailedAuthenticationIsNotRecorded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		for _, code := range []appconfigd.ErrorCode{
			appconfigd.EMissingAuthentication, appconfigd.EUnrecognizedClient, appconfigd.EInvalidSignature,
			appconfigd.EAccessDenied, appconfigd.EThrottling,
		} {
			e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
				return appconfigd.Principal{AccessKeyID: "AKIDFORGED"}, appconfigd.Errorf(code, "refused")
			})
			rec := e.do("POST", "/applications", `{"Name":"web"}`)
			if rec.Code < 400 {
				t.Fatalf("%s: status %d, want a refusal", code, rec.Code)
			}
		}
		if entries := e.auditEntries(); len(entries) != 0 {
			t.Errorf("audit trail = %+v, want nothing from unauthenticated requests", entries)
		}
	})

	t.Run("RecordsAfterTheClientLeft", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		h := e.srv.handle("DeleteSomething", func(w http.ResponseWriter, r *http.Request) error {
			cancel() // the client disconnects as the handler finishes
			writeNoContent(w)
			return nil
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, "DELETE", "/something", nil))
		if got := e.onlyAuditEntry(); got.Operation != "DeleteSomething" || got.Status != http.StatusNoContent {
			t.Errorf("entry = %+v, want DeleteSomething with 204", *got)
		}
	})

	t.Run("InternalErrorKeepsItsTextOutOfTheTrail", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		h := e.srv.handle("DeleteSomething", func(w http.ResponseWriter, r *http.Request) error {
			return errors.New("connection to 10.0.0.5 refused")
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("DELETE", "/something", nil))
		got := e.onlyAuditEntry()
		if got.ErrorCode != appconfigd.EInternal || got.Status != http.StatusInternalServerError || strings.Contains(got.Message, "10.0.0.5") {
			t.Errorf("entry = %+v, want 500 Internal without the error's text", *got)
		}
	})

	t.Run("FailureToRecordKeepsTheEntryForLaterAndIsLoggedOnce", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.svc.Logger = e.srv.Logger
		failing := &auditFailingStore{Store: e.svc.Store}
		failing.failing.Store(true)
		e.svc.Store = failing
		first := e.do("POST", "/applications", `{"Name":"web"}`)
		wantStatus(t, first, http.StatusCreated)
		if id := jsonBody(t, first)["Id"]; id == "" {
			t.Errorf("body %s, want the created application", first.Body)
		}
		e.clock.Advance(time.Second)
		wantStatus(t, e.do("POST", "/applications", `{"Name":"api"}`), http.StatusCreated)
		logs := e.logs.String()
		if got := strings.Count(logs, "level=ERROR"); got != 1 || !strings.Contains(logs, "audit entries") ||
			!strings.Contains(logs, first.Header().Get("X-Amzn-RequestId")) {
			t.Errorf("log = %q, want one error about audit entries naming the first request", logs)
		}
		if entries := e.auditEntries(); len(entries) != 0 {
			t.Fatalf("audit trail while the store fails = %+v, want nothing yet", entries)
		}

		failing.failing.Store(false)
		e.clock.Advance(time.Second)
		e.do("DELETE", "/applications/nosuchapp", "")
		var got []string
		for _, a := range e.auditEntries() {
			got = append(got, a.Operation+"@"+a.Time.Format("05"))
		}
		want := "DeleteApplication@02 CreateApplication@01 CreateApplication@00"
		if strings.Join(got, " ") != want {
			t.Errorf("audit trail, newest first = %s\nwant %s (kept entries first, with their own times)", strings.Join(got, " "), want)
		}
	})

	t.Run("ClientThatHangsUpIsNoServerError", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.svc.Logger = e.srv.Logger
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		// The client goes away while the transaction runs.
		e.svc.Store = cancellingStore{Store: e.svc.Store, cancel: cancel}
		req := httptest.NewRequestWithContext(ctx, "POST", "/applications", strings.NewReader(`{"Name":"web"}`))
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != appconfigd.StatusClientClosedRequest {
			t.Errorf("status %d, want %d", rec.Code, appconfigd.StatusClientClosedRequest)
		}
		if logs := e.logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("log = %q, want no error for a client that hung up", logs)
		}
		got := e.onlyAuditEntry()
		if got.Status != appconfigd.StatusClientClosedRequest || got.ErrorCode != "" || !strings.Contains(got.Message, "client closed") {
			t.Errorf("entry = %+v, want status 499 saying the client closed the connection, no error code", *got)
		}
	})

	t.Run("ChangeCommittedBeforeTheClientLeftIsRecordedAsASuccess", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		e.svc.Store = cancellingStore{Store: e.svc.Store, cancel: cancel, afterCommit: true}
		req := httptest.NewRequestWithContext(ctx, "POST", "/applications", strings.NewReader(`{"Name":"web"}`))
		e.handler.ServeHTTP(httptest.NewRecorder(), req)
		if got := e.onlyAuditEntry(); got.Status != http.StatusCreated || got.ErrorCode != "" {
			t.Errorf("entry = %+v, want the 201 the committed change earned", *got)
		}
	})
}

// auditFailingStore is a store whose AppendAudit fails while failing is
// set.
type auditFailingStore struct {
	appconfigd.Store
	failing atomic.Bool
}

func (s *auditFailingStore) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.Update(ctx, func(tx appconfigd.Tx) error {
		if s.failing.Load() {
			tx = auditFailingTx{tx}
		}
		return fn(tx)
	})
}

type auditFailingTx struct{ appconfigd.Tx }

func (auditFailingTx) AppendAudit(context.Context, *appconfigd.AuditEntry) error {
	return errors.New("disk full")
}

// cancellingStore calls cancel, as a client hanging up would, inside the
// first Update on a context cancel ends, before its writes run, or right
// after it commits when afterCommit is set. The audit trail writes on a
// context the cancellation does not reach; cancelling again is harmless.
type cancellingStore struct {
	appconfigd.Store
	cancel      context.CancelFunc
	afterCommit bool
}

func (s cancellingStore) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	if ctx.Done() == nil || ctx.Err() != nil {
		return s.Store.Update(ctx, fn)
	}
	if s.afterCommit {
		defer s.cancel()
		return s.Store.Update(ctx, fn)
	}
	return s.Store.Update(ctx, func(tx appconfigd.Tx) error {
		s.cancel()
		return fn(tx)
	})
}
