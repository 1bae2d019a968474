package appconfigd

import (
	"testing"
	"time"
)

func TestPlanServing(t *testing.T) {
	t.Parallel()
	dep := func(env, profile string, number, version int, state DeploymentState, pct float64) *Deployment {
		return &Deployment{ApplicationID: "app0001", EnvironmentID: env, ConfigurationProfileID: profile,
			DeploymentNumber: number, VersionNumber: version, State: state, PercentageComplete: pct}
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	completedAt := func(d *Deployment, at time.Time) *Deployment {
		d.CompletedAt = at
		return d
	}
	tests := []struct {
		name        string
		deployments []*Deployment
		want        servingPlan
	}{
		{"Nothing", nil, servingPlan{}},
		{"FirstDeploymentRollingOut",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentDeploying, 25)},
			servingPlan{Baseline: 0, Rollout: 1, RolloutDeployment: 1, Percentage: 25}},
		{"CompleteBecomesBaseline",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100)},
			servingPlan{Baseline: 1}},
		{"RolloutOverBaseline",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100), dep("env", "p", 2, 2, DeploymentBaking, 100)},
			servingPlan{Baseline: 1, Rollout: 2, RolloutDeployment: 2, Percentage: 100}},
		{"RolledBackFallsBackToBaseline",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100), dep("env", "p", 2, 2, DeploymentRolledBack, 50)},
			servingPlan{Baseline: 1}},
		{"RevertedFallsBackToPreviousComplete",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100), dep("env", "p", 2, 3, DeploymentReverted, 100)},
			servingPlan{Baseline: 1}},
		{"CompleteRemembersThePreviousBaselineForARevert",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100), completedAt(dep("env", "p", 2, 2, DeploymentComplete, 100), t0)},
			servingPlan{Baseline: 2, Previous: 1, PreviousUntil: t0.Add(RevertWindow)}},
		{"OtherProfilesDoNotInterfere",
			[]*Deployment{dep("env", "p", 1, 1, DeploymentComplete, 100), dep("env", "q", 2, 9, DeploymentComplete, 100), dep("env2", "p", 1, 5, DeploymentComplete, 100)},
			servingPlan{Baseline: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plans := planServing(tt.deployments)
			got := plans[servingKey{"app0001", "env", "p"}]
			if got == nil {
				got = &servingPlan{}
			}
			if *got != tt.want {
				t.Errorf("plan = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestServingPlanNeeds says which hosted versions a plan keeps from being
// purged once deleted: those it serves or rolls out, and the one a revert
// would return to while the revert window lasts.
func TestServingPlanNeeds(t *testing.T) {
	t.Parallel()
	until := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	p := servingPlan{Baseline: 2, Rollout: 3, RolloutDeployment: 3, Previous: 1, PreviousUntil: until}
	for _, tt := range []struct {
		version int
		at      time.Time
		want    bool
	}{
		{0, until, false},
		{1, until, true},
		{1, until.Add(time.Millisecond), false},
		{2, until.Add(time.Hour), true},
		{3, until.Add(time.Hour), true},
		{4, until, false},
	} {
		if got := p.needs(tt.version, tt.at); got != tt.want {
			t.Errorf("needs(%d, %v) = %t, want %t", tt.version, tt.at, got, tt.want)
		}
	}
}

func TestServingPlanVersionFor(t *testing.T) {
	t.Parallel()
	p := servingPlan{Baseline: 1, Rollout: 2, RolloutDeployment: 3}
	var in, out [16]byte
	// Find one session inside and one outside a 50% rollout.
	for i := range 256 {
		id := [16]byte{byte(i)}
		if RolloutBucket(id, "env", 3) < 5000 {
			in = id
		} else {
			out = id
		}
	}
	for _, pct := range []float64{0, 50, 100} {
		p.Percentage = pct
		gotIn, gotOut := p.versionFor(in, "env"), p.versionFor(out, "env")
		wantIn, wantOut := 1, 1
		if pct >= 50 {
			wantIn = 2
		}
		if pct == 100 {
			wantOut = 2
		}
		if gotIn != wantIn || gotOut != wantOut {
			t.Errorf("at %g%%: inside session gets v%d, outside v%d; want v%d and v%d", pct, gotIn, gotOut, wantIn, wantOut)
		}
	}
}

func TestServingPlanEntityRolloutVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		plan servingPlan
		last int
		want int
	}{
		{"NewSessionGetsBaselineFirst", servingPlan{Baseline: 1, Rollout: 2}, 0, 1},
		{"OlderVersionGetsBaselineFirst", servingPlan{Baseline: 3, Rollout: 4}, 1, 3},
		{"BaselineHolderGetsTarget", servingPlan{Baseline: 1, Rollout: 2}, 1, 2},
		{"TargetHolderKeepsTarget", servingPlan{Baseline: 1, Rollout: 2}, 2, 2},
		{"FirstDeploymentHasNoBaseline", servingPlan{Rollout: 1}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.plan.entityRolloutVersion(tt.last); got != tt.want {
				t.Errorf("entityRolloutVersion(%d) of %+v = %d, want %d", tt.last, tt.plan, got, tt.want)
			}
		})
	}
}
