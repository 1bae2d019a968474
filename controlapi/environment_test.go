package controlapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestCreateEnvironment(t *testing.T) {
	t.Parallel()

	t.Run("CreatedReadyForDeployment", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		appID := e.createApplication("web")
		rec := e.do("POST", "/applications/"+appID+"/environments",
			`{"Name":"prod","Monitors":[{"AlarmArn":"arn:aws:cloudwatch:us-east-1:111122223333:alarm:a","AlarmRoleArn":"arn:aws:iam::111122223333:role/r"}]}`)
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		wantKeys(t, body, "ApplicationId", "Id", "Name", "State", "Monitors")
		// CamelCase, as the real service sends it (docs/WIRE.md §7.5).
		if got := body["State"]; got != "ReadyForDeployment" {
			t.Errorf("State = %v, want ReadyForDeployment", got)
		}
		if got := body["ApplicationId"]; got != appID {
			t.Errorf("ApplicationId = %v, want %s", got, appID)
		}
		if !strings.Contains(rec.Body.String(), `"Monitors":[{"AlarmArn":"arn:aws:cloudwatch:us-east-1:111122223333:alarm:a","AlarmRoleArn":"arn:aws:iam::111122223333:role/r"}]`) {
			t.Errorf("body %s lacks the monitor in AWS spelling", rec.Body)
		}
	})

	t.Run("ApplicationNotFound", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		wantError(t, e.do("POST", "/applications/nosuchapp/environments", `{"Name":"prod"}`), http.StatusNotFound, "ResourceNotFoundException")
	})

	bad := []struct {
		name, body, member string
	}{
		{"NameMissing", `{}`, "Name"},
		{"NameTooLong", `{"Name":"` + strings.Repeat("n", 65) + `"}`, "Name"},
		{"NameWrongType", `{"Name":{}}`, "Name"},
		{"MonitorsWrongType", `{"Name":"prod","Monitors":{"AlarmArn":"a"}}`, "Monitors"},
		{"MonitorAlarmArnWrongType", `{"Name":"prod","Monitors":[{"AlarmArn":7}]}`, "AlarmArn"},
		{"MonitorAlarmArnMissing", `{"Name":"prod","Monitors":[{}]}`, "AlarmArn"},
		{"MonitorRoleNotARole", `{"Name":"prod","Monitors":[{"AlarmArn":"a","AlarmRoleArn":"nope"}]}`, "AlarmRoleArn"},
		{"TooManyMonitors", `{"Name":"prod","Monitors":[{"AlarmArn":"a"},{"AlarmArn":"a"},{"AlarmArn":"a"},{"AlarmArn":"a"},{"AlarmArn":"a"},{"AlarmArn":"a"}]}`, "Monitors"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			appID := e.createApplication("web")
			wantBadRequestNaming(t, e.do("POST", "/applications/"+appID+"/environments", tc.body), tc.member)
			if got := e.do("GET", "/applications/"+appID+"/environments", "").Body.String(); got != `{"Items":[]}` {
				t.Errorf("environments after the failed request = %s, want none", got)
			}
		})
	}
}

func TestUpdateEnvironment(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	rec := e.do("POST", "/applications/"+appID+"/environments", `{"Name":"prod","Description":"d","Monitors":[{"AlarmArn":"a"}]}`)
	wantStatus(t, rec, http.StatusCreated)
	envPath := "/applications/" + appID + "/environments/" + jsonBody(t, rec)["Id"].(string)

	t.Run("AbsentMonitorsAreKept", func(t *testing.T) {
		rec := e.do("PATCH", envPath, `{"Name":"production"}`)
		wantStatus(t, rec, http.StatusOK)
		body := jsonBody(t, rec)
		if body["Name"] != "production" || body["Description"] != "d" || body["Monitors"] == nil {
			t.Errorf("body = %v, want the new name with description and monitors kept", body)
		}
	})

	t.Run("EmptyMonitorsRemoveThem", func(t *testing.T) {
		rec := e.do("PATCH", envPath, `{"Monitors":[]}`)
		wantStatus(t, rec, http.StatusOK)
		wantKeys(t, jsonBody(t, rec), "ApplicationId", "Id", "Name", "Description", "State")
	})

	t.Run("ByName", func(t *testing.T) {
		wantStatus(t, e.do("GET", "/applications/web/environments/production", ""), http.StatusOK)
	})

	t.Run("NameTooLong", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("PATCH", envPath, `{"Name":"`+strings.Repeat("n", 65)+`"}`), "Name")
	})
}

func TestListEnvironments(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	e.createEnvironment(appID, "prod")
	rec := e.do("GET", "/applications/"+appID+"/environments", "")
	wantStatus(t, rec, http.StatusOK)
	body := jsonBody(t, rec)
	wantKeys(t, body, "Items")
	items := body["Items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["State"] != "ReadyForDeployment" {
		t.Errorf("Items = %v, want one ReadyForDeployment environment", items)
	}
}

func TestDeleteEnvironment(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	envPath := "/applications/" + appID + "/environments/" + e.createEnvironment(appID, "prod")

	t.Run("InvalidDeletionProtectionCheck", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("DELETE", envPath, "", "x-amzn-deletion-protection-check", "MAYBE"), "DeletionProtectionCheck")
		wantBadRequestNaming(t, e.do("DELETE", envPath, "", "x-amzn-deletion-protection-check", ""), "DeletionProtectionCheck")
		wantStatus(t, e.do("GET", envPath, ""), http.StatusOK)
	})

	t.Run("NoContent", func(t *testing.T) {
		rec := e.do("DELETE", envPath, "", "x-amzn-deletion-protection-check", "BYPASS")
		wantStatus(t, rec, http.StatusNoContent)
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want none", rec.Body)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		wantError(t, e.do("DELETE", envPath, ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}

// poll starts a data-plane session on the environment and profile and
// polls it once, which deletion protection counts.
func (e *testEnv) poll(appID, envID, profileID string) {
	e.t.Helper()
	ctx := e.t.Context()
	tok, err := e.svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{ApplicationIdentifier: appID, EnvironmentIdentifier: envID, ConfigurationProfileIdentifier: profileID})
	if err != nil {
		e.t.Fatalf("StartConfigurationSession: %v", err)
	}
	if _, err := e.svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil {
		e.t.Fatalf("GetLatestConfiguration: %v", err)
	}
}

// The x-amzn-deletion-protection-check header reaches deletion protection:
// APPLY checks even while it is off, BYPASS skips it (docs/WIRE.md §3.14).
func TestDeleteEnvironmentDeletionProtection(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	envID := e.createEnvironment(appID, "prod")
	e.poll(appID, envID, e.createProfile(appID, "cfg"))
	path := "/applications/" + appID + "/environments/" + envID
	wantBadRequestNaming(t, e.do("DELETE", path, "", "X-Amzn-Deletion-Protection-Check", "APPLY"), "Deletion protection")
	wantStatus(t, e.do("DELETE", path, ""), http.StatusNoContent)
}
