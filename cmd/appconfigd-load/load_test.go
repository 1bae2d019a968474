package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
)

// These tests check the load generator's correctness, not speed: that it
// signs requests as the SDK does, that the baseline answers as appconfigd
// does, and that it reads /proc right.

var testCreds = aws.Credentials{AccessKeyID: defaultAccessKeyID, SecretAccessKey: defaultSecretAccessKey}

func TestMakeContent(t *testing.T) {
	for _, size := range []int{minContentSize, 100, 1024, 4095, 1 << 20} {
		b, err := makeContent(size)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != size || !json.Valid(b) {
			t.Errorf("makeContent(%d): %d bytes, valid JSON %v", size, len(b), json.Valid(b))
		}
	}
	if _, err := makeContent(minContentSize - 1); err == nil {
		t.Error("makeContent below the minimum did not fail")
	}
}

// TestPollSignsLikeTheSDK sends one GetLatestConfiguration through the SDK
// and one through the poller, and compares what the server receives.
func TestPollSignsLikeTheSDK(t *testing.T) {
	var mu sync.Mutex
	var got []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Next-Poll-Configuration-Token", "next")
		w.Header().Set("Next-Poll-Interval-In-Seconds", "60")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	ctx := context.Background()
	sdk := newDataClient(srv.URL, srv.Client(), testCreds)
	if _, err := sdk.GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String("tok")}); err != nil {
		t.Fatal(err)
	}
	if _, err := newPoller(srv.Client(), testCreds).poll(ctx, srv.URL, "tok", true); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(got))
	}
	keys := func(h http.Header) []string {
		var k []string
		for name := range h {
			k = append(k, name)
		}
		slices.Sort(k)
		return k
	}
	if a, b := keys(got[0]), keys(got[1]); !slices.Equal(a, b) {
		t.Errorf("headers differ:\n SDK    %v\n poller %v", a, b)
	}
	signed := func(h http.Header) string {
		_, rest, _ := strings.Cut(h.Get("Authorization"), "SignedHeaders=")
		s, _, _ := strings.Cut(rest, ",")
		return s
	}
	if a, b := signed(got[0]), signed(got[1]); a != b || a == "" {
		t.Errorf("signed headers differ: SDK %q, poller %q", a, b)
	}
	if a, b := got[0].Get("User-Agent"), got[1].Get("User-Agent"); a != b {
		t.Errorf("User-Agent differs:\n SDK    %q\n poller %q", a, b)
	}
}

// TestBareHandler checks the baseline answers a session the way
// appconfigd does: the initial token gets the whole configuration, any
// other token an empty body, both with the same headers.
func TestBareHandler(t *testing.T) {
	content, _ := makeContent(1024)
	h := newBareHandler(content, defaultContentType, defaultVersionLabel, 124)
	srv := httptest.NewServer(h.mux())
	defer srv.Close()
	ctx := context.Background()
	initial, err := startSession(ctx, newDataClient(srv.URL, srv.Client(), testCreds), &deployed{ApplicationID: "a", EnvironmentID: "e", ProfileID: "p"})
	if err != nil {
		t.Fatal(err)
	}
	p := newPoller(srv.Client(), testCreds)
	first, err := p.poll(ctx, srv.URL, initial, true)
	if err != nil {
		t.Fatal(err)
	}
	if string(first.Body) != string(content) || first.VersionLabel != defaultVersionLabel || first.ContentType != defaultContentType || len(first.NextToken) != 124 {
		t.Errorf("initial poll: %d bytes, label %q, type %q, token of %d", len(first.Body), first.VersionLabel, first.ContentType, len(first.NextToken))
	}
	next, err := p.poll(ctx, srv.URL, first.NextToken, true)
	if err != nil {
		t.Fatal(err)
	}
	if next.Length != 0 || next.VersionLabel != "" || next.ContentType != defaultContentType {
		t.Errorf("next poll: %d bytes, label %q, type %q", next.Length, next.VersionLabel, next.ContentType)
	}
	if _, err := p.poll(ctx, srv.URL, "", false); err == nil {
		t.Error("poll without a token succeeded")
	}
}

func TestReadProc(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if s.RSS <= 0 || s.CPU < 0 {
		t.Errorf("readProc(self) = %+v", s)
	}
	if _, err := readSystemBusy(); err != nil {
		t.Error(err)
	}
}

// BenchmarkSignRequest measures what signing one GetLatestConfiguration
// costs the client (SigV4 with a cached signing key, as the SDK does): an
// estimate of what verifying the signature would add to the server.
func BenchmarkSignRequest(b *testing.B) {
	p := newPoller(http.DefaultClient, testCreds)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:2771/configuration?configuration_token=AYjQ2Zk1pZ0dMcmx6c1NxQ2h3V2ZtR0pXSk1lQ3RZc0JqZ2F3a3pUZ0hJZ0Z1dE5Ib1p4QmVwQ2tXd1FGZ1l0c1l0c0t0c0t0c0t0c0t0c0t0c0t0c0t0cw", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header["Amz-Sdk-Invocation-Id"] = []string{"4a93630e-b8b1-4845-81f4-e4438544c918"}
		req.Header["Amz-Sdk-Request"] = []string{"attempt=1; max=3"}
		if err := p.signer.SignHTTP(ctx, p.creds, req, emptyPayloadHash, signingService, signingRegion, time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
	}
}
