package awsjson_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// authFunc adapts a function to auth.Authenticator.
type authFunc func(r *http.Request) (appconfigd.Principal, error)

func (f authFunc) Authenticate(r *http.Request) (appconfigd.Principal, error) { return f(r) }

// as authenticates every request as a key with role.
func as(role appconfigd.Role) auth.Authenticator {
	return authFunc(func(*http.Request) (appconfigd.Principal, error) {
		return appconfigd.Principal{AccessKeyID: "AKIDTEST", Name: "tester", Role: role}, nil
	})
}

// auditLog is an Auditor that keeps the entries in memory.
type auditLog struct {
	mu      sync.Mutex
	entries []appconfigd.AuditEntry
}

func (a *auditLog) RecordAudit(_ context.Context, e *appconfigd.AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, *e)
	return nil
}

// only returns the one entry, failing unless there is exactly one.
func (a *auditLog) only(t *testing.T) appconfigd.AuditEntry {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.entries) != 1 {
		t.Fatalf("audit trail = %+v, want one entry", a.entries)
	}
	return a.entries[0]
}

// testSurface is a Surface with a two-code table, a member that names the
// resource, an in-memory audit trail and a log that keeps every level.
type testSurface struct {
	surface awsjson.Surface
	audit   *auditLog
	logs    *bytes.Buffer
}

func newTestSurface(authn auth.Authenticator) *testSurface {
	logs := &bytes.Buffer{}
	audit := &auditLog{}
	return &testSurface{
		surface: awsjson.Surface{
			Exceptions: awsjson.ExceptionTable{
				appconfigd.ENotFound:    {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
				appconfigd.EUnavailable: {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
				appconfigd.EBadRequest:  {Name: "BadRequestException", Status: http.StatusBadRequest},
			},
			Members: func(e *appconfigd.Error, ex awsjson.Exception, members map[string]any) {
				if ex.Name == "ResourceNotFoundException" {
					members["ResourceName"] = e.ResourceName
				}
			},
			Auth:   authn,
			Audit:  audit,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		},
		audit: audit,
		logs:  logs,
	}
}

// serve runs req as op with fn behind the request-ID middleware.
func (s *testSurface) serve(req *http.Request, op awsjson.Operation, fn awsjson.HandlerFunc) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	awsjson.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.surface.Serve(w, r, op, fn)
	})).ServeHTTP(rec, req)
	return rec
}

// failWith is a handler that returns err.
func failWith(err error) awsjson.HandlerFunc {
	return func(context.Context, http.ResponseWriter, *http.Request) error { return err }
}

var (
	readOp   = awsjson.Operation{Operation: auth.Operation{Name: "GetThing"}}
	changeOp = awsjson.Operation{Operation: auth.Operation{Name: "PutThing", MaxBodyBytes: 16}, Audited: true}
)

// TestServeErrorDocument: every error becomes the surface's document in one
// way, and only what the operator must see is logged at ERROR.
func TestServeErrorDocument(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		err       error
		status    int
		exception string
		// message is what Message must contain ("{id}": the request
		// ID); level the one level the log must have ("" none).
		message, level string
	}{
		{"ModeledError", &appconfigd.Error{Code: appconfigd.ENotFound, Message: "Thing t not found", ResourceName: "t"}, 404, "ResourceNotFoundException", "Thing t not found", ""},
		{"WrappedError", fmt.Errorf("context: %w", appconfigd.Errorf(appconfigd.EBadRequest, "bad input")), 400, "BadRequestException", "bad input", ""},
		{"CodeNotInTable", appconfigd.Errorf(appconfigd.EConflict, "busy"), 500, "InternalServerException", "busy", ""},
		{"PlainErrorIsInternal", errors.New("disk on fire at /var/lib/secret"), 500, "InternalServerException", "see the server log for request {id}", "ERROR"},
		{"InternalError", appconfigd.Errorf(appconfigd.EInternal, "invariant broken"), 500, "InternalServerException", "invariant broken", "ERROR"},
		{"Unavailable", appconfigd.Errorf(appconfigd.EUnavailable, "appconfigd cannot write to its database"), 503, "ServiceUnavailableException", "cannot write", "DEBUG"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSurface(as(appconfigd.RoleAdmin))
			rec := s.serve(httptest.NewRequest("GET", "/thing", nil), readOp, failWith(tt.err))
			id := rec.Header().Get("X-Amzn-RequestId")
			if rec.Code != tt.status || rec.Header().Get("X-Amzn-ErrorType") != tt.exception {
				t.Fatalf("answer %d %s, want %d %s; body %s", rec.Code, rec.Header().Get("X-Amzn-ErrorType"), tt.status, tt.exception, rec.Body)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			want := strings.ReplaceAll(tt.message, "{id}", id)
			if msg, _ := body["Message"].(string); !strings.Contains(msg, want) || strings.Contains(msg, "disk on fire") {
				t.Errorf("Message = %q, want it to contain %q and no internals", msg, want)
			}
			if _, named := body["ResourceName"]; named != (tt.exception == "ResourceNotFoundException") {
				t.Errorf("body %s: ResourceName present %v, want it only on ResourceNotFoundException", rec.Body, named)
			}
			logs := s.logs.String()
			for _, level := range []string{"DEBUG", "INFO", "WARN", "ERROR"} {
				if got := strings.Contains(logs, "level="+level); got != (level == tt.level) {
					t.Errorf("log = %q; logged at %s: %v, want %v", logs, level, got, level == tt.level)
				}
			}
			if tt.level != "" && (!strings.Contains(logs, id) || !strings.Contains(logs, "op=GetThing")) {
				t.Errorf("log = %q, want the request ID %s and the operation", logs, id)
			}
		})
	}

	t.Run("ClientHungUp", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		ctx, cancel := context.WithCancel(t.Context())
		req := httptest.NewRequestWithContext(ctx, "PUT", "/thing", strings.NewReader("{}"))
		rec := s.serve(req, changeOp, func(ctx context.Context, _ http.ResponseWriter, _ *http.Request) error {
			cancel()
			return ctx.Err()
		})
		if rec.Code != appconfigd.StatusClientClosedRequest || rec.Body.Len() != 0 {
			t.Errorf("answer %d %q, want %d and no body", rec.Code, rec.Body, appconfigd.StatusClientClosedRequest)
		}
		if logs := s.logs.String(); strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "client closed request") {
			t.Errorf("log = %q, want only a note that the client closed the request", logs)
		}
		if got := s.audit.only(t); got.Status != appconfigd.StatusClientClosedRequest || got.ErrorCode != "" {
			t.Errorf("entry = %+v, want status 499 and no error code", got)
		}
	})

	t.Run("ErrorAfterResponseStartedIsOnlyLogged", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		rec := s.serve(httptest.NewRequest("PUT", "/thing", nil), changeOp, func(_ context.Context, w http.ResponseWriter, _ *http.Request) error {
			w.WriteHeader(http.StatusAccepted)
			return errors.New("late failure")
		})
		if rec.Code != http.StatusAccepted || rec.Body.Len() != 0 {
			t.Errorf("answer %d %q, want the handler's 202 and nothing more", rec.Code, rec.Body)
		}
		if logs := s.logs.String(); !strings.Contains(logs, "late failure") {
			t.Errorf("log = %q, want the late failure", logs)
		}
		if got := s.audit.only(t); got.Status != http.StatusAccepted {
			t.Errorf("entry = %+v, want the 202 sent", got)
		}
	})
}

// TestServeAuthentication: a refused sender runs nothing and leaves no
// audit entry; an authenticated key the operation does not admit is
// refused and recorded; the handler sees the principal.
func TestServeAuthentication(t *testing.T) {
	t.Parallel()
	adminOnly := changeOp
	adminOnly.Authorize = func(p appconfigd.Principal) error {
		if !p.IsAdmin() {
			return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s may not", p.Name)
		}
		return nil
	}
	ran := func(called *bool) awsjson.HandlerFunc {
		return func(context.Context, http.ResponseWriter, *http.Request) error {
			*called = true
			return nil
		}
	}

	t.Run("RefusedSenderRunsNothing", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(authFunc(func(*http.Request) (appconfigd.Principal, error) {
			return appconfigd.Principal{AccessKeyID: "AKIDFORGED"}, appconfigd.Errorf(appconfigd.EBadRequest, "refused")
		}))
		var called bool
		rec := s.serve(httptest.NewRequest("PUT", "/thing", strings.NewReader(`{"a":1}`)), adminOnly, ran(&called))
		if called || rec.Code != http.StatusBadRequest {
			t.Errorf("handler ran: %v, answer %d; want it not run and the refusal", called, rec.Code)
		}
		if got := rec.Header().Get("Connection"); got != "close" {
			t.Errorf("Connection = %q, want close: the body was never read", got)
		}
		if len(s.audit.entries) != 0 {
			t.Errorf("audit trail = %+v, want nothing from a sender not authenticated", s.audit.entries)
		}
	})

	t.Run("KeyWithoutTheRightIsRefusedAndRecorded", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleReader))
		var called bool
		rec := s.serve(httptest.NewRequest("PUT", "/thing", strings.NewReader(`{}`)), adminOnly, ran(&called))
		if called || rec.Code != http.StatusInternalServerError {
			// EAccessDenied is not in the test table.
			t.Errorf("handler ran: %v, answer %d; want it not run and the refusal", called, rec.Code)
		}
		if got := s.audit.only(t); got.AccessKeyID != "AKIDTEST" || got.Operation != "PutThing" || got.ErrorCode != appconfigd.EAccessDenied || got.Resource != "/thing" {
			t.Errorf("entry = %+v, want AKIDTEST's PutThing of /thing refused with AccessDenied", got)
		}
	})

	t.Run("ReadsAreNotRecorded", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		var called bool
		rec := s.serve(httptest.NewRequest("GET", "/thing", nil), readOp, ran(&called))
		if !called || rec.Code != http.StatusOK || len(s.audit.entries) != 0 {
			t.Errorf("ran %v, answer %d, audit trail %+v; want a 200 and no entry", called, rec.Code, s.audit.entries)
		}
	})

	t.Run("PrincipalInContext", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		var got appconfigd.Principal
		s.serve(httptest.NewRequest("GET", "/thing", nil), readOp, func(ctx context.Context, w http.ResponseWriter, _ *http.Request) error {
			got, _ = appconfigd.PrincipalFromContext(ctx)
			return nil
		})
		if got.AccessKeyID != "AKIDTEST" {
			t.Errorf("principal = %+v, want AKIDTEST", got)
		}
	})

	t.Run("RequestFuncSeesThePrincipalInTheRequest", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		var got appconfigd.Principal
		fn := awsjson.RequestFunc(func(w http.ResponseWriter, r *http.Request) error {
			got, _ = appconfigd.PrincipalFromContext(r.Context())
			return nil
		})
		s.serve(httptest.NewRequest("GET", "/thing", nil), readOp, fn.HandlerFunc())
		if got.AccessKeyID != "AKIDTEST" {
			t.Errorf("principal = %+v, want AKIDTEST", got)
		}
	})
}

// TestServeBody: the handler reads at most the operation's bound, and a
// body the authenticator already read is handed on as it is.
func TestServeBody(t *testing.T) {
	t.Parallel()
	read := func(got *[]byte, readErr *error) awsjson.HandlerFunc {
		return func(_ context.Context, _ http.ResponseWriter, r *http.Request) error {
			*got, *readErr = io.ReadAll(r.Body)
			if b, ok := auth.BodyBytes(r); ok {
				*got = b
			}
			return nil
		}
	}

	t.Run("OverTheBound", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(as(appconfigd.RoleAdmin))
		var got []byte
		var err error
		s.serve(httptest.NewRequest("PUT", "/thing", strings.NewReader(strings.Repeat("x", 17))), changeOp, read(&got, &err))
		var tooLarge *http.MaxBytesError
		if !errors.As(err, &tooLarge) || tooLarge.Limit != 16 {
			t.Errorf("reading 17 bytes of an operation bounded to 16: %q, %v; want a MaxBytesError at 16", got, err)
		}
	})

	t.Run("ReadByTheAuthenticator", func(t *testing.T) {
		t.Parallel()
		s := newTestSurface(authFunc(func(r *http.Request) (appconfigd.Principal, error) {
			r.Body = auth.NewBody([]byte(strings.Repeat("y", 20)))
			return appconfigd.Principal{Role: appconfigd.RoleAdmin}, nil
		}))
		var got []byte
		var err error
		s.serve(httptest.NewRequest("PUT", "/thing", strings.NewReader("ignored")), changeOp, read(&got, &err))
		if err != nil || string(got) != strings.Repeat("y", 20) {
			t.Errorf("body = %q, %v; want the 20 bytes the authenticator handed on", got, err)
		}
	})
}

func TestExceptionTable(t *testing.T) {
	t.Parallel()
	table := awsjson.ExceptionTable{appconfigd.ENotFound: {Name: "ResourceNotFoundException", Status: 404}}
	if got := table.For(appconfigd.ENotFound); got.Name != "ResourceNotFoundException" || got.Status != 404 {
		t.Errorf("For(NotFound) = %+v", got)
	}
	if got := table.For("Unheard"); got != awsjson.InternalServerException {
		t.Errorf("For(Unheard) = %+v, want %+v", got, awsjson.InternalServerException)
	}
}
