package agent

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

// basicFlags is a retrieval-time JSON flag configuration (docs/WIRE.md §4.2).
var basicFlags = fakeVersion{
	content:     `{"ui_refresh":{"enabled":true,"dark_mode":true},"logger":{"enabled":false}}`,
	contentType: "application/json",
	version:     "3",
}

// multiVariantFlags is a retrieval-time Ion flag configuration in the
// shape of AWS's sample (docs/WIRE.md §4.2).
var multiVariantFlags = fakeVersion{
	content: `'ui_refresh'::[
  [(eq $country "US"), '''{"_variant": "US", "enabled": true, "color": "red"}'''],
  '''{"_variant": "Default", "enabled": false}'''
]
'button'::'''{"enabled": true, "size": 2}'''`,
	contentType: "application/ion;type=AWS.AppConfig.FeatureFlags",
	version:     "4",
}

// unreadableFlag holds a flag whose rule this agent does not parse (an
// operator the rule language lacks, as a later one might add), beside a
// basic flag.
var unreadableFlag = fakeVersion{
	content: `'since'::[[(later_than $joined 2024-01T), '''{"_variant": "new", "enabled": true}'''], '''{"enabled": false}''']
'button'::'''{"enabled": true}'''`,
	contentType: "application/ion;type=AWS.AppConfig.FeatureFlags",
	version:     "5",
}

// serveOne runs an agent on a service that has only v deployed, as
// testKey, and answers one request inside a bubble.
func serveOne(t *testing.T, cfg Config, v fakeVersion, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	var w *httptest.ResponseRecorder
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v)
		a := startAgent(t, cfg, svc)
		r := httptest.NewRequest(method, target, nil)
		r.Header = header
		w = httptest.NewRecorder()
		a.handler.ServeHTTP(w, r)
	})
	return w
}

// jsonEqual reports whether two texts are the same bytes or JSON texts
// holding the same value.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	if got == want {
		return true // byte for byte, JSON or not
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad wanted JSON %s: %v", want, err)
	}
	return cmp.Equal(g, w)
}

func TestHandlerFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		v          fakeVersion
		query      string
		context    []string
		wantStatus int
		wantBody   string // JSON compared as values; "" for an error
		wantType   string
	}{
		{"JSONAsStored", basicFlags, "", nil, http.StatusOK, basicFlags.content, "application/json"},
		{"JSONOneFlag", basicFlags, "?flag=ui_refresh", nil, http.StatusOK, `{"ui_refresh":{"enabled":true,"dark_mode":true}}`, "application/json"},
		{"JSONTwoFlags", basicFlags, "?flag=ui_refresh&flag=logger", nil, http.StatusOK, basicFlags.content, "application/json"},
		{"JSONUnknownFlag", basicFlags, "?flag=nosuch", nil, http.StatusBadRequest, "", ""},
		{"FreeFormJSONRefusesFlags", v1, "?flag=v", nil, http.StatusBadRequest, "", ""},
		{"FreeFormTextRefusesFlags", fakeVersion{content: "hello", contentType: "text/plain", version: "1"}, "?flag=hello", nil, http.StatusBadRequest, "", ""},
		{"IonResolvedWithoutContext", multiVariantFlags, "", nil, http.StatusOK, `{"ui_refresh":{"_variant":"Default","enabled":false},"button":{"enabled":true,"size":2}}`, "application/json"},
		{"IonResolvedWithContext", multiVariantFlags, "", []string{"country=US"}, http.StatusOK, `{"ui_refresh":{"_variant":"US","enabled":true,"color":"red"},"button":{"enabled":true,"size":2}}`, "application/json"},
		{"IonContextCommaSeparated", multiVariantFlags, "?flag=ui_refresh", []string{"plan=pro, country=US"}, http.StatusOK, `{"ui_refresh":{"_variant":"US","enabled":true,"color":"red"}}`, "application/json"},
		{"IonContextSeveralHeaders", multiVariantFlags, "?flag=ui_refresh", []string{"plan=pro", "country=US"}, http.StatusOK, `{"ui_refresh":{"_variant":"US","enabled":true,"color":"red"}}`, "application/json"},
		{"IonOtherCountry", multiVariantFlags, "?flag=ui_refresh", []string{"country=CA"}, http.StatusOK, `{"ui_refresh":{"_variant":"Default","enabled":false}}`, "application/json"},
		{"BareIonResolved", fakeVersion{content: multiVariantFlags.content, contentType: "application/ion", version: "4"}, "?flag=button", nil, http.StatusOK, `{"button":{"enabled":true,"size":2}}`, "application/json"},
		{"BareIonNotFlagsAsStored", fakeVersion{content: `{"a": 1}`, contentType: "application/ion", version: "1"}, "", nil, http.StatusOK, `{"a": 1}`, "application/ion"},
		{"BareIonAnnotatedStructAsStored", fakeVersion{content: `settings::{timeout: 5}`, contentType: "application/ion", version: "1"}, "", nil, http.StatusOK, `settings::{timeout: 5}`, "application/ion"},
		{"BareIonAnnotatedIntAsStored", fakeVersion{content: `a::1`, contentType: "application/ion", version: "1"}, "", nil, http.StatusOK, `a::1`, "application/ion"},
		{"BareIonCommentOnlyAsStored", fakeVersion{content: `// nothing yet`, contentType: "application/ion", version: "1"}, "", nil, http.StatusOK, `// nothing yet`, "application/ion"},
		{"IonFlagBesideUnreadableOne", unreadableFlag, "?flag=button", nil, http.StatusOK, `{"button":{"enabled":true}}`, "application/json"},
		{"IonUnreadableFlag", unreadableFlag, "?flag=since", nil, http.StatusInternalServerError, "", ""},
		{"IonUnknownFlag", multiVariantFlags, "?flag=nosuch", nil, http.StatusBadRequest, "", ""},
		{"BadContext", multiVariantFlags, "", []string{"country"}, http.StatusBadRequest, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serveOne(t, DefaultConfig(), tt.v, http.MethodGet, testPath+tt.query, http.Header{"Context": tt.context})
			checkStatus(t, w, tt.wantStatus)
			if tt.wantStatus != http.StatusOK {
				return
			}
			if !jsonEqual(t, w.Body.String(), tt.wantBody) {
				t.Errorf("body = %s; want %s", w.Body.String(), tt.wantBody)
			}
			if got := w.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q; want %q", got, tt.wantType)
			}
			if got := w.Header().Get("Configuration-Version"); got != tt.v.version {
				t.Errorf("Configuration-Version = %q; want %q", got, tt.v.version)
			}
		})
	}
}

// TestHandlerHeaders: Configuration-Version is appconfigd's version
// number, else the version label (real AWS), else absent; Version-Label
// when there is one (docs/WIRE.md §4.4).
func TestHandlerHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                     string
		v                        fakeVersion
		wantVersion, wantLabel   string
		wantHasVersion, hasLabel bool
	}{
		{"NumberAndLabel", fakeVersion{content: "x", contentType: "text/plain", label: "v1.0", version: "7"}, "7", "v1.0", true, true},
		{"LabelOnly", fakeVersion{content: "x", contentType: "text/plain", label: "v1.0"}, "v1.0", "v1.0", true, true},
		{"Neither", fakeVersion{content: "x", contentType: "text/plain"}, "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serveOne(t, DefaultConfig(), tt.v, http.MethodGet, testPath, nil)
			checkBody(t, w, "x")
			if got, ok := w.Header()["Configuration-Version"]; ok != tt.wantHasVersion || (ok && got[0] != tt.wantVersion) {
				t.Errorf("Configuration-Version = %q; want %q", got, tt.wantVersion)
			}
			if got, ok := w.Header()["Version-Label"]; ok != tt.hasLabel || (ok && got[0] != tt.wantLabel) {
				t.Errorf("Version-Label = %q; want %q", got, tt.wantLabel)
			}
			if got := w.Header().Get("Content-Type"); got != "text/plain" {
				t.Errorf("Content-Type = %q; want text/plain", got)
			}
		})
	}
}

// TestHandlerPaths: path segments are names or IDs, URL-decoded (wire
// §4.4); anything else is not found.
func TestHandlerPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		method  string
		target  string
		key     Key
		wantKey Key
		want    int
	}{
		{"Names", http.MethodGet, testPath, testKey, testKey, http.StatusOK},
		{"EncodedSlash", http.MethodGet, "/applications/test-backend%2Ftest-service/environments/env/configurations/profile",
			Key{"test-backend/test-service", "env", "profile"}, Key{"test-backend/test-service", "env", "profile"}, http.StatusOK},
		{"EncodedSpace", http.MethodGet, "/applications/my%20app/environments/env/configurations/profile",
			Key{"my app", "env", "profile"}, Key{"my app", "env", "profile"}, http.StatusOK},
		{"Head", http.MethodHead, testPath, testKey, testKey, http.StatusOK},
		{"Post", http.MethodPost, testPath, testKey, Key{}, http.StatusMethodNotAllowed},
		{"ShortPath", http.MethodGet, "/applications/app/environments/env", testKey, Key{}, http.StatusNotFound},
		{"LongerPath", http.MethodGet, testPath + "/more", testKey, Key{}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				svc := newFakeService(tt.key)
				svc.deploy(tt.key, v1)
				a := startAgent(t, DefaultConfig(), svc)
				w := httptest.NewRecorder()
				a.handler.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, nil))
				checkStatus(t, w, tt.want)
				var got Key
				if starts := svc.startCalls(); len(starts) > 0 {
					got = starts[0].key
				}
				if got != tt.wantKey {
					t.Errorf("session started for %+v; want %+v", got, tt.wantKey)
				}
			})
		})
	}
}

// TestHandlerAccessToken: with ACCESS_TOKEN set every request needs
// "Authorization: Bearer <token>" (docs/WIRE.md §4.4).
func TestHandlerAccessToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		token  string
		header string
		want   int
	}{
		{"NoTokenConfigured", "", "", http.StatusOK},
		{"NoTokenConfiguredAnyHeader", "", "Bearer whatever", http.StatusOK},
		{"Missing", "s3cret", "", http.StatusUnauthorized},
		{"Wrong", "s3cret", "Bearer guess", http.StatusUnauthorized},
		{"Prefix", "s3cret", "Bearer s3c", http.StatusUnauthorized},
		{"OtherScheme", "s3cret", "Basic s3cret", http.StatusUnauthorized},
		{"Right", "s3cret", "Bearer s3cret", http.StatusOK},
		{"SchemeCase", "s3cret", "bearer s3cret", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.AccessToken = tt.token
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			w := serveOne(t, cfg, v1, http.MethodGet, testPath, h)
			checkStatus(t, w, tt.want)
			if tt.want == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate = %q; want Bearer", w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}
