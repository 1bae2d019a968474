package dataapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// TestOperationBodyBounds: the data plane tells the authenticator, before
// the body is read, that a session request takes a small JSON body and a
// poll none, and that reader keys may call both.
func TestOperationBodyBounds(t *testing.T) {
	t.Parallel()
	var seen auth.Operation
	var attached bool
	s := &Server{Logger: slog.New(slog.DiscardHandler), Auth: authFunc(func(r *http.Request) (appconfigd.Principal, error) {
		seen, attached = auth.OperationFromContext(r.Context())
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EInvalidSignature, "stop here")
	})}
	handler := awsjson.NewRouter(s.Routes())
	for _, tt := range []struct {
		method, target, name string
		max                  int64
	}{
		{"POST", "/configurationsessions", "StartConfigurationSession", maxSessionBody},
		{"GET", "/configuration?configuration_token=t", "GetLatestConfiguration", 0},
	} {
		seen, attached = auth.Operation{}, false
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.target, strings.NewReader("{}")))
		if !attached || seen.Name != tt.name || seen.MaxBodyBytes != tt.max {
			t.Errorf("%s %s: operation %+v (attached %v), want %s bounded to %d bytes", tt.method, tt.target, seen, attached, tt.name, tt.max)
		}
		if seen.Authorize != nil {
			t.Errorf("%s: Authorize set; reader keys may call it", tt.name)
		}
	}
	seen, attached = auth.Operation{}, false
	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/configuration?configuration_token=t", nil))
	if attached {
		t.Errorf("poll without a body copied to carry %+v", seen)
	}
}

// authFunc adapts a function to auth.Authenticator.
type authFunc func(r *http.Request) (appconfigd.Principal, error)

func (f authFunc) Authenticate(r *http.Request) (appconfigd.Principal, error) { return f(r) }
