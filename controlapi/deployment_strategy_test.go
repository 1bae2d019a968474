package controlapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateDeploymentStrategy(t *testing.T) {
	t.Parallel()

	t.Run("CreatedWithFloatGrowthFactor", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("POST", "/deploymentstrategies", `{"Name":"fast","DeploymentDurationInMinutes":0,"GrowthFactor":100}`)
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		// Zeros are sent; GrowthType and ReplicateTo get their defaults.
		wantKeys(t, body, "Id", "Name", "DeploymentDurationInMinutes", "GrowthType", "GrowthFactor", "FinalBakeTimeInMinutes", "ReplicateTo")
		for _, want := range []string{`"GrowthFactor":100.0`, `"DeploymentDurationInMinutes":0`, `"GrowthType":"LINEAR"`, `"ReplicateTo":"NONE"`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("body %s lacks %s", rec.Body, want)
			}
		}
	})

	t.Run("FractionalGrowthFactor", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("POST", "/deploymentstrategies", `{"Name":"slow","DeploymentDurationInMinutes":10,"GrowthFactor":12.5,"GrowthType":"EXPONENTIAL"}`)
		wantStatus(t, rec, http.StatusCreated)
		if !strings.Contains(rec.Body.String(), `"GrowthFactor":12.5`) {
			t.Errorf("body %s lacks GrowthFactor 12.5", rec.Body)
		}
	})

	bad := []struct {
		name, body, member string
	}{
		{"NameMissing", `{"DeploymentDurationInMinutes":1,"GrowthFactor":50}`, "Name"},
		{"NameTooLong", `{"Name":"` + strings.Repeat("n", 65) + `","DeploymentDurationInMinutes":1,"GrowthFactor":50}`, "Name"},
		{"GrowthFactorMissing", `{"Name":"s","DeploymentDurationInMinutes":1}`, "GrowthFactor"},
		{"GrowthFactorWrongType", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":"50"}`, "GrowthFactor"},
		{"GrowthFactorTooLarge", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":100.5}`, "GrowthFactor"},
		{"DurationNotAnInteger", `{"Name":"s","DeploymentDurationInMinutes":1.5,"GrowthFactor":50}`, "DeploymentDurationInMinutes"},
		{"DurationTooLong", `{"Name":"s","DeploymentDurationInMinutes":1441,"GrowthFactor":50}`, "DeploymentDurationInMinutes"},
		{"BakeTimeWrongType", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":50,"FinalBakeTimeInMinutes":"10"}`, "FinalBakeTimeInMinutes"},
		{"GrowthTypeUnknown", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":50,"GrowthType":"STEP"}`, "GrowthType"},
		{"ReplicateToUnknown", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":50,"ReplicateTo":"S3"}`, "ReplicateTo"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			wantBadRequestNaming(t, e.do("POST", "/deploymentstrategies", tc.body), tc.member)
			// Only the four predefined strategies remain.
			items := jsonBody(t, e.do("GET", "/deploymentstrategies", ""))["Items"].([]any)
			if len(items) != 4 {
				t.Errorf("strategies after the failed request = %d, want the 4 predefined", len(items))
			}
		})
	}
}

func TestListDeploymentStrategies(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	rec := e.do("GET", "/deploymentstrategies", "")
	wantStatus(t, rec, http.StatusOK)
	want := `{"Id":"AppConfig.AllAtOnce","Name":"AppConfig.AllAtOnce","Description":"Quick","DeploymentDurationInMinutes":0,"GrowthType":"LINEAR","GrowthFactor":100.0,"FinalBakeTimeInMinutes":10,"ReplicateTo":"NONE"}`
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("body %s lacks AWS's exact AllAtOnce (docs/WIRE.md §3.9) %s", rec.Body, want)
	}
}

func TestUpdateDeploymentStrategy(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	rec := e.do("POST", "/deploymentstrategies", `{"Name":"s","Description":"d","DeploymentDurationInMinutes":1,"GrowthFactor":50}`)
	wantStatus(t, rec, http.StatusCreated)
	id := jsonBody(t, rec)["Id"].(string)

	t.Run("AbsentMembersAreUnchanged", func(t *testing.T) {
		rec := e.do("PATCH", "/deploymentstrategies/"+id, `{"GrowthFactor":25,"GrowthType":"EXPONENTIAL"}`)
		wantStatus(t, rec, http.StatusOK)
		body := jsonBody(t, rec)
		if body["GrowthFactor"] != 25.0 || body["GrowthType"] != "EXPONENTIAL" || body["Description"] != "d" || body["DeploymentDurationInMinutes"] != 1.0 {
			t.Errorf("body = %v, want the new growth and everything else kept", body)
		}
	})

	t.Run("ByName", func(t *testing.T) {
		wantStatus(t, e.do("GET", "/deploymentstrategies/s", ""), http.StatusOK)
	})

	t.Run("PredefinedCannotChange", func(t *testing.T) {
		wantError(t, e.do("PATCH", "/deploymentstrategies/AppConfig.AllAtOnce", `{"Description":"mine"}`), http.StatusBadRequest, "BadRequestException")
	})

	t.Run("DurationWrongType", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("PATCH", "/deploymentstrategies/"+id, `{"DeploymentDurationInMinutes":"1"}`), "DeploymentDurationInMinutes")
	})
}

func TestDeleteDeploymentStrategy(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, prefix string }{
		// The path the SDKs send, misspelled in the model (docs/WIRE.md §0 fact 11).
		{"ModelSpelling", "/deployementstrategies/"},
		{"CorrectSpellingAlias", "/deploymentstrategies/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			rec := e.do("POST", "/deploymentstrategies", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":50}`)
			wantStatus(t, rec, http.StatusCreated)
			id := jsonBody(t, rec)["Id"].(string)
			rec = e.do("DELETE", tc.prefix+id, "")
			wantStatus(t, rec, http.StatusNoContent)
			if rec.Body.Len() != 0 {
				t.Errorf("body = %q, want none", rec.Body)
			}
			wantError(t, e.do("GET", "/deploymentstrategies/"+id, ""), http.StatusNotFound, "ResourceNotFoundException")
			wantError(t, e.do("DELETE", tc.prefix+"AppConfig.AllAtOnce", ""), http.StatusBadRequest, "BadRequestException")
		})
	}
}
