package appconfigd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
)

// customExtension returns an extension acting before deployments, with a
// required and a dynamic parameter.
func customExtension(name string) *appconfigd.Extension {
	return &appconfigd.Extension{
		Name: name,
		Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
			appconfigd.ActionPreStartDeployment: {{Name: "check", URI: "https://hooks.example.com/check"}},
		},
		Parameters: map[string]appconfigd.ExtensionParameter{
			"bucket": {Required: true},
			"ticket": {Dynamic: true},
		},
	}
}

// wantErrorCode fails the test unless err is an *appconfigd.Error with
// code whose message contains every one of words.
func wantErrorCode(t *testing.T, what string, err error, code appconfigd.ErrorCode, words ...string) {
	t.Helper()
	var e *appconfigd.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("%s: error = %v, want code %s", what, err, code)
	}
	for _, w := range words {
		if !strings.Contains(e.Message, w) {
			t.Errorf("%s: message %q does not mention %q", what, e.Message, w)
		}
	}
}

func TestExtensionValidation(t *testing.T) {
	t.Parallel()
	action := []appconfigd.ExtensionAction{{Name: "a", URI: "https://example.com/a"}}
	cases := []struct {
		name  string
		edit  func(e *appconfigd.Extension)
		words []string
	}{
		{"NameWithSlash", func(e *appconfigd.Extension) { e.Name = "a/b" }, []string{"Name"}},
		{"NameTooLong", func(e *appconfigd.Extension) { e.Name = strings.Repeat("n", 65) }, []string{"Name"}},
		{"ReservedName", func(e *appconfigd.Extension) { e.Name = "AWS.Mine" }, []string{"reserved"}},
		{"NoActions", func(e *appconfigd.Extension) { e.Actions = nil }, []string{"Actions", "1 to 5"}},
		{"SixActionPoints", func(e *appconfigd.Extension) {
			for _, p := range appconfigd.ActionPoints()[:6] {
				e.Actions[p] = action
			}
		}, []string{"1 to 5"}},
		{"UnknownActionPoint", func(e *appconfigd.Extension) { e.Actions["ON_LUNCH"] = action }, []string{"ON_LUNCH"}},
		{"TwoActionsAtOnePoint", func(e *appconfigd.Extension) {
			e.Actions[appconfigd.ActionPreStartDeployment] = append(action, action...)
		}, []string{"exactly one"}},
		{"ActionWithoutURI", func(e *appconfigd.Extension) {
			e.Actions[appconfigd.ActionPreStartDeployment] = []appconfigd.ExtensionAction{{Name: "a"}}
		}, []string{"Uri"}},
		{"BadRoleARN", func(e *appconfigd.Extension) {
			e.Actions[appconfigd.ActionPreStartDeployment] = []appconfigd.ExtensionAction{{Name: "a", URI: "https://x/", RoleARN: "role"}}
		}, []string{"RoleArn"}},
		{"ParameterNameWithHash", func(e *appconfigd.Extension) { e.Parameters["a#b"] = appconfigd.ExtensionParameter{} }, []string{"a#b"}},
		{"ElevenParameters", func(e *appconfigd.Extension) {
			for _, n := range strings.Split("a b c d e f g h i", " ") {
				e.Parameters[n] = appconfigd.ExtensionParameter{}
			}
		}, []string{"at most 10"}},
		{"RequiredDynamicParameter", func(e *appconfigd.Extension) {
			e.Parameters["both"] = appconfigd.ExtensionParameter{Required: true, Dynamic: true}
		}, []string{"both", "Required", "Dynamic"}},
		{"LongDescription", func(e *appconfigd.Extension) { e.Description = strings.Repeat("d", 1025) }, []string{"Description"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := customExtension("valid")
			c.edit(e)
			wantErrorCode(t, "Validate", e.Validate(), appconfigd.EBadRequest, c.words...)
		})
	}
	t.Run("Valid", func(t *testing.T) {
		t.Parallel()
		e := customExtension("valid")
		e.Actions[appconfigd.ActionAtDeploymentTick] = []appconfigd.ExtensionAction{{Name: "lambda", URI: "arn:aws:lambda:us-east-1:111122223333:function:f", RoleARN: "arn:aws:iam::111122223333:role/R"}}
		if err := e.Validate(); err != nil {
			t.Errorf("Validate() = %v, want nil", err)
		}
	})
}

func TestCreateExtensionVersions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	v1 := must(svc.CreateExtension(ctx, customExtension("backup"), nil, map[string]string{"team": "a"}))
	if v1.VersionNumber != 1 || v1.ID == "" {
		t.Fatalf("first create = version %d, ID %q; want version 1 with an ID", v1.VersionNumber, v1.ID)
	}

	t.Run("ExistingNameWithoutLatestVersionNumberConflicts", func(t *testing.T) {
		_, err := svc.CreateExtension(ctx, customExtension("backup"), nil, nil)
		wantErrorCode(t, "CreateExtension", err, appconfigd.EConflict, "backup", "Latest-Version-Number")
	})
	t.Run("WrongLatestVersionNumberConflicts", func(t *testing.T) {
		_, err := svc.CreateExtension(ctx, customExtension("backup"), new(int(7)), nil)
		wantErrorCode(t, "CreateExtension", err, appconfigd.EConflict, "7")
	})
	t.Run("LatestVersionNumberForANewNameConflicts", func(t *testing.T) {
		_, err := svc.CreateExtension(ctx, customExtension("fresh"), new(int(1)), nil)
		wantErrorCode(t, "CreateExtension", err, appconfigd.EConflict, "fresh")
	})
	t.Run("NameOfAnAWSOwnedExtensionConflicts", func(t *testing.T) {
		_, err := svc.CreateExtension(ctx, customExtension("AppConfig Feature Flags Helper"), nil, nil)
		wantErrorCode(t, "CreateExtension", err, appconfigd.EConflict, appconfigd.ExtensionFeatureFlags)
	})

	v2 := must(svc.CreateExtension(ctx, customExtension("backup"), new(int(1)), nil))
	if v2.ID != v1.ID || v2.VersionNumber != 2 {
		t.Errorf("new version = %s version %d, want %s version 2", v2.ID, v2.VersionNumber, v1.ID)
	}
	t.Run("GetByNameIDAndARN", func(t *testing.T) {
		for _, ident := range []string{"backup", v1.ID, svc.ExtensionARN(v2)} {
			if got := must(svc.GetExtension(ctx, ident, 0)); got.VersionNumber != 2 {
				t.Errorf("GetExtension(%q) = version %d, want the latest, 2", ident, got.VersionNumber)
			}
		}
		if got := must(svc.GetExtension(ctx, svc.ExtensionARN(v1), 0)); got.VersionNumber != 1 {
			t.Errorf("GetExtension(ARN of version 1) = version %d, want 1", got.VersionNumber)
		}
		if got := must(svc.GetExtension(ctx, "backup", 1)); got.VersionNumber != 1 {
			t.Errorf("GetExtension(backup, 1) = version %d, want 1", got.VersionNumber)
		}
		_, err := svc.GetExtension(ctx, "backup", 3)
		wantErrorCode(t, "GetExtension(version 3)", err, appconfigd.ENotFound)
		_, err = svc.GetExtension(ctx, "nothing", 0)
		wantErrorCode(t, "GetExtension(nothing)", err, appconfigd.ENotFound)
	})
	t.Run("TagsAreOnTheVersionARN", func(t *testing.T) {
		var tags map[string]string
		err := svc.Store.View(ctx, func(tx appconfigd.Tx) (err error) {
			tags, err = tx.FindTags(ctx, svc.ExtensionARN(v1))
			return err
		})
		if err != nil || tags["team"] != "a" {
			t.Errorf("tags of %s = %v, %v; want team=a", svc.ExtensionARN(v1), tags, err)
		}
	})
}

func TestListExtensionsPutsAWSOwnedLast(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	must(svc.CreateExtension(ctx, customExtension("zeta"), nil, nil))
	must(svc.CreateExtension(ctx, customExtension("alpha"), nil, nil))
	must(svc.CreateExtension(ctx, customExtension("zeta"), new(int(1)), nil))
	var names []string
	in := appconfigd.ListInput{MaxResults: 3}
	for {
		out := must(svc.ListExtensions(ctx, "", in))
		for _, e := range out.Items {
			names = append(names, e.Name+"#"+itoa(e.VersionNumber))
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	want := []string{"zeta#2", "alpha#1"}
	for _, e := range appconfigd.AWSOwnedExtensions() {
		want = append(want, e.Name+"#1")
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("ListExtensions pages = %v, want %v", names, want)
	}
	named := must(svc.ListExtensions(ctx, "AppConfig Feature Flags Helper", appconfigd.ListInput{}))
	if len(named.Items) != 1 || named.Items[0].ID != appconfigd.ExtensionFeatureFlags || !named.Items[0].AWSOwned {
		t.Errorf("ListExtensions(name of the feature flags extension) = %+v, want it alone", named.Items)
	}
	if arn := svc.ExtensionARN(named.Items[0]); arn != "arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.FeatureFlags/1" {
		t.Errorf("ARN of an AWS-owned extension = %s, want the empty account", arn)
	}
}

func TestAWSOwnedExtensionsAreReadOnly(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	desc := "mine"
	_, err := svc.UpdateExtension(ctx, appconfigd.ExtensionFeatureFlags, appconfigd.ExtensionUpdate{Description: &desc})
	wantErrorCode(t, "UpdateExtension", err, appconfigd.EBadRequest, "AWS-authored")
	err = svc.DeleteExtension(ctx, "arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.DeploymentNotificationsToSns/1", 0)
	wantErrorCode(t, "DeleteExtension", err, appconfigd.EBadRequest, "AWS-authored")
}

func TestUpdateAndDeleteExtension(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	v1 := must(svc.CreateExtension(ctx, customExtension("backup"), nil, nil))
	must(svc.CreateExtension(ctx, customExtension("backup"), new(int(1)), nil))
	desc := "first"
	got := must(svc.UpdateExtension(ctx, "backup", appconfigd.ExtensionUpdate{VersionNumber: 1, Description: &desc}))
	if got.VersionNumber != 1 || got.Description != "first" || len(got.Parameters) != 2 {
		t.Errorf("UpdateExtension(version 1) = %+v, want version 1 with the new description and its parameters", got)
	}
	_, err := svc.UpdateExtension(ctx, "backup", appconfigd.ExtensionUpdate{Parameters: map[string]appconfigd.ExtensionParameter{"x#": {}}})
	wantErrorCode(t, "UpdateExtension with a bad parameter", err, appconfigd.EBadRequest, "x#")

	if err := svc.DeleteExtension(ctx, "backup", 0); err != nil {
		t.Fatalf("DeleteExtension(latest) = %v", err)
	}
	if latest := must(svc.GetExtension(ctx, v1.ID, 0)); latest.VersionNumber != 1 {
		t.Errorf("latest after deleting version 2 = %d, want 1", latest.VersionNumber)
	}
}

// associationFixture creates an application with an environment and a
// profile, and extension "backup".
func associationFixture(t *testing.T, svc *appconfigd.Service) (app *appconfigd.Application, env *appconfigd.Environment, p *appconfigd.ConfigurationProfile, ext *appconfigd.Extension) {
	t.Helper()
	ctx := t.Context()
	app = must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	env = must(svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil))
	p = must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	ext = must(svc.CreateExtension(ctx, customExtension("backup"), nil, nil))
	return app, env, p, ext
}

func TestExtensionAssociationRules(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app, env, _, ext := associationFixture(t, svc)
	envARN := svc.EnvironmentARN(app.ID, env.ID)
	in := func(params map[string]string) appconfigd.CreateExtensionAssociationInput {
		return appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: "backup", ResourceIdentifier: envARN, Parameters: params}
	}
	cases := []struct {
		name  string
		in    appconfigd.CreateExtensionAssociationInput
		code  appconfigd.ErrorCode
		words []string
	}{
		{"MissingRequiredParameter", in(nil), appconfigd.EBadRequest, []string{"bucket"}},
		{"UndeclaredParameter", in(map[string]string{"bucket": "b", "other": "x"}), appconfigd.EBadRequest, []string{"other"}},
		{"EmptyValue", in(map[string]string{"bucket": ""}), appconfigd.EBadRequest, []string{"bucket"}},
		{"MissingExtension", appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: "nothing", ResourceIdentifier: envARN}, appconfigd.ENotFound, nil},
		{"MissingEnvironment", appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: "backup", ResourceIdentifier: svc.EnvironmentARN(app.ID, "nothing")}, appconfigd.ENotFound, nil},
		{"StrategyARN", appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: "backup", ResourceIdentifier: svc.DeploymentStrategyARN("AppConfig.AllAtOnce")}, appconfigd.EBadRequest, []string{"application, environment or configuration profile"}},
		{"AWSOwnedNeedingAWS", appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: appconfigd.ExtensionNotificationsToSNS, ResourceIdentifier: envARN, Parameters: map[string]string{"topicArn": "arn:aws:sns:us-east-1:111122223333:t"}}, appconfigd.EBadRequest, []string{"outside AWS"}},
	}
	for _, c := range cases {
		_, err := svc.CreateExtensionAssociation(ctx, c.in)
		wantErrorCode(t, c.name, err, c.code, c.words...)
	}

	a := must(svc.CreateExtensionAssociation(ctx, in(map[string]string{"bucket": "b"})))
	if a.ExtensionID != ext.ID || a.ExtensionVersionNumber != 1 || a.Resource.EnvironmentID != env.ID {
		t.Errorf("association = %+v, want extension %s version 1 on environment %s", a, ext.ID, env.ID)
	}
	_, err := svc.CreateExtensionAssociation(ctx, in(map[string]string{"bucket": "c"}))
	wantErrorCode(t, "second association of the extension with the environment", err, appconfigd.EBadRequest, "already associated")

	flags := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: appconfigd.ExtensionFeatureFlags, ResourceIdentifier: svc.ApplicationARN(app.ID)}))
	if flags.ExtensionID != appconfigd.ExtensionFeatureFlags {
		t.Errorf("feature flags association = %+v", flags)
	}

	err = svc.DeleteExtension(ctx, "backup", 0)
	wantErrorCode(t, "DeleteExtension while associated", err, appconfigd.EBadRequest, a.ID)

	_, err = svc.UpdateExtensionAssociation(ctx, a.ID, map[string]string{})
	wantErrorCode(t, "UpdateExtensionAssociation without the required parameter", err, appconfigd.EBadRequest, "bucket")
	updated := must(svc.UpdateExtensionAssociation(ctx, a.ID, map[string]string{"bucket": "new"}))
	if updated.Parameters["bucket"] != "new" {
		t.Errorf("updated Parameters = %v, want bucket=new", updated.Parameters)
	}

	list := must(svc.ListExtensionAssociations(ctx, appconfigd.ListExtensionAssociationsInput{ResourceIdentifier: envARN}))
	if len(list.Items) != 1 || list.Items[0].ID != a.ID {
		t.Errorf("associations of the environment = %+v, want only %s", list.Items, a.ID)
	}
	none := must(svc.ListExtensionAssociations(ctx, appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: "nothing"}))
	if len(none.Items) != 0 {
		t.Errorf("associations of a missing extension = %+v, want none", none.Items)
	}

	if err := svc.DeleteExtensionAssociation(ctx, a.ID); err != nil {
		t.Fatalf("DeleteExtensionAssociation = %v", err)
	}
	if err := svc.DeleteExtension(ctx, "backup", 0); err != nil {
		t.Errorf("DeleteExtension after deleting its association = %v", err)
	}
}

func TestAppliedExtensionsAtStartDeployment(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app, env, p, ext := associationFixture(t, svc)
	must(svc.CreateHostedConfigurationVersion(ctx, app.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte("{}"), ContentType: "application/json"}, nil))
	hostedOnly := customExtension("hosted-only")
	hostedOnly.Actions = map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
		appconfigd.ActionPreCreateHostedConfigurationVersion: {{Name: "a", URI: "https://example.com/a"}},
	}
	hostedOnly.Parameters = nil
	must(svc.CreateExtension(ctx, hostedOnly, nil, nil))
	a := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: "backup", ResourceIdentifier: svc.ConfigurationProfileARN(app.ID, p.ID), Parameters: map[string]string{"bucket": "b"},
	}))
	must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{ExtensionIdentifier: "hosted-only", ResourceIdentifier: svc.ApplicationARN(app.ID)}))
	start := func(dynamic map[string]string) (*appconfigd.Deployment, error) {
		return svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: "AppConfig.AllAtOnce", ConfigurationProfileID: p.ID, ConfigurationVersion: "1",
			DynamicExtensionParameters: dynamic,
		})
	}

	for _, c := range []struct {
		name    string
		dynamic map[string]string
		words   []string
	}{
		{"KeyWithoutHash", map[string]string{"backup": "x"}, []string{"backup"}},
		{"UndeclaredParameter", map[string]string{"backup#bucket": "x"}, []string{"bucket", "dynamic"}},
		{"UnassociatedExtension", map[string]string{"other#ticket": "x"}, []string{"other"}},
		{"ExtensionWithoutDeploymentActions", map[string]string{"hosted-only#ticket": "x"}, []string{"hosted-only"}},
	} {
		_, err := start(c.dynamic)
		wantErrorCode(t, c.name, err, appconfigd.EBadRequest, c.words...)
	}

	d := must(start(map[string]string{ext.ID + "#ticket": "T-1"}))
	want := []appconfigd.AppliedExtension{{ExtensionID: ext.ID, ExtensionAssociationID: a.ID, VersionNumber: 1, Parameters: map[string]string{"bucket": "b", "ticket": "T-1"}}}
	if got := d.AppliedExtensions; len(got) != 1 || got[0].ExtensionAssociationID != a.ID || got[0].Parameters["ticket"] != "T-1" || got[0].Parameters["bucket"] != "b" {
		t.Errorf("AppliedExtensions = %+v, want %+v", got, want)
	}
	stored := must(svc.GetDeployment(ctx, app.ID, env.ID, d.DeploymentNumber))
	if len(stored.AppliedExtensions) != 1 || stored.AppliedExtensions[0].Parameters["ticket"] != "T-1" {
		t.Errorf("GetDeployment AppliedExtensions = %+v, want %+v", stored.AppliedExtensions, want)
	}
}

func TestListExtensionAssociationsOfOneVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app, env, _, v1 := associationFixture(t, svc)
	v2 := must(svc.CreateExtension(ctx, customExtension("backup"), new(int(1)), nil))
	params := map[string]string{"bucket": "b"}
	onEnv := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: svc.ExtensionARN(v1), ResourceIdentifier: svc.EnvironmentARN(app.ID, env.ID), Parameters: params,
	}))
	onApp := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: svc.ExtensionARN(v2), ResourceIdentifier: svc.ApplicationARN(app.ID), Parameters: params,
	}))
	ids := func(in appconfigd.ListExtensionAssociationsInput) []string {
		t.Helper()
		var out []string
		for _, a := range must(svc.ListExtensionAssociations(ctx, in)).Items {
			out = append(out, a.ID)
		}
		return out
	}
	cases := []struct {
		name string
		in   appconfigd.ListExtensionAssociationsInput
		want []string
	}{
		{"NameListsEveryVersion", appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: "backup"}, []string{onEnv.ID, onApp.ID}},
		{"NameAndNumber", appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: "backup", ExtensionVersionNumber: 1}, []string{onEnv.ID}},
		{"ARNOfVersion1", appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: svc.ExtensionARN(v1)}, []string{onEnv.ID}},
		{"ARNOfVersion2", appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: svc.ExtensionARN(v2)}, []string{onApp.ID}},
		{"ARNAndTheSameNumber", appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: svc.ExtensionARN(v2), ExtensionVersionNumber: 2}, []string{onApp.ID}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, ids(c.in)); diff != "" {
			t.Errorf("%s: associations (-want +got):\n%s", c.name, diff)
		}
	}
	_, err := svc.ListExtensionAssociations(ctx, appconfigd.ListExtensionAssociationsInput{ExtensionIdentifier: svc.ExtensionARN(v1), ExtensionVersionNumber: 2})
	wantErrorCode(t, "ARN of version 1 with ExtensionVersionNumber 2", err, appconfigd.EBadRequest, "differs")
}

func TestDeletingAResourceDeletesItsAssociations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app, env, _, _ := associationFixture(t, svc)
	must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: "backup", ResourceIdentifier: svc.EnvironmentARN(app.ID, env.ID), Parameters: map[string]string{"bucket": "b"},
	}))
	if err := svc.DeleteEnvironment(ctx, app.ID, env.ID, appconfigd.DeletionProtectionAccountDefault); err != nil {
		t.Fatalf("DeleteEnvironment = %v", err)
	}
	list := must(svc.ListExtensionAssociations(ctx, appconfigd.ListExtensionAssociationsInput{}))
	if len(list.Items) != 0 {
		t.Errorf("associations after deleting their environment = %+v, want none", list.Items)
	}
}
