package awsjson_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/appconfigd/appconfigd/awsjson"
)

func TestRouter(t *testing.T) {
	t.Parallel()
	ok := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Op", name+":"+r.PathValue("id"))
		})
	}
	router := awsjson.NewRouter([]awsjson.Route{
		{Method: http.MethodGet, Pattern: "/things/{id}", Handler: ok("get")},
		{Method: http.MethodDelete, Pattern: "/things/{id}", Handler: ok("delete")},
		{Method: http.MethodPost, Pattern: "/things", Handler: ok("create")},
	})
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantOp             string
		wantErrorType      string
	}{
		{"GetMatches", "GET", "/things/a1", 200, "get:a1", ""},
		{"SamePathOtherMethod", "DELETE", "/things/a1", 200, "delete:a1", ""},
		{"EscapedSlashStaysInSegment", "GET", "/things/a%2Fb", 200, "get:a/b", ""},
		{"UnknownPath", "GET", "/nothing", 404, "", "UnknownOperationException"},
		{"Root", "GET", "/", 404, "", "UnknownOperationException"},
		{"WrongMethod", "PUT", "/things/a1", 405, "", "MethodNotAllowedException"},
		{"DoubleSlashNotRedirected", "GET", "//things/a1", 404, "", "UnknownOperationException"},
		{"DotDotNotRedirected", "GET", "/things/../things/a1", 404, "", "UnknownOperationException"},
		{"RootDoubleSlashNotRedirected", "GET", "//", 404, "", "UnknownOperationException"},
		{"OptionsStar", "OPTIONS", "*", 404, "", "UnknownOperationException"},
		{"HeadTakesGet", "HEAD", "/things/a1", 200, "get:a1", ""},
		{"WrongMethodOnExactPath", "GET", "/things", 405, "", "MethodNotAllowedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := "http://x" + tt.path
			if tt.path == "*" {
				target = "*"
			}
			req := httptest.NewRequest(tt.method, target, nil)
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if got := rec.Header().Get("X-Op"); got != tt.wantOp {
				t.Errorf("handler = %q, want %q", got, tt.wantOp)
			}
			if tt.wantErrorType == "" {
				return
			}
			if got := rec.Header().Get("X-Amzn-ErrorType"); got != tt.wantErrorType {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, tt.wantErrorType)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["Message"] == "" || body["__type"] != tt.wantErrorType {
				t.Errorf("body = %s (%v), want JSON with Message and __type %s", rec.Body, err, tt.wantErrorType)
			}
		})
	}
}
