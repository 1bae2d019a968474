package console_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/console"
	"github.com/appconfigd/appconfigd/fleet"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/validation"
)

// The keys every console test server accepts.
const (
	adminID      = "ADMINKEY"
	adminSecret  = "admin-secret-0123456789"
	readerID     = "READERKEY"
	readerSecret = "reader-secret-0123456789"
)

// testConsole is a console on a fresh service, served over HTTP.
type testConsole struct {
	URL     string
	Service *appconfigd.Service
	Clock   *apptest.Clock
	// Keys are the server's keys; a test may replace them.
	Keys *swappableKeys
}

// swappableKeys is a key set a test can replace while the console runs,
// as the daemon replaces its keys when the keys file changes.
type swappableKeys struct{ set atomic.Pointer[accesskey.Set] }

// LookupAccessKey implements console.KeyLookup with the current set.
func (k *swappableKeys) LookupAccessKey(id string) (string, appconfigd.Principal, bool) {
	return k.set.Load().LookupAccessKey(id)
}

// VerifySecret implements auth.SecretVerifier with the current set.
func (k *swappableKeys) VerifySecret(id, secret string) (appconfigd.Principal, bool) {
	return k.set.Load().VerifySecret(id, secret)
}

// replace makes keys the server's keys.
func (k *swappableKeys) replace(t *testing.T, keys ...accesskey.Key) {
	t.Helper()
	set, err := accesskey.NewSet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	k.set.Store(set)
}

// newConsole serves a console on a fresh SQLite service, wired as the
// daemon wires it (with a fleet tracker), with an admin key
// and a reader key that may read only the application named "readable".
func newConsole(t *testing.T) *testConsole {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := apptest.NewClock(time.Now())
	svc := apptest.NewService(t, store, clock, validation.NewRunner(), func(s *appconfigd.Service) { s.Fleet = fleet.New() })
	keys := &swappableKeys{}
	keys.replace(t,
		accesskey.Key{AccessKeyID: adminID, SecretAccessKey: adminSecret, Name: "alice", Role: appconfigd.RoleAdmin},
		accesskey.Key{AccessKeyID: readerID, SecretAccessKey: readerSecret, Name: "rita", Role: appconfigd.RoleReader, Applications: []string{"readable"}},
	)
	c := &console.Server{
		Service: svc,
		Keys:    keys,
		SignIn:  auth.FormCredentials{Keys: keys},
		Logger:  slog.New(slog.DiscardHandler),
	}
	mux := http.NewServeMux()
	mux.Handle(console.Path+"/", c.Handler())
	srv := httptest.NewServer(awsjson.WithRequestID(mux))
	t.Cleanup(srv.Close)
	return &testConsole{URL: srv.URL, Service: svc, Clock: clock, Keys: keys}
}

// browser is a cookie-keeping client that does not follow redirects, so
// that tests see where a change sends the user.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func (tc *testConsole) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: tc.URL, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn signs b in with the key id and secret and fails the test unless
// that works.
func (tc *testConsole) signIn(t *testing.T, id, secret string) *browser {
	t.Helper()
	b := tc.browser(t)
	res := b.post("/console/signin", url.Values{auth.FormAccessKeyID: {id}, auth.FormSecretAccessKey: {secret}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d, want 303; page:\n%s", id, res.status, res.body)
	}
	return b
}

// page is a console answer.
type page struct {
	status   int
	location string
	body     string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}
}

// get fetches a console path.
func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form as a same-origin browser would, without adding the
// anti-forgery token: submit adds it.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

var csrfPattern = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

// submit posts form to path with the session's anti-forgery token, which
// it reads from the applications page as a browser would from any form.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	p := b.get("/console/applications")
	m := csrfPattern.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no anti-forgery token on the applications page:\n%s", p.body)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", m[1])
	return b.post(path, form)
}

// mustContain fails unless p's body contains every want.
func (p page) mustContain(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Fatalf("page (status %d) does not contain %q:\n%s", p.status, w, p.body)
		}
	}
}

// mustNotContain fails if p's body contains any of unwanted.
func (p page) mustNotContain(t *testing.T, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(p.body, u) {
			t.Fatalf("page (status %d) contains %q:\n%s", p.status, u, p.body)
		}
	}
}

// application creates an application named name through the Service.
func (tc *testConsole) application(t *testing.T, name string) *appconfigd.Application {
	t.Helper()
	a, err := tc.Service.CreateApplication(t.Context(), &appconfigd.Application{Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// environment creates an environment named name in a.
func (tc *testConsole) environment(t *testing.T, a *appconfigd.Application, name string) *appconfigd.Environment {
	t.Helper()
	e, err := tc.Service.CreateEnvironment(t.Context(), a.ID, &appconfigd.Environment{Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// hostedProfile creates a hosted configuration profile named name in a,
// of type typ (empty for the default, freeform), with validators.
func (tc *testConsole) hostedProfile(t *testing.T, a *appconfigd.Application, name, typ string, validators ...appconfigd.Validator) *appconfigd.ConfigurationProfile {
	t.Helper()
	p, err := tc.Service.CreateConfigurationProfile(t.Context(), a.ID, &appconfigd.ConfigurationProfile{Name: name, LocationURI: "hosted", Type: typ, Validators: validators}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// versions stores each of contents, JSON, as the next hosted version of
// p.
func (tc *testConsole) versions(t *testing.T, p *appconfigd.ConfigurationProfile, contents ...string) {
	t.Helper()
	for _, c := range contents {
		v := &appconfigd.HostedConfigurationVersion{Content: []byte(c), ContentType: "application/json"}
		if _, err := tc.Service.CreateHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, v, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// profileURL is the console path of profile p.
func profileURL(p *appconfigd.ConfigurationProfile) string {
	return "/console/applications/" + p.ApplicationID + "/profiles/" + p.ID
}

// envURL is the console path of environment e.
func envURL(e *appconfigd.Environment) string {
	return "/console/applications/" + e.ApplicationID + "/environments/" + e.ID
}
