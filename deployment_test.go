package appconfigd_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2021, 9, 17, 21, 43, 54, 205e6, time.UTC)

// newDeployment returns a started deployment with the given strategy
// numbers.
func newDeployment(t *testing.T, growth appconfigd.GrowthType, factor float64, duration, bake int) *appconfigd.Deployment {
	t.Helper()
	d := &appconfigd.Deployment{
		DeploymentNumber:            1,
		GrowthType:                  growth,
		GrowthFactor:                factor,
		DeploymentDurationInMinutes: duration,
		FinalBakeTimeInMinutes:      bake,
		TimeScale:                   1,
	}
	d.Start(t0)
	return d
}

type eventAt struct {
	Type appconfigd.EventType
	At   time.Duration
	Desc string
}

func events(d *appconfigd.Deployment) []eventAt {
	var out []eventAt
	for _, e := range d.EventLog {
		out = append(out, eventAt{e.EventType, e.OccurredAt.Sub(d.StartedAt), e.Description})
	}
	return out
}

func TestDeployment(t *testing.T) {
	t.Parallel()

	t.Run("StartsDeployingAtZero", func(t *testing.T) {
		t.Parallel()
		d := newDeployment(t, appconfigd.GrowthLinear, 100, 0, 10)
		if d.State != appconfigd.DeploymentDeploying || d.PercentageComplete != 0 {
			t.Errorf("after Start: state %s at %g%%, want DEPLOYING at 0%%", d.State, d.PercentageComplete)
		}
		if diff := cmp.Diff([]eventAt{{appconfigd.EventDeploymentStarted, 0, "Deployment started"}}, events(d)); diff != "" {
			t.Errorf("event log (-want +got):\n%s", diff)
		}
	})

	t.Run("RecordedLinearTimeline", func(t *testing.T) {
		t.Parallel()
		// The real 15-minute, 25% linear deployment with no bake.
		d := newDeployment(t, appconfigd.GrowthLinear, 25, 15, 0)
		checks := []struct {
			at    time.Duration
			state appconfigd.DeploymentState
			pct   float64
		}{
			{2 * time.Minute, appconfigd.DeploymentDeploying, 0},
			{3 * time.Minute, appconfigd.DeploymentDeploying, 25},
			{6 * time.Minute, appconfigd.DeploymentDeploying, 50},
			{7 * time.Minute, appconfigd.DeploymentDeploying, 50},
			{9*time.Minute + appconfigd.LateStepTolerance, appconfigd.DeploymentDeploying, 75},
			{12 * time.Minute, appconfigd.DeploymentDeploying, 100},
			{15 * time.Minute, appconfigd.DeploymentComplete, 100},
		}
		for _, c := range checks {
			d.Advance(t0.Add(c.at))
			if d.State != c.state || d.PercentageComplete != c.pct {
				t.Errorf("at +%v: %s at %g%%, want %s at %g%%", c.at, d.State, d.PercentageComplete, c.state, c.pct)
			}
		}
		want := []eventAt{
			{appconfigd.EventDeploymentStarted, 0, "Deployment started"},
			{appconfigd.EventPercentageUpdated, 3 * time.Minute, "Configuration available to 25.00% of clients"},
			{appconfigd.EventPercentageUpdated, 6 * time.Minute, "Configuration available to 50.00% of clients"},
			{appconfigd.EventPercentageUpdated, 9 * time.Minute, "Configuration available to 75.00% of clients"},
			{appconfigd.EventPercentageUpdated, 12 * time.Minute, "Configuration available to 100.00% of clients"},
			{appconfigd.EventBakeTimeStarted, 15 * time.Minute, "Deployment bake time started"},
			{appconfigd.EventDeploymentCompleted, 15 * time.Minute, "Deployment completed"},
		}
		if diff := cmp.Diff(want, events(d)); diff != "" {
			t.Errorf("event log (-want +got):\n%s", diff)
		}
		if !d.CompletedAt.Equal(t0.Add(15 * time.Minute)) {
			t.Errorf("CompletedAt = %v, want start + 15m", d.CompletedAt)
		}
	})

	t.Run("CatchingUpLateRecordsEventsWhenApplied", func(t *testing.T) {
		t.Parallel()
		// One Advance long after the end, as after a restart, gives
		// every event once, stamped when it took effect and saying when
		// it was due (docs/DEPLOYMENTS.md).
		d := newDeployment(t, appconfigd.GrowthLinear, 25, 15, 0)
		d.Advance(t0.Add(time.Hour))
		late := " (due at %s; applied late because no deployment engine was running)"
		due := func(m time.Duration) string { return t0.Add(m * time.Minute).Format(time.RFC3339Nano) }
		want := []eventAt{
			{appconfigd.EventDeploymentStarted, 0, "Deployment started"},
			{appconfigd.EventPercentageUpdated, time.Hour, "Configuration available to 25.00% of clients" + fmt.Sprintf(late, due(3))},
			{appconfigd.EventPercentageUpdated, time.Hour, "Configuration available to 50.00% of clients" + fmt.Sprintf(late, due(6))},
			{appconfigd.EventPercentageUpdated, time.Hour, "Configuration available to 75.00% of clients" + fmt.Sprintf(late, due(9))},
			{appconfigd.EventPercentageUpdated, time.Hour, "Configuration available to 100.00% of clients" + fmt.Sprintf(late, due(12))},
			{appconfigd.EventBakeTimeStarted, time.Hour, "Deployment bake time started" + fmt.Sprintf(late, due(15))},
			{appconfigd.EventDeploymentCompleted, time.Hour, "Deployment completed" + fmt.Sprintf(late, due(15))},
		}
		if diff := cmp.Diff(want, events(d)); diff != "" {
			t.Errorf("event log (-want +got):\n%s", diff)
		}
		if !d.CompletedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("CompletedAt = %v, want start + 1h, when it was applied", d.CompletedAt)
		}
		if d.Advance(t0.Add(2 * time.Hour)) {
			t.Error("Advance after completion reported a change")
		}
	})

	t.Run("AppliedWithinToleranceRecordsEventsWhenDue", func(t *testing.T) {
		t.Parallel()
		d := newDeployment(t, appconfigd.GrowthLinear, 100, 10, 0)
		d.Advance(t0.Add(5*time.Minute + appconfigd.LateStepTolerance))
		want := []eventAt{
			{appconfigd.EventDeploymentStarted, 0, "Deployment started"},
			{appconfigd.EventPercentageUpdated, 5 * time.Minute, "Configuration available to 100.00% of clients"},
		}
		if diff := cmp.Diff(want, events(d)); diff != "" {
			t.Errorf("event log (-want +got):\n%s", diff)
		}
	})

	t.Run("AllAtOnceBakesTenMinutes", func(t *testing.T) {
		t.Parallel()
		d := newDeployment(t, appconfigd.GrowthLinear, 100, 0, 10)
		d.Advance(t0)
		if d.State != appconfigd.DeploymentBaking || d.PercentageComplete != 100 {
			t.Fatalf("at start: %s at %g%%, want BAKING at 100%%", d.State, d.PercentageComplete)
		}
		next, ok := d.NextTransition()
		if !ok || !next.Equal(t0.Add(10*time.Minute)) {
			t.Errorf("NextTransition = %v, %v; want start + 10m", next, ok)
		}
		d.Advance(t0.Add(10*time.Minute - time.Millisecond))
		if d.State != appconfigd.DeploymentBaking {
			t.Errorf("just before bake end: %s, want BAKING", d.State)
		}
		d.Advance(t0.Add(10 * time.Minute))
		if d.State != appconfigd.DeploymentComplete {
			t.Errorf("at bake end: %s, want COMPLETE", d.State)
		}
		if _, ok := d.NextTransition(); ok {
			t.Error("NextTransition reported more work after completion")
		}
	})

	t.Run("TimeScaleShortensSchedule", func(t *testing.T) {
		t.Parallel()
		d := newDeployment(t, appconfigd.GrowthLinear, 100, 0, 10)
		d.TimeScale = 60
		d.Advance(t0.Add(10 * time.Second))
		if d.State != appconfigd.DeploymentComplete {
			t.Errorf("10-minute bake at 60x after 10s: %s, want COMPLETE", d.State)
		}
	})
}

func TestStopDeployment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		advance     time.Duration
		stopAfter   time.Duration
		allowRevert bool
		wantState   appconfigd.DeploymentState
		wantEvents  []appconfigd.EventType
		wantErr     bool
	}{
		{name: "DeployingRollsBack", advance: time.Minute, stopAfter: time.Minute, wantState: appconfigd.DeploymentRolledBack,
			wantEvents: []appconfigd.EventType{appconfigd.EventRollbackStarted, appconfigd.EventRollbackCompleted}},
		{name: "BakingRollsBack", advance: 20 * time.Minute, stopAfter: 20 * time.Minute, wantState: appconfigd.DeploymentRolledBack,
			wantEvents: []appconfigd.EventType{appconfigd.EventRollbackStarted, appconfigd.EventRollbackCompleted}},
		{name: "DeployingWithAllowRevertRollsBack", advance: time.Minute, stopAfter: time.Minute, allowRevert: true, wantState: appconfigd.DeploymentRolledBack,
			wantEvents: []appconfigd.EventType{appconfigd.EventRollbackStarted, appconfigd.EventRollbackCompleted}},
		{name: "CompleteWithoutAllowRevertRefused", advance: time.Hour, stopAfter: time.Hour, wantState: appconfigd.DeploymentComplete, wantErr: true},
		{name: "CompleteWithAllowRevertReverts", advance: time.Hour, stopAfter: 2 * time.Hour, allowRevert: true, wantState: appconfigd.DeploymentReverted,
			wantEvents: []appconfigd.EventType{appconfigd.EventRevertCompleted}},
		{name: "RevertAfter72HoursRefused", advance: 25 * time.Minute, stopAfter: 25*time.Minute + appconfigd.RevertWindow + time.Second, allowRevert: true, wantState: appconfigd.DeploymentComplete, wantErr: true},
		{name: "RevertAtExactly72HoursAllowed", advance: 25 * time.Minute, stopAfter: 25*time.Minute + appconfigd.RevertWindow, allowRevert: true, wantState: appconfigd.DeploymentReverted,
			wantEvents: []appconfigd.EventType{appconfigd.EventRevertCompleted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// 10 minutes of growth, then 15 of bake: complete at +25m.
			d := newDeployment(t, appconfigd.GrowthLinear, 50, 10, 15)
			d.Advance(t0.Add(tt.advance))
			before := len(d.EventLog)
			err := d.Stop(t0.Add(tt.stopAfter), tt.allowRevert, appconfigd.TriggeredByUser, "")
			if tt.wantErr {
				if !appconfigd.IsCode(err, appconfigd.EBadRequest) {
					t.Errorf("Stop error = %v, want BadRequest", err)
				}
			} else if err != nil {
				t.Fatalf("Stop: %v", err)
			}
			if d.State != tt.wantState {
				t.Errorf("state = %s, want %s", d.State, tt.wantState)
			}
			var got []appconfigd.EventType
			for _, e := range d.EventLog[before:] {
				got = append(got, e.EventType)
				if e.TriggeredBy != appconfigd.TriggeredByUser {
					t.Errorf("%s TriggeredBy = %s, want USER", e.EventType, e.TriggeredBy)
				}
			}
			if diff := cmp.Diff(tt.wantEvents, got); diff != "" {
				t.Errorf("events added by Stop (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("RolledBackCannotBeStoppedAgain", func(t *testing.T) {
		t.Parallel()
		d := newDeployment(t, appconfigd.GrowthLinear, 50, 10, 15)
		if err := d.Stop(t0, false, appconfigd.TriggeredByUser, ""); err != nil {
			t.Fatal(err)
		}
		if err := d.Stop(t0, true, appconfigd.TriggeredByUser, ""); !appconfigd.IsCode(err, appconfigd.EBadRequest) {
			t.Errorf("second Stop error = %v, want BadRequest", err)
		}
	})
}

func TestEnvironmentState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		latest appconfigd.DeploymentState
		want   appconfigd.EnvironmentState
	}{
		{"", appconfigd.EnvironmentReadyForDeployment},
		{appconfigd.DeploymentValidating, appconfigd.EnvironmentDeploying},
		{appconfigd.DeploymentDeploying, appconfigd.EnvironmentDeploying},
		{appconfigd.DeploymentBaking, appconfigd.EnvironmentDeploying},
		{appconfigd.DeploymentComplete, appconfigd.EnvironmentReadyForDeployment},
		{appconfigd.DeploymentRollingBack, appconfigd.EnvironmentRollingBack},
		{appconfigd.DeploymentRolledBack, appconfigd.EnvironmentRolledBack},
		{appconfigd.DeploymentReverted, appconfigd.EnvironmentReverted},
	}
	for _, tt := range tests {
		e := appconfigd.Environment{LatestDeploymentState: tt.latest}
		if got := e.State(); got != tt.want {
			t.Errorf("latest deployment %q: environment state %q, want %q", tt.latest, got, tt.want)
		}
	}
}
