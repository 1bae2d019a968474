package console_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// profilesGet returns the profile as the service has it.
func profilesGet(t *testing.T, tc *testConsole, p *appconfigd.ConfigurationProfile) *appconfigd.ConfigurationProfile {
	t.Helper()
	got, err := tc.Service.GetConfigurationProfile(t.Context(), p.ApplicationID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

const (
	profilesObjectSchema = `{"type":"object"}`
	profilesWebhook      = "https://hooks.example/validate"
)

func TestCreateProfile(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)

	t.Run("CreatesAHostedProfileAndShowsIt", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		b := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "create-ok")
		p := b.submit("/console/applications/"+app.ID+"/profiles", url.Values{"name": {"flags"}, "type": {"AWS.AppConfig.FeatureFlags"}, "description": {"the flags"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/applications/"+app.ID+"/profiles/") {
			t.Fatalf("got %d to %q, want 303 to the new profile", p.status, p.location)
		}
		out, err := tc.Service.ListConfigurationProfiles(t.Context(), app.ID, appconfigd.ConfigurationProfileFilter{}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 {
			t.Fatalf("got %d profiles, want 1", len(out.Items))
		}
		got := out.Items[0]
		if got.Name != "flags" || got.Description != "the flags" || got.LocationURI != "hosted" || got.Type != appconfigd.ProfileTypeFeatureFlags {
			t.Fatalf("got profile %+v, want a hosted feature-flag profile named flags", got)
		}
		page := b.get(p.location)
		page.mustContain(t, "Created configuration profile flags.", "the flags", "AWS.AppConfig.FeatureFlags",
			tc.Service.ConfigurationProfileARN(app.ID, got.ID), p.location+"/versions", p.location+"/flags", "No validators")
		audit, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{Operation: "CreateConfigurationProfile"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(audit.Items) == 0 || audit.Items[0].KeyName != "alice" {
			t.Fatalf("audit entries %+v, want one by alice", audit.Items)
		}
	})
	t.Run("FreeformProfileHasNoFlagsLink", func(t *testing.T) {
		t.Parallel()
		app := tc.application(t, "create-freeform")
		p := b.submit("/console/applications/"+app.ID+"/profiles", url.Values{"name": {"plain"}, "type": {"AWS.Freeform"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", p.status)
		}
		page := b.get(p.location)
		page.mustContain(t, p.location+"/versions")
		page.mustNotContain(t, p.location+"/flags")
	})
	t.Run("ErrorIsShownOnTheApplicationPageWithTheInput", func(t *testing.T) {
		t.Parallel()
		app := tc.application(t, "create-bad")
		p := b.submit("/console/applications/"+app.ID+"/profiles", url.Values{"name": {strings.Repeat("n", 129)}, "type": {"AWS.AppConfig.FeatureFlags"}, "description": {"kept description"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Name", `value="kept description"`, `value="AWS.AppConfig.FeatureFlags" selected`, "Create a configuration profile")
	})
}

func TestEditProfile(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)
	app := tc.application(t, "edit")

	t.Run("ShowsValidators", func(t *testing.T) {
		t.Parallel()
		prof := tc.hostedProfile(t, app, "shown", "", appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: profilesObjectSchema}, appconfigd.Validator{Type: appconfigd.ValidatorLambda, Content: profilesWebhook})
		p := b.get(profileURL(prof))
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, "<pre>{&#34;type&#34;:&#34;object&#34;}</pre>", "<code>"+profilesWebhook+"</code>", `<label for="profile-schema">`)
	})
	t.Run("SavesNameDescriptionAndSchemaKeepingWebhooks", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		b := tc.signIn(t, adminID, adminSecret)
		prof := tc.hostedProfile(t, app, "before", "", appconfigd.Validator{Type: appconfigd.ValidatorLambda, Content: profilesWebhook}, appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: profilesObjectSchema})
		schema := `{"type":"object","required":["a"]}`
		p := b.submit(profileURL(prof), url.Values{"name": {"after"}, "description": {"new words"}, "json_schema": {schema}})
		if p.status != http.StatusSeeOther || p.location != profileURL(prof) {
			t.Fatalf("got %d to %q, want 303 to the profile", p.status, p.location)
		}
		got := profilesGet(t, tc, prof)
		want := []appconfigd.Validator{{Type: appconfigd.ValidatorLambda, Content: profilesWebhook}, {Type: appconfigd.ValidatorJSONSchema, Content: schema}}
		if got.Name != "after" || got.Description != "new words" || !reflect.DeepEqual(got.Validators, want) {
			t.Fatalf("got %q %q %+v, want after, new words, %+v", got.Name, got.Description, got.Validators, want)
		}
		b.get(p.location).mustContain(t, "Saved configuration profile after.")
	})
	t.Run("AddsASchemaWhereThereWasNone", func(t *testing.T) {
		t.Parallel()
		prof := tc.hostedProfile(t, app, "bare", "")
		if p := b.submit(profileURL(prof), url.Values{"name": {"bare"}, "json_schema": {profilesObjectSchema}}); p.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", p.status)
		}
		want := []appconfigd.Validator{{Type: appconfigd.ValidatorJSONSchema, Content: profilesObjectSchema}}
		if got := profilesGet(t, tc, prof).Validators; !reflect.DeepEqual(got, want) {
			t.Fatalf("validators %+v, want %+v", got, want)
		}
	})
	t.Run("EmptySchemaRemovesOnlyTheFirstJSONSchemaValidator", func(t *testing.T) {
		t.Parallel()
		second := `{"type":"object","minProperties":1}`
		prof := tc.hostedProfile(t, app, "two-schemas", "",
			appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: profilesObjectSchema},
			appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: second})
		b.get(profileURL(prof)).mustContain(t, "the 1 further JSON Schema validator(s)")
		if p := b.submit(profileURL(prof), url.Values{"name": {"two-schemas"}, "json_schema": {"  "}}); p.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", p.status)
		}
		want := []appconfigd.Validator{{Type: appconfigd.ValidatorJSONSchema, Content: second}}
		if got := profilesGet(t, tc, prof).Validators; !reflect.DeepEqual(got, want) {
			t.Fatalf("validators %+v, want %+v", got, want)
		}
	})
	t.Run("InvalidSchemaIsShownWithTheInput", func(t *testing.T) {
		t.Parallel()
		prof := tc.hostedProfile(t, app, "invalid", "")
		p := b.submit(profileURL(prof), url.Values{"name": {"renamed"}, "json_schema": {`{"type":`}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Validators[0]", `value="renamed"`, "{&#34;type&#34;:</textarea>")
		if got := profilesGet(t, tc, prof); got.Name != "invalid" || len(got.Validators) != 0 {
			t.Fatalf("profile %+v, want it unchanged", got)
		}
	})
	t.Run("UnknownProfileIsNotFound", func(t *testing.T) {
		t.Parallel()
		if p := b.get("/console/applications/" + app.ID + "/profiles/nosuch"); p.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", p.status)
		}
	})
}

func TestDeleteProfile(t *testing.T) {
	t.Parallel()

	t.Run("DeletesAndReturnsToTheApplication", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		b := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "delete")
		prof := tc.hostedProfile(t, app, "doomed", "")
		p := b.submit(profileURL(prof)+"/delete", nil)
		if p.status != http.StatusSeeOther || p.location != "/console/applications/"+app.ID {
			t.Fatalf("got %d to %q, want 303 to the application", p.status, p.location)
		}
		if _, err := tc.Service.GetConfigurationProfile(t.Context(), app.ID, prof.ID); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("GetConfigurationProfile after delete: %v, want not found", err)
		}
		b.get(p.location).mustContain(t, "Deleted configuration profile doomed.")
	})
	t.Run("RefusalIsShownInThePage", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		b := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "delete-versions")
		prof := tc.hostedProfile(t, app, "versioned", "")
		tc.versions(t, prof, `{}`)
		p := b.submit(profileURL(prof)+"/delete", url.Values{"bypass_deletion_protection": {"on"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "hosted configuration versions", "Bypass deletion protection")
	})
	t.Run("DeletionProtectionCanBeBypassed", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		ctx := t.Context()
		b := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "protected")
		prof := tc.hostedProfile(t, app, "polled", "")
		env := tc.environment(t, app, "prod")
		on := true
		if _, err := tc.Service.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{DeletionProtectionEnabled: &on}); err != nil {
			t.Fatal(err)
		}
		// Past the hour in which deletion protection spares new resources.
		tc.Clock.Advance(2 * time.Hour)
		tok, err := tc.Service.StartConfigurationSession(ctx, appconfigd.StartSessionInput{ApplicationIdentifier: app.ID, EnvironmentIdentifier: env.ID, ConfigurationProfileIdentifier: prof.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tc.Service.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil {
			t.Fatal(err)
		}

		p := b.submit(profileURL(prof)+"/delete", nil)
		if p.status != http.StatusBadRequest {
			t.Fatalf("without bypass: status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Deletion protection")
		if p := b.submit(profileURL(prof)+"/delete", url.Values{"bypass_deletion_protection": {"on"}}); p.status != http.StatusSeeOther {
			t.Fatalf("with bypass: status %d, want 303", p.status)
		}
		if _, err := tc.Service.GetConfigurationProfile(ctx, app.ID, prof.ID); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("GetConfigurationProfile after bypassed delete: %v, want not found", err)
		}
	})
}

func TestProfileReader(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	readable := tc.application(t, "readable")
	other := tc.application(t, "other")
	mine := tc.hostedProfile(t, readable, "mine", "", appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: profilesObjectSchema})
	theirs := tc.hostedProfile(t, other, "theirs", "")
	b := tc.signIn(t, readerID, readerSecret)

	t.Run("SeesItsProfileReadOnly", func(t *testing.T) {
		p := b.get(profileURL(mine))
		if p.status != http.StatusOK {
			t.Fatalf("status %d, want 200", p.status)
		}
		p.mustContain(t, "mine", "<pre>")
		p.mustNotContain(t, "<form method=\"post\" action=\""+profileURL(mine), "Delete profile")
		b.get("/console/applications/"+readable.ID).mustNotContain(t, "Create a configuration profile")
	})
	t.Run("OtherApplicationsProfileIsNotFound", func(t *testing.T) {
		if p := b.get(profileURL(theirs)); p.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", p.status)
		}
	})
	t.Run("CannotChange", func(t *testing.T) {
		for _, change := range []struct {
			path string
			form url.Values
		}{
			{"/console/applications/" + readable.ID + "/profiles", url.Values{"name": {"new"}}},
			{profileURL(mine), url.Values{"name": {"renamed"}}},
			{profileURL(mine) + "/delete", url.Values{"bypass_deletion_protection": {"on"}}},
		} {
			if p := b.submit(change.path, change.form); p.status != http.StatusForbidden {
				t.Fatalf("POST %s: status %d, want 403", change.path, p.status)
			}
		}
		if got := profilesGet(t, tc, mine); got.Name != "mine" || len(got.Validators) != 1 {
			t.Fatalf("profile %+v, want it unchanged", got)
		}
		out, err := tc.Service.ListConfigurationProfiles(t.Context(), readable.ID, appconfigd.ConfigurationProfileFilter{}, appconfigd.ListInput{})
		if err != nil || len(out.Items) != 1 {
			t.Fatalf("profiles %+v, %v: want only mine", out, err)
		}
	})
}
