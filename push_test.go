package appconfigd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// session starts a session of the fixture's profile that requires
// interval seconds between polls (0 for none).
func (f *rolloutFixture) session(t *testing.T, interval int) string {
	t.Helper()
	return must(f.svc.StartConfigurationSession(t.Context(), appconfigd.StartSessionInput{
		ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
		RequiredMinimumPollIntervalInSeconds: interval,
	}))
}

// isProblem reports whether err is a BadRequest about the token with
// problem p.
func isProblem(err error, p appconfigd.TokenProblem) bool {
	var e *appconfigd.Error
	return errors.As(err, &e) && e.Problem == p
}

// waitingPolls waits until n polls of svc wait for a change: a wait for a
// state, bounded so that a broken build fails rather than hangs.
func waitingPolls(t *testing.T, svc *appconfigd.Service, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for svc.WaitingPolls() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d polls wait, want %d", svc.WaitingPolls(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// pollResult is the outcome of a poll made in the background.
type pollResult struct {
	out *appconfigd.LatestConfiguration
	err error
}

// pollInBackground makes a poll in a goroutine and returns where its
// result arrives.
func pollInBackground(ctx context.Context, svc *appconfigd.Service, token string, opts appconfigd.PollOptions) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		out, err := svc.GetLatestConfiguration(ctx, token, opts)
		ch <- pollResult{out, err}
	}()
	return ch
}

// TestWaitForChange follows polls that ask to wait for a change
// (docs/WIRE.md §2.5) through the Service.
func TestWaitForChange(t *testing.T) {
	t.Parallel()
	wait := appconfigd.PollOptions{Wait: time.Minute}

	t.Run("AnswersAtOnceWhenTheSessionLacksTheVersion", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		out := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 0), wait))
		if string(out.Content) != "v1" || out.Waited != appconfigd.WaitOffered {
			t.Fatalf("got %q, waited %v; want v1 at once, wait offered", out.Content, out.Waited)
		}
	})

	t.Run("DeploymentWakesTheWaitingPoll", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		first := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		ch := pollInBackground(t.Context(), f.svc, first.NextPollConfigurationToken, wait)
		waitingPolls(t, f.svc, 1)
		f.deploy(t, appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, f.v2)
		r := <-ch
		if r.err != nil || string(r.out.Content) != "v2" || r.out.VersionNumber != 2 {
			t.Fatalf("got %+v, %v; want v2", r.out, r.err)
		}
		if n := f.svc.WaitingPolls(); n != 0 {
			t.Errorf("%d polls still wait after the answer", n)
		}
	})

	t.Run("UnchangedAnswerComesNoSoonerThanTheInterval", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		first := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		// 13.5 s into a 15 s interval: a plain poll is too early; a
		// waiting one is held for the 1.5 s left.
		f.clock.Advance(13500 * time.Millisecond)
		if _, err := f.svc.GetLatestConfiguration(t.Context(), first.NextPollConfigurationToken, appconfigd.PollOptions{}); !isProblem(err, appconfigd.ProblemPollIntervalNotSatisfied) {
			t.Fatalf("plain early poll: %v, want Request too early", err)
		}
		start := time.Now()
		out, err := f.svc.GetLatestConfiguration(t.Context(), first.NextPollConfigurationToken, appconfigd.PollOptions{Wait: time.Second})
		if err != nil || len(out.Content) != 0 || out.NextPollConfigurationToken == "" {
			t.Fatalf("waiting early poll: %+v, %v; want an unchanged answer", out, err)
		}
		if held := time.Since(start); held < 1400*time.Millisecond {
			t.Errorf("held %v, want the 1.5 s left of the interval", held)
		}
	})

	t.Run("AtTheLimitAnswersAtOnce", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		f.svc.MaxWaiters = 1
		a := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		b := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		pollInBackground(ctx, f.svc, a.NextPollConfigurationToken, wait)
		waitingPolls(t, f.svc, 1)
		out, err := f.svc.GetLatestConfiguration(t.Context(), b.NextPollConfigurationToken, wait)
		if err != nil || out.Waited != appconfigd.WaitRefused || len(out.Content) != 0 {
			t.Fatalf("second waiting poll: %+v, %v; want an unchanged answer at once, wait refused", out, err)
		}
	})

	t.Run("AStreamAtTheLimitIsThrottledAndKeepsItsToken", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		f.svc.MaxWaiters = 0
		first := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 0), appconfigd.PollOptions{}))
		_, err := f.svc.GetLatestConfiguration(t.Context(), first.NextPollConfigurationToken, appconfigd.PollOptions{Wait: time.Minute, MustWait: true})
		if !appconfigd.IsCode(err, appconfigd.EThrottling) {
			t.Fatalf("got %v, want EThrottling", err)
		}
		if _, err := f.svc.GetLatestConfiguration(t.Context(), first.NextPollConfigurationToken, appconfigd.PollOptions{}); err != nil {
			t.Fatalf("the token after the refusal: %v, want it unused", err)
		}
	})

	t.Run("StopWaitingAnswersAndRefusesNoOne", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		a := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		ch := pollInBackground(t.Context(), f.svc, a.NextPollConfigurationToken, wait)
		waitingPolls(t, f.svc, 1)
		f.svc.StopWaiting()
		r := <-ch
		if r.err != nil || r.out.Waited != appconfigd.WaitOffered || r.out.NextPollConfigurationToken == "" {
			t.Fatalf("waiting poll at shutdown: %+v, %v; want an answer with a new token", r.out, r.err)
		}
		// Later waiting polls answer at once, still not too early.
		out, err := f.svc.GetLatestConfiguration(t.Context(), r.out.NextPollConfigurationToken, wait)
		if err != nil || out.Waited != appconfigd.WaitOffered {
			t.Fatalf("waiting poll after shutdown: %+v, %v", out, err)
		}
		select {
		case <-f.svc.StoppedWaiting():
		default:
			t.Error("StoppedWaiting not closed after StopWaiting")
		}
	})

	t.Run("ClientThatLeavesIsCountedAbandoned", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		a := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		ctx, cancel := context.WithCancel(t.Context())
		ch := pollInBackground(ctx, f.svc, a.NextPollConfigurationToken, wait)
		waitingPolls(t, f.svc, 1)
		cancel()
		if r := <-ch; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", r.err)
		}
		if n := f.svc.DataPlaneCounts().Polls(appconfigd.PollAbandoned); n != 1 {
			t.Errorf("abandoned polls = %d, want 1", n)
		}
		// The token was not used up: a poll with it is answered.
		f.clock.Advance(15 * time.Second)
		if _, err := f.svc.GetLatestConfiguration(t.Context(), a.NextPollConfigurationToken, appconfigd.PollOptions{}); err != nil {
			t.Fatalf("the token after the abandoned wait: %v, want it unused", err)
		}
	})

	t.Run("DeletedEnvironmentEndsTheWait", func(t *testing.T) {
		t.Parallel()
		f := newRolloutFixture(t)
		a := must(f.svc.GetLatestConfiguration(t.Context(), f.session(t, 15), appconfigd.PollOptions{}))
		ch := pollInBackground(t.Context(), f.svc, a.NextPollConfigurationToken, wait)
		waitingPolls(t, f.svc, 1)
		if err := f.svc.DeleteEnvironment(t.Context(), f.app.ID, f.env.ID, appconfigd.DeletionProtectionBypass); err != nil {
			t.Fatal(err)
		}
		if r := <-ch; !appconfigd.IsCode(r.err, appconfigd.ENotFound) {
			t.Fatalf("got %+v, %v; want ENotFound", r.out, r.err)
		}
	})
}

// TestWaitForChangeGradualDeployment: a step of a gradual deployment wakes
// the waiting polls of the sessions it moves to the new version and no
// other, and an entity-rollout poll wakes at every change of the
// percentage though its version stays.
func TestWaitForChangeGradualDeployment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	const sessions = 200
	results := make(chan pollResult, sessions)
	for range sessions {
		first := must(f.svc.GetLatestConfiguration(ctx, f.session(t, 15), appconfigd.PollOptions{}))
		go func() {
			out, err := f.svc.GetLatestConfiguration(ctx, first.NextPollConfigurationToken, appconfigd.PollOptions{Wait: time.Minute})
			results <- pollResult{out, err}
		}()
	}
	// The entity-rollout agent's session holds v1 and then, once the
	// deployment starts, v2.
	entity := appconfigd.PollOptions{EntityRollout: true}
	agent := must(f.svc.GetLatestConfiguration(ctx, f.session(t, 15), entity))
	waitingPolls(t, f.svc, sessions)

	d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 60, GrowthFactor: 20}, f.v2)
	steps := d.Steps()
	f.clock.Set(d.StartedAt.Add(steps[0].At))
	must(f.svc.AdvanceDeployments(ctx))
	agent = must(f.svc.GetLatestConfiguration(ctx, agent.NextPollConfigurationToken, appconfigd.PollOptions{EntityRollout: true, Wait: time.Minute}))
	if string(agent.Content) != "v2" {
		t.Fatalf("entity-rollout poll at the first step got %q, want v2", agent.Content)
	}

	// Only the sessions whose bucket is under the first percentage wake;
	// they answer within moments of the step, so a quiet spell of two
	// seconds means all have.
	woken := 0
	for quiet := false; !quiet; {
		select {
		case r := <-results:
			if r.err != nil || string(r.out.Content) != "v2" {
				t.Fatalf("woken poll: %+v, %v; want v2", r.out, r.err)
			}
			woken++
		case <-time.After(2 * time.Second):
			quiet = true
		}
	}
	share := float64(woken) / sessions * 100
	if lo, hi := steps[0].Percentage-12, steps[0].Percentage+12; share < lo || share > hi {
		t.Errorf("%d of %d waiting polls woke at %v%%, want about that share", woken, sessions, steps[0].Percentage)
	}
	if got := f.svc.WaitingPolls(); got != sessions-woken {
		t.Errorf("%d polls wait, want %d", got, sessions-woken)
	}

	// The entity-rollout agent waits with v2 and wakes at the next step.
	ch := pollInBackground(ctx, f.svc, agent.NextPollConfigurationToken, appconfigd.PollOptions{EntityRollout: true, Wait: time.Minute})
	waitingPolls(t, f.svc, sessions-woken+1)
	f.clock.Set(d.StartedAt.Add(steps[1].At))
	must(f.svc.AdvanceDeployments(ctx))
	r := <-ch
	if r.err != nil || len(r.out.Content) != 0 || r.out.Rollout == nil || r.out.Rollout.Percentage != steps[1].Percentage {
		t.Fatalf("entity-rollout poll at the second step: %+v, %v; want unchanged content at %v%%", r.out, r.err, steps[1].Percentage)
	}
	f.svc.StopWaiting()
}
