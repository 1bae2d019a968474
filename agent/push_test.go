package agent

import (
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// pushService returns a service that knows testKey, with v deployed,
// holds sessions to their interval, and waits for changes when push is
// set (docs/WIRE.md §2.5).
func pushService(v fakeVersion, push bool) *fakeService {
	svc := deployedService(v)
	svc.refuseEarly = true
	svc.push = push
	return svc
}

// offsets returns how long after the first each instant came.
func offsets(times []time.Time) []time.Duration {
	var d []time.Duration
	for _, t := range times {
		d = append(d, t.Sub(times[0]))
	}
	return d
}

// seconds returns the durations of s seconds.
func seconds(s ...int) []time.Duration {
	var d []time.Duration
	for _, n := range s {
		d = append(d, time.Duration(n)*time.Second)
	}
	return d
}

// checkPolls checks when the service was polled, counted from the first
// poll, and the wait each poll asked for.
func checkPolls(t *testing.T, svc *fakeService, wantAt, wantWaits []time.Duration) {
	t.Helper()
	got := offsets(svc.pollTimes())
	switch {
	case len(got) > 2*len(wantAt)+10:
		t.Errorf("%d polls; want %d at %v", len(got), len(wantAt), wantAt)
		return
	case !slices.Equal(got, wantAt):
		t.Errorf("polls at %v; want %v", got, wantAt)
	}
	if got := svc.pollWaits(); !slices.Equal(got, wantWaits) {
		t.Errorf("polls asked to wait %v; want %v", got, wantWaits)
	}
}

// checkNoFailures checks that no poll failed.
func checkNoFailures(t *testing.T, a *testAgent) {
	t.Helper()
	for _, r := range PollFailures() {
		if n := a.PollFailureCount(r); n != 0 {
			t.Errorf("poll failures %s = %d; want 0", r, n)
		}
	}
}

// TestPush: the agent asks the service to wait for changes and polls
// again as soon as it answers, and falls back to polling at its interval
// when the service does not wait (docs/WIRE.md §2.5).
func TestPush(t *testing.T) {
	t.Parallel()
	t.Run("ChangeReachesTheAgentBeforeItsInterval", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			svc := pushService(v1, true)
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			// The first fetch asked for a short wait and was answered at
			// once, with the echo; the next poll waits at once.
			time.Sleep(DefaultPollInterval + 10*time.Second)
			deployed := time.Now()
			svc.deploy(testKey, v2)
			synctest.Wait()
			w := a.get(t, testPath)
			checkBody(t, w, v2.content)
			if took := time.Since(deployed); took >= time.Second {
				t.Errorf("new version served %v after it was deployed; want under 1s", took)
			}
			if got := w.Header().Get("Configuration-Version"); got != "2" {
				t.Errorf("Configuration-Version = %q; want 2", got)
			}
			// The poll after the change went out at once, and waits.
			checkPolls(t, svc, seconds(0, 0, 45, 55), seconds(1, 45, 45, 45))
			if n := len(svc.startCalls()); n != 1 {
				t.Errorf("%d sessions; want 1: a waiting poll is never too early", n)
			}
			checkNoFailures(t, a)
		})
	})
	t.Run("UnchangedWaitsFollowEachOther", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			// REQUEST_TIMEOUT (3 s) is far shorter than the wait: the
			// call's timeout must allow for it.
			svc := pushService(v1, true)
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(4*DefaultPollInterval - time.Second)
			checkPolls(t, svc, seconds(0, 0, 45, 90, 135), seconds(1, 45, 45, 45, 45))
			checkNoFailures(t, a)
		})
	})
	t.Run("ServerWithoutPushIsPolledAtTheInterval", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			// Answers take 2 s, so that they do not look instant.
			svc := pushService(v1, false)
			svc.latency = 2 * time.Second
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(DefaultPollInterval + 10*time.Second)
			svc.deploy(testKey, v2)
			time.Sleep(2*DefaultPollInterval - 10*time.Second)
			checkBody(t, a.get(t, testPath), v2.content)
			checkPolls(t, svc, seconds(0, 47, 94), seconds(1, 45, 45))
			if n := len(svc.startCalls()); n != 1 {
				t.Errorf("%d sessions; want 1: no poll too early", n)
			}
			checkNoFailures(t, a)
		})
	})
	t.Run("BusyServerFallsBackToTheInterval", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			// Answers take 2 s, so that they do not look instant.
			svc := pushService(v1, true)
			svc.busy = true
			svc.latency = 2 * time.Second
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(4*47*time.Second - 3*time.Second) // the first fetch took 2 s
			checkPolls(t, svc, seconds(0, 47, 94, 141), seconds(1, 45, 45, 45))
			checkNoFailures(t, a)
		})
	})
	t.Run("InstantUnchangedAnswersDoNotSpin", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			svc := pushService(v1, true)
			svc.instant = true
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(4*DefaultPollInterval - time.Second)
			// The first answer brought the configuration, so the poll
			// after it went out at once; that one's instant unchanged
			// answer counts as no wait.
			checkPolls(t, svc, seconds(0, 0, 45, 90, 135), seconds(1, 45, 45, 45, 45))
			checkNoFailures(t, a)
		})
	})
	t.Run("InstantAnswerWithAChangeIsFollowedAtOnce", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			// A change while the agent waits comes at once; the poll
			// after it waits again at once.
			svc := pushService(v1, true)
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(10 * time.Second)
			svc.deploy(testKey, v2)
			time.Sleep(DefaultPollInterval - 10*time.Second)
			synctest.Wait()
			checkBody(t, a.get(t, testPath), v2.content)
			checkPolls(t, svc, seconds(0, 0, 10), seconds(1, 45, 45))
		})
	})
	t.Run("RolloutProgressIsNews", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			// The percentage moves between polls: the waiting poll
			// answers at once with no configuration, and the poll after
			// it waits again at once.
			svc := pushService(v1, true)
			svc.refuseEarly = false
			svc.roll(testKey, Rollout{ID: "d1", Percentage: 20, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "1"}, v2)
			a := startAgent(t, DefaultConfig(), svc)
			ids := entities(400)
			checkShare(t, "at 20%", a.rolloutOf(t, ids), "2", 10, 30)
			time.Sleep(10 * time.Second)
			svc.roll(testKey, Rollout{ID: "d1", Percentage: 60, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "2"}, v2)
			time.Sleep(DefaultPollInterval - 10*time.Second)
			synctest.Wait()
			checkShare(t, "at 60%", a.rolloutOf(t, ids), "2", 50, 70)
			// The baseline and the target at start, the waiting poll
			// that brought 60%, and the next one.
			checkPolls(t, svc, seconds(0, 0, 0, 10), seconds(1, 0, 45, 45))
		})
	})
	t.Run("NothingDeployedAnswersWithinASecond", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			svc := newFakeService(testKey)
			svc.refuseEarly, svc.push = true, true
			a := startAgent(t, DefaultConfig(), svc)
			start := time.Now()
			checkStatus(t, a.get(t, testPath), http.StatusNotFound)
			if took := time.Since(start); took != firstFetchWait {
				t.Errorf("first request answered after %v; want %v, the first fetch's wait", took, firstFetchWait)
			}
			// Later polls wait, and bring the first deployment at once.
			time.Sleep(DefaultPollInterval + 5*time.Second)
			svc.deploy(testKey, v1)
			synctest.Wait()
			checkBody(t, a.get(t, testPath), v1.content)
			checkPolls(t, svc, seconds(0, 1, 46, 51), seconds(1, 45, 45, 45))
		})
	})
	t.Run("BrokenWaitIsRetriedAfterASecond", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			svc := pushService(v1, true)
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			time.Sleep(DefaultPollInterval + 10*time.Second)
			svc.breakWaits()
			time.Sleep(2 * time.Second)
			checkPolls(t, svc, seconds(0, 0, 45, 56), seconds(1, 45, 45, 45))
			if n := a.PollFailureCount(PollError); n != 1 {
				t.Errorf("poll failures %s = %d; want 1", PollError, n)
			}
			checkBody(t, a.get(t, testPath), v1.content)
		})
	})
	t.Run("RolloutTargetIsFetchedWithoutWaiting", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			svc := pushService(v1, true)
			// appconfigd lets the target be fetched at once.
			svc.refuseEarly = false
			a := startAgent(t, DefaultConfig(), svc)
			checkBody(t, a.get(t, testPath), v1.content)
			// The waiting poll breaks and its retry's token is rejected;
			// the new session gets the baseline first, then the target.
			time.Sleep(10 * time.Second)
			svc.expireTokens(types.InvalidParameterProblemExpired)
			svc.breakWaits()
			svc.roll(testKey, Rollout{ID: "d1", Percentage: 50, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "1"}, v2)
			time.Sleep(DefaultPollInterval)
			checkShare(t, "at 50%", a.rolloutOf(t, entities(400)), "2", 40, 60)
			// The retry a second after the broken wait, rejected; the
			// new session's first poll; the target, without a wait; and
			// a poll that waits at once after the news.
			checkPolls(t, svc, seconds(0, 0, 11, 11, 11, 11), seconds(1, 45, 45, 45, 0, 45))
		})
	})
}

// TestWaitForChange: each poll asks to wait POLL_INTERVAL, at most 60 s,
// in whole seconds.
func TestWaitForChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		pollInterval time.Duration
		want         time.Duration
	}{
		{"Default", DefaultPollInterval, DefaultPollInterval},
		{"Short", 5 * time.Second, 5 * time.Second},
		{"Fraction", 20*time.Second + 500*time.Millisecond, 20 * time.Second},
		{"UnderASecond", 200 * time.Millisecond, time.Second},
		{"AtMostAMinute", 5 * time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				svc := pushService(v1, true)
				svc.nextInterval = tt.pollInterval
				cfg := DefaultConfig()
				cfg.PollInterval = tt.pollInterval
				a := startAgent(t, cfg, svc)
				checkBody(t, a.get(t, testPath), v1.content)
				time.Sleep(tt.pollInterval + tt.want/2)
				if got := svc.pollWaits(); len(got) < 2 || got[0] != firstFetchWait || got[1] != tt.want {
					t.Errorf("polls asked to wait %v; want %v, then %v", got, firstFetchWait, tt.want)
				}
			})
		})
	}
}
