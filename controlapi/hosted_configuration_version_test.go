package controlapi

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// hostedEnv is a test environment with an application and a profile.
type hostedEnv struct {
	*testEnv
	appID, profileID string
	path             string // the hostedconfigurationversions collection
}

func newHostedEnv(t *testing.T) *hostedEnv {
	t.Helper()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	profileID := e.createProfile(appID, "cfg")
	return &hostedEnv{
		testEnv:   e,
		appID:     appID,
		profileID: profileID,
		path:      "/applications/" + appID + "/configurationprofiles/" + profileID + "/hostedconfigurationversions",
	}
}

// wantNoVersions checks that the profile has no hosted versions: a failed
// request wrote nothing.
func (e *hostedEnv) wantNoVersions() {
	e.t.Helper()
	if got := e.do("GET", e.path, "").Body.String(); got != `{"Items":[]}` {
		e.t.Errorf("versions after the failed request = %s, want none", got)
	}
}

func TestCreateHostedConfigurationVersion(t *testing.T) {
	t.Parallel()

	t.Run("CreatedWithHeaders", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		rec := e.do("POST", e.path, `{"a":1}`,
			"Content-Type", "application/json; charset=utf-8",
			"Description", "first",
			"VersionLabel", "v1.0",
			"Latest-Version-Number", "0")
		wantStatus(t, rec, http.StatusCreated)
		h := rec.Header()
		for name, want := range map[string]string{
			"Application-Id":           e.appID,
			"Configuration-Profile-Id": e.profileID,
			"Version-Number":           "1",
			"Content-Type":             "application/json; charset=utf-8",
			"Description":              "first",
			"VersionLabel":             "v1.0",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("header %s = %q, want %q", name, got, want)
			}
		}
		if got := rec.Body.String(); got != `{"a":1}` {
			t.Errorf("body = %q, want the content", got)
		}
	})

	t.Run("OptionalHeadersAreOmitted", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		rec := e.do("POST", e.path, "x", "Content-Type", "text/plain")
		wantStatus(t, rec, http.StatusCreated)
		for _, name := range []string{"Description", "VersionLabel"} {
			if vs := rec.Header().Values(name); len(vs) != 0 {
				t.Errorf("header %s = %q, want none", name, vs)
			}
		}
	})

	t.Run("LatestVersionNumberNotAnInteger", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		rec := e.do("POST", e.path, "{}", "Content-Type", "application/json", "Latest-Version-Number", "latest")
		wantBadRequestNaming(t, rec, "Latest-Version-Number")
		if rec.Header().Get("Application-Id") != "" {
			t.Error("failed request carries Application-Id")
		}
		e.wantNoVersions()
	})

	t.Run("LatestVersionNumberMismatch", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		wantError(t, e.do("POST", e.path, "{}", "Content-Type", "application/json", "Latest-Version-Number", "3"), http.StatusConflict, "ConflictException")
		e.wantNoVersions()
	})

	t.Run("ContentTypeMissing", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		wantBadRequestNaming(t, e.do("POST", e.path, "{}"), "ContentType")
		e.wantNoVersions()
	})

	t.Run("VersionLabelAllDigits", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		wantBadRequestNaming(t, e.do("POST", e.path, "{}", "Content-Type", "application/json", "VersionLabel", "123"), "VersionLabel")
		e.wantNoVersions()
	})

	t.Run("PayloadTooLargeByContentLength", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		e.svc.Limits.HostedConfigurationSizeBytes = 1024
		rec := e.do("POST", e.path, strings.Repeat("x", 2048), "Content-Type", "text/plain")
		body := wantError(t, rec, http.StatusRequestEntityTooLarge, "PayloadTooLargeException")
		if body["Measure"] != "KILOBYTES" || body["Limit"] != 1.0 || body["Size"] != 2.0 {
			t.Errorf("Measure, Limit, Size = %v, %v, %v, want KILOBYTES, 1, 2", body["Measure"], body["Limit"], body["Size"])
		}
		e.wantNoVersions()
	})

	t.Run("PayloadTooLargeWithoutContentLength", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		e.svc.Limits.HostedConfigurationSizeBytes = 1024
		// A reader of unknown length: the request is sent chunked.
		body := io.MultiReader(strings.NewReader(strings.Repeat("x", 4096)))
		wantError(t, e.doReader("POST", e.path, body, "Content-Type", "text/plain"), http.StatusRequestEntityTooLarge, "PayloadTooLargeException")
		e.wantNoVersions()
	})

	t.Run("ExactlyAtTheLimit", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		e.svc.Limits.HostedConfigurationSizeBytes = 1024
		body := io.MultiReader(strings.NewReader(strings.Repeat("x", 1024)))
		wantStatus(t, e.doReader("POST", e.path, body, "Content-Type", "text/plain"), http.StatusCreated)
	})

	t.Run("ProfileNotFound", func(t *testing.T) {
		t.Parallel()
		e := newHostedEnv(t)
		wantError(t, e.do("POST", "/applications/"+e.appID+"/configurationprofiles/nope/hostedconfigurationversions", "{}", "Content-Type", "application/json"),
			http.StatusNotFound, "ResourceNotFoundException")
	})
}

func TestGetHostedConfigurationVersion(t *testing.T) {
	t.Parallel()
	e := newHostedEnv(t)
	e.createVersion(e.appID, e.profileID, `{"v":1}`)

	t.Run("ContentAndHeaders", func(t *testing.T) {
		rec := e.do("GET", e.path+"/1", "")
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != `{"v":1}` {
			t.Errorf("body = %q, want the content", got)
		}
		if got := rec.Header().Get("Version-Number"); got != "1" {
			t.Errorf("Version-Number = %q, want 1", got)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", got)
		}
	})

	for _, number := range []string{"one", "0", "-1", "1.5", "99999999999999999999"} {
		t.Run("VersionNumber/"+number, func(t *testing.T) {
			wantBadRequestNaming(t, e.do("GET", e.path+"/"+number, ""), "VersionNumber")
		})
	}

	t.Run("NotFound", func(t *testing.T) {
		wantError(t, e.do("GET", e.path+"/2", ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}

func TestListHostedConfigurationVersions(t *testing.T) {
	t.Parallel()
	e := newHostedEnv(t)
	for _, label := range []string{"v1.0", "v2.0", "beta"} {
		wantStatus(t, e.do("POST", e.path, "{}", "Content-Type", "application/json", "VersionLabel", label), http.StatusCreated)
	}

	t.Run("NewestFirst", func(t *testing.T) {
		rec := e.do("GET", e.path, "")
		wantStatus(t, rec, http.StatusOK)
		items := jsonBody(t, rec)["Items"].([]any)
		if len(items) != 3 {
			t.Fatalf("Items = %v, want 3", items)
		}
		first := items[0].(map[string]any)
		wantKeys(t, first, "ApplicationId", "ConfigurationProfileId", "VersionNumber", "ContentType", "VersionLabel")
		if first["VersionNumber"] != 3.0 {
			t.Errorf("first VersionNumber = %v, want 3", first["VersionNumber"])
		}
	})

	t.Run("VersionLabelPrefix", func(t *testing.T) {
		rec := e.do("GET", e.path+"?version_label=v*", "")
		wantStatus(t, rec, http.StatusOK)
		if items := jsonBody(t, rec)["Items"].([]any); len(items) != 2 {
			t.Errorf("Items = %v, want v2.0 and v1.0", items)
		}
	})

	t.Run("VersionLabelExact", func(t *testing.T) {
		rec := e.do("GET", e.path+"?version_label=beta", "")
		wantStatus(t, rec, http.StatusOK)
		if items := jsonBody(t, rec)["Items"].([]any); len(items) != 1 {
			t.Errorf("Items = %v, want beta", items)
		}
	})

	t.Run("VersionLabelTooLong", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("GET", e.path+"?version_label="+strings.Repeat("v", 65), ""), "VersionLabel")
	})
}

func TestDeleteHostedConfigurationVersion(t *testing.T) {
	t.Parallel()
	e := newHostedEnv(t)
	e.createVersion(e.appID, e.profileID, `{}`)

	t.Run("VersionNumberNotAnInteger", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("DELETE", e.path+"/latest", ""), "VersionNumber")
	})

	t.Run("NoContent", func(t *testing.T) {
		rec := e.do("DELETE", e.path+"/1", "")
		wantStatus(t, rec, http.StatusNoContent)
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want none", rec.Body)
		}
		wantError(t, e.do("GET", e.path+"/1", ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}
