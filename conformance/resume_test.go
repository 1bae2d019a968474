package conformance

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// TestBinaryResumesDeploymentAfterKill kills the server with SIGKILL in the
// middle of a gradual deployment and restarts it: the restarted process
// takes the deployment engine back at once (one process serves a SQLite
// data directory, so it need not wait for its predecessor's lease to
// lapse), catches up with the steps due while it was down, and the
// deployment ends with exactly the events it would have had without the
// kill: those due while no engine ran stamped when they were applied, the
// others when they were due (docs/DEPLOYMENTS.md).
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
	killed := time.Now()
	first.kill(t)
	if got := aws.ToFloat32(before.PercentageComplete); got < 25 || got > 50 {
		t.Fatalf("before the kill: %g%%; want 25 or 50 (the test ran too slowly to be meaningful)", got)
	}

	second := startBinary(t, bin, dataDir, "--deployment-time-scale", scale)
	back := time.Now()
	control = newControlClient(second.url)

	t.Run("ResumesAtTheRightPercentage", func(t *testing.T) {
		d := getDeployment(t, control, fx, started.DeploymentNumber)
		elapsed := time.Since(aws.ToTime(d.StartedAt))
		// Nothing is lost and nothing runs ahead: the process caught
		// up with the steps due by the kill before it answered.
		lo, hi := expectedLinearPercentage(killed.Sub(aws.ToTime(d.StartedAt)), step), expectedLinearPercentage(elapsed, step)
		if got := aws.ToFloat32(d.PercentageComplete); got < lo || got > hi {
			t.Errorf("after restart, %v after start: %g%%; want between %g%% and %g%%", elapsed.Round(time.Millisecond), got, lo, hi)
		}
	})

	t.Run("CompletesWithEveryEventOnce", func(t *testing.T) {
		// It completes 6 s after the start; the engine runs from the
		// restart on.
		deadline := aws.ToTime(started.StartedAt).Add(5*step + 10*time.Second)
		var d *appconfig.GetDeploymentOutput
		for {
			d = getDeployment(t, control, fx, started.DeploymentNumber)
			if d.State == types.DeploymentStateComplete || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if d.State != types.DeploymentStateComplete {
			t.Fatalf("deployment is %s at %g%% 10 s after it was due to complete; want COMPLETE", d.State, aws.ToFloat32(d.PercentageComplete))
		}
		checkLinear25Events(t, d, step, downtime{from: killed, to: back}, "a kill and restart")
	})
}

// downtime is when no deployment engine ran: from a kill until a process
// was known to run the engine again.
type downtime struct{ from, to time.Time }

// checkLinear25Events checks the event log of a completed 25% linear
// deployment without bake that stepped every step: each event once, in
// order; those due before the downtime stamped when they were due; those
// due during it stamped when they were applied (no earlier than due, no
// later than the end of the downtime plus slack, and saying they were
// late) or, if applied within appconfigd.LateStepTolerance, when due; and
// those due after it applied on time, within the slack a loaded machine
// needs (what says what happened on the way).
func checkLinear25Events(t *testing.T, d *appconfig.GetDeploymentOutput, step time.Duration, down downtime, what string) {
	t.Helper()
	const slack = 2 * time.Second
	startedAt := aws.ToTime(d.StartedAt)
	want := []struct {
		Type types.DeploymentEventType
		Due  time.Duration
	}{
		{types.DeploymentEventTypeDeploymentStarted, 0},
		{types.DeploymentEventTypePercentageUpdated, step},
		{types.DeploymentEventTypePercentageUpdated, 2 * step},
		{types.DeploymentEventTypePercentageUpdated, 3 * step},
		{types.DeploymentEventTypePercentageUpdated, 4 * step},
		{types.DeploymentEventTypeBakeTimeStarted, 5 * step},
		{types.DeploymentEventTypeDeploymentCompleted, 5 * step},
	}
	if len(d.EventLog) != len(want) {
		t.Fatalf("event log after %s has %d events; want %d: %s", what, len(d.EventLog), len(want), eventTypes(d.EventLog))
	}
	for i, w := range want {
		// The wire lists events newest first.
		e := d.EventLog[len(d.EventLog)-1-i]
		due := startedAt.Add(w.Due)
		at := aws.ToTime(e.OccurredAt)
		late := strings.Contains(aws.ToString(e.Description), "applied late")
		var ok bool
		switch {
		case e.EventType != w.Type:
		case due.Before(down.from):
			ok = at.Equal(due) && !late
		case due.Before(down.to):
			ok = at.Equal(due) && !late || late && !at.Before(due) && at.Before(down.to.Add(slack))
		default:
			ok = !at.Before(due) && at.Before(due.Add(slack)) && late == !at.Equal(due)
		}
		if !ok {
			t.Errorf("event %d after %s: %s at start+%v (%q); want %s due at start+%v, down from start+%v to start+%v",
				i, what, e.EventType, at.Sub(startedAt), aws.ToString(e.Description), w.Type, w.Due, down.from.Sub(startedAt), down.to.Sub(startedAt))
		}
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
