package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// sizedProfile creates an application named appName with a freeform
// profile whose JSON Schema requires "size", and the given versions.
func sizedProfile(t *testing.T, tc *testConsole, appName string, contents ...string) *appconfigd.ConfigurationProfile {
	t.Helper()
	a := tc.application(t, appName)
	p := tc.hostedProfile(t, a, "settings", "", appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: `{"type": "object", "required": ["size"]}`})
	tc.versions(t, p, contents...)
	return p
}

func TestVersionsPages(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	p := sizedProfile(t, tc, "shop", `{"size":1,"colour":"red"}`, `{"size":2,"colour":"red"}`)
	base := profileURL(p)
	admin := tc.signIn(t, adminID, adminSecret)

	t.Run("ListIsNewestFirstWithACompareForm", func(t *testing.T) {
		t.Parallel()
		pg := admin.get(base + "/versions")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, `<label for="diff-from">`, `<option value="1" selected>`, `<option value="2" selected>`, base+"/versions/new")
		if i, j := strings.Index(pg.body, base+"/versions/2"), strings.Index(pg.body, base+"/versions/1"); i < 0 || j < 0 || i > j {
			t.Fatalf("version 2 is not listed before version 1:\n%s", pg.body)
		}
	})
	t.Run("VersionShowsIndentedJSON", func(t *testing.T) {
		t.Parallel()
		pg := admin.get(base + "/versions/1")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, "{\n  &#34;size&#34;: 1,\n  &#34;colour&#34;: &#34;red&#34;\n}", "Delete version 1")
	})
	t.Run("MissingVersionIsNotFound", func(t *testing.T) {
		t.Parallel()
		if pg := admin.get(base + "/versions/9"); pg.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", pg.status)
		}
	})
	t.Run("DiffMarksAddedAndRemovedLines", func(t *testing.T) {
		t.Parallel()
		pg := admin.get(base + "/diff?from=1&to=2")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, `<span class="del">-  &#34;size&#34;: 1,</span>`, `<span class="add">&#43;  &#34;size&#34;: 2,</span>`, `<span class="ctx">   &#34;colour&#34;: &#34;red&#34;</span>`, "@@ -1,4 &#43;1,4 @@")
	})
	t.Run("DiffOfEqualVersionsSaysSo", func(t *testing.T) {
		t.Parallel()
		admin.get(base+"/diff?from=2&to=2").mustContain(t, "The two versions have the same content.")
	})
	t.Run("DiffWithoutVersionsIsABadRequestInThePage", func(t *testing.T) {
		t.Parallel()
		for _, query := range []string{"", "?from=1", "?from=x&to=2", "?from=0&to=1"} {
			pg := admin.get(base + "/diff" + query)
			if pg.status != http.StatusBadRequest {
				t.Fatalf("diff%s: status %d, want 400", query, pg.status)
			}
			pg.mustContain(t, `role="alert"`, "must be a version number", `<label for="diff-to">`)
		}
	})
	t.Run("DiffOfAMissingVersionIsNotFound", func(t *testing.T) {
		t.Parallel()
		pg := admin.get(base + "/diff?from=1&to=7")
		if pg.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", pg.status)
		}
		pg.mustContain(t, `role="alert"`)
	})
}

func TestEditor(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	p := sizedProfile(t, tc, "shop", `{"size":1}`)
	base := profileURL(p)
	admin := tc.signIn(t, adminID, adminSecret)
	versions := func(t *testing.T) []*appconfigd.HostedConfigurationVersion {
		t.Helper()
		out, err := tc.Service.ListHostedConfigurationVersions(t.Context(), p.ApplicationID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.Items
	}

	t.Run("IsPrefilledWithTheLatestVersion", func(t *testing.T) {
		pg := admin.get(base + "/versions/new")
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, "{\n  &#34;size&#34;: 1\n}</textarea>", `<label for="version-content">`, `<option value="application/x-yaml">`, `/versions/validate"`, `Save as new version`)
	})
	t.Run("LeadingNewlineSurvivesTheTextarea", func(t *testing.T) {
		// A browser drops the first newline after <textarea>, so the
		// page must send one before the content.
		pg := admin.submit(base+"/versions/validate", url.Values{"content": {"\n{\"size\": 5}"}, "content_type": {"application/json"}})
		pg.mustContain(t, `aria-describedby="version-content-hint">`+"\n\n{&#34;size&#34;: 5}</textarea>")
	})
	t.Run("ValidateSaysValidAndSavesNothing", func(t *testing.T) {
		pg := admin.submit(base+"/versions/validate", url.Values{"content": {"{\r\n\"size\": 5\r\n}"}, "content_type": {"application/json"}})
		if pg.status != http.StatusOK {
			t.Fatalf("status %d, want 200", pg.status)
		}
		pg.mustContain(t, "Valid", "&#34;size&#34;: 5")
		if got := len(versions(t)); got != 1 {
			t.Fatalf("%d versions after validating, want 1", got)
		}
	})
	t.Run("InvalidContentIsShownWithTheUsersText", func(t *testing.T) {
		for _, action := range []string{"validate", "new"} {
			pg := admin.submit(base+"/versions/"+action, url.Values{"content": {`{"colour": "blue"}`}, "content_type": {"application/json"}})
			if pg.status != http.StatusBadRequest {
				t.Fatalf("%s: status %d, want 400", action, pg.status)
			}
			pg.mustContain(t, `role="alert"`, "&#34;colour&#34;: &#34;blue&#34;")
			pg.mustNotContain(t, `badge ok`)
		}
		if got := len(versions(t)); got != 1 {
			t.Fatalf("%d versions after invalid content, want 1", got)
		}
	})
	t.Run("SaveCreatesAVersionAndShowsIt", func(t *testing.T) {
		pg := admin.submit(base+"/versions/new", url.Values{"content": {"{\r\n\"size\": 7\r\n}"}, "content_type": {"text/plain"}, "version_label": {"v-seven"}, "description": {"seven"}})
		if pg.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303; page:\n%s", pg.status, pg.body)
		}
		vs := versions(t)
		if len(vs) != 2 || vs[0].VersionLabel != "v-seven" || vs[0].ContentType != "text/plain" {
			t.Fatalf("versions %+v, want a new text/plain version labelled v-seven", vs)
		}
		v, err := tc.Service.GetHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, vs[0].VersionNumber)
		if err != nil {
			t.Fatal(err)
		}
		if string(v.Content) != "{\n\"size\": 7\n}" {
			t.Fatalf("content %q, want the text with LF line ends", v.Content)
		}
		if want := base + "/versions/2"; pg.location != want {
			t.Fatalf("redirected to %q, want %q", pg.location, want)
		}
		admin.get(pg.location).mustContain(t, "Created version 2.", "&#34;size&#34;: 7")
	})
	t.Run("UnofferedContentTypeIsRefused", func(t *testing.T) {
		pg := admin.submit(base+"/versions/new", url.Values{"content": {`{"size": 1}`}, "content_type": {"application/evil"}})
		if pg.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", pg.status)
		}
	})
	t.Run("DeleteIsAudited", func(t *testing.T) {
		pg := admin.submit(base+"/versions/1/delete", nil)
		if pg.status != http.StatusSeeOther || pg.location != base+"/versions" {
			t.Fatalf("got %d to %q, want 303 to the versions", pg.status, pg.location)
		}
		if _, err := tc.Service.GetHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, 1); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("version 1 after deleting it: %v, want not found", err)
		}
		out, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{Operation: "DeleteHostedConfigurationVersion"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].KeyName != "alice" {
			t.Fatalf("audit entries %+v, want one by alice", out.Items)
		}
	})
}

func TestVersionsReader(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	p := sizedProfile(t, tc, "readable", `{"size":1}`)
	otherProfile := sizedProfile(t, tc, "other", `{"size":1}`)
	base := profileURL(p)
	reader := tc.signIn(t, readerID, readerSecret)

	t.Run("SeesVersionsReadOnly", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{base + "/versions", base + "/versions/1", base + "/diff?from=1&to=1"} {
			pg := reader.get(path)
			if pg.status != http.StatusOK {
				t.Fatalf("%s: status %d, want 200", path, pg.status)
			}
			pg.mustNotContain(t, "Delete version", "/versions/new")
		}
	})
	t.Run("IsRefusedChanges", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{base + "/versions/1/delete", base + "/versions/new"} {
			pg := reader.submit(path, url.Values{"content": {`{"size": 2}`}, "content_type": {"application/json"}})
			if pg.status != http.StatusForbidden {
				t.Fatalf("%s: status %d, want 403", path, pg.status)
			}
		}
		if _, err := tc.Service.GetHostedConfigurationVersion(t.Context(), p.ApplicationID, p.ID, 1); err != nil {
			t.Fatalf("version 1 after a reader's delete: %v", err)
		}
	})
	t.Run("DoesNotSeeOtherApplications", func(t *testing.T) {
		t.Parallel()
		if pg := reader.get(profileURL(otherProfile) + "/versions/1"); pg.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", pg.status)
		}
	})
}
