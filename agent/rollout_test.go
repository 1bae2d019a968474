package agent

import (
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd/rules"
)

// entities returns n distinct entity IDs.
func entities(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%d", i)
	}
	return ids
}

func TestBucket(t *testing.T) {
	t.Parallel()
	t.Run("Deterministic", func(t *testing.T) {
		t.Parallel()
		if a, b := rules.Bucket("r1", "user-1"), rules.Bucket("r1", "user-1"); a != b {
			t.Errorf("bucket differs between calls: %d, %d", a, b)
		}
	})
	t.Run("Separator", func(t *testing.T) {
		t.Parallel()
		// The NUL keeps ("ab", "c") and ("a", "bc") apart.
		if rules.Bucket("ab", "c") == rules.Bucket("a", "bc") {
			t.Error(`bucket("ab", "c") == bucket("a", "bc")`)
		}
	})
	t.Run("Spread", func(t *testing.T) {
		t.Parallel()
		const n = 20000
		for _, pct := range []float64{1, 10, 25, 50, 90} {
			in := 0
			for _, e := range entities(n) {
				if rules.Bucket("rollout-7", e) < uint64(pct*100) {
					in++
				}
			}
			if share := 100 * float64(in) / n; share < pct-1.5 || share > pct+1.5 {
				t.Errorf("%g%%: %.2f%% of entities rolled out", pct, share)
			}
		}
	})
	t.Run("Known", func(t *testing.T) {
		t.Parallel()
		// First 8 bytes of SHA-256("r1\x00user-1"), mod 10000: pinned so
		// that every agent buckets alike.
		if got, want := rules.Bucket("r1", "user-1"), uint64(4278); got != want {
			t.Errorf(`bucket("r1", "user-1") = %d; want %d`, got, want)
		}
	})
}

// rolloutOf returns the Configuration-Version the agent serves to each of
// ids.
func (a *testAgent) rolloutOf(t *testing.T, ids []string) map[string]string {
	t.Helper()
	got := make(map[string]string, len(ids))
	for _, id := range ids {
		w := a.get(t, testPath, "Entity-Id", id)
		got[id] = w.Header().Get("Configuration-Version")
	}
	return got
}

// checkShare checks that lo to hi percent of the entities in served get
// version.
func checkShare(t *testing.T, when string, served map[string]string, version string, lo, hi float64) {
	t.Helper()
	if s := share(served, version); s < lo || s > hi {
		t.Errorf("%s, %.1f%% of entities get version %s; want %g%% to %g%%", when, s, version, lo, hi)
	}
}

// share returns the percentage of entities in served that get version.
func share(served map[string]string, version string) float64 {
	n := 0
	for _, v := range served {
		if v == version {
			n++
		}
	}
	return 100 * float64(n) / float64(len(served))
}

// TestEntityRollout: during a gradual deployment the share of entities
// served the target follows the percentage, an entity keeps the version
// it got, requests without Entity-Id get what a plain session gets, and
// everyone gets the target once the deployment ends.
func TestEntityRollout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		checkBody(t, a.get(t, testPath), v1.content)
		ids := entities(2000)

		step := func(pct float64, session string) map[string]string {
			t.Helper()
			svc.roll(testKey, Rollout{ID: "d1", Percentage: pct, TargetVersion: "2", BaselineVersion: "1", SessionVersion: session}, v2)
			nextPoll()
			served := a.rolloutOf(t, ids)
			when := fmt.Sprintf("at %g%%", pct)
			checkShare(t, when, served, "2", pct-3, pct+3)
			checkShare(t, when, served, "1", 97-pct, 103-pct)
			w := a.get(t, testPath)
			if got := w.Header().Get("Configuration-Version"); got != session {
				t.Errorf("at %g%%, a request without Entity-Id gets version %q; want the session's, %s", pct, got, session)
			}
			return served
		}
		at20 := step(20, "1")
		at60 := step(60, "2")
		for id, v := range at20 {
			if v == "2" && at60[id] != "2" {
				t.Errorf("entity %s got version 2 at 20%% and %s at 60%%; want it kept", id, at60[id])
			}
		}
		// A percentage that seems to shrink (a late answer) does not take
		// the target from anyone.
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 30, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "2"}, v2)
		nextPoll()
		for id, v := range a.rolloutOf(t, ids) {
			if at60[id] == "2" && v != "2" {
				t.Errorf("entity %s lost version 2 when the reported percentage fell", id)
			}
		}
		svc.deploy(testKey, v2)
		nextPoll()
		checkShare(t, "after the deployment", a.rolloutOf(t, ids), "2", 100, 100)
	})
}

// TestEntityRolloutStartedDuring: an agent that starts during a gradual
// deployment gets the baseline first, then at once the target, so it
// follows the percentage from the first request on.
func TestEntityRolloutStartedDuring(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v1)
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 50, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "1"}, v2)
		a := startAgent(t, DefaultConfig(), svc)
		ids := entities(400)
		checkShare(t, "at 50% from the start", a.rolloutOf(t, ids), "2", 40, 60)
		if n := len(svc.pollTimes()); n != 2 {
			t.Errorf("%d polls at start; want 2 (baseline, then target)", n)
		}
	})
}

// TestEntityRolloutStartedDuringEarlyPollRefused: when the service does
// not allow the target to be fetched at once, the agent serves the
// baseline to everyone until its next poll brings the target, in the
// same session.
func TestEntityRolloutStartedDuringEarlyPollRefused(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v1)
		svc.refuseEarly = true
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 50, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "1"}, v2)
		a := startAgent(t, DefaultConfig(), svc)
		ids := entities(400)
		checkShare(t, "before the target came", a.rolloutOf(t, ids), "1", 100, 100)
		nextPoll()
		checkShare(t, "at 50%", a.rolloutOf(t, ids), "2", 40, 60)
		if n := len(svc.startCalls()); n != 1 {
			t.Errorf("%d sessions; want the refused poll to keep the first", n)
		}
	})
}

// TestEntityRolloutFirstDeployment: with no baseline (the first
// deployment) every entity gets the target.
func TestEntityRolloutFirstDeployment(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := newFakeService(testKey)
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 10, TargetVersion: "2", BaselineVersion: "0", SessionVersion: "0"}, v2)
		a := startAgent(t, DefaultConfig(), svc)
		checkShare(t, "without a baseline", a.rolloutOf(t, entities(200)), "2", 100, 100)
		checkBody(t, a.get(t, testPath), v2.content)
	})
}

// TestEntityRolloutNewSession: a session restarted during a deployment
// gets the baseline again first; the agent keeps both versions and goes
// on as before.
func TestEntityRolloutNewSession(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		cfg := backupConfig(t)
		a, svc := startDeployed(t, cfg, v1)
		a.get(t, testPath)
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 50, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "2"}, v2)
		nextPoll()
		ids := entities(400)
		before := a.rolloutOf(t, ids)
		saved := backupModTime(t, cfg.BackupDirectory)
		svc.expireTokens(types.InvalidParameterProblemExpired)
		nextPoll()
		if n := len(svc.startCalls()); n != 2 {
			t.Fatalf("%d sessions; want a new one", n)
		}
		if diff := cmp.Diff(before, a.rolloutOf(t, ids)); diff != "" {
			t.Errorf("versions served changed with the new session (-before +after):\n%s", diff)
		}
		if got := backupModTime(t, cfg.BackupDirectory); !got.Equal(saved) {
			t.Errorf("backup rewritten when the new session sent the baseline")
		}
	})
}

// TestEntityRolloutRollback: a deployment rolled back ends with everyone
// on the version the service sends.
func TestEntityRolloutRollback(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		a.get(t, testPath)
		svc.roll(testKey, Rollout{ID: "d1", Percentage: 50, TargetVersion: "2", BaselineVersion: "1", SessionVersion: "1"}, v2)
		nextPoll()
		ids := entities(200)
		checkShare(t, "during the deployment", a.rolloutOf(t, ids), "2", 35, 65)
		svc.deploy(testKey, v1)
		nextPoll()
		checkShare(t, "after the rollback", a.rolloutOf(t, ids), "1", 100, 100)
	})
}

// TestEntityIDWithoutRollout: with no deployment in progress (always so
// against real AWS) Entity-Id is accepted and changes nothing.
func TestEntityIDWithoutRollout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, _ := startDeployed(t, DefaultConfig(), v1)
		checkBody(t, a.get(t, testPath, "Entity-Id", "user-123"), v1.content)
	})
}
