package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sigv4"
)

// FuzzParseAuthorization: the parser never panics, refuses only with
// EInvalidSignature, and what it accepts is well formed and survives a
// round trip through the SDK's layout.
func FuzzParseAuthorization(f *testing.F) {
	for _, seed := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
		"AWS4-HMAC-SHA256 Credential=A/20260101/r/appconfig/aws4_request,SignedHeaders=host,Signature=" + strings.Repeat("a", 64),
		"AWS4-HMAC-SHA256 ",
		"AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f",
		"AWS4-HMAC-SHA256 Credential==, =, ,,,",
		"AWS4-HMAC-SHA256 Credential=x/20260230/r/s/t, SignedHeaders=Host, Signature=zz",
		"Bearer token",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		a, err := sigv4.ParseAuthorization(header)
		if err != nil {
			if !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
				t.Fatalf("error %v is not EInvalidSignature", err)
			}
			return
		}
		if a.AccessKeyID == "" || len(a.Signature) != 64 || len(a.SignedHeaders) == 0 || a.Scope.Region == "" || len(a.Scope.Date) != 8 {
			t.Fatalf("accepted a malformed header %q as %+v", header, a)
		}
		again := sigv4.Algorithm + " Credential=" + a.AccessKeyID + "/" + a.Scope.String() +
			", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
		b, err := sigv4.ParseAuthorization(again)
		if err != nil || b.Scope != a.Scope || b.AccessKeyID != a.AccessKeyID || b.Signature != a.Signature ||
			strings.Join(b.SignedHeaders, ";") != strings.Join(a.SignedHeaders, ";") {
			t.Fatalf("round trip of %q: %+v, %v; first %+v", again, b, err, a)
		}
	})
}

// FuzzAuthenticate: the whole verification never panics, whatever the
// method, target, headers and body, and refuses only with an
// *appconfigd.Error. Client and server (RequestURI) shapes of the request
// are both tried.
func FuzzAuthenticate(f *testing.F) {
	good := req{method: "POST", target: arnPath + "?tagKeys=a&tagKeys=b", body: `{"Tags":{}}`}.build(f)
	f.Add("POST", arnPath+"?tagKeys=a&tagKeys=b", good.Header.Get("Authorization"), good.Header.Get("X-Amz-Date"), "", "", "", []byte(`{"Tags":{}}`))
	f.Add("GET", "/configuration?configuration_token=a+b%2F", "AWS4-HMAC-SHA256 Credential=AKACTESTKEY000000001/20260101/us-east-1/appconfig/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64), "20260101T003000Z", "", "X-Amz-Security-Token", "t", []byte(nil))
	f.Add("GET", "/?X-Amz-Signature=1", "", "", "Mon, 02 Jan 2006 15:04:05 GMT", "X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD", []byte("x"))
	f.Add("DELETE", "http://h/abs?q", "AWS4-HMAC-SHA256 Credential=AKACTESTKEY000000001/20260101/x/appconfig/aws4_request, SignedHeaders=content-length;host, Signature="+strings.Repeat("f", 64), "", "Thu, 01 Jan 2026 00:30:00 -0000", "Content-Length", "999999999", []byte("abc"))
	v := verifierAt(signTime)
	v.MaxBodyBytes = 64
	f.Fuzz(func(t *testing.T, method, target, authorization, amzDate, date, extraName, extraValue string, body []byte) {
		for _, server := range []bool{false, true} {
			r, err := http.NewRequest(method, "http://"+testHost+target, bytes.NewReader(body))
			if err != nil {
				return
			}
			if server {
				r.RequestURI = target
				r.ContentLength = -1
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			r.Header["Authorization"] = []string{authorization}
			r.Header["X-Amz-Date"] = []string{amzDate}
			r.Header["Date"] = []string{date}
			if extraName != "" {
				r.Header[extraName] = []string{extraValue}
			}
			_, err = v.Authenticate(r)
			if err != nil && appconfigd.ErrorCodeOf(err) == appconfigd.EInternal {
				t.Fatalf("error %v is not an *appconfigd.Error", err)
			}
		}
	})
}
