package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// These tests check the fleet simulator's scheduling and bookkeeping, not
// the speed of anything.

func TestNextDue(t *testing.T) {
	t.Parallel()
	t.Run("StaysWithinTheJitterAndAveragesTheInterval", func(t *testing.T) {
		t.Parallel()
		rnd := rand.New(rand.NewPCG(1, 2))
		const interval = 60 * time.Second
		const n = 100_000
		var sum float64
		for range n {
			got := nextDue(int64(time.Hour), interval, 0.1, rnd) - int64(time.Hour)
			if got < int64(54*time.Second) || got > int64(66*time.Second) {
				t.Fatalf("next due %s after the last, want 54s..66s", time.Duration(got))
			}
			sum += float64(got)
		}
		if mean := time.Duration(sum / n); mean < 59900*time.Millisecond || mean > 60100*time.Millisecond {
			t.Errorf("mean interval %s, want 60s ± 0.1s", mean)
		}
	})
	t.Run("IsExactWithoutJitter", func(t *testing.T) {
		t.Parallel()
		rnd := rand.New(rand.NewPCG(1, 2))
		if got, want := nextDue(5, time.Second, 0, rnd), int64(5+time.Second); got != want {
			t.Errorf("nextDue = %d, want %d", got, want)
		}
	})
}

func TestDueHeap(t *testing.T) {
	t.Parallel()
	t.Run("PopsInDueOrderAcrossPushes", func(t *testing.T) {
		t.Parallel()
		rnd := rand.New(rand.NewPCG(3, 4))
		clients := make([]fleetClient, 1000)
		for i := range clients {
			clients[i].due = rnd.Int64N(1e6)
		}
		h := newDueHeap(clients)
		var got []int64
		for h.Len() > 0 {
			c := h.pop()
			got = append(got, clients[c].due)
			if c%3 == 0 && clients[c].due < 1e6 {
				// Reschedule later, as a sender does after a poll.
				clients[c].due += 1e6
				h.push(c)
			}
		}
		if !slices.IsSorted(got) {
			t.Error("due times popped out of order")
		}
		if want := 1000 + 334; len(got) != want {
			t.Errorf("popped %d, want %d", len(got), want)
		}
	})
}

func TestClassify(t *testing.T) {
	t.Parallel()
	statuses := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   string
	}{
		{"ErrorTypeHeader", 400, http.Header{"X-Amzn-Errortype": {"BadRequestException:http://internal.amazon.com/"}}, "", "HTTP 400 BadRequestException"},
		{"JSONTypeWithNamespace", 429, http.Header{}, `{"__type":"com.amazonaws.appconfigdata#ThrottlingException","message":"slow down"}`, "HTTP 429 ThrottlingException"},
		{"NoType", 502, http.Header{}, "Bad Gateway", "HTTP 502"},
	}
	for _, c := range statuses {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := classifyStatus(c.status, c.header, []byte(c.body)); got != c.want {
				t.Errorf("classifyStatus = %q, want %q", got, c.want)
			}
		})
	}
	transports := []struct {
		name string
		err  error
		want string
	}{
		{"Timeout", fmt.Errorf("read: %w", os.ErrDeadlineExceeded), "timeout"},
		{"ClosedByPeer", fmt.Errorf("read: %w", io.EOF), "connection closed"},
		{"Other", errors.New("dial tcp: connection refused"), "transport: dial tcp: connection refused"},
	}
	for _, c := range transports {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := classifyTransport(c.err); got != c.want {
				t.Errorf("classifyTransport = %q, want %q", got, c.want)
			}
		})
	}
}

// testFleetSpec returns a small fleet against url.
func testFleetSpec(url string, clients, conns int) *fleetSpec {
	return &fleetSpec{
		Name: targetBare, URL: url, PID: os.Getpid(),
		Deployed: &deployed{ApplicationID: "app", EnvironmentID: "env", ProfileID: "prf"},
		Creds:    testCreds,
		Clients:  clients, Connections: conns, Workers: 4,
		Interval: time.Second, Jitter: 0.1,
		Ramp: time.Second, Duration: 2 * time.Second, Sample: 500 * time.Millisecond,
		Timeout: 10 * time.Second, Progress: io.Discard,
	}
}

// newTestBare serves the bare baseline, with wrap around its handler.
func newTestBare(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	content, err := makeContent(1024)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(newBareHandler(content, defaultContentType, defaultVersionLabel, 111).mux()))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunFleet(t *testing.T) {
	t.Parallel()
	t.Run("PollsAtTheTargetRateOverTheConnectionsAsked", func(t *testing.T) {
		t.Parallel()
		var sessions, polls atomic.Int64
		srv := newTestBare(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "" {
					t.Errorf("%s %s was not signed", r.Method, r.URL.Path)
				}
				if r.Method == http.MethodPost {
					sessions.Add(1)
				} else {
					polls.Add(1)
				}
				h.ServeHTTP(w, r)
			})
		})
		spec := testFleetSpec(srv.URL, 200, 20)
		res, err := runFleet(context.Background(), spec)
		if err != nil {
			t.Fatal(err)
		}
		if n := res.ErrorCount(); n != 0 {
			t.Errorf("%d errors: %v", n, res.Errors)
		}
		if got := sessions.Load(); got != 200 {
			t.Errorf("server saw %d sessions started, want 200", got)
		}
		// 200 clients each polling once a second, for 2 s measured.
		if res.Polls < 300 || res.Polls > 500 {
			t.Errorf("%d polls in the 2 s window, want about 400", res.Polls)
		}
		if res.Conns != 20 {
			t.Errorf("%d connections open at the window's end, want 20", res.Conns)
		}
		if got := polls.Load(); got < 500 {
			t.Errorf("server saw %d polls over ramp and window, want about 600", got)
		}
		if len(res.Series) != 6 {
			t.Errorf("%d samples, want 6 (3 s in 0.5 s steps)", len(res.Series))
		}
		if res.Corrected.TotalCount() == 0 || res.Quantile(res.Corrected, 50) < res.Quantile(res.Raw, 50) {
			t.Errorf("corrected p50 %s below raw p50 %s, or no latencies", res.Quantile(res.Corrected, 50), res.Quantile(res.Raw, 50))
		}
	})
	t.Run("CorrectsLatencyForAStalledServer", func(t *testing.T) {
		t.Parallel()
		// One connection: while the server stalls one poll for a second,
		// the polls due meanwhile wait to be sent. Their corrected
		// latency counts that wait; their raw latency does not.
		var gets atomic.Int64
		srv := newTestBare(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && gets.Add(1) == 25 {
					time.Sleep(time.Second)
				}
				h.ServeHTTP(w, r)
			})
		})
		spec := testFleetSpec(srv.URL, 20, 1)
		spec.Jitter = 0
		spec.Ramp, spec.Duration = 0, 3*time.Second
		res, err := runFleet(context.Background(), spec)
		if err != nil {
			t.Fatal(err)
		}
		if n := res.ErrorCount(); n != 0 {
			t.Errorf("%d errors: %v", n, res.Errors)
		}
		corr, raw := res.Quantile(res.Corrected, 90), res.Quantile(res.Raw, 90)
		if corr < 300*time.Millisecond {
			t.Errorf("corrected p90 %s, want ≥ 300ms: the polls queued behind the stall", corr)
		}
		if raw > 100*time.Millisecond {
			t.Errorf("raw p90 %s, want < 100ms: only one poll was stalled on the server", raw)
		}
		if max := res.Quantile(res.Corrected, 100); max < 900*time.Millisecond {
			t.Errorf("corrected max %s, want ≥ 900ms", max)
		}
	})
	t.Run("CountsErrorsByType", func(t *testing.T) {
		t.Parallel()
		var gets atomic.Int64
		srv := newTestBare(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && gets.Add(1)%10 == 0 {
					w.Header().Set("X-Amzn-Errortype", "ThrottlingException")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		spec := testFleetSpec(srv.URL, 50, 5)
		spec.Ramp = 0
		res, err := runFleet(context.Background(), spec)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Errors["HTTP 429 ThrottlingException"]
		if got == 0 || len(res.Errors) != 1 {
			t.Errorf("errors %v, want only HTTP 429 ThrottlingException", res.Errors)
		}
		var sampled int64
		for _, s := range res.Series {
			sampled += s.Errors
		}
		if sampled != got {
			t.Errorf("samples counted %d errors, the total %d", sampled, got)
		}
	})
}

func TestParseFleetFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		want string // part of the complaint, "" for none
	}{
		{"Defaults", []string{"--server-bin", "x"}, ""},
		{"BareNeedsNoServer", []string{"--targets", "bare"}, ""},
		{"IntervalBelowTheMinimum", []string{"--server-bin", "x", "--interval", "16s"}, "--min-interval"},
		{"UnknownTarget", []string{"--server-bin", "x", "--targets", "appconfigd,nginx"}, "nginx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var stderr strings.Builder
			_, err := parseFleetFlags(c.args, &stderr)
			if c.want == "" && err != nil {
				t.Errorf("error %v: %s", err, stderr.String())
			}
			if c.want != "" && (err == nil || !strings.Contains(stderr.String(), c.want)) {
				t.Errorf("error %v, stderr %q; want a complaint about %s", err, stderr.String(), c.want)
			}
		})
	}
}

// TestFleetConnSpeaksHTTP1OverTLS checks that a connection of the fleet
// asks for HTTP/1.1 in the TLS handshake, even when its config is shared
// with an http.Transport that added "h2": a Go server offered h2 answers
// in HTTP/2 frames, which the connection cannot read.
func TestFleetConnSpeaksHTTP1OverTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	cfg := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}
	cfg.ServerName = "example.com"
	c := &fleetConn{addr: srv.Listener.Addr().String(), tls: cfg, timeout: 5 * time.Second, open: new(atomic.Int64)}
	t.Cleanup(c.close)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.do(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := ex.header.Get("X-Proto"); ex.status != http.StatusOK || got != "HTTP/1.1" {
		t.Fatalf("got %d over %q, want 200 over HTTP/1.1", ex.status, got)
	}
}
