package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/smithy-go"
)

func TestDefaultConfigFitsAFleet(t *testing.T) {
	t.Parallel()
	c := DefaultConfig()
	if c.RateLimit != 0 {
		t.Errorf("RateLimit = %v, want 0: a fleet shares one key, so a per-key limit must be opted into", c.RateLimit)
	}
	if c.MaxInFlight < 1024 || c.MaxQueueWait <= 0 {
		t.Errorf("MaxInFlight = %d, MaxQueueWait = %v; want at least 1024 requests at once and a queue", c.MaxInFlight, c.MaxQueueWait)
	}
	if c.AuthFailureRate <= 0 || c.AuthFailureBurst <= 0 {
		t.Errorf("AuthFailureRate = %v, AuthFailureBurst = %d; want failed authentications limited by default", c.AuthFailureRate, c.AuthFailureBurst)
	}
}

// clientFrom returns an AppConfig client that signs with secret and
// connects from the loopback address local (any of 127.0.0.0/8 reaches the
// server), so that one test can be several source addresses.
func clientFrom(t *testing.T, url, local, secret string) *appconfig.Client {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	transport := &http.Transport{DialContext: dialer.DialContext}
	t.Cleanup(transport.CloseIdleConnections)
	return appconfig.New(appconfig.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, secret, ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   &http.Client{Transport: transport},
		Retryer:      aws.NopRetryer{},
	})
}

// listApplications calls ListApplications and returns the AWS error code
// and message, or "" for success.
func listApplications(t *testing.T, c *appconfig.Client) (code, message string) {
	t.Helper()
	_, err := c.ListApplications(t.Context(), &appconfig.ListApplicationsInput{})
	if err == nil {
		return "", ""
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("ListApplications: %v, want an AWS error", err)
	}
	return apiErr.ErrorCode(), apiErr.ErrorMessage()
}

func TestFailedAuthenticationsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.AuthFailureRate, c.AuthFailureBurst = 0.001, 3 })
	guesser := clientFrom(t, d.URL(), "127.0.0.1", "a-guessed-secret-0000")
	for i := range 3 {
		if code, _ := listApplications(t, guesser); code != "InvalidSignatureException" {
			t.Fatalf("wrong secret %d: %s, want InvalidSignatureException", i+1, code)
		}
	}
	if code, msg := listApplications(t, guesser); code != "ThrottlingException" || !strings.Contains(msg, "failed authentication") {
		t.Errorf("wrong secret beyond the budget: %s %q, want ThrottlingException about failed authentications", code, msg)
	}
	if code, _ := listApplications(t, clientFrom(t, d.URL(), "127.0.0.1", testSecret)); code != "ThrottlingException" {
		t.Errorf("right secret from the guessing address: %q, want ThrottlingException (refused before verification)", code)
	}
	if code, msg := listApplications(t, clientFrom(t, d.URL(), "127.0.0.2", testSecret)); code != "" {
		t.Errorf("right secret from another address: %s %q, want success", code, msg)
	}
}

func TestKeyUnderAttackServesAddressesThatNeverFailed(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.AuthFailureRate, c.AuthFailureBurst = 0.001, 3 })
	// Three addresses guess the key's secret once each: the key's budget
	// is spent, no address's is.
	for _, addr := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		if code, _ := listApplications(t, clientFrom(t, d.URL(), addr, "a-guessed-secret-0000")); code != "InvalidSignatureException" {
			t.Fatalf("wrong secret from %s: %s, want InvalidSignatureException", addr, code)
		}
	}
	if code, msg := listApplications(t, clientFrom(t, d.URL(), "127.0.0.1", "another-guess-00000000")); code != "ThrottlingException" || !strings.Contains(msg, "access key ID") {
		t.Errorf("another guess from a guessing address: %s %q, want ThrottlingException about the access key ID", code, msg)
	}
	if code, msg := listApplications(t, clientFrom(t, d.URL(), "127.0.0.4", testSecret)); code != "" {
		t.Errorf("the key's client at an address that never failed: %s %q, want success", code, msg)
	}
}

// stallRequest sends a signed CreateApplication whose body never arrives,
// so that it holds its request slot until the test ends. It writes the
// request's head on a connection of its own, so that nothing in an HTTP
// client stands between it and the server. The returned channel is
// closed if the server answers all the same (it found no slot).
func stallRequest(t *testing.T, url string) <-chan struct{} {
	t.Helper()
	body := []byte(`{"Name":"stalled"}`)
	hash := sha256.Sum256(body)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/applications", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Length", strconv.Itoa(len(body)))
	creds := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(hash[:]), "appconfig", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var head strings.Builder
	fmt.Fprintf(&head, "POST /applications HTTP/1.1\r\nHost: %s\r\n", req.URL.Host)
	if err := req.Header.Write(&head); err != nil {
		t.Fatal(err)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		_, _ = conn.Read(make([]byte, 1))
	}()
	return answered
}

// TestOverloadIsThrottledAndHealthChecksAreNot holds the only slot for
// requests with a body with one whose body never arrives: another request
// with a body is throttled, while requests without one (reads, polls) and
// the health checks are still served (docs/SECURITY.md, "Load").
func TestOverloadIsThrottledAndHealthChecksAreNot(t *testing.T) {
	t.Parallel()
	// The queue wait is long enough for a request of the test that holds
	// the slot to finish (a write may take tens of milliseconds on a
	// loaded machine), so that the stalled request, queued behind it,
	// gets the slot next rather than being refused.
	d := openDaemon(t, func(c *Config) { c.MaxInFlight, c.MaxQueueWait = 1, 500*time.Millisecond })
	stalled := stallRequest(t, d.URL())
	c := client(d.URL(), http.DefaultClient)
	create := func() (code, message string) {
		t.Helper()
		_, err := c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("behind-the-stalled-one")})
		if err == nil {
			return "", ""
		}
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("CreateApplication: %v, want an AWS error", err)
		}
		return apiErr.ErrorCode(), apiErr.ErrorMessage()
	}
	// The stalled request takes the slot once the server has read its
	// headers; until then requests may still get through, and may take
	// the slot first, so that the stalled one is refused: then it is sent
	// again.
	var code, msg string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		select {
		case <-stalled:
			stalled = stallRequest(t, d.URL())
		default:
		}
		if code, msg = create(); code != "" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != "ThrottlingException" || !strings.Contains(msg, "overloaded") {
		t.Fatalf("request with a body while the only slot for them is taken: %q %q, want ThrottlingException saying the server is overloaded", code, msg)
	}
	if code, msg := listApplications(t, c); code != "" {
		t.Errorf("request without a body meanwhile: %s %q, want success", code, msg)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(d.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s while overloaded: %d, want 200", path, resp.StatusCode)
		}
	}
}
