package controlapi

import (
	"net/http"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// deployedConfiguration creates an application, environment and profile
// with version 1 holding content, deploys it all at once and returns the
// GetConfiguration path.
func (e *testEnv) deployedConfiguration(content string) string {
	e.t.Helper()
	appID := e.createApplication("web")
	envID := e.createEnvironment(appID, "prod")
	profileID := e.createProfile(appID, "settings")
	e.createVersion(appID, profileID, content)
	rec := e.do("POST", "/applications/"+appID+"/environments/"+envID+"/deployments",
		`{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"`+profileID+`","ConfigurationVersion":"1"}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return "/applications/" + appID + "/environments/" + envID + "/configurations/" + profileID
}

func TestGetConfiguration(t *testing.T) {
	t.Parallel()

	t.Run("ServesTheContent", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		path := e.deployedConfiguration(`{"a":1}`)
		rec := e.do("GET", path+"?client_id=c1", "")
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != `{"a":1}` {
			t.Errorf("body = %q, want the content", got)
		}
		for name, want := range map[string]string{"Configuration-Version": "1", "Content-Type": "application/json", "Content-Length": "7"} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
	})

	t.Run("NoContentWhenTheClientHasTheVersion", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		path := e.deployedConfiguration(`{"a":1}`)
		rec := e.do("GET", path+"?client_id=c1&client_configuration_version=1", "")
		wantStatus(t, rec, http.StatusNoContent)
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want none", rec.Body)
		}
		if got := rec.Header().Get("Configuration-Version"); got != "1" {
			t.Errorf("Configuration-Version = %q, want 1", got)
		}
	})

	t.Run("BadQueryNamesTheMember", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		path := e.deployedConfiguration(`{"a":1}`)
		for query, member := range map[string]string{
			"":                         "ClientId",
			"?client_id=a&client_id=b": "ClientId",
			"?client_id=c1&client_configuration_version=1&client_configuration_version=2": "ClientConfigurationVersion",
		} {
			wantBadRequestNaming(t, e.do("GET", path+query, ""), member)
		}
	})

	t.Run("FeatureFlagsAreRefusedWithAWSMessage", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		appID := e.createApplication("web")
		envID := e.createEnvironment(appID, "prod")
		rec := e.do("POST", "/applications/"+appID+"/configurationprofiles", `{"Name":"flags","LocationUri":"hosted","Type":"AWS.AppConfig.FeatureFlags"}`)
		wantStatus(t, rec, http.StatusCreated)
		profileID := jsonBody(t, rec)["Id"].(string)
		body := wantError(t, e.do("GET", "/applications/"+appID+"/environments/"+envID+"/configurations/"+profileID+"?client_id=c1", ""), http.StatusBadRequest, "BadRequestException")
		if got, want := body["Message"], "Feature flag configurations must be accessed via AWS AppConfig Data's GetLatestConfiguration API."; got != want {
			t.Errorf("Message = %q, want %q", got, want)
		}
	})

	t.Run("ReaderMayCallIt", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		path := e.deployedConfiguration(`{"a":1}`)
		e.signedBy("AKIDREADER", "web", appconfigd.RoleReader)
		wantStatus(t, e.do("GET", path+"?client_id=c1", ""), http.StatusOK)
		wantError(t, e.do("GET", "/settings", ""), http.StatusForbidden, "AccessDeniedException")
	})

	t.Run("UnknownProfileIsNotFound", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		appID := e.createApplication("web")
		envID := e.createEnvironment(appID, "prod")
		wantError(t, e.do("GET", "/applications/"+appID+"/environments/"+envID+"/configurations/nosuch1?client_id=c1", ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}
