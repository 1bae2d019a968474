package controlapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateConfigurationProfile(t *testing.T) {
	t.Parallel()

	t.Run("Created", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		appID := e.createApplication("web")
		rec := e.do("POST", "/applications/"+appID+"/configurationprofiles",
			`{"Name":"flags","LocationUri":"hosted","Type":"AWS.AppConfig.FeatureFlags","Validators":[{"Type":"JSON_SCHEMA","Content":"{}"}],"Tags":{"a":"b"}}`)
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		wantKeys(t, body, "ApplicationId", "Id", "Name", "LocationUri", "Type", "Validators")
		if !strings.Contains(rec.Body.String(), `"Validators":[{"Type":"JSON_SCHEMA","Content":"{}"}]`) {
			t.Errorf("body %s lacks the validator in AWS spelling", rec.Body)
		}
	})

	t.Run("TypeIsEchoedAsStored", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		appID := e.createApplication("web")
		rec := e.do("POST", "/applications/"+appID+"/configurationprofiles", `{"Name":"cfg","LocationUri":"hosted"}`)
		wantStatus(t, rec, http.StatusCreated)
		wantKeys(t, jsonBody(t, rec), "ApplicationId", "Id", "Name", "LocationUri")
	})

	bad := []struct {
		name, body, member string
	}{
		{"NameMissing", `{"LocationUri":"hosted"}`, "Name"},
		{"NameTooLong", `{"Name":"` + strings.Repeat("n", 129) + `","LocationUri":"hosted"}`, "Name"},
		{"LocationUriMissing", `{"Name":"cfg"}`, "LocationUri"},
		{"LocationUriNotHosted", `{"Name":"cfg","LocationUri":"s3://bucket/key"}`, "LocationUri"},
		{"LocationUriWrongType", `{"Name":"cfg","LocationUri":1}`, "LocationUri"},
		{"ValidatorsWrongType", `{"Name":"cfg","LocationUri":"hosted","Validators":"JSON_SCHEMA"}`, "Validators"},
		{"ValidatorTypeUnknown", `{"Name":"cfg","LocationUri":"hosted","Validators":[{"Type":"XML","Content":""}]}`, "Type"},
		{"RetrievalRoleArnNotARole", `{"Name":"cfg","LocationUri":"hosted","RetrievalRoleArn":"arn:aws:s3:::bucket"}`, "RetrievalRoleArn"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			appID := e.createApplication("web")
			wantBadRequestNaming(t, e.do("POST", "/applications/"+appID+"/configurationprofiles", tc.body), tc.member)
			if got := e.do("GET", "/applications/"+appID+"/configurationprofiles", "").Body.String(); got != `{"Items":[]}` {
				t.Errorf("profiles after the failed request = %s, want none", got)
			}
		})
	}
}

func TestListConfigurationProfiles(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	wantStatus(t, e.do("POST", "/applications/"+appID+"/configurationprofiles",
		`{"Name":"flags","LocationUri":"hosted","Type":"AWS.AppConfig.FeatureFlags","Validators":[{"Type":"JSON_SCHEMA","Content":"{}"}]}`), http.StatusCreated)
	e.createProfile(appID, "plain")

	t.Run("SummariesHaveValidatorTypes", func(t *testing.T) {
		rec := e.do("GET", "/applications/"+appID+"/configurationprofiles", "")
		wantStatus(t, rec, http.StatusOK)
		items := jsonBody(t, rec)["Items"].([]any)
		if len(items) != 2 {
			t.Fatalf("Items = %v, want 2", items)
		}
		wantKeys(t, items[0].(map[string]any), "ApplicationId", "Id", "Name", "LocationUri", "Type", "ValidatorTypes")
		if !strings.Contains(rec.Body.String(), `"ValidatorTypes":["JSON_SCHEMA"]`) {
			t.Errorf("body %s lacks ValidatorTypes", rec.Body)
		}
	})

	t.Run("TypeFilter", func(t *testing.T) {
		rec := e.do("GET", "/applications/"+appID+"/configurationprofiles?type=AWS.AppConfig.FeatureFlags", "")
		wantStatus(t, rec, http.StatusOK)
		items := jsonBody(t, rec)["Items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["Name"] != "flags" {
			t.Errorf("Items = %v, want only flags", items)
		}
	})
}

func TestUpdateConfigurationProfile(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	path := "/applications/" + appID + "/configurationprofiles/" + e.createProfile(appID, "cfg")

	t.Run("SetAndClearValidators", func(t *testing.T) {
		rec := e.do("PATCH", path, `{"Validators":[{"Type":"LAMBDA","Content":"arn:aws:lambda:us-east-1:111122223333:function:v"}]}`)
		wantStatus(t, rec, http.StatusOK)
		if jsonBody(t, rec)["Validators"] == nil {
			t.Errorf("body %s lacks the validator", rec.Body)
		}
		rec = e.do("PATCH", path, `{"Validators":[]}`)
		wantStatus(t, rec, http.StatusOK)
		if v, ok := jsonBody(t, rec)["Validators"]; ok {
			t.Errorf("Validators = %v after clearing, want none", v)
		}
	})

	t.Run("KmsKeyIdentifierSetAndCleared", func(t *testing.T) {
		rec := e.do("PATCH", path, `{"KmsKeyIdentifier":"alias/mine"}`)
		wantStatus(t, rec, http.StatusOK)
		if got := jsonBody(t, rec)["KmsKeyIdentifier"]; got != "alias/mine" {
			t.Errorf("KmsKeyIdentifier = %v, want alias/mine", got)
		}
		rec = e.do("PATCH", path, `{"KmsKeyIdentifier":""}`)
		wantStatus(t, rec, http.StatusOK)
		if got, ok := jsonBody(t, rec)["KmsKeyIdentifier"]; ok {
			t.Errorf("KmsKeyIdentifier = %v after clearing, want none", got)
		}
	})

	t.Run("DescriptionWrongType", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("PATCH", path, `{"Description":1}`), "Description")
	})
}

func TestDeleteConfigurationProfile(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	profileID := e.createProfile(appID, "cfg")
	path := "/applications/" + appID + "/configurationprofiles/" + profileID

	t.Run("RefusedWhileItHasVersions", func(t *testing.T) {
		e.createVersion(appID, profileID, `{}`)
		body := wantError(t, e.do("DELETE", path, ""), http.StatusBadRequest, "BadRequestException")
		if got, want := body["Message"], "Cannot delete configuration profile "+profileID+" because there are still hosted configuration versions existing under it."; got != want {
			t.Errorf("Message = %q, want %q", got, want)
		}
		wantStatus(t, e.do("DELETE", path+"/hostedconfigurationversions/1", ""), http.StatusNoContent)
	})

	t.Run("InvalidDeletionProtectionCheck", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("DELETE", path, "", "X-Amzn-Deletion-Protection-Check", "never"), "DeletionProtectionCheck")
	})

	t.Run("NoContent", func(t *testing.T) {
		wantStatus(t, e.do("DELETE", path, "", "X-Amzn-Deletion-Protection-Check", "ACCOUNT_DEFAULT"), http.StatusNoContent)
		wantError(t, e.do("GET", path, ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}

// The x-amzn-deletion-protection-check header reaches deletion protection:
// APPLY checks even while it is off, BYPASS skips it (docs/WIRE.md §3.14).
func TestDeleteConfigurationProfileDeletionProtection(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	envID := e.createEnvironment(appID, "prod")
	profileID := e.createProfile(appID, "cfg")
	e.poll(appID, envID, profileID)
	path := "/applications/" + appID + "/configurationprofiles/" + profileID
	wantBadRequestNaming(t, e.do("DELETE", path, "", "X-Amzn-Deletion-Protection-Check", "APPLY"), "Deletion protection")
	wantStatus(t, e.do("DELETE", path, "", "X-Amzn-Deletion-Protection-Check", "BYPASS"), http.StatusNoContent)
}
