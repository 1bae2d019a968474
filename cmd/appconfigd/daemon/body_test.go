package daemon

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/smithy-go"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
)

// A reader key, beside openDaemon's admin key.
const (
	testReaderKeyID  = "AKIDDAEMONREADER"
	testReaderSecret = "daemon-reader-secret-0123456789"
)

// withReaderKey adds the reader key to the daemon's keys.
func withReaderKey(t *testing.T, c *Config) {
	t.Helper()
	keys, err := accesskey.NewSet(
		accesskey.Key{Name: "admin", AccessKeyID: testKeyID, SecretAccessKey: testSecret, Role: appconfigd.RoleAdmin},
		accesskey.Key{Name: "dashboard", AccessKeyID: testReaderKeyID, SecretAccessKey: testReaderSecret, Role: appconfigd.RoleReader},
	)
	if err != nil {
		t.Fatal(err)
	}
	c.Keys = keys
}

// stalledRequest opens a connection to d and sends a request signed by
// aws-sdk-go-v2's signer with creds over a body of contentLength bytes,
// of which it sends only the first sent bytes: a client whose body never
// arrives in full.
func stalledRequest(t *testing.T, d *Daemon, creds aws.Credentials, method, target string, contentLength int64, sent int) net.Conn {
	t.Helper()
	body := strings.Repeat("x", int(contentLength))
	r, err := http.NewRequest(method, d.URL()+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.ContentLength = contentLength
	r.Header.Set("Content-Type", "application/octet-stream")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, r, hex.EncodeToString(sum[:]), "appconfig", "us-east-1", time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", method, target, r.Host, contentLength)
	for k, vs := range r.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.WriteString(body[:sent])
	if _, err := conn.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	return conn
}

// answer reads the response on conn, failing the test if none comes
// within wait.
func answer(t *testing.T, conn net.Conn, wait time.Duration) *http.Response {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer within %s: %v", wait, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// wantException checks an answer's status and AWS exception.
func wantException(t *testing.T, resp *http.Response, status int, exception string) {
	t.Helper()
	if got := resp.Header.Get("X-Amzn-ErrorType"); resp.StatusCode != status || got != exception {
		t.Errorf("answer %d %s, want %d %s", resp.StatusCode, got, status, exception)
	}
}

// TestBodyRefusedFromHeaders: what the headers settle is answered at once,
// while the body has not arrived and never will: a reader key on the
// control plane, and a declared length over the operation's bound (a
// JSON operation's 1 MiB, the hosted limit, a poll's nothing).
func TestBodyRefusedFromHeaders(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { withReaderKey(t, c) })
	admin := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}
	reader := aws.Credentials{AccessKeyID: testReaderKeyID, SecretAccessKey: testReaderSecret}
	hosted := "/applications/abc1234/configurationprofiles/def5678/hostedconfigurationversions"
	limit := int64(d.Config.Limits.HostedConfigurationSizeBytes)
	tests := []struct {
		name          string
		creds         aws.Credentials
		method        string
		target        string
		contentLength int64
		status        int
		exception     string
	}{
		{"ReaderKeyOnControlPlane", reader, "POST", "/applications", 1000, http.StatusForbidden, "AccessDeniedException"},
		{"ReaderKeyHostedContent", reader, "POST", hosted, limit, http.StatusForbidden, "AccessDeniedException"},
		{"JSONOverItsBound", admin, "POST", "/applications", 1<<20 + 1, http.StatusBadRequest, "BadRequestException"},
		{"HostedOverTheLimit", admin, "POST", hosted, limit + 1, http.StatusRequestEntityTooLarge, "PayloadTooLargeException"},
		{"PollWithABody", reader, "GET", "/configuration?configuration_token=t", 10, http.StatusBadRequest, "BadRequestException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := stalledRequest(t, d, tt.creds, tt.method, tt.target, tt.contentLength, 0)
			// Well within the server's own timeouts: an answer must not
			// wait for the body.
			wantException(t, answer(t, conn, 5*time.Second), tt.status, tt.exception)
		})
	}
}

// TestBodyBudget: while a stalled body holds the whole body budget, a
// request with a body waits briefly and gets ThrottlingException, a
// request without one is served; the stalled body is cut off after
// BodyReadTimeout, which gives its room back.
func TestBodyBudget(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	d := openDaemon(t, func(c *Config) {
		c.Limits.HostedConfigurationSizeBytes = limit
		c.MaxBodyMemory = limit
		// Longer than a request waits for room, so that the stalled
		// body still holds it when the second request gives up.
		c.BodyReadTimeout = 3 * time.Second
	})
	wrongSecret := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: "not-the-secret"}
	stalled := stalledRequest(t, d, wrongSecret, "POST", "/applications/abc1234/configurationprofiles/def5678/hostedconfigurationversions", limit, 1024)
	waitFor(t, "the stalled body to reserve the budget", func() bool { return d.bodies.InUse() == limit })

	c := client(d.URL(), http.DefaultClient)
	_, err := c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("web")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ThrottlingException" {
		t.Errorf("CreateApplication with the budget full: %v, want ThrottlingException", err)
	}
	if _, err := c.ListApplications(t.Context(), &appconfig.ListApplicationsInput{}); err != nil {
		t.Errorf("ListApplications with the budget full: %v", err)
	}

	wantException(t, answer(t, stalled, 30*time.Second), http.StatusBadRequest, "BadRequestException")
	waitFor(t, "the stalled body to give its room back", func() bool { return d.bodies.InUse() == 0 })
	if _, err := c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("web")}); err != nil {
		t.Errorf("CreateApplication after the stalled body was cut off: %v", err)
	}
}

// TestLimitBodyTime cuts off a body that stalls past the limit, while a
// handler whose body has arrived may take longer than the limit without
// its request being cancelled.
func TestLimitBodyTime(t *testing.T) {
	t.Parallel()
	const limit = 100 * time.Millisecond
	srv := httptest.NewServer(limitBodyTime(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "body: "+err.Error(), http.StatusBadRequest)
			return
		}
		// Work past the limit, as StartDeployment waiting for webhook
		// validators does.
		time.Sleep(3 * limit)
		if err := r.Context().Err(); err != nil {
			http.Error(w, "cancelled: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}), limit))
	t.Cleanup(srv.Close)

	resp, err := http.Post(srv.URL, "text/plain", strings.NewReader("complete"))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("complete body, slow handler: %d %s, want 204", resp.StatusCode, msg)
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf"); err != nil {
		t.Fatal(err)
	}
	if resp := answer(t, conn, 10*time.Second); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("stalled body: status %d, want 400 once the limit passed", resp.StatusCode)
	}
}

// TestBodyLimitsConfig refuses limits that cannot work.
func TestBodyLimitsConfig(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*Config){
		"NegativeConnections":     func(c *Config) { c.MaxConnections = -1 },
		"BudgetBelowHostedLimit":  func(c *Config) { c.MaxBodyMemory = int64(c.Limits.HostedConfigurationSizeBytes) - 1 },
		"NegativeBodyReadTimeout": func(c *Config) { c.BodyReadTimeout = -time.Second },
	} {
		cfg := DefaultConfig()
		cfg.Listen, cfg.DataDir = "127.0.0.1:0", t.TempDir()
		change(&cfg)
		if err := New(cfg).Open(t.Context()); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

func TestByteSizeFlag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "1024": 1024, "64MiB": 64 << 20, "2 GiB": 2 << 30, "512KiB": 512 << 10, "7B": 7} {
		var n int64
		if err := (byteSize{&n}).Set(in); err != nil || n != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.5MiB", "64MB", "lots", "9999999999GiB"} {
		var n int64
		if err := (byteSize{&n}).Set(in); err == nil {
			t.Errorf("Set(%q) = %d, want an error", in, n)
		}
	}
	n := int64(64 << 20)
	if got := (byteSize{&n}).String(); got != "64MiB" {
		t.Errorf("String() = %q, want 64MiB", got)
	}
}
