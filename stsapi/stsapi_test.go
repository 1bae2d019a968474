package stsapi

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/auth"
)

// serve sends one request through a Server whose authenticator accepts
// everyone (--auth=off), wrapped around a handler that answers 418.
func serve(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	s := &Server{Auth: auth.AcceptAll{}, AccountID: "123456789012"}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
	w := httptest.NewRecorder()
	s.Wrap(next).ServeHTTP(w, r)
	return w
}

// TestGetCallerIdentityWithoutAuthentication answers from the access key
// ID of the Authorization header when the server does not verify
// signatures: the body was not read by a verifier, so the server reads it.
func TestGetCallerIdentityWithoutAuthentication(t *testing.T) {
	t.Parallel()
	w := serve(t, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/xml" {
		t.Fatalf("status %d, Content-Type %q; want 200 text/xml\n%s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var got callerIdentity
	if err := xml.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
	if got.Xmlns != namespace || got.Result.Account != "123456789012" || got.Result.Arn != "arn:aws:iam::123456789012:user/AKIDLOCAL" || got.Result.UserID != UserID("AKIDLOCAL") {
		t.Errorf("answer = %+v; want the account, user/AKIDLOCAL and its user ID in STS's namespace", got)
	}
}

// TestSTSErrors answers requests that are not GetCallerIdentity with STS's
// XML error document, and passes other paths on.
func TestSTSErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body, code string
	}{
		{"MissingAction", "Version=2011-06-15", "MissingAction"},
		{"OtherAction", "Action=AssumeRole&Version=2011-06-15", "InvalidAction"},
		{"OtherVersion", "Action=GetCallerIdentity&Version=2010-01-01", "InvalidAction"},
		{"MalformedForm", "Action=%zz", "MalformedQueryString"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serve(t, http.MethodPost, "/", tt.body)
			var got errorResponse
			if err := xml.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("decode %s: %v", w.Body, err)
			}
			if w.Code != http.StatusBadRequest || got.Error.Code != tt.code || got.Error.Type != "Sender" || got.Error.Message == "" {
				t.Errorf("status %d, error %+v; want 400 %s from the Sender with a message", w.Code, got.Error, tt.code)
			}
		})
	}
	t.Run("OtherPath", func(t *testing.T) {
		t.Parallel()
		if w := serve(t, http.MethodPost, "/applications", "{}"); w.Code != http.StatusTeapot {
			t.Errorf("POST /applications: status %d; want it passed on (418)", w.Code)
		}
	})
}
