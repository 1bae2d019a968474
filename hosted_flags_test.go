package appconfigd_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// TestCreateHostedConfigurationVersionFeatureFlags covers what the service
// adds around the featureflag package when flag versions are created.
func TestCreateHostedConfigurationVersionFeatureFlags(t *testing.T) {
	t.Parallel()

	// After the newest version is deleted, a new one is still accepted
	// and unchanged flags keep the stamps of the newest remaining version.
	t.Run("AfterNewestDeleted", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		svc, clock := newService(t)
		app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
		profile := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{
			Name: "flags", LocationURI: "hosted", Type: appconfigd.ProfileTypeFeatureFlags,
		}, nil))
		create := func(doc string) *appconfigd.HostedConfigurationVersion {
			t.Helper()
			v, err := svc.CreateHostedConfigurationVersion(ctx, app.ID, profile.ID, &appconfigd.HostedConfigurationVersion{
				Content: []byte(doc), ContentType: "application/json",
			}, nil)
			if err != nil {
				t.Fatalf("CreateHostedConfigurationVersion: %v", err)
			}
			clock.Advance(time.Hour)
			return v
		}
		const one = `{"version": "1", "flags": {"a": {"name": "A"}}, "values": {"a": {"enabled": true}}}`
		const two = `{"version": "1", "flags": {"a": {"name": "A"}, "b": {"name": "B"}}, "values": {"a": {"enabled": true}}}`
		v1 := create(one)
		v2 := create(two)
		if err := svc.DeleteHostedConfigurationVersion(ctx, app.ID, profile.ID, v2.VersionNumber); err != nil {
			t.Fatalf("DeleteHostedConfigurationVersion: %v", err)
		}
		v3 := create(two)
		if v3.VersionNumber != 3 {
			t.Errorf("VersionNumber = %d, want 3", v3.VersionNumber)
		}
		if got, want := flagStamp(t, v3.Content, "a"), flagStamp(t, v1.Content, "a"); got != want {
			t.Errorf("flag a's _createdAt = %s, want version 1's %s", got, want)
		}
		if got, old := flagStamp(t, v3.Content, "b"), flagStamp(t, v2.Content, "b"); got == old {
			t.Errorf("flag b's _createdAt = %s, the deleted version's; want a new stamp", got)
		}
	})
}

// flagStamp returns the _createdAt of flags.<key> in a stamped document.
func flagStamp(t *testing.T, doc []byte, key string) string {
	t.Helper()
	var d struct {
		Flags map[string]struct {
			CreatedAt string `json:"_createdAt"`
		} `json:"flags"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("stamped document: %v", err)
	}
	return d.Flags[key].CreatedAt
}
