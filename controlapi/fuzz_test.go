package controlapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/controlapi"
	"github.com/appconfigd/appconfigd/dataapi"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/token"
	"github.com/appconfigd/appconfigd/validation"
)

// fuzzClock stands still: deployments started by the fuzzer stay where
// they are, and every run sees the same times.
type fuzzClock struct{}

func (fuzzClock) Now() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }

// refusingTransport fails every webhook call: a fuzzed validator URL must
// not make the test reach the network.
type refusingTransport struct{}

func (refusingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("fuzz: no network")
}

// lockedReader makes a rand.Reader safe for the service's concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// fuzzEnv is both planes of appconfigd, as cmd/appconfigd wires them (one
// router, request IDs), on an in-memory SQLite store, authenticating every
// request as an admin (auth.AcceptAll), with a fixture the seed corpus
// names: application "fuzzapp" with environment "fuzzenv", hosted profile
// "fuzzprofile" holding version 1 (label "v1"), and deployment strategy
// "fuzzstrategy". Randomness is seeded, so the fixture's IDs, the sealing
// key and so the seed tokens are the same in every fuzzing process.
type fuzzEnv struct {
	svc     *appconfigd.Service
	handler http.Handler
	logs    *apptest.Buffer
	app     *appconfigd.Application
	env     *appconfigd.Environment
	profile *appconfigd.ConfigurationProfile
	st      *appconfigd.DeploymentStrategy
	token   string
}

func newFuzzEnv(tb testing.TB) *fuzzEnv {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	random := &lockedReader{r: rand.NewChaCha8([32]byte{'f', 'u', 'z', 'z'})}
	validators := &validation.Runner{HTTPClient: &http.Client{Transport: refusingTransport{}}, Timeout: time.Second}
	svc := apptest.NewService(tb, db, fuzzClock{}, validators, func(svc *appconfigd.Service) {
		svc.Rand = random
		svc.NewSealer = func(keys []appconfigd.SealingKey) (appconfigd.TokenSealer, error) {
			return token.NewSealer(keys, random)
		}
	})
	logs := &apptest.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	control := &controlapi.Server{Service: svc, Auth: auth.AcceptAll{}, Logger: logger}
	data := &dataapi.Server{Service: svc, Auth: auth.AcceptAll{}, Logger: logger}
	e := &fuzzEnv{
		svc:     svc,
		handler: awsjson.WithRequestID(awsjson.NewRouter(append(control.Routes(), data.Routes()...))),
		logs:    logs,
	}
	ctx = appconfigd.NewContextWithPrincipal(ctx, appconfigd.Principal{Name: "fuzz", Role: appconfigd.RoleAdmin})
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("fixture: %v", err)
		}
	}
	e.app, err = svc.CreateApplication(ctx, &appconfigd.Application{Name: "fuzzapp"}, map[string]string{"team": "fuzz"})
	must(err)
	e.env, err = svc.CreateEnvironment(ctx, e.app.ID, &appconfigd.Environment{Name: "fuzzenv"}, nil)
	must(err)
	e.profile, err = svc.CreateConfigurationProfile(ctx, e.app.ID, &appconfigd.ConfigurationProfile{Name: "fuzzprofile", LocationURI: "hosted"}, nil)
	must(err)
	_, err = svc.CreateHostedConfigurationVersion(ctx, e.app.ID, e.profile.ID, &appconfigd.HostedConfigurationVersion{
		Content: []byte(`{"feature":true}`), ContentType: "application/json", VersionLabel: "v1",
	}, nil)
	must(err)
	e.st, err = svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{
		Name: "fuzzstrategy", DeploymentDurationInMinutes: 10, GrowthFactor: 25, FinalBakeTimeInMinutes: 5,
	}, nil)
	must(err)
	e.token, err = svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: "fuzzapp", EnvironmentIdentifier: "fuzzenv", ConfigurationProfileIdentifier: "fuzzprofile",
	})
	must(err)
	e.logs.Take()
	return e
}

// snapshot describes what the control plane stores, as its own listings
// and lookups show it, for telling whether a failed request changed
// anything. The audit trail, which records failures too, is not part of it.
func (e *fuzzEnv) snapshot(tb testing.TB) string {
	tb.Helper()
	ctx := appconfigd.NewContextWithPrincipal(context.Background(), appconfigd.Principal{Name: "fuzz", Role: appconfigd.RoleAdmin})
	var b strings.Builder
	add := func(what string, v any, err error) {
		if err != nil && !appconfigd.IsCode(err, appconfigd.ENotFound) {
			tb.Fatalf("snapshot %s: %v", what, err)
		}
		j, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s %s %v\n", what, j, appconfigd.ErrorCodeOf(err) == appconfigd.ENotFound)
	}
	for page, next := 0, ""; page == 0 || next != ""; page++ {
		out, err := e.svc.ListApplications(ctx, appconfigd.ListInput{NextToken: next})
		add("applications", out, err)
		if err != nil {
			break
		}
		next = out.NextToken
	}
	for page, next := 0, ""; page == 0 || next != ""; page++ {
		out, err := e.svc.ListDeploymentStrategies(ctx, appconfigd.ListInput{NextToken: next})
		add("strategies", out, err)
		if err != nil {
			break
		}
		next = out.NextToken
	}
	envs, err := e.svc.ListEnvironments(ctx, e.app.ID, appconfigd.ListInput{})
	add("environments", envs, err)
	profiles, err := e.svc.ListConfigurationProfiles(ctx, e.app.ID, appconfigd.ConfigurationProfileFilter{}, appconfigd.ListInput{})
	add("profiles", profiles, err)
	p, err := e.svc.GetConfigurationProfile(ctx, e.app.ID, e.profile.ID)
	add("profile", p, err)
	versions, err := e.svc.ListHostedConfigurationVersions(ctx, e.app.ID, e.profile.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{})
	add("versions", versions, err)
	deployments, err := e.svc.ListDeployments(ctx, e.app.ID, e.env.ID, appconfigd.ListInput{})
	add("deployments", deployments, err)
	tags, err := e.svc.ListTagsForResource(ctx, e.svc.ApplicationARN(e.app.ID))
	add("tags", tags, err)
	return b.String()
}

// fuzzHeaders parses "Name: value" lines into headers, keeping only what
// net/http's server would let through (a token name, a value without
// control characters other than tab).
func fuzzHeaders(lines string) http.Header {
	h := http.Header{}
	for line := range strings.SplitSeq(lines, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validHeaderName(name) || !validHeaderValue(value) {
			continue
		}
		h.Add(name, strings.Trim(value, " \t"))
	}
	return h
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzControlPlaneRequest sends arbitrary requests (method, request target,
// headers, body) through the router both AWS surfaces share. Whatever
// arrives: no panic; never a 5xx; every error is an AWS error document (a
// JSON object with __type and a non-empty Message, the same exception
// name in X-Amzn-ErrorType); JSON successes are JSON; 204s have no body;
// nothing is logged at warning level or above (internal errors are); and a
// request that fails changes nothing that is stored.
func FuzzControlPlaneRequest(f *testing.F) {
	e := newFuzzEnv(f)
	app, env, profile, st := e.app.ID, e.env.ID, e.profile.ID, e.st.ID
	appARN := e.svc.ApplicationARN(app)
	ctJSON := "Content-Type: application/json"
	for _, s := range []struct {
		method, target, headers, body string
	}{
		{"POST", "/applications", ctJSON, `{"Name":"new","Description":"d","Tags":{"k":"v"}}`},
		{"GET", "/applications?max_results=1", "", ""},
		{"GET", "/applications?max_results=1&next_token=MQ", "", ""},
		{"GET", "/applications/fuzzapp", "", ""},
		{"PATCH", "/applications/" + app, ctJSON, `{"Description":"changed"}`},
		{"DELETE", "/applications/new", "", ""},
		{"POST", "/applications/fuzzapp/environments", ctJSON, `{"Name":"e2","Monitors":[{"AlarmArn":"arn:aws:cloudwatch:us-east-1:000000000000:alarm:a"}]}`},
		{"GET", "/applications/fuzzapp/environments/fuzzenv", "", ""},
		{"PATCH", "/applications/fuzzapp/environments/" + env, ctJSON, `{"Monitors":[]}`},
		{"DELETE", "/applications/fuzzapp/environments/e2", "X-Amzn-Deletion-Protection-Check: BYPASS", ""},
		{"POST", "/applications/fuzzapp/configurationprofiles", ctJSON, `{"Name":"p2","LocationUri":"hosted","Type":"AWS.Freeform","Validators":[{"Type":"JSON_SCHEMA","Content":"{\"type\":\"object\",\"required\":[\"feature\"]}"}]}`},
		{"POST", "/applications/fuzzapp/configurationprofiles", ctJSON, `{"Name":"p3","LocationUri":"hosted","Validators":[{"Type":"LAMBDA","Content":"https://validator.invalid/check"}]}`},
		{"GET", "/applications/fuzzapp/configurationprofiles?type=AWS.Freeform", "", ""},
		{"PATCH", "/applications/fuzzapp/configurationprofiles/fuzzprofile", ctJSON, `{"Name":"fuzzprofile","Validators":[{"Type":"JSON_SCHEMA","Content":"{}"}]}`},
		{"DELETE", "/applications/fuzzapp/configurationprofiles/p2", "", ""},
		{"POST", "/applications/fuzzapp/configurationprofiles/" + profile + "/hostedconfigurationversions", "Content-Type: application/json\nVersionLabel: v2\nDescription: second\nLatest-Version-Number: 1", `{"feature":false}`},
		{"POST", "/applications/fuzzapp/configurationprofiles/fuzzprofile/hostedconfigurationversions", "Content-Type: text/plain; charset=utf-8", "plain"},
		{"GET", "/applications/fuzzapp/configurationprofiles/fuzzprofile/hostedconfigurationversions?version_label=v*&max_results=2", "", ""},
		{"GET", "/applications/fuzzapp/configurationprofiles/fuzzprofile/hostedconfigurationversions/1", "", ""},
		{"DELETE", "/applications/fuzzapp/configurationprofiles/fuzzprofile/hostedconfigurationversions/2", "", ""},
		{"POST", "/applications/fuzzapp/configurationprofiles/fuzzprofile/validators?configuration_version=1", "", ""},
		{"POST", "/deploymentstrategies", ctJSON, `{"Name":"s2","DeploymentDurationInMinutes":5,"GrowthFactor":50.5,"GrowthType":"EXPONENTIAL","FinalBakeTimeInMinutes":1,"ReplicateTo":"NONE"}`},
		{"GET", "/deploymentstrategies/AppConfig.AllAtOnce", "", ""},
		{"PATCH", "/deploymentstrategies/" + st, ctJSON, `{"GrowthFactor":100,"DeploymentDurationInMinutes":0}`},
		{"DELETE", "/deployementstrategies/s2", "", ""},
		{"POST", "/applications/fuzzapp/environments/fuzzenv/deployments", ctJSON, `{"DeploymentStrategyId":"` + st + `","ConfigurationProfileId":"` + profile + `","ConfigurationVersion":"1","Description":"go","Tags":{"a":"b"}}`},
		{"GET", "/applications/fuzzapp/environments/fuzzenv/deployments?max_results=5", "", ""},
		{"GET", "/applications/fuzzapp/environments/fuzzenv/deployments/1", "", ""},
		{"DELETE", "/applications/fuzzapp/environments/fuzzenv/deployments/1", "Allow-Revert: true", ""},
		{"POST", "/tags/" + url.PathEscape(appARN), ctJSON, `{"Tags":{"owner":"me"}}`},
		{"POST", "/tags/" + appARN, ctJSON, `{"Tags":{"owner":"you"}}`},
		{"GET", "/tags/" + url.PathEscape(e.svc.EnvironmentARN(app, env)), "", ""},
		{"DELETE", "/tags/" + url.PathEscape(appARN) + "?tagKeys=owner&tagKeys=team", "", ""},
		{"GET", "/settings", "", ""},
		{"PATCH", "/settings", ctJSON, `{"DeletionProtection":{"Enabled":true}}`},
		{"POST", "/extensions", ctJSON, `{}`},
		{"POST", "/configurationsessions", ctJSON, `{"ApplicationIdentifier":"fuzzapp","EnvironmentIdentifier":"fuzzenv","ConfigurationProfileIdentifier":"fuzzprofile","RequiredMinimumPollIntervalInSeconds":15}`},
		{"GET", "/configuration?configuration_token=" + url.QueryEscape(e.token), "", ""},
		{"GET", "/configuration?configuration_token=" + url.QueryEscape(e.token) + "&configuration_token=x", "", ""},
		// Hostile shapes.
		{"POST", "/applications", ctJSON, `{"Name":"x"}]`},
		{"POST", "/applications", ctJSON, "{\"Name\":\"\xff\xfe\"}"},
		{"PATCH", "/applications/fuzzapp", ctJSON, `null`},
		{"POST", "/deploymentstrategies", ctJSON, `{"Name":"big","DeploymentDurationInMinutes":9223372036854775808,"GrowthFactor":1e309}`},
		{"GET", "/applications/%2e%2e%2fetc%2fpasswd", "", ""},
		{"GET", "/applications/..%2F..%2Fetc%2Fpasswd/environments", "", ""},
		{"DELETE", "/applications/'%20OR%201=1%20--", "", ""},
		{"GET", "/applications/%00/configurationprofiles/%FF", "", ""},
		{"GET", "/applications?max_results=1&max_results=99999999999999999999&next_token=JyBPUiAxPTEgLS0", "", ""},
		{"GET", "/applications/fuzzapp/configurationprofiles/fuzzprofile/hostedconfigurationversions/9223372036854775807", "", ""},
		{"GET", "/applications/fuzzapp/environments/fuzzenv/deployments/-1", "", ""},
		{"GET", "//applications", "", ""},
		{"PUT", "/applications/fuzzapp", ctJSON, `{}`},
		{"HEAD", "/applications", "", ""},
		{"OPTIONS", "*", "", ""},
	} {
		f.Add(s.method, s.target, s.headers, []byte(s.body))
	}

	stored := e.snapshot(f)
	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return // net/http's server would refuse it before any handler
		}
		r, err := http.NewRequest(method, "http://appconfig.test/", bytes.NewReader(body))
		if err != nil {
			return // not a valid method
		}
		r.URL, r.RequestURI = u, target
		r.Header = fuzzHeaders(headers)
		// GET and HEAD run read-only transactions and cannot store
		// anything; other requests are checked against the state the
		// last one left, which a failure must not have changed.
		readOnly := method == http.MethodGet || method == http.MethodHead
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, r)

		desc := fmt.Sprintf("%s %q (headers %q, body %q)", method, target, headers, body)
		if logged := e.logs.Take(); logged != "" {
			t.Errorf("%s: the server logged:\n%s", desc, logged)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s: status %d; body %s", desc, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			checkErrorDocument(t, desc, rec)
			if !readOnly {
				if after := e.snapshot(t); after != stored {
					t.Fatalf("%s: failed with %d (%s) but changed what is stored:\nbefore:\n%s\nafter:\n%s", desc, rec.Code, rec.Body, stored, after)
				}
			}
			return
		}
		if !readOnly {
			stored = e.snapshot(t)
		}
		switch ct := rec.Header().Get("Content-Type"); {
		case rec.Code == http.StatusNoContent:
			if rec.Body.Len() != 0 {
				t.Fatalf("%s: 204 with a body %q", desc, rec.Body)
			}
		case ct == "application/json" && !strings.Contains(target, "hostedconfigurationversions") && !strings.HasPrefix(u.Path, "/configuration"):
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("%s: %d with a body that is not a JSON object: %q", desc, rec.Code, rec.Body)
			}
		}
	})
}

// checkErrorDocument checks an AWS error document (docs/WIRE.md §1.5).
func checkErrorDocument(t *testing.T, desc string, rec *httptest.ResponseRecorder) {
	t.Helper()
	name := rec.Header().Get("X-Amzn-ErrorType")
	if name == "" {
		t.Fatalf("%s: %d without X-Amzn-ErrorType; body %q", desc, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: %d error with Content-Type %q; body %q", desc, rec.Code, ct, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%s: %d error body is not a JSON object: %q", desc, rec.Code, rec.Body)
	}
	if msg, ok := doc["Message"].(string); !ok || msg == "" {
		t.Fatalf("%s: %d error without a Message: %s", desc, rec.Code, rec.Body)
	}
	if doc["__type"] != name {
		t.Fatalf("%s: __type %v, X-Amzn-ErrorType %q", desc, doc["__type"], name)
	}
}
