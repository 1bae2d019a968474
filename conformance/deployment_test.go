package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// eventTypes lists an event log's types in the order the wire shows them
// (newest first).
func eventTypes(log []types.DeploymentEvent) string {
	var s []string
	for _, e := range log {
		s = append(s, string(e.EventType))
	}
	return strings.Join(s, ",")
}

func TestStartDeployment(t *testing.T) {
	t.Parallel()

	// StartDeployment returns the deployment as it started: DEPLOYING at
	// 0% with one DEPLOYMENT_STARTED event (docs/WIRE.md §7.5), the strategy's
	// numbers copied in (docs/WIRE.md §3.10).
	t.Run("ReturnsTheStartedDeployment", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"a":1}`), "application/json", "v1")
		out, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(fx.app),
			EnvironmentId:          aws.String(fx.env),
			ConfigurationProfileId: aws.String(fx.profile),
			ConfigurationVersion:   aws.String("1"),
			DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
			Description:            aws.String("first rollout"),
		})
		if err != nil {
			t.Fatalf("StartDeployment: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
		for _, f := range []struct {
			member    string
			got, want string
		}{
			{"ApplicationId", aws.ToString(out.ApplicationId), fx.app},
			{"EnvironmentId", aws.ToString(out.EnvironmentId), fx.env},
			{"ConfigurationProfileId", aws.ToString(out.ConfigurationProfileId), fx.profile},
			{"DeploymentStrategyId", aws.ToString(out.DeploymentStrategyId), "AppConfig.AllAtOnce"},
			{"ConfigurationName", aws.ToString(out.ConfigurationName), "profile"},
			{"ConfigurationLocationUri", aws.ToString(out.ConfigurationLocationUri), "hosted"},
			{"ConfigurationVersion", aws.ToString(out.ConfigurationVersion), "1"},
			{"VersionLabel", aws.ToString(out.VersionLabel), "v1"},
			{"Description", aws.ToString(out.Description), "first rollout"},
			{"State", string(out.State), "DEPLOYING"},
			{"GrowthType", string(out.GrowthType), "LINEAR"},
		} {
			if f.got != f.want {
				t.Errorf("%s = %q; want %q", f.member, f.got, f.want)
			}
		}
		if out.DeploymentNumber != 1 {
			t.Errorf("DeploymentNumber = %d; want 1", out.DeploymentNumber)
		}
		if out.PercentageComplete == nil || *out.PercentageComplete != 0 {
			t.Errorf("PercentageComplete = %s; want 0", deref(out.PercentageComplete))
		}
		if out.DeploymentDurationInMinutes != 0 || out.FinalBakeTimeInMinutes != 10 || aws.ToFloat32(out.GrowthFactor) != 100 {
			t.Errorf("strategy numbers = {Duration %d Bake %d GrowthFactor %s}; want {0 10 100}", out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, deref(out.GrowthFactor))
		}
		if out.StartedAt == nil || !out.StartedAt.Equal(ts.now()) {
			t.Errorf("StartedAt = %v; want %v", out.StartedAt, ts.now())
		}
		if got, want := eventTypes(out.EventLog), "DEPLOYMENT_STARTED"; got != want {
			t.Fatalf("EventLog types = %s; want %s", got, want)
		}
		ev := out.EventLog[0]
		if ev.TriggeredBy != types.TriggeredByUser || aws.ToString(ev.Description) != "Deployment started" || ev.OccurredAt == nil || !ev.OccurredAt.Equal(ts.now()) {
			t.Errorf("EventLog[0] = {TriggeredBy %s Description %q OccurredAt %v}; want {USER %q %v}", ev.TriggeredBy, aws.ToString(ev.Description), ev.OccurredAt, "Deployment started", ts.now())
		}
	})

	// ConfigurationVersion may name a hosted version by its label (wire
	// §3.10).
	t.Run("ByVersionLabel", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("one"), "text/plain", "release-1")
		createVersion(t, ts.control, fx.app, fx.profile, []byte("two"), "text/plain", "release-2")
		createVersion(t, ts.control, fx.app, fx.profile, []byte("three"), "text/plain", "")
		out := startDeployment(t, ts.control, fx, "release-2", "AppConfig.AllAtOnce")
		if got, want := aws.ToString(out.ConfigurationVersion), "2"; got != want {
			t.Errorf("ConfigurationVersion = %q; want %q", got, want)
		}
		if got, want := aws.ToString(out.VersionLabel), "release-2"; got != want {
			t.Errorf("VersionLabel = %q; want %q", got, want)
		}
		checkConfiguration(t, poll(t, ts.data, startSession(t, ts.data, fx, 0)), []byte("two"), "text/plain", "release-2")

		// Labels need not be unique (docs/WIRE.md §6 Q19); a shared label names
		// the newest version that has it (appconfigd's choice).
		createVersion(t, ts.control, fx.app, fx.profile, []byte("four"), "text/plain", "release-2")
		ts.advance(t, bakeTime)
		out = startDeployment(t, ts.control, fx, "release-2", "AppConfig.AllAtOnce")
		if got, want := aws.ToString(out.ConfigurationVersion), "4"; got != want {
			t.Errorf("ConfigurationVersion for a shared label = %q; want the newest, %q", got, want)
		}
	})

	t.Run("ByNames", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("one"), "text/plain", "")
		out := startDeployment(t, ts.control, fixture{app: "app", env: "env", profile: "profile"}, "1", "AppConfig.AllAtOnce")
		if aws.ToString(out.ApplicationId) != fx.app || aws.ToString(out.EnvironmentId) != fx.env || aws.ToString(out.ConfigurationProfileId) != fx.profile {
			t.Errorf("deployment of {%s %s %s}; want {%s %s %s}", aws.ToString(out.ApplicationId), aws.ToString(out.EnvironmentId), aws.ToString(out.ConfigurationProfileId), fx.app, fx.env, fx.profile)
		}
	})

	t.Run("UnknownReferences", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("one"), "text/plain", "")
		tests := []struct {
			name             string
			change           func(*appconfig.StartDeploymentInput)
			wantResourceName string
		}{
			{"Application", func(in *appconfig.StartDeploymentInput) { in.ApplicationId = aws.String("nosuch1") }, "nosuch1"},
			{"Environment", func(in *appconfig.StartDeploymentInput) { in.EnvironmentId = aws.String("nosuch1") }, "nosuch1"},
			{"Profile", func(in *appconfig.StartDeploymentInput) { in.ConfigurationProfileId = aws.String("nosuch1") }, "nosuch1"},
			{"Strategy", func(in *appconfig.StartDeploymentInput) { in.DeploymentStrategyId = aws.String("nosuch1") }, "nosuch1"},
			{"VersionNumber", func(in *appconfig.StartDeploymentInput) { in.ConfigurationVersion = aws.String("2") }, ""},
			{"VersionLabel", func(in *appconfig.StartDeploymentInput) { in.ConfigurationVersion = aws.String("nolabel") }, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := appconfig.StartDeploymentInput{
					ApplicationId:          aws.String(fx.app),
					EnvironmentId:          aws.String(fx.env),
					ConfigurationProfileId: aws.String(fx.profile),
					ConfigurationVersion:   aws.String("1"),
					DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
				}
				tt.change(&in)
				_, err := ts.control.StartDeployment(ctx(t), &in)
				nf := asError[*types.ResourceNotFoundException](t, err)
				checkStatus(t, err, http.StatusNotFound)
				if tt.wantResourceName != "" && aws.ToString(nf.ResourceName) != tt.wantResourceName {
					t.Errorf("ResourceName = %q; want %q", aws.ToString(nf.ResourceName), tt.wantResourceName)
				}
			})
		}
		list, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
		if err != nil {
			t.Fatalf("ListDeployments: %v", err)
		}
		if len(list.Items) != 0 {
			t.Errorf("after failed starts, %d deployments; want 0", len(list.Items))
		}
	})

	// Only one deployment per environment may be in progress, a baking one
	// included, with the message the real service sends (docs/WIRE.md §7.8).
	t.Run("ConflictDuringBake", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		createVersion(t, ts.control, fx.app, fx.profile, []byte("two"), "text/plain", "")
		ts.advance(t, 5*time.Minute)
		_, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(fx.app),
			EnvironmentId:          aws.String(fx.env),
			ConfigurationProfileId: aws.String(fx.profile),
			ConfigurationVersion:   aws.String("2"),
			DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
		})
		ce := asError[*types.ConflictException](t, err)
		checkStatus(t, err, http.StatusConflict)
		want := "Environment " + fx.env + " currently has a state of DEPLOYING. The current deployment must finish before a new deployment can be started."
		if got := aws.ToString(ce.Message); got != want {
			t.Errorf("Message = %q; want %q", got, want)
		}
	})

	// Of racing StartDeployment calls on one environment exactly one wins;
	// the others get ConflictException (docs/WIRE.md §7.8).
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", "")
		const callers = 6
		var started, conflicts atomic.Int32
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				_, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
					ApplicationId:          aws.String(fx.app),
					EnvironmentId:          aws.String(fx.env),
					ConfigurationProfileId: aws.String(fx.profile),
					ConfigurationVersion:   aws.String("1"),
					DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
				})
				var ce *types.ConflictException
				switch {
				case err == nil:
					started.Add(1)
				case errors.As(err, &ce):
					conflicts.Add(1)
				default:
					t.Errorf("StartDeployment: %v; want success or ConflictException", err)
				}
			})
		}
		wg.Wait()
		if started.Load() != 1 || conflicts.Load() != callers-1 {
			t.Errorf("%d started, %d conflicts; want 1 started, %d conflicts", started.Load(), conflicts.Load(), callers-1)
		}
	})

	// Another profile deploying to the same environment conflicts too:
	// the lock is per environment (docs/WIRE.md §3.10).
	t.Run("ConflictAcrossProfiles", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		other := fixture{app: fx.app, env: fx.env, profile: createProfile(t, ts.control, fx.app, "other")}
		createVersion(t, ts.control, other.app, other.profile, []byte("x"), "text/plain", "")
		_, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(other.app),
			EnvironmentId:          aws.String(other.env),
			ConfigurationProfileId: aws.String(other.profile),
			ConfigurationVersion:   aws.String("1"),
			DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
		})
		asError[*types.ConflictException](t, err)

		// A different environment is free.
		free := fixture{app: fx.app, env: createEnvironment(t, ts.control, fx.app, "other"), profile: other.profile}
		startDeployment(t, ts.control, free, "1", "AppConfig.AllAtOnce")
	})

	// A deployment whose bake has ended counts as complete at once, even
	// before the deployment engine has recorded it.
	t.Run("AfterBakeEnded", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		createVersion(t, ts.control, fx.app, fx.profile, []byte("two"), "text/plain", "")
		ts.clock.Advance(bakeTime) // the engine does not run
		out := startDeployment(t, ts.control, fx, "2", "AppConfig.AllAtOnce")
		if out.DeploymentNumber != 2 {
			t.Errorf("DeploymentNumber = %d; want 2", out.DeploymentNumber)
		}
		if got := getDeployment(t, ts.control, fx, 1); got.State != types.DeploymentStateComplete {
			t.Errorf("deployment 1 State = %s; want COMPLETE", got.State)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("one"), "text/plain", "")
		_, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(fx.app),
			EnvironmentId:          aws.String(fx.env),
			ConfigurationProfileId: aws.String(fx.profile),
			ConfigurationVersion:   aws.String("1"),
			DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
			Description:            aws.String(strings.Repeat("d", 1025)),
		})
		asError[*types.BadRequestException](t, err)
	})
}

// TestDeploymentLifecycle follows an AppConfig.AllAtOnce deployment: 100%
// at once, a 10-minute bake during which the environment is Deploying,
// then COMPLETE and ReadyForDeployment (docs/WIRE.md §3.10, §7.5).
func TestDeploymentLifecycle(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	started := ts.now()
	_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")

	d := getDeployment(t, ts.control, fx, number)
	if d.State != types.DeploymentStateBaking || aws.ToFloat32(d.PercentageComplete) != 100 {
		t.Errorf("during the bake: State %s, PercentageComplete %s; want BAKING, 100", d.State, deref(d.PercentageComplete))
	}
	// Newest first (docs/WIRE.md §3.10 "most recent events are displayed first").
	if got, want := eventTypes(d.EventLog), "BAKE_TIME_STARTED,PERCENTAGE_UPDATED,DEPLOYMENT_STARTED"; got != want {
		t.Errorf("EventLog types = %s; want %s", got, want)
	}
	if d.CompletedAt != nil {
		t.Errorf("CompletedAt = %v; want none during the bake", d.CompletedAt)
	}
	if got, want := environmentState(t, ts.control, fx), "Deploying"; got != want {
		t.Errorf("environment State during the bake = %q; want %q", got, want)
	}

	ts.advance(t, bakeTime-time.Second)
	if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateBaking {
		t.Errorf("a second before the bake ends: State %s; want BAKING", d.State)
	}

	ts.advance(t, time.Second)
	d = getDeployment(t, ts.control, fx, number)
	if d.State != types.DeploymentStateComplete || aws.ToFloat32(d.PercentageComplete) != 100 {
		t.Errorf("after the bake: State %s, PercentageComplete %s; want COMPLETE, 100", d.State, deref(d.PercentageComplete))
	}
	if want := started.Add(bakeTime); d.CompletedAt == nil || !d.CompletedAt.Equal(want) {
		t.Errorf("CompletedAt = %v; want %v", d.CompletedAt, want)
	}
	if got, want := eventTypes(d.EventLog), "DEPLOYMENT_COMPLETED,BAKE_TIME_STARTED,PERCENTAGE_UPDATED,DEPLOYMENT_STARTED"; got != want {
		t.Errorf("EventLog types = %s; want %s", got, want)
	}
	if len(d.EventLog) > 0 {
		ev := d.EventLog[0]
		if ev.TriggeredBy != types.TriggeredByAppconfig || aws.ToString(ev.Description) != "Deployment completed" {
			t.Errorf("EventLog[0] = {TriggeredBy %s Description %q}; want {APPCONFIG %q}", ev.TriggeredBy, aws.ToString(ev.Description), "Deployment completed")
		}
	}
	if got, want := environmentState(t, ts.control, fx), "ReadyForDeployment"; got != want {
		t.Errorf("environment State after the bake = %q; want %q", got, want)
	}

	// The environment is free again.
	createVersion(t, ts.control, fx.app, fx.profile, []byte("two"), "text/plain", "")
	if out := startDeployment(t, ts.control, fx, "2", "AppConfig.AllAtOnce"); out.DeploymentNumber != 2 {
		t.Errorf("next DeploymentNumber = %d; want 2", out.DeploymentNumber)
	}
}

// TestDeploymentGrowth checks the growth steps against the real service's
// recorded timeline (docs/WIRE.md §7.5, "Linear step timing": N steps at k·D/(N+1),
// bake from D) and the model's exponential G·2^k.
func TestDeploymentGrowth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		strategy    func(t *testing.T, ts *testServer) string
		step        time.Duration
		percentages []float32
		bakeAt      time.Duration
		bake        time.Duration
	}{
		{
			name: "Linear25Percent15Minutes",
			strategy: func(t *testing.T, ts *testServer) string {
				out, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
					Name:                        aws.String("linear"),
					DeploymentDurationInMinutes: aws.Int32(15),
					GrowthFactor:                aws.Float32(25),
					GrowthType:                  types.GrowthTypeLinear,
				})
				if err != nil {
					t.Fatalf("CreateDeploymentStrategy: %v", err)
				}
				return aws.ToString(out.Id)
			},
			step:        3 * time.Minute,
			percentages: []float32{25, 50, 75, 100},
			bakeAt:      15 * time.Minute,
			bake:        0,
		},
		{
			name:        "Canary10Percent20Minutes",
			strategy:    func(*testing.T, *testServer) string { return "AppConfig.Canary10Percent20Minutes" },
			step:        20 * time.Minute / 6,
			percentages: []float32{10, 20, 40, 80, 100},
			bakeAt:      20 * time.Minute,
			bake:        10 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t)
			fx := newFixture(t, ts.control)
			createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", "")
			strategy := tt.strategy(t, ts)
			start := startDeployment(t, ts.control, fx, "1", strategy)
			n := start.DeploymentNumber

			elapsed := time.Duration(0)
			for i, want := range tt.percentages {
				ts.advance(t, tt.step-time.Second)
				d := getDeployment(t, ts.control, fx, n)
				var before float32
				if i > 0 {
					before = tt.percentages[i-1]
				}
				if got := aws.ToFloat32(d.PercentageComplete); got != before || d.State != types.DeploymentStateDeploying {
					t.Errorf("just before step %d: %s at %g%%; want DEPLOYING at %g%%", i+1, d.State, got, before)
				}
				ts.advance(t, time.Second)
				elapsed += tt.step
				d = getDeployment(t, ts.control, fx, n)
				if got := aws.ToFloat32(d.PercentageComplete); got != want || d.State != types.DeploymentStateDeploying {
					t.Errorf("at %v: %s at %g%%; want DEPLOYING at %g%%", elapsed, d.State, got, want)
				}
				if ev := d.EventLog[0]; ev.EventType != types.DeploymentEventTypePercentageUpdated ||
					aws.ToString(ev.Description) != fmt.Sprintf("Configuration available to %.2f%% of clients", want) {
					t.Errorf("at %v: newest event {%s %q}; want {PERCENTAGE_UPDATED %q}", elapsed, ev.EventType, aws.ToString(ev.Description), fmt.Sprintf("Configuration available to %.2f%% of clients", want))
				}
				if got := environmentState(t, ts.control, fx); got != "Deploying" {
					t.Errorf("at %v: environment State %q; want Deploying", elapsed, got)
				}
			}

			ts.advance(t, tt.bakeAt-elapsed)
			d := getDeployment(t, ts.control, fx, n)
			wantState := types.DeploymentStateBaking
			if tt.bake == 0 {
				wantState = types.DeploymentStateComplete
			}
			if d.State != wantState {
				t.Errorf("at %v: State %s; want %s", tt.bakeAt, d.State, wantState)
			}
			ts.advance(t, tt.bake)
			d = getDeployment(t, ts.control, fx, n)
			if d.State != types.DeploymentStateComplete {
				t.Errorf("after the bake: State %s; want COMPLETE", d.State)
			}
			var updates []string
			for _, ev := range d.EventLog {
				if ev.EventType == types.DeploymentEventTypePercentageUpdated {
					updates = append(updates, aws.ToString(ev.Description))
				}
			}
			if len(updates) != len(tt.percentages) {
				t.Errorf("%d PERCENTAGE_UPDATED events; want %d: %q", len(updates), len(tt.percentages), updates)
			}
			if got, want := environmentState(t, ts.control, fx), "ReadyForDeployment"; got != want {
				t.Errorf("environment State = %q; want %q", got, want)
			}
		})
	}
}

func TestGetDeployment(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "label-1")

	t.Run("Found", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String(fx.env),
			DeploymentNumber: aws.Int32(1),
		})
		if err != nil {
			t.Fatalf("GetDeployment: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
		if out.DeploymentNumber != 1 || aws.ToString(out.ConfigurationVersion) != "1" || aws.ToString(out.VersionLabel) != "label-1" ||
			aws.ToString(out.DeploymentStrategyId) != "AppConfig.AllAtOnce" || aws.ToString(out.ConfigurationName) != "profile" {
			t.Errorf("GetDeployment = {DeploymentNumber %d ConfigurationVersion %q VersionLabel %q DeploymentStrategyId %q ConfigurationName %q}; want {1 1 label-1 AppConfig.AllAtOnce profile}",
				out.DeploymentNumber, aws.ToString(out.ConfigurationVersion), aws.ToString(out.VersionLabel), aws.ToString(out.DeploymentStrategyId), aws.ToString(out.ConfigurationName))
		}
	})

	t.Run("UnknownNumber", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String(fx.env),
			DeploymentNumber: aws.Int32(2),
		})
		asError[*types.ResourceNotFoundException](t, err)
		checkStatus(t, err, http.StatusNotFound)
	})

	t.Run("UnknownEnvironment", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String("nosuch1"),
			DeploymentNumber: aws.Int32(1),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestListDeployments(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	for i := 1; i <= 3; i++ {
		deployVersion(t, ts.control, fx, []byte(fmt.Sprint(i)), "text/plain", fmt.Sprintf("v%d", i))
		ts.advance(t, bakeTime)
	}

	p := appconfig.NewListDeploymentsPaginator(ts.control, &appconfig.ListDeploymentsInput{
		ApplicationId: aws.String(fx.app),
		EnvironmentId: aws.String(fx.env),
		MaxResults:    aws.Int32(2),
	})
	var items []types.DeploymentSummary
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		pages++
		items = append(items, page.Items...)
	}
	if pages != 2 {
		t.Errorf("pages = %d; want 2", pages)
	}
	var numbers []string
	for _, it := range items {
		numbers = append(numbers, fmt.Sprint(it.DeploymentNumber))
	}
	// Descending deployment number (docs/WIRE.md §0 fact 20).
	if got, want := strings.Join(numbers, ","), "3,2,1"; got != want {
		t.Fatalf("DeploymentNumbers = %s; want %s", got, want)
	}
	newest := items[0]
	if newest.State != types.DeploymentStateComplete || aws.ToFloat32(newest.PercentageComplete) != 100 ||
		aws.ToString(newest.ConfigurationVersion) != "3" || aws.ToString(newest.VersionLabel) != "v3" ||
		aws.ToString(newest.ConfigurationName) != "profile" ||
		newest.FinalBakeTimeInMinutes != 10 || newest.GrowthType != types.GrowthTypeLinear || aws.ToFloat32(newest.GrowthFactor) != 100 ||
		newest.StartedAt == nil || newest.CompletedAt == nil {
		t.Errorf("Items[0] = %+v; want deployment 3 of version 3 (v3), COMPLETE at 100%%, with the AllAtOnce numbers and both timestamps", newest)
	}

	t.Run("UnknownEnvironment", func(t *testing.T) {
		_, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String("nosuch1")})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("MaxResults0", func(t *testing.T) {
		_, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env), MaxResults: aws.Int32(0)})
		asError[*types.BadRequestException](t, err)
	})
}

func TestStopDeployment(t *testing.T) {
	t.Parallel()

	stop := func(t *testing.T, ts *testServer, fx fixture, number int32, allowRevert bool) (*appconfig.StopDeploymentOutput, error) {
		t.Helper()
		in := &appconfig.StopDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String(fx.env),
			DeploymentNumber: aws.Int32(number),
		}
		if allowRevert {
			in.AllowRevert = aws.Bool(true)
		}
		return ts.control.StopDeployment(ctx(t), in)
	}

	// Stopping a deployment in progress rolls it back (docs/WIRE.md §3.10), and the
	// environment shows RolledBack (docs/WIRE.md §7.5). The state is read back
	// with GetDeployment: the real service's 202 body of StopDeployment
	// holds only zero values (docs/WIRE.md §7.5, "StopDeployment 202 body"), so
	// clients cannot rely on it.
	t.Run("DuringBake", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		ts.advance(t, time.Minute)
		out, err := stop(t, ts, fx, number, false)
		if err != nil {
			t.Fatalf("StopDeployment: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusAccepted)
		d := getDeployment(t, ts.control, fx, number)
		if d.State != types.DeploymentStateRolledBack {
			t.Errorf("GetDeployment State = %s; want ROLLED_BACK", d.State)
		}
		if got, want := eventTypes(d.EventLog), "ROLLBACK_COMPLETED,ROLLBACK_STARTED,BAKE_TIME_STARTED,PERCENTAGE_UPDATED,DEPLOYMENT_STARTED"; got != want {
			t.Errorf("EventLog types = %s; want %s", got, want)
		}
		if len(d.EventLog) > 1 && d.EventLog[1].TriggeredBy != types.TriggeredByUser {
			t.Errorf("ROLLBACK_STARTED TriggeredBy = %s; want USER", d.EventLog[1].TriggeredBy)
		}
		if got, want := environmentState(t, ts.control, fx), "RolledBack"; got != want {
			t.Errorf("environment State = %q; want %q", got, want)
		}
		// The bake no longer runs: the deployment stays rolled back.
		ts.advance(t, bakeTime)
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateRolledBack {
			t.Errorf("after the bake would have ended: State %s; want ROLLED_BACK", d.State)
		}
		// A rolled-back environment takes new deployments.
		if out := startDeployment(t, ts.control, fx, "1", "AppConfig.AllAtOnce"); out.DeploymentNumber != number+1 {
			t.Errorf("next DeploymentNumber = %d; want %d", out.DeploymentNumber, number+1)
		}
	})

	// Stopping with AllowRevert during the deployment also rolls back
	// (docs/WIRE.md §3.10 "the status of an in-progress deployment will be
	// ROLLED_BACK").
	t.Run("DuringBakeWithAllowRevert", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		if _, err := stop(t, ts, fx, number, true); err != nil {
			t.Fatalf("StopDeployment: %v", err)
		}
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateRolledBack {
			t.Errorf("State = %s; want ROLLED_BACK", d.State)
		}
	})

	// A completed deployment can be reverted with AllowRevert within 72
	// hours (docs/WIRE.md §3.10); the environment shows Reverted.
	t.Run("RevertCompleted", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		ts.advance(t, bakeTime)

		_, err := stop(t, ts, fx, number, false)
		asError[*types.BadRequestException](t, err)
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateComplete {
			t.Errorf("after a refused stop: State %s; want COMPLETE", d.State)
		}

		ts.advance(t, 71*time.Hour)
		out, err := stop(t, ts, fx, number, true)
		if err != nil {
			t.Fatalf("StopDeployment with AllowRevert: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusAccepted)
		d := getDeployment(t, ts.control, fx, number)
		if d.State != types.DeploymentStateReverted {
			t.Errorf("GetDeployment State = %s; want REVERTED", d.State)
		}
		if len(d.EventLog) == 0 || d.EventLog[0].EventType != types.DeploymentEventTypeRevertCompleted {
			t.Errorf("EventLog types = %s; want REVERT_COMPLETED first", eventTypes(d.EventLog))
		}
		if got, want := environmentState(t, ts.control, fx), "Reverted"; got != want {
			t.Errorf("environment State = %q; want %q", got, want)
		}
	})

	t.Run("RevertAfter72Hours", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		ts.advance(t, bakeTime)
		ts.advance(t, 72*time.Hour+time.Second)
		_, err := stop(t, ts, fx, number, true)
		asError[*types.BadRequestException](t, err)
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateComplete {
			t.Errorf("after a refused revert: State %s; want COMPLETE", d.State)
		}
	})

	t.Run("AlreadyRolledBack", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
		if _, err := stop(t, ts, fx, number, false); err != nil {
			t.Fatalf("StopDeployment: %v", err)
		}
		_, err := stop(t, ts, fx, number, false)
		asError[*types.BadRequestException](t, err)
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		_, err := stop(t, ts, fx, 1, false)
		asError[*types.ResourceNotFoundException](t, err)
		checkStatus(t, err, http.StatusNotFound)
	})
}

// TestEnvironmentReadyForDeploymentWaiter runs the SDK's waiter against a
// server whose deployment time runs 200 times faster, so the 10-minute
// bake of AppConfig.AllAtOnce takes 3 s (long enough for a loaded machine
// to read the state in between) and the deployment engine ends it on its
// own.
func TestEnvironmentReadyForDeploymentWaiter(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withRealClock(200))
	fx := newFixture(t, ts.control)
	start := time.Now()
	deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
	if got, want := environmentState(t, ts.control, fx), "Deploying"; got != want {
		t.Errorf("environment State right after StartDeployment = %q; want %q", got, want)
	}

	w := appconfig.NewEnvironmentReadyForDeploymentWaiter(ts.control, func(o *appconfig.EnvironmentReadyForDeploymentWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 200 * time.Millisecond
	})
	out, err := w.WaitForOutput(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)}, 20*time.Second)
	if err != nil {
		t.Fatalf("EnvironmentReadyForDeployment waiter: %v", err)
	}
	if got, want := string(out.State), "ReadyForDeployment"; got != want {
		t.Errorf("State = %q; want %q", got, want)
	}
	if elapsed := time.Since(start); elapsed < 2900*time.Millisecond {
		t.Errorf("the waiter returned after %v; the scaled bake lasts 3s", elapsed)
	}
	if d := getDeployment(t, ts.control, fx, 1); d.State != types.DeploymentStateComplete {
		t.Errorf("deployment State = %s; want COMPLETE", d.State)
	}
}

// TestEnvironmentReadyForDeploymentWaiterFails checks that a rolled-back
// environment makes the waiter fail rather than spin (waiter failure state
// RolledBack, docs/WIRE.md §3.1).
func TestEnvironmentReadyForDeploymentWaiterFails(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")
	if _, err := ts.control.StopDeployment(ctx(t), &appconfig.StopDeploymentInput{
		ApplicationId:    aws.String(fx.app),
		EnvironmentId:    aws.String(fx.env),
		DeploymentNumber: aws.Int32(number),
	}); err != nil {
		t.Fatalf("StopDeployment: %v", err)
	}
	w := appconfig.NewEnvironmentReadyForDeploymentWaiter(ts.control, func(o *appconfig.EnvironmentReadyForDeploymentWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 200 * time.Millisecond
	})
	err := w.Wait(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)}, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "Failure") {
		t.Errorf("waiter error = %v; want the waiter's failure state", err)
	}
}

func TestDeploymentCompleteWaiter(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withRealClock(600))
	fx := newFixture(t, ts.control)
	_, number := deployVersion(t, ts.control, fx, []byte("one"), "text/plain", "")

	w := appconfig.NewDeploymentCompleteWaiter(ts.control, func(o *appconfig.DeploymentCompleteWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 200 * time.Millisecond
	})
	out, err := w.WaitForOutput(ctx(t), &appconfig.GetDeploymentInput{
		ApplicationId:    aws.String(fx.app),
		EnvironmentId:    aws.String(fx.env),
		DeploymentNumber: aws.Int32(number),
	}, 20*time.Second)
	if err != nil {
		t.Fatalf("DeploymentComplete waiter: %v", err)
	}
	if out.State != types.DeploymentStateComplete {
		t.Errorf("State = %s; want COMPLETE", out.State)
	}
}
