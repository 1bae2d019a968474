package appconfigd_test

import (
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// TestGetLatestConfigurationEntityRollout follows an entity-rollout poller
// through a gradual deployment: it gets the baseline, then the version
// being deployed whatever its own bucket, with the deployment's progress;
// after completion the rollout report stops and nothing is resent.
func TestGetLatestConfigurationEntityRollout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	svc, clock, app, env, profile := f.svc, f.clock, f.app, f.env, f.profile
	tok := must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: app.ID, EnvironmentIdentifier: env.ID, ConfigurationProfileIdentifier: profile.ID,
	}))
	entity := appconfigd.PollOptions{EntityRollout: true}
	poll := func(want string, wantVersion int) *appconfigd.LatestConfiguration {
		t.Helper()
		out := must(svc.GetLatestConfiguration(ctx, tok, entity))
		tok = out.NextPollConfigurationToken
		if string(out.Content) != want || out.VersionNumber != wantVersion {
			t.Fatalf("poll got content %q version %d, want %q version %d", out.Content, out.VersionNumber, want, wantVersion)
		}
		return out
	}
	if out := poll("v1", 1); out.Rollout != nil {
		t.Fatalf("without a deployment in progress Rollout = %+v, want nil", out.Rollout)
	}

	d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 60, GrowthFactor: 20}, f.v2)
	first := d.Steps()[0]
	clock.Set(d.StartedAt.Add(first.At))
	must(svc.AdvanceDeployments(ctx))
	out := poll("v2", 2)
	want := appconfigd.RolloutState{ID: env.ID + "/2", Percentage: first.Percentage, TargetVersion: 2, BaselineVersion: 1}
	if out.Rollout == nil {
		t.Fatal("during the deployment Rollout = nil")
	}
	got := *out.Rollout
	got.SessionVersion = 0 // depends on the session's random bucket
	if got != want {
		t.Errorf("Rollout = %+v, want %+v", got, want)
	}
	if sv := out.Rollout.SessionVersion; sv != 1 && sv != 2 {
		t.Errorf("SessionVersion = %d, want 1 or 2", sv)
	}
	poll("", 2)

	clock.Set(d.StartedAt.Add(61 * time.Minute))
	must(svc.AdvanceDeployments(ctx))
	if out := poll("", 2); out.Rollout != nil {
		t.Errorf("after completion Rollout = %+v, want nil", out.Rollout)
	}
}

// TestGetLatestConfigurationEntityRolloutMidDeployment: a session that
// starts during a deployment gets the baseline, may fetch the version
// being deployed at once, and is then held to its poll interval again.
// Sessions without entity rollout get no such exception.
func TestGetLatestConfigurationEntityRolloutMidDeployment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	svc := f.svc
	d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 60, GrowthFactor: 20}, f.v2)
	f.clock.Set(d.StartedAt.Add(d.Steps()[0].At))
	must(svc.AdvanceDeployments(ctx))
	start := func() string {
		return must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
			ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
			RequiredMinimumPollIntervalInSeconds: 30,
		}))
	}
	tooEarly := func(err error) bool {
		var e *appconfigd.Error
		return errors.As(err, &e) && e.Problem == appconfigd.ProblemPollIntervalNotSatisfied
	}
	entity := appconfigd.PollOptions{EntityRollout: true}

	out := must(svc.GetLatestConfiguration(ctx, start(), entity))
	if string(out.Content) != "v1" || out.Rollout == nil {
		t.Fatalf("first poll: %q, Rollout %+v; want the baseline v1 with the rollout", out.Content, out.Rollout)
	}
	out, err := svc.GetLatestConfiguration(ctx, out.NextPollConfigurationToken, entity)
	if err != nil {
		t.Fatalf("second poll at once: %v; want the version being deployed", err)
	}
	if string(out.Content) != "v2" {
		t.Errorf("second poll: %q; want v2", out.Content)
	}
	if _, err := svc.GetLatestConfiguration(ctx, out.NextPollConfigurationToken, entity); !tooEarly(err) {
		t.Errorf("third poll at once: %v; want Request too early", err)
	}

	plain := must(svc.GetLatestConfiguration(ctx, start(), appconfigd.PollOptions{}))
	if _, err := svc.GetLatestConfiguration(ctx, plain.NextPollConfigurationToken, appconfigd.PollOptions{}); !tooEarly(err) {
		t.Errorf("a plain session's second poll at once: %v; want Request too early", err)
	}
}
