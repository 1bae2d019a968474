package auth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

func TestWithOperation(t *testing.T) {
	t.Parallel()
	op := auth.Operation{Name: "CreateApplication", MaxBodyBytes: 10}

	withBody := httptest.NewRequest("POST", "/applications", strings.NewReader("{}"))
	got, ok := auth.OperationFromContext(auth.WithOperation(withBody, op).Context())
	if !ok || got.Name != op.Name || got.MaxBodyBytes != op.MaxBodyBytes {
		t.Errorf("operation of a request with a body = %+v, %v; want %+v", got, ok, op)
	}

	// Without a body there is nothing to bound: the request is not
	// copied.
	bodiless := httptest.NewRequest("GET", "/applications", nil)
	if r := auth.WithOperation(bodiless, op); r != bodiless {
		t.Error("request without a body copied")
	}
}

func TestOperationBodyTooLarge(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		op   auth.Operation
		code appconfigd.ErrorCode
		msg  string
	}{
		{auth.Operation{Name: "CreateApplication", MaxBodyBytes: 1024}, appconfigd.EBadRequest, "request body exceeds 1024 bytes"},
		{auth.Operation{Name: "GetLatestConfiguration"}, appconfigd.EBadRequest, "GetLatestConfiguration takes no request body"},
		{auth.Operation{Name: "CreateHostedConfigurationVersion", MaxBodyBytes: 1024, TooLarge: func(size int64) error {
			return appconfigd.PayloadTooLarge(int(size), 1024)
		}}, appconfigd.EPayloadTooLarge, "Configuration content exceeds the maximum size of 1 KB"},
	} {
		err := tt.op.BodyTooLarge(2048)
		if !appconfigd.IsCode(err, tt.code) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: BodyTooLarge = %v, want %s %q", tt.op.Name, err, tt.code, tt.msg)
		}
	}
}

// TestDropConnectionIfBodyUnread asks for the connection to be closed only
// for an HTTP/1 request whose body was not handed on.
func TestDropConnectionIfBodyUnread(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		req  func() *http.Request
		want string
	}{
		{"UnreadBody", func() *http.Request { return httptest.NewRequest("POST", "/applications", strings.NewReader("{}")) }, "close"},
		{"NoBody", func() *http.Request { return httptest.NewRequest("GET", "/applications", nil) }, ""},
		{"HandedOn", func() *http.Request {
			r := httptest.NewRequest("POST", "/applications", strings.NewReader("{}"))
			r.Body = auth.NewBody([]byte("{}"))
			return r
		}, ""},
		{"HTTP2", func() *http.Request {
			r := httptest.NewRequest("POST", "/applications", strings.NewReader("{}"))
			r.ProtoMajor, r.ProtoMinor = 2, 0
			return r
		}, ""},
	} {
		w := httptest.NewRecorder()
		auth.DropConnectionIfBodyUnread(w, tt.req())
		if got := w.Header().Get("Connection"); got != tt.want {
			t.Errorf("%s: Connection %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestBodyBytes(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("POST", "/x", strings.NewReader("abc"))
	if _, ok := auth.BodyBytes(r); ok {
		t.Error("BodyBytes of an unread body: ok")
	}
	r.Body = auth.NewBody([]byte("abc"))
	buf := make([]byte, 2)
	_, _ = r.Body.Read(buf)
	if b, ok := auth.BodyBytes(r); !ok || string(b) != "abc" {
		t.Errorf("BodyBytes after reading part = %q, %v; want the whole body", b, ok)
	}
}
