package agent

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

var (
	testKey  = Key{Application: "app", Environment: "env", Profile: "profile"}
	testPath = "/applications/app/environments/env/configurations/profile"
	v1       = fakeVersion{content: `{"v":1}`, contentType: "application/json", label: "one", version: "1"}
	v2       = fakeVersion{content: `{"v":2}`, contentType: "application/json", label: "two", version: "2"}
)

// gaps returns the time between consecutive instants.
func gaps(times []time.Time) []time.Duration {
	var d []time.Duration
	for i := 1; i < len(times); i++ {
		d = append(d, times[i].Sub(times[i-1]))
	}
	return d
}

// TestPollInterval: the agent polls every POLL_INTERVAL, or as the service
// asks when that is longer and the session asked for a minimum.
func TestPollInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		pollInterval time.Duration
		nextInterval time.Duration
		wantGap      time.Duration
	}{
		{"PollIntervalLonger", 90 * time.Second, 60 * time.Second, 90 * time.Second},
		{"NextPollIntervalLonger", 45 * time.Second, 120 * time.Second, 120 * time.Second},
		{"Equal", 45 * time.Second, 45 * time.Second, 45 * time.Second},
		// Under 15 s the session asks for no minimum, so the service's
		// default 60 s is not enforced and POLL_INTERVAL rules.
		{"ShortWithoutMinimum", 5 * time.Second, 60 * time.Second, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				svc := deployedService(v1)
				svc.nextInterval = tt.nextInterval
				cfg := DefaultConfig()
				cfg.PollInterval = tt.pollInterval
				a := startAgent(t, cfg, svc)
				checkBody(t, a.get(t, testPath), v1.content)
				time.Sleep(4*tt.wantGap - time.Second)
				got := gaps(svc.pollTimes())
				if len(got) != 3 {
					t.Fatalf("%d polls in %v; want 4", len(got)+1, 4*tt.wantGap-time.Second)
				}
				for i, g := range got {
					if g != tt.wantGap {
						t.Errorf("gap %d between polls = %v; want %v", i, g, tt.wantGap)
					}
				}
			})
		})
	}
}

// TestRequiredMinimumPollInterval: a session asks for POLL_INTERVAL as its
// minimum only within the service's bounds, 15..86400 s (docs/WIRE.md §1.2).
func TestRequiredMinimumPollInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		pollInterval time.Duration
		want         int32
	}{
		{"Default", DefaultPollInterval, 45},
		{"Lowest", 15 * time.Second, 15},
		{"TooShort", 14 * time.Second, 0},
		{"Highest", 24 * time.Hour, 86400},
		{"TooLong", 24*time.Hour + time.Second, 0},
		{"Fraction", 20*time.Second + 500*time.Millisecond, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				svc := deployedService(v1)
				cfg := DefaultConfig()
				cfg.PollInterval = tt.pollInterval
				a := startAgent(t, cfg, svc)
				a.get(t, testPath)
				starts := svc.startCalls()
				if len(starts) != 1 || starts[0].minPollInterval != tt.want {
					t.Errorf("StartConfigurationSession calls = %+v; want one asking for %d s", starts, tt.want)
				}
			})
		})
	}
}

// TestNewVersion: a version deployed after the first fetch is served
// after one poll interval, and not before.
func TestNewVersion(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		checkBody(t, a.get(t, testPath), v1.content)
		svc.deploy(testKey, v2)
		time.Sleep(DefaultPollInterval - time.Second)
		checkBody(t, a.get(t, testPath), v1.content)
		time.Sleep(time.Second)
		synctest.Wait()
		w := a.get(t, testPath)
		checkBody(t, w, v2.content)
		if got := w.Header().Get("Configuration-Version"); got != "2" {
			t.Errorf("Configuration-Version = %q; want 2", got)
		}
	})
}

// TestRejectedToken: a token the service rejects (expired, corrupted or
// reused; docs/WIRE.md §6 Q3, §7.2) starts a new session at once; its first poll
// repeats the version held, which is no change.
func TestRejectedToken(t *testing.T) {
	t.Parallel()
	for _, problem := range []types.InvalidParameterProblem{
		types.InvalidParameterProblemExpired,
		types.InvalidParameterProblemCorrupted,
		types.InvalidParameterProblemPollIntervalNotSatisfied,
	} {
		t.Run(string(problem), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				cfg := backupConfig(t)
				a, svc := startDeployed(t, cfg, v1)
				checkBody(t, a.get(t, testPath), v1.content)
				saved := backupModTime(t, cfg.BackupDirectory)
				svc.expireTokens(problem)
				nextPoll()
				starts := svc.startCalls()
				if len(starts) != 2 || starts[1].at.Sub(starts[0].at) != DefaultPollInterval {
					t.Errorf("sessions started at %v; want a second one poll interval after the first", starts)
				}
				checkBody(t, a.get(t, testPath), v1.content)
				if got := backupModTime(t, cfg.BackupDirectory); !got.Equal(saved) {
					t.Errorf("backup rewritten at %v for an unchanged version", got)
				}
				svc.deploy(testKey, v2)
				nextPoll()
				checkBody(t, a.get(t, testPath), v2.content)
			})
		})
	}
}

// TestSessionRenewal: a session is replaced before its token can reach 24
// hours (docs/WIRE.md §1.3).
func TestSessionRenewal(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		a.get(t, testPath)
		time.Sleep(24 * time.Hour)
		starts := svc.startCalls()
		if len(starts) != 2 {
			t.Fatalf("%d sessions in 24 hours; want 2", len(starts))
		}
		if age := starts[1].at.Sub(starts[0].at); age < 22*time.Hour || age >= 24*time.Hour {
			t.Errorf("session replaced after %v; want 23 h to 24 h", age)
		}
	})
}

// TestServiceDown: while the service cannot be reached the agent serves
// the last configuration it received, retries with a backoff that grows
// to the poll interval, and catches up once the service is back.
func TestServiceDown(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		checkBody(t, a.get(t, testPath), v1.content)
		svc.setDown(errors.New("connection refused"))
		svc.deploy(testKey, v2)
		time.Sleep(DefaultPollInterval + 2*time.Minute)
		w := a.get(t, testPath)
		checkBody(t, w, v1.content)
		if got := w.Header().Get("Configuration-Version"); got != "1" {
			t.Errorf("Configuration-Version = %q; want 1", got)
		}
		polls := svc.pollTimes()
		var want []time.Duration
		for _, s := range []time.Duration{45, 1, 2, 4, 8, 16, 32, 45} {
			want = append(want, s*time.Second)
		}
		if got := gaps(polls); !slices.Equal(got, want) {
			t.Errorf("gaps between polls = %v; want %v", got, want)
		}
		svc.setDown(nil)
		nextPoll()
		checkBody(t, a.get(t, testPath), v2.content)
	})
}

// TestFirstFetchFails: with nothing cached, the answer says why (wire
// §4.4): what the caller named is unknown (404), the service is
// unreachable (502) or too slow (504), or nothing is deployed yet (404).
func TestFirstFetchFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script func(*fakeService)
		want   int
		// failed is the reason the failure is counted by; none for
		// NothingDeployed.
		failed []PollFailure
	}{
		{"UnknownConfiguration", func(f *fakeService) { delete(f.profiles, testKey) }, http.StatusNotFound, []PollFailure{PollRejected}},
		{"Unreachable", func(f *fakeService) { f.down = errors.New("connection refused") }, http.StatusBadGateway, []PollFailure{PollError}},
		{"Timeout", func(f *fakeService) { f.hang = true }, http.StatusGatewayTimeout, []PollFailure{PollTimeout}},
		{"NothingDeployed", func(f *fakeService) {}, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				svc := newFakeService(testKey)
				tt.script(svc)
				a := startAgent(t, DefaultConfig(), svc)
				w := a.get(t, testPath)
				checkStatus(t, w, tt.want)
				if got := w.Header().Get("Content-Type"); got != "application/text" {
					t.Errorf("Content-Type = %q; want application/text", got)
				}
				for _, r := range PollFailures() {
					want := uint64(0)
					if slices.Contains(tt.failed, r) {
						want = 1
					}
					if got := a.PollFailureCount(r); got != want {
						t.Errorf("poll failures %s = %d; want %d", r, got, want)
					}
				}
				// A later request gets the configuration once there is one.
				svc.setDown(nil)
				svc.setHang(false)
				svc.deploy(testKey, v1)
				nextPoll()
				checkBody(t, a.get(t, testPath), v1.content)
			})
		})
	}
}

// TestUnknownConfigurationForgotten: a configuration the service does not
// know is not polled; the next request asks again.
func TestUnknownConfigurationForgotten(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := newFakeService()
		a := startAgent(t, DefaultConfig(), svc)
		checkStatus(t, a.get(t, testPath), http.StatusNotFound)
		time.Sleep(10 * DefaultPollInterval)
		if n := len(svc.startCalls()); n != 1 {
			t.Errorf("%d sessions started for an unknown configuration; want 1", n)
		}
		checkStatus(t, a.get(t, testPath), http.StatusNotFound)
		if n := len(svc.startCalls()); n != 2 {
			t.Errorf("%d sessions started after a second request; want 2", n)
		}
	})
}

// TestRequestTimeout: REQUEST_TIMEOUT bounds each call to the service.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := newFakeService(testKey)
		svc.setHang(true)
		cfg := DefaultConfig()
		cfg.RequestTimeout = 1500 * time.Millisecond
		a := startAgent(t, cfg, svc)
		start := time.Now()
		checkStatus(t, a.get(t, testPath), http.StatusGatewayTimeout)
		if took := time.Since(start); took != cfg.RequestTimeout {
			t.Errorf("answered after %v; want REQUEST_TIMEOUT, %v", took, cfg.RequestTimeout)
		}
	})
}

// TestPrefetch: PREFETCH_LIST configurations are fetched at start.
func TestPrefetch(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		other := Key{Application: "app", Environment: "env", Profile: "other"}
		svc := newFakeService(testKey, other)
		svc.deploy(testKey, v1)
		cfg := DefaultConfig()
		cfg.Prefetch = []Key{testKey, other}
		startAgent(t, cfg, svc)
		synctest.Wait()
		var got []Key
		for _, s := range svc.startCalls() {
			got = append(got, s.key)
		}
		if len(got) != 2 || got[0] == got[1] {
			t.Errorf("sessions started at start for %v; want %v", got, cfg.Prefetch)
		}
		if n := len(svc.pollTimes()); n != 2 {
			t.Errorf("%d polls at start; want 2", n)
		}
	})
}

// TestStop: Run returns once ctx ends, with every poller stopped, and
// later requests are refused.
func TestStop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v1)
		a := New(DefaultConfig(), svc, testLogger(t), SystemClock{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		h := &testAgent{Agent: a, handler: a.Handler()}
		checkBody(t, h.get(t, testPath), v1.content)
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
		other := "/applications/app/environments/env/configurations/other"
		checkStatus(t, h.get(t, other), http.StatusServiceUnavailable)
	})
}
