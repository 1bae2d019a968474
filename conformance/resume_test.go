package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// TestBinaryResumesDeploymentAfterKill kills the server with SIGKILL in the
// middle of a gradual deployment and restarts it: the deployment goes on
// from the right percentage and ends with exactly the events it would have
// had without the kill, each stamped with the time it was due.
func TestBinaryResumesDeploymentAfterKill(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dataDir := t.TempDir()
	// At 150x, the recorded 15-minute 25% linear strategy takes 6 s: a
	// step every 1.2 s, slow enough for a loaded machine.
	const scale = "150"
	step := 3 * time.Minute / 150

	first := startBinary(t, bin, dataDir, "--deployment-time-scale", scale)
	control := newControlClient(first.url)
	fx := newFixture(t, control)
	version := createVersion(t, control, fx.app, fx.profile, []byte(`{"v":1}`), "application/json", "")
	strategy, err := control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("linear-25-15m"),
		DeploymentDurationInMinutes: aws.Int32(15),
		GrowthFactor:                aws.Float32(25),
		GrowthType:                  types.GrowthTypeLinear,
		FinalBakeTimeInMinutes:      0,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	started := startDeployment(t, control, fx, fmt.Sprint(version), aws.ToString(strategy.Id))

	// Kill after the first step and before the third.
	time.Sleep(step + step/2)
	before := getDeployment(t, control, fx, started.DeploymentNumber)
	first.kill(t)
	if got := aws.ToFloat32(before.PercentageComplete); got < 25 || got > 50 {
		t.Fatalf("before the kill: %g%%; want 25 or 50 (the test ran too slowly to be meaningful)", got)
	}

	second := startBinary(t, bin, dataDir, "--deployment-time-scale", scale)
	control = newControlClient(second.url)

	t.Run("ResumesAtTheRightPercentage", func(t *testing.T) {
		d := getDeployment(t, control, fx, started.DeploymentNumber)
		elapsed := time.Since(aws.ToTime(d.StartedAt))
		// Nothing is lost and nothing runs ahead. The new process may
		// wait for the killed one's engine lease to lapse (up to 13 s)
		// before it catches up, so the lower bound is what was there
		// before the kill; the catch-up is checked below.
		lo, hi := aws.ToFloat32(before.PercentageComplete), expectedLinearPercentage(elapsed, step)
		if got := aws.ToFloat32(d.PercentageComplete); got < lo || got > hi {
			t.Errorf("after restart, %v after start: %g%%; want between %g%% and %g%%", elapsed.Round(time.Millisecond), got, lo, hi)
		}
	})

	t.Run("CompletesWithEveryEventOnce", func(t *testing.T) {
		// The lease lapses up to 13 s after the kill; then the engine
		// catches up at once.
		deadline := time.Now().Add(25 * time.Second)
		var d *appconfig.GetDeploymentOutput
		for {
			d = getDeployment(t, control, fx, started.DeploymentNumber)
			if d.State == types.DeploymentStateComplete || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if d.State != types.DeploymentStateComplete {
			t.Fatalf("deployment is %s at %g%% 25 s later; want COMPLETE", d.State, aws.ToFloat32(d.PercentageComplete))
		}
		checkLinear25Events(t, d, aws.ToTime(d.StartedAt), step, "a kill and restart")
	})
}

// checkLinear25Events checks the event log of a completed 25% linear
// deployment without bake that started at startedAt and stepped every
// step: each event once, at the moment it was due, whatever happened
// (what) on the way.
func checkLinear25Events(t *testing.T, d *appconfig.GetDeploymentOutput, startedAt time.Time, step time.Duration, what string) {
	t.Helper()
	type event struct {
		Type types.DeploymentEventType
		At   time.Duration
	}
	var got []event
	// The wire lists events newest first.
	for i := len(d.EventLog) - 1; i >= 0; i-- {
		e := d.EventLog[i]
		got = append(got, event{e.EventType, aws.ToTime(e.OccurredAt).Sub(startedAt)})
	}
	want := []event{
		{types.DeploymentEventTypeDeploymentStarted, 0},
		{types.DeploymentEventTypePercentageUpdated, step},
		{types.DeploymentEventTypePercentageUpdated, 2 * step},
		{types.DeploymentEventTypePercentageUpdated, 3 * step},
		{types.DeploymentEventTypePercentageUpdated, 4 * step},
		{types.DeploymentEventTypeBakeTimeStarted, 5 * step},
		{types.DeploymentEventTypeDeploymentCompleted, 5 * step},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("event log after %s:\n got %v\nwant %v", what, got, want)
	}
}

// expectedLinearPercentage is the percentage of a 25% linear deployment
// with steps every step, elapsed after its start.
func expectedLinearPercentage(elapsed, step time.Duration) float32 {
	if elapsed < 0 {
		return 0
	}
	return float32(min(int(elapsed/step), 4)) * 25
}
