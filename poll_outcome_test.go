package appconfigd_test

import (
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func TestDataPlaneCounts(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	svc, clock := f.svc, f.clock
	token := must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
		RequiredMinimumPollIntervalInSeconds: 15,
	}))
	pollWith := func(token string) string {
		t.Helper()
		out, err := svc.GetLatestConfiguration(ctx, token, appconfigd.PollOptions{})
		if err != nil {
			return ""
		}
		return out.NextPollConfigurationToken
	}
	next := pollWith(token) // full: v1
	pollWith(next)          // too early
	clock.Advance(15 * time.Second)
	last := pollWith(next) // unchanged
	pollWith(next)         // reused
	pollWith("garbage")    // corrupted
	// denied: a reader of another application polls.
	reader := appconfigd.NewContextWithPrincipal(ctx, appconfigd.Principal{Name: "rita", Role: appconfigd.RoleReader, Applications: []string{"another"}})
	if _, err := svc.GetLatestConfiguration(reader, last, appconfigd.PollOptions{}); !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
		t.Fatalf("poll by a reader of another application: %v, want access denied", err)
	}
	// not_found: the session's environment is deleted.
	gone := must(svc.CreateEnvironment(ctx, f.app.ID, &appconfigd.Environment{Name: "gone"}, nil))
	orphan := must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: gone.ID, ConfigurationProfileIdentifier: f.profile.ID,
	}))
	must(0, svc.DeleteEnvironment(ctx, f.app.ID, gone.ID, appconfigd.DeletionProtectionBypass))
	if _, err := svc.GetLatestConfiguration(ctx, orphan, appconfigd.PollOptions{}); !appconfigd.IsCode(err, appconfigd.ENotFound) {
		t.Fatalf("poll of a deleted environment: %v, want not found", err)
	}
	clock.Advance(svc.TokenTTL + 16*time.Second)
	pollWith(last) // expired

	counts := svc.DataPlaneCounts()
	want := map[appconfigd.PollOutcome]uint64{
		appconfigd.PollFull:      1,
		appconfigd.PollTooEarly:  1,
		appconfigd.PollUnchanged: 1,
		appconfigd.PollReused:    1,
		appconfigd.PollCorrupted: 1,
		appconfigd.PollExpired:   1,
		appconfigd.PollDenied:    1,
		appconfigd.PollNotFound:  1,
	}
	for _, o := range appconfigd.PollOutcomes() {
		if got := counts.Polls(o); got != want[o] {
			t.Errorf("polls %s = %d, want %d", o, got, want[o])
		}
	}
	if got := counts.SessionsStarted(); got != 2 {
		t.Errorf("sessions started = %d, want 2", got)
	}
}
