package controlapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// extensionBody is a CreateExtension body with a deployment action and a
// required and a dynamic parameter.
const extensionBody = `{"Name":"backup","Description":"d","Actions":{"PRE_START_DEPLOYMENT":[{"Name":"check","Uri":"https://hooks.example.com/x"}]},` +
	`"Parameters":{"bucket":{"Required":true},"ticket":{"Dynamic":true}},"Tags":{"team":"a"}}`

func TestCreateExtension(t *testing.T) {
	t.Parallel()

	t.Run("CreatedWithItsARN", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("POST", "/extensions", extensionBody)
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		wantKeys(t, body, "Id", "Name", "VersionNumber", "Arn", "Description", "Actions", "Parameters")
		id := body["Id"].(string)
		if got, want := body["Arn"], "arn:aws:appconfig:us-east-1:000000000000:extension/"+id+"/1"; got != want {
			t.Errorf("Arn = %v, want %s", got, want)
		}
		for _, want := range []string{`"bucket":{"Required":true,"Dynamic":false}`, `"PRE_START_DEPLOYMENT":[{"Name":"check","Uri":"https://hooks.example.com/x"}]`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("body %s lacks %s", rec.Body, want)
			}
		}
	})

	t.Run("NewVersionWithLatestVersionNumber", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		wantStatus(t, e.do("POST", "/extensions", extensionBody), http.StatusCreated)
		wantError(t, e.do("POST", "/extensions", extensionBody), http.StatusConflict, "ConflictException")
		wantBadRequestNaming(t, e.do("POST", "/extensions", extensionBody, "Latest-Version-Number", "one"), "Latest-Version-Number")
		rec := e.do("POST", "/extensions", extensionBody, "Latest-Version-Number", "1")
		wantStatus(t, rec, http.StatusCreated)
		if got := jsonBody(t, rec)["VersionNumber"]; got != 2.0 {
			t.Errorf("VersionNumber = %v, want 2", got)
		}
	})

	bad := []struct{ name, body, member string }{
		{"NameMissing", `{"Actions":{"ON_DEPLOYMENT_START":[{"Name":"a","Uri":"https://x/"}]}}`, "Name"},
		{"NameWithColon", `{"Name":"a:b","Actions":{"ON_DEPLOYMENT_START":[{"Name":"a","Uri":"https://x/"}]}}`, "Name"},
		{"ActionsMissing", `{"Name":"a"}`, "Actions"},
		{"ActionsWrongType", `{"Name":"a","Actions":{"ON_DEPLOYMENT_START":{"Name":"a"}}}`, "Actions"},
		{"UnknownActionPoint", `{"Name":"a","Actions":{"AT_NOON":[{"Name":"a","Uri":"https://x/"}]}}`, "AT_NOON"},
		{"ParameterRequiredAndDynamic", `{"Name":"a","Actions":{"ON_DEPLOYMENT_START":[{"Name":"a","Uri":"https://x/"}]},"Parameters":{"p":{"Required":true,"Dynamic":true}}}`, "Dynamic"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			wantBadRequestNaming(t, e.do("POST", "/extensions", tc.body), tc.member)
		})
	}
}

func TestGetListUpdateDeleteExtension(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := jsonBody(t, e.do("POST", "/extensions", extensionBody))["Id"].(string)
	wantStatus(t, e.do("POST", "/extensions", extensionBody, "Latest-Version-Number", "1"), http.StatusCreated)

	t.Run("GetByNameIDOrARN", func(t *testing.T) {
		for _, ident := range []string{"backup", id, url.PathEscape("arn:aws:appconfig:us-east-1::extension/" + id + "/1")} {
			rec := e.do("GET", "/extensions/"+ident, "")
			wantStatus(t, rec, http.StatusOK)
			if got := jsonBody(t, rec)["Id"]; got != id {
				t.Errorf("GET /extensions/%s: Id = %v, want %s", ident, got, id)
			}
		}
		if got := jsonBody(t, e.do("GET", "/extensions/backup?version_number=1", ""))["VersionNumber"]; got != 1.0 {
			t.Errorf("version_number=1: VersionNumber = %v, want 1", got)
		}
		wantBadRequestNaming(t, e.do("GET", "/extensions/backup?version_number=x", ""), "version_number")
		wantError(t, e.do("GET", "/extensions/backup?version_number=9", ""), http.StatusNotFound, "ResourceNotFoundException")
	})

	t.Run("ListSummariesCustomFirst", func(t *testing.T) {
		rec := e.do("GET", "/extensions?max_results=2", "")
		wantStatus(t, rec, http.StatusOK)
		body := jsonBody(t, rec)
		items := body["Items"].([]any)
		if len(items) != 2 || body["NextToken"] == nil {
			t.Fatalf("first page = %s, want 2 items and a NextToken", rec.Body)
		}
		first := items[0].(map[string]any)
		wantKeys(t, first, "Id", "Name", "VersionNumber", "Arn", "Description")
		if first["VersionNumber"] != 2.0 || items[1].(map[string]any)["Id"] != "AWS.AppConfig.FeatureFlags" {
			t.Errorf("first page = %s, want version 2 of backup, then the feature flags extension", rec.Body)
		}
		named := jsonBody(t, e.do("GET", "/extensions?name=backup", ""))["Items"].([]any)
		if len(named) != 1 {
			t.Errorf("name=backup: %d items, want 1", len(named))
		}
		wantBadRequestNaming(t, e.do("GET", "/extensions?name=", ""), "Name")
	})

	t.Run("UpdateOneVersion", func(t *testing.T) {
		rec := e.do("PATCH", "/extensions/backup", `{"VersionNumber":1,"Description":"changed"}`)
		wantStatus(t, rec, http.StatusOK)
		body := jsonBody(t, rec)
		if body["VersionNumber"] != 1.0 || body["Description"] != "changed" || body["Parameters"] == nil {
			t.Errorf("updated = %s, want version 1 with its parameters and the new description", rec.Body)
		}
		wantBadRequestNaming(t, e.do("PATCH", "/extensions/AWS.AppConfig.FeatureFlags", `{"Description":"x"}`), "AWS-authored")
	})

	t.Run("DeleteTheLatestVersion", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("DELETE", "/extensions/backup?version=zero", ""), "version")
		wantStatus(t, e.do("DELETE", "/extensions/backup?version=2", ""), http.StatusNoContent)
		if got := jsonBody(t, e.do("GET", "/extensions/backup", ""))["VersionNumber"]; got != 1.0 {
			t.Errorf("latest after deleting version 2 = %v, want 1", got)
		}
	})
}

func TestExtensionAssociations(t *testing.T) {
	t.Parallel()
	e := newDeployEnv(t)
	extID := jsonBody(t, e.do("POST", "/extensions", extensionBody))["Id"].(string)
	envARN := "arn:aws:appconfig:us-east-1:000000000000:application/" + e.appID + "/environment/" + e.envID

	rec := e.do("POST", "/extensionassociations", `{"ExtensionIdentifier":"backup","ResourceIdentifier":"`+envARN+`","Parameters":{"bucket":"b"},"Tags":{"k":"v"}}`)
	wantStatus(t, rec, http.StatusCreated)
	body := jsonBody(t, rec)
	wantKeys(t, body, "Id", "ExtensionArn", "ResourceArn", "Arn", "Parameters", "ExtensionVersionNumber")
	assocID := body["Id"].(string)
	if body["ExtensionArn"] != "arn:aws:appconfig:us-east-1:000000000000:extension/"+extID+"/1" || body["ResourceArn"] != envARN ||
		body["Arn"] != "arn:aws:appconfig:us-east-1:000000000000:extensionassociation/"+assocID {
		t.Errorf("association = %s, want the extension's, the environment's and its own ARNs", rec.Body)
	}

	t.Run("RefusedCreates", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("POST", "/extensionassociations", `{"ExtensionIdentifier":"backup","ResourceIdentifier":"`+envARN+`"}`), "bucket")
		wantBadRequestNaming(t, e.do("POST", "/extensionassociations", `{"ExtensionIdentifier":"AWS.AppConfig.DeploymentNotificationsToEventBridge","ResourceIdentifier":"`+envARN+`"}`), "outside AWS")
		wantError(t, e.do("POST", "/extensionassociations", `{"ExtensionIdentifier":"nothing","ResourceIdentifier":"`+envARN+`"}`), http.StatusNotFound, "ResourceNotFoundException")
		wantBadRequestNaming(t, e.do("POST", "/extensionassociations", `{"ExtensionIdentifier":"backup","ExtensionVersionNumber":0,"ResourceIdentifier":"`+envARN+`"}`), "ExtensionVersionNumber")
	})

	t.Run("GetUpdateList", func(t *testing.T) {
		wantStatus(t, e.do("GET", "/extensionassociations/"+assocID, ""), http.StatusOK)
		rec := e.do("PATCH", "/extensionassociations/"+assocID, `{"Parameters":{"bucket":"new"}}`)
		wantStatus(t, rec, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"bucket":"new"`) {
			t.Errorf("updated association = %s, want bucket=new", rec.Body)
		}
		list := e.do("GET", "/extensionassociations?resource_identifier="+url.QueryEscape(envARN)+"&extension_identifier=backup&extension_version_number=1", "")
		wantStatus(t, list, http.StatusOK)
		items := jsonBody(t, list)["Items"].([]any)
		if len(items) != 1 {
			t.Fatalf("filtered list = %s, want the association", list.Body)
		}
		wantKeys(t, items[0].(map[string]any), "Id", "ExtensionArn", "ResourceArn")
		if got := e.do("GET", "/extensionassociations?extension_version_number=2", "").Body.String(); got != `{"Items":[]}` {
			t.Errorf("list of version 2 = %s, want none", got)
		}
		wantBadRequestNaming(t, e.do("GET", "/extensionassociations?resource_identifier=nope", ""), "nope")
	})

	t.Run("StartDeploymentAppliesIt", func(t *testing.T) {
		rec := e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"`+e.profileID+`","ConfigurationVersion":"1","DynamicExtensionParameters":{"backup#ticket":"T-1"}}`)
		wantStatus(t, rec, http.StatusCreated)
		want := `"AppliedExtensions":[{"ExtensionId":"` + extID + `","ExtensionAssociationId":"` + assocID + `","VersionNumber":1,"Parameters":{"bucket":"new","ticket":"T-1"}}]`
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("deployment %s lacks %s", rec.Body, want)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("DELETE", "/extensions/backup", ""), assocID)
		wantStatus(t, e.do("DELETE", "/extensionassociations/"+assocID, ""), http.StatusNoContent)
		wantError(t, e.do("GET", "/extensionassociations/"+assocID, ""), http.StatusNotFound, "ResourceNotFoundException")
		wantStatus(t, e.do("DELETE", "/extensions/backup", ""), http.StatusNoContent)
	})
}
