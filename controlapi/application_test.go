package controlapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateApplication(t *testing.T) {
	t.Parallel()

	t.Run("Created", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("POST", "/applications", `{"Name":"web","Description":"the web app","Tags":{"team":"a"}}`, "Content-Type", "application/json")
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		// Tags are never echoed (docs/WIRE.md §3.3).
		wantKeys(t, body, "Id", "Name", "Description")
		if body["Name"] != "web" || body["Description"] != "the web app" {
			t.Errorf("body = %v, want Name web and Description the web app", body)
		}
	})

	t.Run("NoDescriptionIsOmitted", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("POST", "/applications", `{"Name":"web"}`)
		wantStatus(t, rec, http.StatusCreated)
		wantKeys(t, jsonBody(t, rec), "Id", "Name")
	})

	t.Run("UnknownMembersAreIgnored", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		wantStatus(t, e.do("POST", "/applications", `{"Name":"web","FutureMember":{"x":[1,2]}}`), http.StatusCreated)
	})

	bad := []struct {
		name, body, member string
	}{
		{"NameMissing", `{}`, "Name"},
		{"EmptyBody", ``, "Name"},
		{"NameEmpty", `{"Name":""}`, "Name"},
		{"NameTooLong", `{"Name":"` + strings.Repeat("n", 65) + `"}`, "Name"},
		{"NameWrongType", `{"Name":5}`, "Name"},
		{"NameNull", `{"Name":null}`, "Name"},
		{"DescriptionTooLong", `{"Name":"web","Description":"` + strings.Repeat("d", 1025) + `"}`, "Description"},
		{"DescriptionWrongType", `{"Name":"web","Description":["a"]}`, "Description"},
		{"TagsWrongType", `{"Name":"web","Tags":["a"]}`, "Tags"},
		{"TagValueWrongType", `{"Name":"web","Tags":{"team":1}}`, "Tags"},
		{"TagKeyReserved", `{"Name":"web","Tags":{"aws:x":"1"}}`, "aws:"},
		{"MalformedJSON", `{"Name":"web"`, "JSON"},
		{"NotJSON", `Name=web`, "JSON"},
		{"BodyNotAnObject", `["web"]`, "object"},
		{"TrailingData", `{"Name":"web"} {"Name":"again"}`, "JSON"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			wantBadRequestNaming(t, e.do("POST", "/applications", tc.body), tc.member)
			// A failed request writes nothing.
			rec := e.do("GET", "/applications", "")
			if got := rec.Body.String(); got != `{"Items":[]}` {
				t.Errorf("applications after the failed request = %s, want none", got)
			}
		})
	}

	t.Run("BodyTooLarge", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.srv.MaxBodyBytes = 64
		rec := e.do("POST", "/applications", `{"Name":"web","Description":"`+strings.Repeat("d", 100)+`"}`)
		wantBadRequestNaming(t, rec, "64 bytes")
	})

	t.Run("QuotaExceeded", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.svc.Limits.Applications = 1
		e.createApplication("one")
		wantError(t, e.do("POST", "/applications", `{"Name":"two"}`), http.StatusPaymentRequired, "ServiceQuotaExceededException")
	})
}

func TestGetApplication(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := e.createApplication("web app")

	t.Run("ByID", func(t *testing.T) {
		rec := e.do("GET", "/applications/"+id, "")
		wantStatus(t, rec, http.StatusOK)
		if got := jsonBody(t, rec)["Id"]; got != id {
			t.Errorf("Id = %v, want %s", got, id)
		}
	})

	t.Run("ByPercentEncodedName", func(t *testing.T) {
		rec := e.do("GET", "/applications/web%20app", "")
		wantStatus(t, rec, http.StatusOK)
		if got := jsonBody(t, rec)["Id"]; got != id {
			t.Errorf("Id = %v, want %s", got, id)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		body := wantError(t, e.do("GET", "/applications/zzzzzzz", ""), http.StatusNotFound, "ResourceNotFoundException")
		if got := body["ResourceName"]; got != "zzzzzzz" {
			t.Errorf("ResourceName = %v, want zzzzzzz", got)
		}
	})

	t.Run("IdentifierTooLong", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("GET", "/applications/"+strings.Repeat("a", 65), ""), "ApplicationId")
	})
}

func TestUpdateApplication(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := e.createApplication("web")

	t.Run("AbsentMembersAreUnchanged", func(t *testing.T) {
		wantStatus(t, e.do("PATCH", "/applications/"+id, `{"Description":"first"}`), http.StatusOK)
		rec := e.do("PATCH", "/applications/"+id, `{"Name":"site"}`)
		wantStatus(t, rec, http.StatusOK)
		body := jsonBody(t, rec)
		if body["Name"] != "site" || body["Description"] != "first" {
			t.Errorf("body = %v, want Name site and Description first", body)
		}
	})

	t.Run("NameWrongType", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("PATCH", "/applications/"+id, `{"Name":true}`), "Name")
	})

	t.Run("EmptyNameFailsAndChangesNothing", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("PATCH", "/applications/"+id, `{"Name":""}`), "Name")
		if got := jsonBody(t, e.do("GET", "/applications/"+id, ""))["Name"]; got != "site" {
			t.Errorf("Name after failed update = %v, want site", got)
		}
	})
}

func TestDeleteApplication(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := e.createApplication("web")

	t.Run("RefusedWhileItHasEnvironments", func(t *testing.T) {
		envID := e.createEnvironment(id, "prod")
		wantError(t, e.do("DELETE", "/applications/"+id, ""), http.StatusBadRequest, "BadRequestException")
		wantStatus(t, e.do("DELETE", "/applications/"+id+"/environments/"+envID, ""), http.StatusNoContent)
	})

	t.Run("NoContent", func(t *testing.T) {
		rec := e.do("DELETE", "/applications/"+id, "")
		wantStatus(t, rec, http.StatusNoContent)
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want none", rec.Body)
		}
		wantError(t, e.do("GET", "/applications/"+id, ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}
