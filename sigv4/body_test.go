package sigv4_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/sigv4"
)

// recordingBody is a request body that records how much was read from it
// and, once its bytes are used up, fails as the read of a body that never
// arrives in full does when the connection's deadline passes.
type recordingBody struct {
	mu    sync.Mutex
	r     io.Reader
	read  int
	calls int
}

func newRecordingBody(content string) *recordingBody {
	return &recordingBody{r: strings.NewReader(content)}
}

func (b *recordingBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	n, err := b.r.Read(p)
	b.read += n
	if err == io.EOF {
		return n, errors.New("i/o timeout: the rest of the body never came")
	}
	return n, err
}

func (b *recordingBody) Close() error { return nil }

func (b *recordingBody) counts() (calls, read int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls, b.read
}

// withOperation signs q and attaches op, as a surface does.
func withOperation(t *testing.T, q req, op auth.Operation) *http.Request {
	t.Helper()
	return auth.WithOperation(q.build(t), op)
}

// adminsOnly is an Authorize that refuses every key but admin keys.
func adminsOnly(p appconfigd.Principal) error {
	if !p.IsAdmin() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is not authorized to perform: appconfig:CreateApplication", p.Name)
	}
	return nil
}

// TestVerifierAuthorizesBeforeReadingBody: a key the operation refuses
// (here testCreds, a reader key, on an admin-only operation) is refused
// from the headers, with the operation's error, without a byte of its
// body read, even though the body would never arrive in full.
func TestVerifierAuthorizesBeforeReadingBody(t *testing.T) {
	t.Parallel()
	op := auth.Operation{Name: "CreateApplication", MaxBodyBytes: 1 << 20, Authorize: adminsOnly}
	r := withOperation(t, req{method: "POST", target: "/applications", body: `{"Name":"web"}`}, op)
	body := newRecordingBody(`{"Name"`)
	r.Body = body

	_, err := verifierAt(signTime).Authenticate(r)

	check(t, "reader key", "", err, appconfigd.EAccessDenied, "User: tester is not authorized to perform: appconfig:CreateApplication")
	if calls, _ := body.counts(); calls != 0 {
		t.Errorf("body read %d times before the key was refused, want 0", calls)
	}
}

// TestVerifierChecksSignatureOfBodilessRequestFirst: without a body there
// is nothing to protect, so the signature is verified as before and
// authorization is the surface's business (which audits it).
func TestVerifierChecksSignatureOfBodilessRequestFirst(t *testing.T) {
	t.Parallel()
	op := auth.Operation{Name: "DeleteApplication", Authorize: adminsOnly}
	r := withOperation(t, req{method: "DELETE", target: "/applications/abc1234"}, op)
	p, err := verifierAt(signTime).Authenticate(r)
	if err != nil || p.Name != testPrincipal.Name {
		t.Errorf("Authenticate = %+v, %v; want the reader's principal for the surface to refuse", p, err)
	}
}

// TestVerifierOperationBound bounds the body by the operation's
// MaxBodyBytes, with the operation's error: a declared length over it is
// refused before reading, a body without one is read no further than one
// byte past it, and a body over the verifier's MaxBodyBytes gets the
// generic PayloadTooLargeException whatever the operation.
func TestVerifierOperationBound(t *testing.T) {
	t.Parallel()
	payloadTooLarge := func(size int64) error { return appconfigd.PayloadTooLarge(int(size), 16) }
	tests := []struct {
		name    string
		op      auth.Operation
		body    string
		chunked bool
		code    appconfigd.ErrorCode
		msg     string
		// maxRead bounds the body bytes the verifier may read.
		maxRead int
	}{
		{name: "declared length over a JSON bound", op: auth.Operation{Name: "CreateApplication", MaxBodyBytes: 16}, body: strings.Repeat("x", 17),
			code: appconfigd.EBadRequest, msg: "request body exceeds 16 bytes", maxRead: 0},
		{name: "chunked body over a JSON bound", op: auth.Operation{Name: "CreateApplication", MaxBodyBytes: 16}, body: strings.Repeat("x", 64), chunked: true,
			code: appconfigd.EBadRequest, msg: "request body exceeds 16 bytes", maxRead: 17},
		{name: "operation's own error", op: auth.Operation{Name: "CreateHostedConfigurationVersion", MaxBodyBytes: 16, TooLarge: payloadTooLarge}, body: strings.Repeat("x", 17),
			code: appconfigd.EPayloadTooLarge, msg: "Configuration content exceeds the maximum size of 0 KB", maxRead: 0},
		{name: "operation without a body", op: auth.Operation{Name: "GetLatestConfiguration"}, body: "{}",
			code: appconfigd.EBadRequest, msg: "GetLatestConfiguration takes no request body", maxRead: 0},
		{name: "over the verifier's bound", op: auth.Operation{Name: "CreateApplication", MaxBodyBytes: 1 << 30}, body: strings.Repeat("x", sigv4.DefaultMaxBodyBytes+1),
			code: appconfigd.EPayloadTooLarge, msg: "Request body exceeds the maximum size of 1024 KB", maxRead: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := withOperation(t, req{method: "POST", target: "/applications", body: tt.body}, tt.op)
			body := newRecordingBody(tt.body)
			r.Body = body
			if tt.chunked {
				r.ContentLength = -1
			}
			_, err := verifierAt(signTime).Authenticate(r)
			check(t, tt.name, "", err, tt.code, tt.msg)
			if _, read := body.counts(); read > tt.maxRead {
				t.Errorf("read %d body bytes, want at most %d", read, tt.maxRead)
			}
			var e *appconfigd.Error
			if errors.As(err, &e) && e.Code == appconfigd.EPayloadTooLarge && tt.op.TooLarge != nil && e.SizeKB != float64(len(tt.body))/1024 {
				t.Errorf("SizeKB = %g, want %g", e.SizeKB, float64(len(tt.body))/1024)
			}
		})
	}
}

// TestVerifierHandsBodyOn gives the handler the body it verified, whole,
// as an *auth.Body whose bytes need no further copy, for bodies smaller
// and larger than the chunks bodies are received in.
func TestVerifierHandsBodyOn(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 100, 32<<10 - 1, 32 << 10, 32<<10 + 1, 200 << 10} {
		content := strings.Repeat("0123456789abcdef", size/16+1)[:size]
		r := withOperation(t, req{method: "POST", target: "/applications", body: content}, auth.Operation{Name: "CreateApplication", MaxBodyBytes: 1 << 20})
		if _, err := verifierAt(signTime).Authenticate(r); err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		got, ok := auth.BodyBytes(r)
		if !ok || string(got) != content {
			t.Errorf("%d bytes: handed on %d bytes (as an *auth.Body: %v), want the body", size, len(got), ok)
		}
	}
}

// TestVerifierBodyBudget: a body that finds no room in the budget waits,
// then is refused with ThrottlingException, never read; a request without
// a body never waits; and room given back when a request ends lets the
// next body in.
func TestVerifierBodyBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		v := verifierAt(signTime)
		v.Budget = sigv4.NewBodyBudget(64)
		op := auth.Operation{Name: "CreateApplication", MaxBodyBytes: 64}
		post := req{method: "POST", target: "/applications", body: strings.Repeat("x", 40)}

		// The first request holds 40 bytes until its context ends.
		ctx, endFirst := context.WithCancel(t.Context())
		first := auth.WithOperation(post.build(t).WithContext(ctx), op)
		if _, err := v.Authenticate(first); err != nil {
			t.Fatalf("first: %v", err)
		}

		second := withOperation(t, post, op)
		body := newRecordingBody(post.body)
		second.Body = body
		start := time.Now()
		_, err := v.Authenticate(second)
		check(t, "no room", "", err, appconfigd.EThrottling, "Rate exceeded")
		if waited := time.Since(start); waited != sigv4.DefaultBodyWait {
			t.Errorf("waited %s for room, want %s", waited, sigv4.DefaultBodyWait)
		}
		if calls, _ := body.counts(); calls != 0 {
			t.Errorf("body of a refused request read %d times", calls)
		}

		poll := withOperation(t, req{method: "GET", target: "/configuration?configuration_token=t"}, auth.Operation{Name: "GetLatestConfiguration"})
		start = time.Now()
		if _, err := v.Authenticate(poll); err != nil {
			t.Errorf("poll: %v", err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("poll waited %s", waited)
		}

		endFirst()
		synctest.Wait()
		if _, err := v.Authenticate(withOperation(t, post, op)); err != nil {
			t.Errorf("after the first request ended: %v", err)
		}
	})
}

// BenchmarkAuthenticateWrongSecret1MiB measures refusing a 1 MiB body
// signed with a wrong secret, what an attacker who knows a key ID can
// send: the body is received in pooled chunks, so B/op shows what each
// refusal leaves behind for the garbage collector.
func BenchmarkAuthenticateWrongSecret1MiB(b *testing.B) {
	wrong := testCreds
	wrong.SecretAccessKey = "not-the-right-secret-at-all"
	content := strings.Repeat("x", 1<<20)
	q := req{method: "POST", target: "/applications/abc1234/configurationprofiles/def5678/hostedconfigurationversions", body: content, creds: &wrong}
	r := auth.WithOperation(q.build(b), auth.Operation{Name: "CreateHostedConfigurationVersion", MaxBodyBytes: 1 << 20})
	v := verifierAt(signTime)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(strings.NewReader(content))
		if _, err := v.Authenticate(r); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
			b.Fatalf("err = %v, want EInvalidSignature", err)
		}
	}
}
