package sigv4_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sigv4"
)

// The key the tests sign with, and the time they sign at.
var (
	testCreds = aws.Credentials{AccessKeyID: "AKACTESTKEY000000001", SecretAccessKey: "s3cr3t/Key+With=Odd-Chars_0123456789"}
	signTime  = time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC)
)

// testPrincipal is who testCreds sign as.
var testPrincipal = appconfigd.Principal{AccessKeyID: testCreds.AccessKeyID, Name: "tester", Role: appconfigd.RoleReader, Applications: []string{"web"}}

func testKeys() sigv4.KeyLookup {
	return sigv4.KeyLookupFunc(func(id string) (string, appconfigd.Principal, bool) {
		if id != testCreds.AccessKeyID {
			return "", appconfigd.Principal{}, false
		}
		return testCreds.SecretAccessKey, testPrincipal, true
	})
}

func verifierAt(now time.Time) *sigv4.Verifier {
	v := sigv4.NewVerifier(testKeys())
	v.Clock = appconfigd.ClockFunc(func() time.Time { return now })
	return v
}

// req describes a request to sign with aws-sdk-go-v2's signer.
type req struct {
	method string
	// target is the path and query as they go on the wire (already
	// escaped, as the SDK's serializers escape them).
	target  string
	body    string
	headers map[string]string
	// sign overrides what is signed with.
	creds   *aws.Credentials
	service string
	region  string
	at      time.Time
}

const testHost = "appconfig.test:2771"

// build returns the request described by q, signed by the SDK's own
// signer exactly as the SDK's middleware calls it (payload hash of the
// body, service, region, time).
func (q req) build(t testing.TB) *http.Request {
	t.Helper()
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r, err := http.NewRequest(q.method, "http://"+testHost+q.target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range q.headers {
		r.Header.Set(k, v)
	}
	creds, service, region, at := testCreds, "appconfig", "us-east-1", signTime
	if q.creds != nil {
		creds = *q.creds
	}
	if q.service != "" {
		service = q.service
	}
	if q.region != "" {
		region = q.region
	}
	if !q.at.IsZero() {
		at = q.at
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, sigv4.HashPayload([]byte(q.body)), service, region, at); err != nil {
		t.Fatal(err)
	}
	return r
}

// wireServer runs v on every request and answers 200 with the principal's
// name in a header and the body the handler read, or 403 with the error
// code and message.
func wireServer(t *testing.T, v *sigv4.Verifier) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Authenticate(r)
		if err != nil {
			var e *appconfigd.Error
			if !errors.As(err, &e) {
				e = &appconfigd.Error{Code: "not-an-appconfigd.Error", Message: err.Error()}
			}
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "%s\n%s", e.Code, e.Message)
			return
		}
		// The handler must still see the whole body.
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Principal", p.Name)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sendTo sends r to srv over HTTP, keeping the Host it was signed for, and
// returns the verdict: the principal's name (and the body the handler
// read), or an *appconfigd.Error.
func sendTo(t *testing.T, srv *httptest.Server, r *http.Request) (name, body string, err error) {
	t.Helper()
	r.URL.Scheme = "http"
	r.URL.Host = strings.TrimPrefix(srv.URL, "http://")
	if r.Host == "" {
		r.Host = testHost
	}
	r.RequestURI = ""
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		code, msg, _ := strings.Cut(string(b), "\n")
		return "", "", &appconfigd.Error{Code: appconfigd.ErrorCode(code), Message: msg}
	}
	return resp.Header.Get("Principal"), string(b), nil
}

// check runs one verdict against the expectation: want code "" means the
// request must be accepted as testPrincipal.
func check(t *testing.T, how string, name string, err error, wantCode appconfigd.ErrorCode, wantMsg string) {
	t.Helper()
	if wantCode == "" {
		if err != nil {
			t.Errorf("%s: refused: %v", how, err)
		} else if name != testPrincipal.Name {
			t.Errorf("%s: principal %q, want %q", how, name, testPrincipal.Name)
		}
		return
	}
	if !appconfigd.IsCode(err, wantCode) {
		t.Errorf("%s: err = %v, want code %s", how, err, wantCode)
		return
	}
	var e *appconfigd.Error
	errors.As(err, &e)
	if !strings.Contains(e.Message, wantMsg) {
		t.Errorf("%s: message %q does not contain %q", how, e.Message, wantMsg)
	}
}

const arnPath = "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234"

// TestVerifier signs requests with aws-sdk-go-v2's signer, optionally
// tampers with them, and checks the verdict both by calling Authenticate
// on the client's request and by sending it to a server over HTTP (which
// is how the server really sees requests: RequestURI, Host and
// Content-Length come off the wire).
func TestVerifier(t *testing.T) {
	const (
		mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	)
	wrongSecret := testCreds
	wrongSecret.SecretAccessKey = "not-the-right-secret-at-all"
	unknownKey := testCreds
	unknownKey.AccessKeyID = "AKACNOBODY0000000000"
	withToken := testCreds
	withToken.SessionToken = "FwoGZXIvYXdzEB0aDOPtoken"

	getApps := req{method: "GET", target: "/applications?max_results=50&next_token=a%2Bb%2Fc%3D%3D"}
	postApp := req{method: "POST", target: "/applications", body: `{"Name":"web","Description":"the web app"}`, headers: map[string]string{"Content-Type": "application/json"}}

	cases := []struct {
		name   string
		req    req
		now    time.Time // server clock; zero means signTime
		mutate func(r *http.Request)
		code   appconfigd.ErrorCode
		msg    string
	}{
		// (1) Every method and the shapes of request AppConfig sends.
		{name: "GET list with query", req: getApps},
		{name: "POST JSON body", req: postApp},
		{name: "PATCH JSON body", req: req{method: "PATCH", target: "/applications/abc1234", body: `{"Description":"new"}`, headers: map[string]string{"Content-Type": "application/json"}}},
		{name: "PUT", req: req{method: "PUT", target: "/applications/abc1234", body: `{}`}},
		{name: "DELETE", req: req{method: "DELETE", target: "/applications/abc1234"}},
		{name: "HEAD", req: req{method: "HEAD", target: "/applications"}},
		{name: "DELETE escaped ARN and repeated query key", req: req{method: "DELETE", target: arnPath + "?tagKeys=b&tagKeys=a&tagKeys=a%20b"}},
		{name: "GET escaped ARN", req: req{method: "GET", target: arnPath}},
		{name: "POST tags on escaped ARN", req: req{method: "POST", target: arnPath, body: `{"Tags":{"env":"prod"}}`, headers: map[string]string{"Content-Type": "application/json"}}},
		{name: "data plane session", req: req{method: "POST", target: "/configurationsessions", body: `{"ApplicationIdentifier":"web","ConfigurationProfileIdentifier":"flags","EnvironmentIdentifier":"prod"}`, headers: map[string]string{"Content-Type": "application/json"}}},
		{name: "token with + and / and = (Go SDK encodes + as %2B)", req: req{method: "GET", target: "/configuration?configuration_token=AYADeJ%2Bx%2F9q%3D%3D"}},
		{name: "query value with a space sent as +", req: req{method: "GET", target: "/configuration?configuration_token=a+b"}},
		{name: "query value with a space sent as %20", req: req{method: "GET", target: "/configuration?configuration_token=a%20b"}},
		{name: "query key without value", req: req{method: "GET", target: "/applications?flag&x=1"}},
		{name: "query with unicode", req: req{method: "GET", target: "/applications?next_token=%E1%88%B4"}},
		{name: "binary hosted configuration body", req: req{method: "POST", target: "/applications/abc1234/configurationprofiles/def5678/hostedconfigurationversions", body: "\x00\x01\xff binary\r\n", headers: map[string]string{"Content-Type": "application/octet-stream", "Description": "  spaced   out  "}}},
		{name: "signed header with a tab and runs of spaces (SDK form)", req: req{method: "GET", target: "/applications", headers: map[string]string{"X-Custom": "a\tb   c"}}},
		{name: "any region", req: req{method: "GET", target: "/applications", region: "eu-west-3"}},
		{name: "a made-up region", req: req{method: "GET", target: "/applications", region: "local"}},
		{name: "X-Amz-Content-Sha256 matching the body", req: req{method: "POST", target: "/applications", body: `{"Name":"x"}`, headers: map[string]string{"X-Amz-Content-Sha256": sigv4.HashPayload([]byte(`{"Name":"x"}`))}}},

		// (2) Headers added after signing are not signed and do not matter.
		{name: "unsigned headers added after signing", req: postApp, mutate: func(r *http.Request) {
			r.Header.Set("User-Agent", "aws-cli/1.45 something else")
			r.Header.Set("X-Amzn-Trace-Id", "Root=1-abc")
			r.Header.Set("Amz-Sdk-Invocation-Id", "c0ffee")
			r.Header.Set("Amz-Sdk-Request", "attempt=2; max=3")
			r.Header.Set("X-Forwarded-For", "10.0.0.1")
		}},

		// (3) The clock: 15 minutes either way is fine, a second more is not.
		{name: "server 15 min ahead", req: getApps, now: signTime.Add(15 * time.Minute)},
		{name: "server 15 min behind", req: getApps, now: signTime.Add(-15 * time.Minute)},
		{name: "server 15 min 1 s ahead", req: getApps, now: signTime.Add(15*time.Minute + time.Second), code: appconfigd.EInvalidSignature,
			msg: "Signature expired: 20260101T003000Z is now earlier than 20260101T003001Z (20260101T004501Z - 15 min.)"},
		{name: "server 16 min ahead", req: getApps, now: signTime.Add(16 * time.Minute), code: appconfigd.EInvalidSignature, msg: "Signature expired"},
		{name: "server 16 min behind", req: getApps, now: signTime.Add(-16 * time.Minute), code: appconfigd.EInvalidSignature,
			msg: "Signature not yet current: 20260101T003000Z is still later than 20260101T002900Z (20260101T001400Z + 15 min.)"},
		{name: "server sub-second ahead of the boundary", req: getApps, now: signTime.Add(15*time.Minute + 999*time.Millisecond)},

		// (4) Tampering.
		{name: "tampered body", req: postApp, mutate: func(r *http.Request) {
			b := []byte(`{"Name":"web","Description":"the WEB app"}`)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "tampered path", req: req{method: "DELETE", target: "/applications/abc1234"}, mutate: func(r *http.Request) {
			r.URL.Path, r.URL.RawPath = "/applications/abc1235", ""
		}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "ARN path sent unescaped", req: req{method: "GET", target: arnPath}, mutate: func(r *http.Request) {
			r.URL.RawPath = "/tags/arn:aws:appconfig:us-east-1:000000000000:application%2Fabc1234"
		}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "tampered query value", req: getApps, mutate: func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "max_results=50", "max_results=51", 1)
		}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "query parameter added", req: getApps, mutate: func(r *http.Request) { r.URL.RawQuery += "&x=1" }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "repeated query value dropped", req: req{method: "DELETE", target: arnPath + "?tagKeys=a&tagKeys=b"}, mutate: func(r *http.Request) {
			r.URL.RawQuery = "tagKeys=a"
		}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "tampered method", req: req{method: "GET", target: "/applications/abc1234"}, mutate: func(r *http.Request) { r.Method = "DELETE" }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "tampered signed header", req: postApp, mutate: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "signed header removed", req: postApp, mutate: func(r *http.Request) { r.Header.Del("Content-Type") }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "tampered host", req: getApps, mutate: func(r *http.Request) { r.Host = "other.test:2771" }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "X-Amz-Date moved one second", req: getApps, mutate: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20260101T003001Z") }, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "X-Amz-Content-Sha256 not matching the body", req: postApp, mutate: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", sigv4.EmptyPayloadHash)
		}, code: appconfigd.EInvalidSignature, msg: "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{name: "UNSIGNED-PAYLOAD", req: req{method: "POST", target: "/applications", body: `{}`, headers: map[string]string{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}}, code: appconfigd.EInvalidSignature, msg: "accepts only signed payloads"},

		// (5) Keys.
		{name: "wrong secret", req: req{method: "GET", target: "/applications", creds: &wrongSecret}, code: appconfigd.EInvalidSignature, msg: mismatch},
		{name: "unknown key", req: req{method: "GET", target: "/applications", creds: &unknownKey}, code: appconfigd.EUnrecognizedClient, msg: "The security token included in the request is invalid."},
		{name: "session token", req: req{method: "GET", target: "/applications", creds: &withToken}, code: appconfigd.EUnrecognizedClient, msg: "The security token included in the request is invalid. appconfigd access keys are long-term keys and take no session token; unset AWS_SESSION_TOKEN."},

		// (6) The scope.
		{name: "wrong service", req: req{method: "GET", target: "/applications", service: "appconfigdata"}, code: appconfigd.EInvalidSignature, msg: "Credential should be scoped to correct service: 'appconfig'."},
		{name: "scope date not the X-Amz-Date date", req: getApps, mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260101/", "/20251231/", 1))
		}, code: appconfigd.EInvalidSignature, msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', from '20260101T003000Z'."},
		{name: "wrong terminator", req: getApps, mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/aws4_request", "/aws5_request", 1))
		}, code: appconfigd.EInvalidSignature, msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},

		// (7) Missing and malformed.
		{name: "no Authorization", req: getApps, mutate: func(r *http.Request) { r.Header.Del("Authorization") }, code: appconfigd.EMissingAuthentication, msg: "Missing Authentication Token"},
		{name: "two Authorization headers", req: getApps, mutate: func(r *http.Request) { r.Header.Add("Authorization", r.Header.Get("Authorization")) }, code: appconfigd.EInvalidSignature, msg: "more than one Authorization header"},
		{name: "host not signed", req: getApps, mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date", 1))
		}, code: appconfigd.EInvalidSignature, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{name: "no date header", req: getApps, mutate: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, code: appconfigd.EInvalidSignature, msg: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{name: "malformed X-Amz-Date", req: getApps, mutate: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2026-01-01T00:30:00Z") }, code: appconfigd.EInvalidSignature, msg: "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:30:00Z'."},
		{name: "not SigV4", req: getApps, mutate: func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, code: appconfigd.EInvalidSignature, msg: "Unsupported Authorization scheme \"Bearer\""},
		{name: "Credential missing", req: getApps, mutate: func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date")
		}, code: appconfigd.EInvalidSignature, msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter."},
		{name: "presigned URL", req: getApps, mutate: func(r *http.Request) {
			r.Header.Del("Authorization")
			r.URL.RawQuery += "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"
		}, code: appconfigd.EInvalidSignature, msg: "presigned URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := c.now
			if now.IsZero() {
				now = signTime
			}
			v := verifierAt(now)
			build := func() *http.Request {
				r := c.req.build(t)
				if c.mutate != nil {
					c.mutate(r)
				}
				return r
			}

			r := build()
			p, err := v.Authenticate(r)
			check(t, "direct", p.Name, err, c.code, c.msg)
			if err == nil {
				if p.AccessKeyID != testCreds.AccessKeyID || len(p.Applications) != 1 {
					t.Errorf("principal = %+v, want %+v", p, testPrincipal)
				}
				if r.Body != nil {
					b, _ := io.ReadAll(r.Body)
					if string(b) != c.req.body {
						t.Errorf("body after Authenticate = %q, want %q", b, c.req.body)
					}
				}
			}

			name, body, err := sendTo(t, wireServer(t, v), build())
			check(t, "over HTTP", name, err, c.code, c.msg)
			if err == nil && c.req.method != "HEAD" && body != c.req.body {
				t.Errorf("over HTTP: handler read body %q, want %q", body, c.req.body)
			}
		})
	}
}

// TestVerifierPresignedURL refuses a URL presigned by the SDK itself.
func TestVerifierPresignedURL(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://"+testHost+"/applications", nil)
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), testCreds, r, sigv4.EmptyPayloadHash, "appconfig", "us-east-1", signTime)
	if err != nil {
		t.Fatal(err)
	}
	pr, _ := http.NewRequest("GET", u, nil)
	_, err = verifierAt(signTime).Authenticate(pr)
	check(t, "presigned", "", err, appconfigd.EInvalidSignature, "Query-string (presigned URL) authentication is not supported")
}

// TestVerifierBodyLimit refuses bodies over MaxBodyBytes, whether the
// client declares the length or streams the body chunked, and accepts a
// body of exactly the limit.
func TestVerifierBodyLimit(t *testing.T) {
	v := verifierAt(signTime)
	v.MaxBodyBytes = 16

	exact := req{method: "POST", target: "/applications", body: strings.Repeat("x", 16)}
	if _, err := v.Authenticate(exact.build(t)); err != nil {
		t.Errorf("body of exactly the limit: %v", err)
	}

	over := req{method: "POST", target: "/applications", body: strings.Repeat("x", 17)}
	_, err := v.Authenticate(over.build(t))
	check(t, "declared length", "", err, appconfigd.EPayloadTooLarge, "Request body exceeds the maximum size of 0 KB")

	// Chunked: no Content-Length, so the bound is found by reading.
	r := over.build(t)
	r.ContentLength = -1
	r.Body = io.NopCloser(strings.NewReader(over.body))
	_, err = v.Authenticate(r)
	check(t, "chunked", "", err, appconfigd.EPayloadTooLarge, "exceeds the maximum size")

	// Over HTTP the same, chunked, and the 1 MiB default limit by default.
	srv := wireServer(t, v)
	r = over.build(t)
	r.ContentLength = -1
	r.Body = io.NopCloser(strings.NewReader(over.body))
	_, _, err = sendTo(t, srv, r)
	check(t, "chunked over HTTP", "", err, appconfigd.EPayloadTooLarge, "exceeds the maximum size")

	big := req{method: "PUT", target: "/big", body: strings.Repeat("y", sigv4.DefaultMaxBodyBytes)}
	if _, _, err := sendTo(t, wireServer(t, verifierAt(signTime)), big.build(t)); err != nil {
		t.Errorf("1 MiB body with the default limit: %v", err)
	}
}

// TestVerifierChecksBeforeReadingBody shows that a request from an unknown
// key is refused without its body being read.
func TestVerifierChecksBeforeReadingBody(t *testing.T) {
	unknown := testCreds
	unknown.AccessKeyID = "AKACNOBODY0000000000"
	r := req{method: "POST", target: "/applications", body: "{}", creds: &unknown}.build(t)
	body := &countingReader{r: strings.NewReader("{}")}
	r.Body = io.NopCloser(body)
	if _, err := verifierAt(signTime).Authenticate(r); !appconfigd.IsCode(err, appconfigd.EUnrecognizedClient) {
		t.Fatalf("err = %v", err)
	}
	if body.n != 0 {
		t.Errorf("read %d bytes of an unauthenticated body", body.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestVerifierBodyReadError reports a body that cannot be read as a bad
// request, not an internal error.
func TestVerifierBodyReadError(t *testing.T) {
	r := req{method: "POST", target: "/applications", body: "{}"}.build(t)
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader("{"), errReader{}))
	_, err := verifierAt(signTime).Authenticate(r)
	check(t, "read error", "", err, appconfigd.EBadRequest, "Could not read the request body")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestVerifierZeroValue uses the defaults for unset fields.
func TestVerifierZeroValue(t *testing.T) {
	v := &sigv4.Verifier{Keys: testKeys()}
	now := time.Now().UTC().Truncate(time.Second)
	r := req{method: "GET", target: "/applications", at: now}.build(t)
	if _, err := v.Authenticate(r); err != nil {
		t.Fatal(err)
	}
	r = req{method: "GET", target: "/applications", at: now.Add(-20 * time.Minute)}.build(t)
	if _, err := v.Authenticate(r); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
		t.Errorf("20 minutes old: err = %v, want EInvalidSignature", err)
	}
}

// TestVerifierConcurrentUse: verifications share the signing-key cache and
// their working buffers, so concurrent ones over several scopes must each
// get their own verdict, the first verification of a scope and the cached
// ones alike.
func TestVerifierConcurrentUse(t *testing.T) {
	t.Parallel()
	v := verifierAt(signTime)
	type signed struct {
		good, tampered *http.Request
	}
	var reqs []signed
	for i, region := range []string{"us-east-1", "eu-west-3", "local", "ap-south-2"} {
		q := req{method: "GET", target: fmt.Sprintf("/configuration?configuration_token=tok%d", i), region: region}
		good := q.build(t)
		good.RequestURI = good.URL.RequestURI()
		tampered := q.build(t)
		tampered.RequestURI = fmt.Sprintf("/configuration?configuration_token=tok%d", i+1)
		reqs = append(reqs, signed{good, tampered})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				r := reqs[(g+i)%len(reqs)]
				if _, err := v.Authenticate(r.good); err != nil {
					t.Errorf("%s signed for %s: %v", r.good.RequestURI, r.good.Header.Get("Authorization"), err)
					return
				}
				if _, err := v.Authenticate(r.tampered); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
					t.Errorf("tampered %s: err = %v, want EInvalidSignature", r.tampered.RequestURI, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestCanonicalRequestMatchesSDK compares our canonical request with the
// one the SDK's signer logs, for requests whose path and query need
// encoding: the strongest check that the two agree on the escaping rules.
func TestCanonicalRequestMatchesSDK(t *testing.T) {
	targets := []string{
		arnPath + "?tagKeys=b&tagKeys=a&tagKeys=a%2Fb&tagKeys=a-b",
		"/configuration?configuration_token=AYADeJ%2Bx%2F9q%3D%3D%20",
		"/configuration?configuration_token=a+b",
		"/applications/abc1234/environments/e%20f?x=%E2%82%AC&y=%7E&z=%2A",
		"/a%252Fb/c!d$e&f'g(h)i*j+k,l;m=n:o@p",
	}
	for _, target := range targets {
		var logged bytes.Buffer
		r, _ := http.NewRequest("GET", "http://"+testHost+target, nil)
		err := v4.NewSigner(func(o *v4.SignerOptions) {
			o.LogSigning = true
			o.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) { fmt.Fprintf(&logged, format, v...) })
		}).SignHTTP(context.Background(), testCreds, r, sigv4.EmptyPayloadHash, "appconfig", "us-east-1", signTime)
		if err != nil {
			t.Fatal(err)
		}
		a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		got := sigv4.CanonicalRequest(r, a.SignedHeaders, sigv4.EmptyPayloadHash)
		if !strings.Contains(logged.String(), "\n"+got+"\n") {
			t.Errorf("%s: canonical request\n%s\nnot in the SDK's log:\n%s", target, got, logged.String())
		}
	}
}

// BenchmarkAuthenticate measures verifying a typical signed POST: the
// price every request pays with --auth=on.
func BenchmarkAuthenticate(b *testing.B) {
	v := verifierAt(signTime)
	q := req{method: "POST", target: "/configurationsessions", body: `{"ApplicationIdentifier":"web","ConfigurationProfileIdentifier":"flags","EnvironmentIdentifier":"prod"}`, headers: map[string]string{"Content-Type": "application/json"}}
	r := q.build(b)
	body := []byte(q.body)
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticatePoll measures verifying what a poller sends most:
// GetLatestConfiguration, a GET with a configuration token in the query
// and the headers aws-sdk-go-v2 signs.
func BenchmarkAuthenticatePoll(b *testing.B) {
	v := verifierAt(signTime)
	r := req{method: "GET", target: "/configuration?configuration_token=" + strings.Repeat("AYADeJx9q_-", 11) + "Zq", headers: map[string]string{
		"Amz-Sdk-Invocation-Id": "4a93630e-b8b1-4845-81f4-e4438544c918",
		"Amz-Sdk-Request":       "attempt=1; max=3",
	}}.build(b)
	// As the server receives it: the target in RequestURI, no body.
	r.RequestURI = r.URL.RequestURI()
	r.Body = http.NoBody
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}
