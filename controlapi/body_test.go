package controlapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// TestOperationBodyBounds: every operation tells the authenticator, before
// the body is read, how large a body it accepts and who may call it: the
// hosted size limit (with PayloadTooLargeException and its sizes) for
// hosted content, MaxBodyBytes for the other operations with a body,
// nothing for GETs and DELETEs, and admin keys only everywhere.
func TestOperationBodyBounds(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.svc.Limits.HostedConfigurationSizeBytes = 2048
	e.srv.MaxBodyBytes = 4096
	var seen auth.Operation
	var attached bool
	e.srv.Auth = authFunc(func(r *http.Request) (appconfigd.Principal, error) {
		seen, attached = auth.OperationFromContext(r.Context())
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EInvalidSignature, "stop here")
	})
	handler := awsjson.NewRouter(e.srv.Routes())
	for _, op := range modelOperations() {
		seen, attached = auth.Operation{}, false
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(op.method, op.path, strings.NewReader(`{"Name":"x"}`)))
		if !attached {
			t.Errorf("%s: no operation for the authenticator", op.name)
			continue
		}
		want := int64(4096)
		switch {
		case op.name == "CreateHostedConfigurationVersion":
			want = 2048
		case op.method == http.MethodGet || op.method == http.MethodDelete:
			want = 0
		}
		if seen.Name != op.name || seen.MaxBodyBytes != want {
			t.Errorf("%s: operation %q bounded to %d bytes, want %q and %d", op.name, seen.Name, seen.MaxBodyBytes, op.name, want)
		}
		if op.name == "GetConfiguration" {
			// Readers may call it; the Service checks the application.
			if seen.Authorize != nil {
				t.Errorf("%s: the surface authorizes it; want every key let through to the Service", op.name)
			}
			continue
		}
		reader := appconfigd.Principal{Name: "dashboard", Role: appconfigd.RoleReader}
		if err := seen.Authorize(reader); !appconfigd.IsCode(err, appconfigd.EAccessDenied) ||
			!strings.Contains(err.Error(), "User: dashboard is not authorized to perform: appconfig:"+op.name) {
			t.Errorf("%s: Authorize(reader) = %v, want AccessDenied naming the key and operation", op.name, err)
		}
		if err := seen.Authorize(appconfigd.Principal{Role: appconfigd.RoleAdmin}); err != nil {
			t.Errorf("%s: Authorize(admin) = %v", op.name, err)
		}
	}

	t.Run("HostedContentTooLarge", func(t *testing.T) {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/applications/a/configurationprofiles/p/hostedconfigurationversions", strings.NewReader("x")))
		var tooLarge *appconfigd.Error
		if !errors.As(seen.BodyTooLarge(2560), &tooLarge) || tooLarge.Code != appconfigd.EPayloadTooLarge || tooLarge.LimitKB != 2 || tooLarge.SizeKB != 2.5 {
			t.Errorf("BodyTooLarge(2560) = %#v, want PayloadTooLarge with Limit 2 KB and Size 2.5 KB", tooLarge)
		}
	})

	t.Run("NoBodyNoOperation", func(t *testing.T) {
		// Without a body there is nothing to bound: the request is not
		// copied to carry the operation.
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/applications", nil))
		if attached {
			t.Errorf("operation attached to a request without a body: %+v", seen)
		}
	})
}

// TestHostedContentFromAuthenticator stores the bytes the authenticator
// read and handed on, as they are.
func TestHostedContentFromAuthenticator(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	app := e.createApplication("web")
	profile := e.createProfile(app, "flags")
	e.srv.Auth = authFunc(func(r *http.Request) (appconfigd.Principal, error) {
		r.Body = auth.NewBody([]byte(`{"handed":"on"}`))
		return appconfigd.Principal{Name: "admin", Role: appconfigd.RoleAdmin}, nil
	})
	path := "/applications/" + app + "/configurationprofiles/" + profile + "/hostedconfigurationversions"
	rec := e.do("POST", path, `{"handed":"on"}`, "Content-Type", "application/json")
	wantStatus(t, rec, http.StatusCreated)
	if got := rec.Body.String(); got != `{"handed":"on"}` {
		t.Errorf("stored content = %s, want what the authenticator handed on", got)
	}
}
