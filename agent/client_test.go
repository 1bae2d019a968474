package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	"github.com/google/go-cmp/cmp"
)

// recordingServer is an AppConfigData stand-in on 127.0.0.1 that answers
// with fixed responses and records requests.
type recordingServer struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []map[string]any
	respond  func(w http.ResponseWriter, r *http.Request)
}

// recorded returns the requests so far and their JSON bodies.
func (s *recordingServer) recorded() ([]*http.Request, []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.bodies
}

func (s *recordingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.bodies = append(s.bodies, body)
	s.mu.Unlock()
	s.respond(w, r)
}

// newTestClient returns the agent's SDK client for a server answering
// with respond.
func newTestClient(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) (DataClient, *recordingServer) {
	t.Helper()
	return newTestClientFor(t, DefaultConfig(), respond)
}

// newTestClientFor is newTestClient with the agent configured as cfg.
func newTestClientFor(t *testing.T, cfg Config, respond func(w http.ResponseWriter, r *http.Request)) (DataClient, *recordingServer) {
	t.Helper()
	rec := &recordingServer{respond: respond}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	awsCfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	return NewDataClient(awsCfg, cfg), rec
}

func TestClientStartSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		interval int32
		want     map[string]any
	}{
		{"WithMinimum", 45, map[string]any{"ApplicationIdentifier": "a/b", "EnvironmentIdentifier": "env", "ConfigurationProfileIdentifier": "p", "RequiredMinimumPollIntervalInSeconds": 45.0}},
		{"WithoutMinimum", 0, map[string]any{"ApplicationIdentifier": "a/b", "EnvironmentIdentifier": "env", "ConfigurationProfileIdentifier": "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusCreated)
				w.Write([]byte(`{"InitialConfigurationToken":"tok"}`))
			})
			token, err := c.StartSession(t.Context(), Key{"a/b", "env", "p"}, tt.interval)
			if err != nil || token != "tok" {
				t.Fatalf("StartSession = %q, %v; want tok", token, err)
			}
			_, bodies := rec.recorded()
			if diff := cmp.Diff(tt.want, bodies[0]); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClientGetLatest: the client asks for rollout state with
// Appconfigd-Entity-Rollout and reads appconfigd's extension headers.
func TestClientGetLatest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers map[string]string
		want    Latest
	}{
		{"Plain", map[string]string{"Appconfigd-Configuration-Version": "3"}, Latest{ConfigurationVersion: "3"}},
		{"RealAWS", nil, Latest{}},
		{"Rollout", map[string]string{
			"Appconfigd-Configuration-Version":    "4",
			"Appconfigd-Rollout-Id":               "dep-9",
			"Appconfigd-Rollout-Percentage":       "12.5",
			"Appconfigd-Rollout-Target-Version":   "4",
			"Appconfigd-Rollout-Baseline-Version": "3",
			"Appconfigd-Session-Version":          "3",
		}, Latest{ConfigurationVersion: "4", Rollout: &Rollout{ID: "dep-9", Percentage: 12.5, TargetVersion: "4", BaselineVersion: "3", SessionVersion: "3"}}},
		{"RolloutBadPercentage", map[string]string{
			"Appconfigd-Rollout-Id":             "dep-9",
			"Appconfigd-Rollout-Percentage":     "150",
			"Appconfigd-Rollout-Target-Version": "4",
		}, Latest{}},
		{"RolloutWithoutTarget", map[string]string{
			"Appconfigd-Rollout-Id":         "dep-9",
			"Appconfigd-Rollout-Percentage": "10",
		}, Latest{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				for k, v := range tt.headers {
					h.Set(k, v)
				}
				h.Set("Content-Type", "application/json")
				h.Set("Next-Poll-Configuration-Token", "next")
				h.Set("Next-Poll-Interval-In-Seconds", "60")
				h.Set("Version-Label", "v3")
				w.Write([]byte(`{"a":1}`))
			})
			got, err := c.GetLatest(t.Context(), "tok", 0)
			if err != nil {
				t.Fatalf("GetLatest: %v", err)
			}
			want := tt.want
			want.Configuration, want.ContentType, want.VersionLabel = []byte(`{"a":1}`), "application/json", "v3"
			want.NextToken, want.NextPollInterval = "next", time.Minute
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("GetLatest (-want +got):\n%s", diff)
			}
			requests, _ := rec.recorded()
			r := requests[0]
			if got := r.Header.Get("Appconfigd-Entity-Rollout"); got != "1" {
				t.Errorf("Appconfigd-Entity-Rollout = %q; want 1", got)
			}
			if got := r.URL.Query().Get("configuration_token"); got != "tok" {
				t.Errorf("configuration_token = %q; want tok", got)
			}
		})
	}
}

// unchanged answers a poll with no new configuration and, when echo is
// not nil, the wait header set to *echo.
func unchanged(echo *string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if echo != nil {
			h.Set("Appconfigd-Wait-For-Change", *echo)
		}
		h.Set("Next-Poll-Configuration-Token", "next")
		h.Set("Next-Poll-Interval-In-Seconds", "45")
		w.WriteHeader(http.StatusOK)
	}
}

// TestClientWaitForChange: the client asks for a wait with
// Appconfigd-Wait-For-Change in whole seconds (docs/WIRE.md §2.5) and
// reads the service's echo: none, 0 (busy) or the seconds offered.
func TestClientWaitForChange(t *testing.T) {
	t.Parallel()
	t.Run("Asks", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name string
			wait time.Duration
			want []string
		}{
			{"NoWait", 0, nil},
			{"Seconds", 45 * time.Second, []string{"45"}},
			{"RoundedDown", 2*time.Second + 900*time.Millisecond, []string{"2"}},
			{"AtLeastOneSecond", 300 * time.Millisecond, []string{"1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c, rec := newTestClient(t, unchanged(nil))
				if _, err := c.GetLatest(t.Context(), "tok", tt.wait); err != nil {
					t.Fatalf("GetLatest: %v", err)
				}
				requests, _ := rec.recorded()
				if got := requests[0].Header.Values("Appconfigd-Wait-For-Change"); !slices.Equal(got, tt.want) {
					t.Errorf("Appconfigd-Wait-For-Change = %q; want %q", got, tt.want)
				}
				if got := requests[0].Header.Get("Appconfigd-Entity-Rollout"); got != "1" {
					t.Errorf("Appconfigd-Entity-Rollout = %q; want 1", got)
				}
			})
		}
	})
	t.Run("ReadsTheEcho", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name         string
			echo         *string
			wantAnswered bool
			wantOffered  time.Duration
		}{
			{"Absent", nil, false, 0},
			{"Busy", aws.String("0"), true, 0},
			{"Waited", aws.String("45"), true, 45 * time.Second},
			{"NotANumber", aws.String("soon"), false, 0},
			{"Negative", aws.String("-1"), false, 0},
			{"Fraction", aws.String("4.5"), false, 0},
			{"Empty", aws.String(""), false, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c, _ := newTestClient(t, unchanged(tt.echo))
				got, err := c.GetLatest(t.Context(), "tok", 45*time.Second)
				if err != nil {
					t.Fatalf("GetLatest: %v", err)
				}
				if got.WaitAnswered != tt.wantAnswered || got.WaitOffered != tt.wantOffered {
					t.Errorf("WaitAnswered, WaitOffered = %v, %v; want %v, %v", got.WaitAnswered, got.WaitOffered, tt.wantAnswered, tt.wantOffered)
				}
			})
		}
	})
}

// TestClientWaitKeepsAConnection: with MAX_CONNECTIONS connections, at
// most MAX_CONNECTIONS-1 polls wait at once, so that one connection is
// left for the calls that must not queue behind them; a poll beyond that
// goes out without asking to wait.
func TestClientWaitKeepsAConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		maxConnections int
		// want is whether each of three polls, sent while the earlier
		// ones wait, asks to wait.
		want []bool
	}{
		{1, []bool{false, false, false}},
		{2, []bool{true, false, false}},
		{3, []bool{true, true, false}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("MaxConnections%d", tt.maxConnections), func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			arrived := make(chan bool)
			cfg := DefaultConfig()
			cfg.MaxConnections = tt.maxConnections
			c, _ := newTestClientFor(t, cfg, func(w http.ResponseWriter, r *http.Request) {
				waits := r.Header.Get("Appconfigd-Wait-For-Change") != ""
				arrived <- waits
				if waits {
					<-release
				}
				unchanged(aws.String("45"))(w, r)
			})
			// A poll queued behind the waits for a connection fails
			// when its context ends, instead of hanging the test.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			failed := make(chan error, len(tt.want))
			var done sync.WaitGroup
			var got []bool
			for range tt.want {
				done.Go(func() {
					if _, err := c.GetLatest(ctx, "tok", 45*time.Second); err != nil {
						failed <- err
					}
				})
				select {
				case waits := <-arrived:
					got = append(got, waits)
				case err := <-failed:
					t.Errorf("GetLatest: %v", err)
				}
			}
			close(release)
			done.Wait()
			if !slices.Equal(got, tt.want) {
				t.Errorf("polls asking to wait = %v; want %v", got, tt.want)
			}
			// Once the waits are over, a poll may wait again.
			if tt.maxConnections > 1 {
				go c.GetLatest(t.Context(), "tok", 45*time.Second)
				if !<-arrived {
					t.Error("a poll after the waits ended did not ask to wait")
				}
			}
		})
	}
}

// awsError answers with an AWS JSON error.
func awsError(status int, errorType, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-ErrorType", errorType)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// TestClientErrors: the service's errors come back as the SDK's types,
// after one attempt: the poller does the retrying.
func TestClientErrors(t *testing.T) {
	t.Parallel()
	t.Run("BadRequest", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, awsError(http.StatusBadRequest, "BadRequestException",
			`{"Message":"Token not valid","Reason":"InvalidParameters","Details":{"InvalidParameters":{"ConfigurationToken":{"Problem":"Expired"}}}}`))
		_, err := c.GetLatest(t.Context(), "tok", 0)
		var br *types.BadRequestException
		if !errors.As(err, &br) {
			t.Fatalf("GetLatest error = %v; want BadRequestException", err)
		}
		d, ok := br.Details.(*types.BadRequestDetailsMemberInvalidParameters)
		if !ok || d.Value["ConfigurationToken"].Problem != types.InvalidParameterProblemExpired {
			t.Errorf("Details = %#v; want ConfigurationToken Expired", br.Details)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		c, _ := newTestClient(t, awsError(http.StatusNotFound, "ResourceNotFoundException", `{"Message":"no such application"}`))
		_, err := c.StartSession(t.Context(), testKey, 0)
		if got := upstreamError(err); got.status != http.StatusNotFound || got.msg != "no such application" {
			t.Errorf("upstreamError = %d %q; want 404 with the service's message", got.status, got.msg)
		}
	})
	t.Run("ServerErrorNotRetried", func(t *testing.T) {
		t.Parallel()
		c, rec := newTestClient(t, awsError(http.StatusInternalServerError, "InternalServerException", `{"Message":"boom"}`))
		_, err := c.GetLatest(t.Context(), "tok", 0)
		if got := upstreamError(err); got.status != http.StatusBadGateway {
			t.Errorf("upstreamError = %d; want 502", got.status)
		}
		if requests, _ := rec.recorded(); len(requests) != 1 {
			t.Errorf("%d attempts; want 1", len(requests))
		}
	})
}
