package console_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// flagsDocument defines a basic flag with typed attributes and a
// multi-variant flag.
const flagsDocument = `{"version": "1",
 "flags": {
  "checkout": {"name": "Checkout", "attributes": {
    "fast": {"constraints": {"type": "boolean"}},
    "limit": {"constraints": {"type": "number", "maximum": 100}},
    "mode": {"constraints": {"type": "string", "enum": ["a", "b"]}},
    "tiers": {"constraints": {"type": "array", "elements": {"type": "string"}}}}},
  "beta": {"name": "Beta"}},
 "values": {
  "checkout": {"enabled": false, "limit": 10, "mode": "a"},
  "beta": {"_variants": [
    {"name": "Testers", "enabled": true, "rule": "(eq $tier \"beta\")"},
    {"name": "Everyone", "enabled": false}]}}}`

// flagsProfile creates an application named appName with a feature-flag
// profile holding flagsDocument and an environment.
func flagsProfile(t *testing.T, tc *testConsole, appName string) *appconfigd.ConfigurationProfile {
	t.Helper()
	a := tc.application(t, appName)
	tc.environment(t, a, "prod")
	p := tc.hostedProfile(t, a, "flags", appconfigd.ProfileTypeFeatureFlags)
	tc.versions(t, p, flagsDocument)
	return p
}

// flagValue returns values.<key> of the profile's version n.
func flagValue(t *testing.T, tc *testConsole, p *appconfigd.ConfigurationProfile, n int, key string) map[string]any {
	t.Helper()
	v, err := tc.Service.GetHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Flags  map[string]any            `json:"flags"`
		Values map[string]map[string]any `json:"values"`
	}
	if err := json.Unmarshal(v.Content, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Values[key]
}

func TestFlags(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	admin := tc.signIn(t, adminID, adminSecret)

	t.Run("TableShowsFlagsAttributesAndVariants", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "table")
		pg := admin.get(profileURL(p) + "/flags")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, "<code>checkout</code>", "Checkout", `<span class="badge bad">off</span>`, "<code>limit</code>: <code>10</code>",
			`type="checkbox"`, `type="number"`, `value="a"`, "Testers", "Everyone", `<span class="badge">default</span>`, "Variants are changed in the editor.")
		if strings.Index(pg.body, "<code>checkout</code>") > strings.Index(pg.body, "<code>beta</code>") {
			t.Fatal("flags are not in document order")
		}
	})
	t.Run("ToggleCreatesAVersionAndOffersToDeployIt", func(t *testing.T) {
		t.Parallel()
		// A session of its own: the flash message travels in a cookie,
		// which another subtest's page would take from a shared one.
		admin := tc.signIn(t, adminID, adminSecret)
		p := flagsProfile(t, tc, "toggle")
		pg := admin.submit(profileURL(p)+"/flags/checkout/toggle", nil)
		if want := profileURL(p) + "/versions/2/created"; pg.status != http.StatusSeeOther || pg.location != want {
			t.Fatalf("got %d to %q, want 303 to %s; page:\n%s", pg.status, pg.location, want, pg.body)
		}
		if got := flagValue(t, tc, p, 2, "checkout"); got["enabled"] != true || got["limit"] != float64(10) {
			t.Fatalf("checkout in version 2 = %v, want enabled with limit 10", got)
		}
		created := admin.get(pg.location)
		created.mustContain(t, "Enabled flag checkout: created version 2.", "/environments/", "/deployments", `name="profile" value="`+p.ID+`"`, `name="version" value="2"`, "AppConfig.AllAtOnce", `<label for="strategy-`)
		out, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{AccessKeyID: adminID, Operation: "CreateHostedConfigurationVersion"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		// Other subtests create versions in parallel: look for this profile's.
		var byAlice bool
		for _, e := range out.Items {
			byAlice = byAlice || (strings.Contains(e.Resource, p.ID) && e.KeyName == "alice")
		}
		if !byAlice {
			t.Fatalf("no CreateHostedConfigurationVersion of profile %s audited with key name alice", p.ID)
		}
	})
	t.Run("EditSetsTypedAttributeValues", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "edit")
		pg := admin.submit(profileURL(p)+"/flags/checkout", url.Values{"attr_fast": {"true"}, "attr_limit": {"42"}, "attr_mode": {"b"}, "attr_tiers": {`["gold"]`}})
		if pg.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303; page:\n%s", pg.status, pg.body)
		}
		got := flagValue(t, tc, p, 2, "checkout")
		if got["fast"] != true || got["limit"] != float64(42) || got["mode"] != "b" || len(got["tiers"].([]any)) != 1 {
			t.Fatalf("checkout in version 2 = %v", got)
		}
	})
	t.Run("ValueTheConstraintRefusesIsShownInThePage", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "refused")
		pg := admin.submit(profileURL(p)+"/flags/checkout", url.Values{"attr_limit": {"500"}, "attr_mode": {"a"}})
		if pg.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", pg.status)
		}
		pg.mustContain(t, `role="alert"`, "Malformed", `value="500"`)
		if _, err := tc.Service.GetHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, 2); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("version 2 after a refused edit: %v, want none", err)
		}
	})
	t.Run("NotANumberIsShownInThePage", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "nan")
		pg := admin.submit(profileURL(p)+"/flags/checkout", url.Values{"attr_limit": {"many"}})
		if pg.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", pg.status)
		}
		pg.mustContain(t, `role="alert"`, "must be a number")
	})
	t.Run("VariantFlagIsChangedInTheEditor", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "variants")
		pg := admin.submit(profileURL(p)+"/flags/beta/toggle", nil)
		if pg.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", pg.status)
		}
		pg.mustContain(t, "change it in the editor")
	})
	t.Run("EditorOffersOnlyJSON", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "editor")
		pg := admin.get(profileURL(p) + "/versions/new")
		pg.mustContain(t, `<option value="application/json" selected>`)
		pg.mustNotContain(t, "application/x-yaml")
		bad := admin.submit(profileURL(p)+"/versions/validate", url.Values{"content": {`{"version": "1", "values": {"nope": {"enabled": true}}}`}, "content_type": {"application/json"}})
		if bad.status != http.StatusBadRequest {
			t.Fatalf("invalid flags document: status %d, want 400", bad.status)
		}
		bad.mustContain(t, "Malformed")
	})
	t.Run("ReaderSeesFlagsReadOnlyAndIsRefusedAToggle", func(t *testing.T) {
		t.Parallel()
		p := flagsProfile(t, tc, "readable")
		reader := tc.signIn(t, readerID, readerSecret)
		pg := reader.get(profileURL(p) + "/flags")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, "<code>checkout</code>")
		pg.mustNotContain(t, "/toggle", "Edit attributes")
		if pg := reader.submit(profileURL(p)+"/flags/checkout/toggle", nil); pg.status != http.StatusForbidden {
			t.Fatalf("toggle by a reader: status %d, want 403", pg.status)
		}
	})
	t.Run("FreeformProfileHasNoFlags", func(t *testing.T) {
		t.Parallel()
		p := sizedProfile(t, tc, "freeform", `{"size":1}`)
		if pg := admin.get(profileURL(p) + "/flags"); pg.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", pg.status)
		}
	})
}
