package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

type oneKey struct{ id, secret string }

func (k oneKey) VerifySecret(id, secret string) (appconfigd.Principal, bool) {
	if id == k.id && secret == k.secret {
		return appconfigd.Principal{AccessKeyID: id, Name: "ops", Role: appconfigd.RoleAdmin}, true
	}
	return appconfigd.Principal{}, false
}

func TestBasicOr(t *testing.T) {
	t.Parallel()
	b := auth.BasicOr{Keys: oneKey{"AKIDOPS", "s3cret-s3cret-s3cret"}, Next: auth.AcceptAll{}}

	req := httptest.NewRequest("POST", "/admin/alertmanager", nil)
	req.SetBasicAuth("AKIDOPS", "s3cret-s3cret-s3cret")
	if p, err := b.Authenticate(req); err != nil || p.Name != "ops" {
		t.Errorf("right Basic credentials: %+v, %v; want the ops key", p, err)
	}

	req.SetBasicAuth("AKIDOPS", "wrong")
	if _, err := b.Authenticate(req); !appconfigd.IsCode(err, appconfigd.EUnrecognizedClient) {
		t.Errorf("wrong secret: %v, want UnrecognizedClient", err)
	}

	req = httptest.NewRequest("GET", "/admin/alarms", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDNEXT/20260101/us-east-1/appconfig/aws4_request, SignedHeaders=host, Signature=00")
	if p, err := b.Authenticate(req); err != nil || p.AccessKeyID != "AKIDNEXT" {
		t.Errorf("a signed request: %+v, %v; want it handed to Next", p, err)
	}
}

// headerKey authenticates every request as the key named in X-Key.
type headerKey struct{}

func (headerKey) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	return appconfigd.Principal{AccessKeyID: r.Header.Get("X-Key")}, nil
}

func TestRateLimited(t *testing.T) {
	t.Parallel()
	l := &auth.RateLimited{Next: headerKey{}, PerSecond: 0.001, Burst: 3} // no refill within the test
	as := func(key string) *http.Request {
		r := httptest.NewRequest("GET", "/applications", nil)
		r.Header.Set("X-Key", key)
		return r
	}
	for i := range 3 {
		if _, err := l.Authenticate(as("AKIDA")); err != nil {
			t.Fatalf("request %d within the burst: %v", i+1, err)
		}
	}
	if _, err := l.Authenticate(as("AKIDA")); !appconfigd.IsCode(err, appconfigd.EThrottling) {
		t.Errorf("request beyond the burst: %v, want Throttling", err)
	}
	if _, err := l.Authenticate(as("AKIDB")); err != nil {
		t.Errorf("another key's first request: %v", err)
	}
}
