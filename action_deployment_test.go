package appconfigd_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// actionFixture is a service whose extension actions go to a fake
// invoker, with an application, environment, profile and hosted version.
type actionFixture struct {
	svc     *appconfigd.Service
	clock   *apptest.Clock
	inv     *fakeInvoker
	app     *appconfigd.Application
	env     *appconfigd.Environment
	profile *appconfigd.ConfigurationProfile
}

func newActionFixture(t *testing.T, answers map[string]*appconfigd.ActionResponse) *actionFixture {
	t.Helper()
	ctx := t.Context()
	f := &actionFixture{clock: apptest.NewClock(time.Time{}), inv: &fakeInvoker{answers: answers}}
	f.svc = apptest.NewService(t, newSQLiteStore(t), f.clock, nil, func(s *appconfigd.Service) { s.Actions = f.inv })
	f.app = must(f.svc.CreateApplication(ctx, &appconfigd.Application{Name: "shop"}, nil))
	f.env = must(f.svc.CreateEnvironment(ctx, f.app.ID, &appconfigd.Environment{Name: "prod"}, nil))
	f.profile = must(f.svc.CreateConfigurationProfile(ctx, f.app.ID, &appconfigd.ConfigurationProfile{Name: "settings", LocationURI: "hosted"}, nil))
	must(f.svc.CreateHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, &appconfigd.HostedConfigurationVersion{Content: []byte(`{"v":1}`), ContentType: "application/json"}, nil))
	return f
}

// associate creates extension name with one action per point, at
// http://<name>.test/<point>, and associates it with the environment.
func (f *actionFixture) associate(t *testing.T, name string, points ...appconfigd.ActionPoint) {
	t.Helper()
	ext := &appconfigd.Extension{Name: name, Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{}}
	for _, p := range points {
		ext.Actions[p] = []appconfigd.ExtensionAction{{Name: string(p), URI: "http://" + name + ".test/" + string(p)}}
	}
	must(f.svc.CreateExtension(t.Context(), ext, nil, nil))
	must(f.svc.CreateExtensionAssociation(t.Context(), appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: name, ResourceIdentifier: f.svc.EnvironmentARN(f.app.ID, f.env.ID),
	}))
}

// start deploys version 1 with a strategy of duration minutes in two
// linear steps, then bake minutes of bake.
func (f *actionFixture) start(t *testing.T, duration, bake int) *appconfigd.Deployment {
	t.Helper()
	st := must(f.svc.CreateDeploymentStrategy(t.Context(), &appconfigd.DeploymentStrategy{
		Name: "halves", DeploymentDurationInMinutes: duration, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 50, FinalBakeTimeInMinutes: bake,
	}, nil))
	return must(f.svc.StartDeployment(t.Context(), f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: st.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: "1", Description: "weekly",
	}))
}

// advance moves the clock by d, lets the engine pass twice, as two
// wake-ups at the same time would, and waits for the actions it queued.
func (f *actionFixture) advance(t *testing.T, d time.Duration) {
	t.Helper()
	f.clock.Advance(d)
	for range 2 {
		if _, err := f.svc.AdvanceDeployments(t.Context()); err != nil {
			t.Fatalf("AdvanceDeployments: %v", err)
		}
	}
	appconfigd.WaitForActions(f.svc)
}

// points returns the action points of the requests the invoker got.
func (f *actionFixture) points() []appconfigd.ActionPoint {
	f.inv.mu.Lock()
	defer f.inv.mu.Unlock()
	var out []appconfigd.ActionPoint
	for _, r := range f.inv.reqs {
		out = append(out, r.Point)
	}
	return out
}

func TestOnDeploymentActions(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, map[string]*appconfigd.ActionResponse{
		"http://notify.test/ON_DEPLOYMENT_BAKING": {Error: "Throttled", Message: "try later"},
	})
	f.associate(t, "notify", appconfigd.ActionOnDeploymentStart, appconfigd.ActionOnDeploymentStep,
		appconfigd.ActionOnDeploymentBaking, appconfigd.ActionOnDeploymentComplete)
	d := f.start(t, 3, 1)
	for range 5 {
		f.advance(t, time.Minute)
	}
	// Waiting for the queue makes the test see every action.
	f.svc.StopActions(t.Context())

	want := []appconfigd.ActionPoint{
		appconfigd.ActionOnDeploymentStart, appconfigd.ActionOnDeploymentStep, appconfigd.ActionOnDeploymentStep,
		appconfigd.ActionOnDeploymentBaking, appconfigd.ActionOnDeploymentComplete,
	}
	if diff := cmp.Diff(want, f.points()); diff != "" {
		t.Fatalf("actions run (-want +got), each once and in order:\n%s", diff)
	}
	first := f.inv.reqs[0]
	if first.Environment.Name != "prod" || first.Application.Name != "shop" || first.DeploymentNumber != 1 ||
		first.Description != "weekly" || first.ConfigurationVersion != "1" || first.Content != nil {
		t.Errorf("ON_DEPLOYMENT_START event = %+v, want the deployment's names, number, description and version, no content", first.ActionEvent)
	}

	got := must(f.svc.GetDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber))
	if got.State != appconfigd.DeploymentComplete {
		t.Fatalf("state = %s, want COMPLETE: a failed ON_ action does not stop the deployment", got.State)
	}
	for i, e := range got.EventLog {
		if len(e.ActionInvocations) != 1 {
			t.Errorf("event %d (%s) has %d invocations, want 1", i, e.EventType, len(e.ActionInvocations))
			continue
		}
		inv := e.ActionInvocations[0]
		if inv.InvocationID != f.inv.reqs[i].InvocationID || inv.ActionName != string(want[i]) || inv.URI != "http://notify.test/"+string(want[i]) {
			t.Errorf("event %d (%s) invocation = %+v, want that of request %+v", i, e.EventType, inv, f.inv.reqs[i].Action)
		}
		failed := e.EventType == appconfigd.EventBakeTimeStarted
		if failed != (inv.ErrorCode == "Throttled" && inv.ErrorMessage == "try later") {
			t.Errorf("event %d (%s) invocation error = %q %q", i, e.EventType, inv.ErrorCode, inv.ErrorMessage)
		}
	}
}

func TestOnDeploymentRolledBackActions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		allowRevert bool
		before      time.Duration
		event       appconfigd.EventType
	}{
		{"Stop", false, time.Minute, appconfigd.EventRollbackCompleted},
		{"Revert", true, 10 * time.Minute, appconfigd.EventRevertCompleted},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newActionFixture(t, nil)
			f.associate(t, "notify", appconfigd.ActionOnDeploymentRolledBack)
			d := f.start(t, 3, 1)
			f.advance(t, c.before)
			must(f.svc.StopDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber, c.allowRevert))
			f.svc.StopActions(t.Context())

			if diff := cmp.Diff([]appconfigd.ActionPoint{appconfigd.ActionOnDeploymentRolledBack}, f.points()); diff != "" {
				t.Errorf("actions run (-want +got):\n%s", diff)
			}
			got := must(f.svc.GetDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber))
			last := got.EventLog[len(got.EventLog)-1]
			if last.EventType != c.event || len(last.ActionInvocations) != 1 {
				t.Errorf("last event = %+v, want %s with the invocation", last, c.event)
			}
		})
	}
}

func TestAtDeploymentTick(t *testing.T) {
	t.Parallel()
	t.Run("TicksEveryMinuteWhileInProgress", func(t *testing.T) {
		t.Parallel()
		f := newActionFixture(t, nil)
		f.associate(t, "monitor", appconfigd.ActionAtDeploymentTick)
		d := f.start(t, 2, 1)
		next := must(f.svc.AdvanceDeployments(t.Context()))
		if want := d.StartedAt.Add(40 * time.Second); !next.Equal(want) {
			t.Errorf("next wake-up = %v, want the first step at %v", next, want)
		}
		f.advance(t, 30*time.Second)
		if n := len(f.points()); n != 0 {
			t.Errorf("%d ticks after 30 s, want none", n)
		}
		f.advance(t, 30*time.Second)
		f.advance(t, time.Minute)
		f.advance(t, time.Minute) // complete: no more ticks
		f.advance(t, time.Minute)
		f.svc.StopActions(t.Context())
		want := []appconfigd.ActionPoint{appconfigd.ActionAtDeploymentTick, appconfigd.ActionAtDeploymentTick}
		if diff := cmp.Diff(want, f.points()); diff != "" {
			t.Errorf("ticks (-want +got), one a minute while DEPLOYING or BAKING:\n%s", diff)
		}
		got := must(f.svc.GetDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber))
		if got.State != appconfigd.DeploymentComplete {
			t.Errorf("state = %s, want COMPLETE", got.State)
		}
	})

	for _, c := range []struct {
		name   string
		answer *appconfigd.ActionResponse
		reason string
	}{
		{"RollBackDirective", &appconfigd.ActionResponse{Directive: appconfigd.ActionRollBack, Description: "p99 latency above 2 s"},
			"Extension monitor rolled the deployment back: p99 latency above 2 s"},
		{"FailedAction", &appconfigd.ActionResponse{Error: "Unreachable", Message: "connection refused"},
			"Extension monitor failed at AT_DEPLOYMENT_TICK: connection refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newActionFixture(t, map[string]*appconfigd.ActionResponse{"http://monitor.test/AT_DEPLOYMENT_TICK": c.answer})
			f.associate(t, "monitor", appconfigd.ActionAtDeploymentTick)
			f.associate(t, "notify", appconfigd.ActionOnDeploymentRolledBack)
			d := f.start(t, 3, 1)
			f.advance(t, time.Minute)
			f.svc.StopActions(t.Context())

			got := must(f.svc.GetDeployment(t.Context(), f.app.ID, f.env.ID, d.DeploymentNumber))
			if got.State != appconfigd.DeploymentRolledBack {
				t.Fatalf("state = %s, want ROLLED_BACK", got.State)
			}
			started := got.EventLog[len(got.EventLog)-2]
			if started.EventType != appconfigd.EventRollbackStarted || started.TriggeredBy != appconfigd.TriggeredByAppConfig || started.Description != c.reason {
				t.Errorf("rollback event = %+v, want ROLLBACK_STARTED by APPCONFIG: %q", started, c.reason)
			}
			if len(started.ActionInvocations) != 1 || started.ActionInvocations[0].ActionName != string(appconfigd.ActionAtDeploymentTick) {
				t.Errorf("rollback event invocations = %+v, want the tick's", started.ActionInvocations)
			}
			want := []appconfigd.ActionPoint{appconfigd.ActionAtDeploymentTick, appconfigd.ActionOnDeploymentRolledBack}
			if diff := cmp.Diff(want, f.points()); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPreStartDeploymentActions(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, map[string]*appconfigd.ActionResponse{
		"http://gate.test/PRE_START_DEPLOYMENT": {Error: "ChangeFreeze", Message: "no deployments on Fridays", Details: `{"until":"Monday"}`},
	})
	f.associate(t, "gate", appconfigd.ActionPreStartDeployment)
	st := must(f.svc.CreateDeploymentStrategy(t.Context(), &appconfigd.DeploymentStrategy{Name: "now", GrowthType: appconfigd.GrowthLinear, GrowthFactor: 100}, nil))
	_, err := f.svc.StartDeployment(t.Context(), f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: st.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: "1",
	})
	wantErrorCode(t, "StartDeployment blocked by its PRE_START_DEPLOYMENT action", err, appconfigd.EBadRequest,
		"Error invoking extension gate: no deployments on Fridays")
	if list := must(f.svc.ListDeployments(t.Context(), f.app.ID, f.env.ID, appconfigd.ListInput{})); len(list.Items) != 0 {
		t.Errorf("deployments after a blocked start = %d, want none", len(list.Items))
	}
	req := f.inv.reqs[0]
	if req.DeploymentNumber != 1 || string(req.Content) != `{"v":1}` || req.ContentType != "application/json" || req.Environment.Name != "prod" {
		t.Errorf("PRE_START_DEPLOYMENT event = %+v, want deployment 1 with the version's content", req.ActionEvent)
	}
}

func TestPreStartDeploymentActionsRunOnlyWhenTheDeploymentCanStart(t *testing.T) {
	t.Parallel()
	f := newActionFixture(t, nil)
	f.associate(t, "gate", appconfigd.ActionPreStartDeployment)
	st := must(f.svc.CreateDeploymentStrategy(t.Context(), &appconfigd.DeploymentStrategy{
		Name: "slow", DeploymentDurationInMinutes: 10, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 50,
	}, nil))
	start := func(latest *int) error {
		_, err := f.svc.StartDeployment(t.Context(), f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: st.ID, ConfigurationProfileID: f.profile.ID, ConfigurationVersion: "1", LatestDeploymentNumber: latest,
		})
		return err
	}
	wantCalls := func(what string, want int) {
		t.Helper()
		f.inv.mu.Lock()
		defer f.inv.mu.Unlock()
		if len(f.inv.reqs) != want {
			t.Errorf("%s: PRE_START_DEPLOYMENT calls = %d, want %d", what, len(f.inv.reqs), want)
		}
	}
	if err := start(nil); err != nil {
		t.Fatalf("first StartDeployment: %v", err)
	}
	wantCalls("first deployment", 1)

	wantErrorCode(t, "StartDeployment while one is in progress", start(nil), appconfigd.EConflict, "DEPLOYING")
	wantCalls("deployment refused while one is in progress", 1)

	f.clock.Advance(10 * time.Minute)
	zero := 0
	wantErrorCode(t, "StartDeployment with a stale LatestDeploymentNumber", start(&zero), appconfigd.EConflict, "LatestDeploymentNumber 0")
	wantCalls("deployment refused for its LatestDeploymentNumber", 1)

	one := 1
	if err := start(&one); err != nil {
		t.Fatalf("StartDeployment after the first completed: %v", err)
	}
	wantCalls("second deployment", 2)
	if got := f.inv.reqs[1].DeploymentNumber; got != 2 {
		t.Errorf("second PRE_START_DEPLOYMENT DeploymentNumber = %d, want 2", got)
	}
}

func TestPreCreateHostedConfigurationVersionActions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newActionFixture(t, nil)
	ext := &appconfigd.Extension{Name: "scrub", Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
		appconfigd.ActionPreCreateHostedConfigurationVersion: {{Name: "scrub", URI: "http://scrub.test/"}},
	}}
	must(f.svc.CreateExtension(ctx, ext, nil, nil))
	must(f.svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: "scrub", ResourceIdentifier: f.svc.ConfigurationProfileARN(f.app.ID, f.profile.ID),
	}))
	create := func(content string) (*appconfigd.HostedConfigurationVersion, error) {
		return f.svc.CreateHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID,
			&appconfigd.HostedConfigurationVersion{Content: []byte(content), ContentType: "application/json", Description: "v2"}, nil)
	}

	f.inv.answers = map[string]*appconfigd.ActionResponse{"http://scrub.test/": {HasContent: true, Content: []byte(`{"password":"***"}`)}}
	v := must(create(`{"password":"hunter2"}`))
	stored := must(f.svc.GetHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, v.VersionNumber))
	if string(stored.Content) != `{"password":"***"}` {
		t.Errorf("stored content = %s, want what the action returned", stored.Content)
	}
	req := f.inv.reqs[0]
	if string(req.Content) != `{"password":"hunter2"}` || req.Description != "v2" || req.Environment.ID != "" || req.DeploymentNumber != 0 {
		t.Errorf("PRE_CREATE_HOSTED_CONFIGURATION_VERSION event = %+v, want the request's content and description, no environment or deployment", req.ActionEvent)
	}

	f.inv.answers = map[string]*appconfigd.ActionResponse{"http://scrub.test/": {HasContent: true, Content: nil}}
	_, err := create(`{}`)
	wantErrorCode(t, "action returning empty content", err, appconfigd.EBadRequest, "Error invoking extension scrub:", "Content")

	tooLarge := bytes.Repeat([]byte("x"), f.svc.Limits.HostedConfigurationSizeBytes+1)
	f.inv.answers = map[string]*appconfigd.ActionResponse{"http://scrub.test/": {HasContent: true, Content: tooLarge}}
	_, err = create(`{}`)
	wantErrorCode(t, "action returning content over the size limit", err, appconfigd.EBadRequest, "Error invoking extension scrub:", "exceeds the maximum size")

	f.inv.answers = map[string]*appconfigd.ActionResponse{"http://scrub.test/": {Error: "Secret", Message: "a secret is in the configuration"}}
	_, err = create(`{}`)
	wantErrorCode(t, "blocking action", err, appconfigd.EBadRequest, "Error invoking extension scrub: a secret is in the configuration")
	if list := must(f.svc.ListHostedConfigurationVersions(ctx, f.app.ID, f.profile.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{})); len(list.Items) != 2 {
		t.Errorf("versions = %d, want 2: refused versions are not stored", len(list.Items))
	}
}

func TestExtensionActionURIsAreChecked(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ext := &appconfigd.Extension{Name: "hook", Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
		appconfigd.ActionOnDeploymentComplete: {{Name: "tell", URI: "http://:8080/done"}},
	}}
	_, err := svc.CreateExtension(t.Context(), ext, nil, nil)
	wantErrorCode(t, "CreateExtension with a URL without host", err, appconfigd.EBadRequest, "ON_DEPLOYMENT_COMPLETE", "tell", "host")
	ext.Actions[appconfigd.ActionOnDeploymentComplete][0].URI = "http://:80/done"
	_, err = svc.CreateExtension(t.Context(), ext, nil, nil)
	wantErrorCode(t, "CreateExtension with a URL with a port and no host", err, appconfigd.EBadRequest, "ON_DEPLOYMENT_COMPLETE", "tell", "host")
	ext.Actions[appconfigd.ActionOnDeploymentComplete][0].URI = "ftp://hooks.example.com/done"
	_, err = svc.CreateExtension(t.Context(), ext, nil, nil)
	wantErrorCode(t, "CreateExtension with an ftp URL", err, appconfigd.EBadRequest, "ON_DEPLOYMENT_COMPLETE", "tell", "http(s)")

	ext.Actions[appconfigd.ActionOnDeploymentComplete][0].URI = "https://hooks.example.com/done"
	must(svc.CreateExtension(t.Context(), ext, nil, nil))
	bad := map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{appconfigd.ActionOnDeploymentStart: {{Name: "begin", URI: "http://:1/"}}}
	_, err = svc.UpdateExtension(t.Context(), "hook", appconfigd.ExtensionUpdate{Actions: bad})
	wantErrorCode(t, "UpdateExtension with a URL without host", err, appconfigd.EBadRequest, "ON_DEPLOYMENT_START", "begin")
}
