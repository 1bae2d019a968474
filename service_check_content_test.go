package appconfigd_test

import (
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/validation"
)

// TestCheckConfigurationContent: content is checked as creating it and
// deploying it would check it, and nothing is stored.
func TestCheckConfigurationContent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc := apptest.NewService(t, newSQLiteStore(t), apptest.NewClock(time.Time{}), validation.NewRunner(), nil)
	app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	schema := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{
		Name: "settings", LocationURI: "hosted",
		Validators: []appconfigd.Validator{{Type: appconfigd.ValidatorJSONSchema, Content: `{"type": "object", "required": ["size"]}`}},
	}, nil))
	flags := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{
		Name: "flags", LocationURI: "hosted", Type: appconfigd.ProfileTypeFeatureFlags,
	}, nil))

	tests := []struct {
		name        string
		profile     string
		content     string
		contentType string
		// want is the code of the error expected, empty for none.
		want appconfigd.ErrorCode
	}{
		{"ValidAgainstTheSchema", schema.ID, `{"size": 3}`, "application/json", ""},
		{"InvalidAgainstTheSchema", schema.ID, `{"colour": "red"}`, "application/json", appconfigd.EBadRequest},
		{"ProfileByName", "settings", `{"size": 3}`, "application/json", ""},
		{"Empty", schema.ID, ``, "application/json", appconfigd.EBadRequest},
		{"ValidFlags", flags.ID, `{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"a": {"enabled": true}}}`, "application/json", ""},
		{"InvalidFlags", flags.ID, `{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"b": {"enabled": true}}}`, "application/json", appconfigd.EBadRequest},
		{"MissingProfile", "nope", `{}`, "application/json", appconfigd.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := svc.CheckConfigurationContent(ctx, app.ID, tt.profile, []byte(tt.content), tt.contentType)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if !appconfigd.IsCode(err, tt.want) {
				t.Fatalf("got error %v, want code %s", err, tt.want)
			}
		})
	}

	t.Run("InvalidFlagsSayWhatCreationSays", func(t *testing.T) {
		t.Parallel()
		doc := []byte(`{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"b": {"enabled": true}}}`)
		got := svc.CheckConfigurationContent(ctx, app.ID, flags.ID, doc, "application/json")
		_, want := svc.CreateHostedConfigurationVersion(ctx, app.ID, flags.ID, &appconfigd.HostedConfigurationVersion{Content: doc, ContentType: "application/json"}, nil)
		if got == nil || want == nil || got.Error() != want.Error() {
			t.Fatalf("got %v, want the error creation returns, %v", got, want)
		}
	})
	t.Run("StoresNothing", func(t *testing.T) {
		t.Parallel()
		if err := svc.CheckConfigurationContent(ctx, app.ID, schema.ID, []byte(`{"size": 1}`), "application/json"); err != nil {
			t.Fatal(err)
		}
		out := must(svc.ListHostedConfigurationVersions(ctx, app.ID, schema.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{}))
		if len(out.Items) != 0 {
			t.Fatalf("got %d versions, want none", len(out.Items))
		}
	})
	t.Run("ReaderOfAnotherApplicationIsRefused", func(t *testing.T) {
		t.Parallel()
		reader := appconfigd.NewContextWithPrincipal(ctx, appconfigd.Principal{Name: "rita", Role: appconfigd.RoleReader, Applications: []string{"other"}})
		err := svc.CheckConfigurationContent(reader, app.ID, schema.ID, []byte(`{"size": 1}`), "application/json")
		if !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
			t.Fatalf("got %v, want AccessDenied", err)
		}
	})
}
