package controlapi

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// deployEnv is a test environment with an application, an environment, a
// profile and one hosted version, ready to deploy.
type deployEnv struct {
	*testEnv
	appID, envID, profileID string
	deployments             string // the deployments collection
}

func newDeployEnv(t *testing.T) *deployEnv {
	t.Helper()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	envID := e.createEnvironment(appID, "prod")
	profileID := e.createProfile(appID, "cfg")
	wantStatus(t, e.do("POST", "/applications/"+appID+"/configurationprofiles/"+profileID+"/hostedconfigurationversions", `{}`,
		"Content-Type", "application/json", "VersionLabel", "v1"), http.StatusCreated)
	return &deployEnv{
		testEnv:     e,
		appID:       appID,
		envID:       envID,
		profileID:   profileID,
		deployments: "/applications/" + appID + "/environments/" + envID + "/deployments",
	}
}

// start starts an AllAtOnce deployment of version 1.
func (e *deployEnv) start() *deploymentWire {
	e.t.Helper()
	rec := e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"`+e.profileID+`","ConfigurationVersion":"1","Description":"go"}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return decodeDeployment(e.t, rec.Body.Bytes())
}

// advance moves the clock and lets the deployment engine's step run.
func (e *deployEnv) advance(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	if _, err := e.svc.AdvanceDeployments(context.Background()); err != nil {
		e.t.Fatalf("advance deployments: %v", err)
	}
}

func (e *deployEnv) environmentState() any {
	e.t.Helper()
	return jsonBody(e.t, e.do("GET", "/applications/"+e.appID+"/environments/"+e.envID, ""))["State"]
}

// deploymentWire is what a client decodes from a Deployment.
type deploymentWire struct {
	DeploymentNumber   int
	State              string
	PercentageComplete float64
	StartedAt          string
	CompletedAt        *string
	EventLog           []struct {
		EventType, TriggeredBy, Description, OccurredAt string
	}
	AppliedExtensions []any
}

func decodeDeployment(t *testing.T, b []byte) *deploymentWire {
	t.Helper()
	var d deploymentWire
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("decode deployment %s: %v", b, err)
	}
	return &d
}

func eventTypes(d *deploymentWire) []string {
	var out []string
	for _, e := range d.EventLog {
		out = append(out, e.EventType)
	}
	return out
}

// isISOMillis reports whether s is an ISO 8601 UTC time with milliseconds,
// like 2021-09-17T21:59:03.888Z (docs/WIRE.md §3.3).
func isISOMillis(s string) bool {
	return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(s)
}

func TestStartDeployment(t *testing.T) {
	t.Parallel()

	t.Run("CreatedAsAtItsStart", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		rec := e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"v1","Tags":{"a":"b"}}`)
		wantStatus(t, rec, http.StatusCreated)
		body := jsonBody(t, rec)
		wantKeys(t, body, "ApplicationId", "EnvironmentId", "DeploymentStrategyId", "ConfigurationProfileId", "DeploymentNumber",
			"ConfigurationName", "ConfigurationLocationUri", "ConfigurationVersion", "DeploymentDurationInMinutes", "GrowthType",
			"GrowthFactor", "FinalBakeTimeInMinutes", "State", "EventLog", "PercentageComplete", "StartedAt", "AppliedExtensions", "VersionLabel")
		// docs/WIRE.md §7.5: DEPLOYING at 0.0 with one DEPLOYMENT_STARTED event by USER.
		for _, want := range []string{`"State":"DEPLOYING"`, `"PercentageComplete":0.0`, `"GrowthFactor":100.0`, `"AppliedExtensions":[]`, `"ConfigurationVersion":"1"`, `"DeploymentNumber":1`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("body %s lacks %s", rec.Body, want)
			}
		}
		d := decodeDeployment(t, rec.Body.Bytes())
		if len(d.EventLog) != 1 || d.EventLog[0].EventType != "DEPLOYMENT_STARTED" || d.EventLog[0].TriggeredBy != "USER" {
			t.Errorf("EventLog = %+v, want one DEPLOYMENT_STARTED by USER", d.EventLog)
		}
		if got := d.StartedAt; got != "2026-11-27T10:00:00.000Z" {
			t.Errorf("StartedAt = %q, want 2026-11-27T10:00:00.000Z", got)
		}
	})

	t.Run("ConflictWhileBaking", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		e.start()
		e.advance(time.Minute)
		body := wantError(t, e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1"}`),
			http.StatusConflict, "ConflictException")
		if got, want := body["Message"], "Environment "+e.envID+" currently has a state of DEPLOYING. The current deployment must finish before a new deployment can be started."; got != want {
			t.Errorf("Message = %q, want the real service's %q (docs/WIRE.md §7.8)", got, want)
		}
	})

	bad := []struct {
		name, body, member string
	}{
		{"StrategyMissing", `{"ConfigurationProfileId":"cfg","ConfigurationVersion":"1"}`, "DeploymentStrategyId"},
		{"ProfileMissing", `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationVersion":"1"}`, "ConfigurationProfileId"},
		{"VersionMissing", `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg"}`, "ConfigurationVersion"},
		{"VersionWrongType", `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":1}`, "ConfigurationVersion"},
		{"LatestDeploymentNumberWrongType", `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1","LatestDeploymentNumber":"0"}`, "LatestDeploymentNumber"},
		{"DynamicExtensionParameterOfNoAssociatedExtension", `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1","DynamicExtensionParameters":{"ext#p":"v"}}`, "DynamicExtensionParameters"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newDeployEnv(t)
			wantBadRequestNaming(t, e.do("POST", e.deployments, tc.body), tc.member)
			if got := e.do("GET", e.deployments, "").Body.String(); got != `{"Items":[]}` {
				t.Errorf("deployments after the failed request = %s, want none", got)
			}
		})
	}

	// docs/WIRE.md §3.10: Appconfigd-Deploy-At-Once: true completes the
	// deployment as it starts, whatever its strategy's times.
	t.Run("AtOnceCompletesAsItStarts", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		rec := e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.Linear50PercentEvery30Seconds","ConfigurationProfileId":"cfg","ConfigurationVersion":"1"}`,
			"Appconfigd-Deploy-At-Once", "TRUE")
		wantStatus(t, rec, http.StatusCreated)
		d := decodeDeployment(t, rec.Body.Bytes())
		if d.State != "COMPLETE" || d.PercentageComplete != 100 || d.CompletedAt == nil || *d.CompletedAt != d.StartedAt {
			t.Errorf("State, PercentageComplete, CompletedAt = %s, %v, %v; want COMPLETE, 100, the start %s", d.State, d.PercentageComplete, d.CompletedAt, d.StartedAt)
		}
		if got, want := eventTypes(d), []string{"DEPLOYMENT_COMPLETED", "DEPLOYMENT_STARTED"}; !slices.Equal(got, want) {
			t.Errorf("EventLog types = %v, want %v", got, want)
		}
		if got := e.environmentState(); got != "ReadyForDeployment" {
			t.Errorf("environment State = %v, want ReadyForDeployment: nothing is in progress", got)
		}
		got := decodeDeployment(t, e.do("GET", e.deployments+"/1", "").Body.Bytes())
		if got.State != "COMPLETE" || len(got.EventLog) != 2 {
			t.Errorf("GetDeployment: State %s with %d events; want COMPLETE with 2, as stored", got.State, len(got.EventLog))
		}
	})

	t.Run("AtOnceFalseDeploysByTheStrategy", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		rec := e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1"}`,
			"Appconfigd-Deploy-At-Once", "false")
		wantStatus(t, rec, http.StatusCreated)
		if d := decodeDeployment(t, rec.Body.Bytes()); d.State != "DEPLOYING" {
			t.Errorf("State = %s, want DEPLOYING", d.State)
		}
	})

	t.Run("AtOnceNotABoolean", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		wantBadRequestNaming(t, e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1"}`,
			"Appconfigd-Deploy-At-Once", "1"), "Appconfigd-Deploy-At-Once")
		if got := e.do("GET", e.deployments, "").Body.String(); got != `{"Items":[]}` {
			t.Errorf("deployments after the refused request = %s, want none", got)
		}
	})

	t.Run("LatestDeploymentNumberMismatch", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		wantError(t, e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1","LatestDeploymentNumber":4}`),
			http.StatusConflict, "ConflictException")
	})

	t.Run("VersionNotFound", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		wantError(t, e.do("POST", e.deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"7"}`),
			http.StatusNotFound, "ResourceNotFoundException")
	})
}

func TestGetDeployment(t *testing.T) {
	t.Parallel()
	e := newDeployEnv(t)
	e.start()

	t.Run("EventLogNewestFirstWhileBaking", func(t *testing.T) {
		e.advance(time.Minute)
		rec := e.do("GET", e.deployments+"/1", "")
		wantStatus(t, rec, http.StatusOK)
		d := decodeDeployment(t, rec.Body.Bytes())
		want := []string{"BAKE_TIME_STARTED", "PERCENTAGE_UPDATED", "DEPLOYMENT_STARTED"}
		if got := eventTypes(d); !slices.Equal(got, want) {
			t.Errorf("EventLog types = %v, want %v", got, want)
		}
		for _, ev := range d.EventLog {
			if !isISOMillis(ev.OccurredAt) {
				t.Errorf("OccurredAt = %q, want ISO 8601 UTC with milliseconds", ev.OccurredAt)
			}
		}
		if d.PercentageComplete != 100 || d.CompletedAt != nil {
			t.Errorf("PercentageComplete, CompletedAt = %v, %v, want 100 and none while baking", d.PercentageComplete, d.CompletedAt)
		}
		if got := e.environmentState(); got != "Deploying" {
			t.Errorf("environment State while baking = %v, want Deploying (docs/WIRE.md §7.5)", got)
		}
	})

	t.Run("CompletedAtOnceComplete", func(t *testing.T) {
		e.advance(10 * time.Minute)
		rec := e.do("GET", e.deployments+"/1", "")
		wantStatus(t, rec, http.StatusOK)
		d := decodeDeployment(t, rec.Body.Bytes())
		if d.State != "COMPLETE" || d.CompletedAt == nil || !isISOMillis(*d.CompletedAt) {
			t.Errorf("State, CompletedAt = %s, %v, want COMPLETE with an ISO 8601 time", d.State, d.CompletedAt)
		}
		if got := eventTypes(d)[0]; got != "DEPLOYMENT_COMPLETED" {
			t.Errorf("newest event = %s, want DEPLOYMENT_COMPLETED", got)
		}
		if got := e.environmentState(); got != "ReadyForDeployment" {
			t.Errorf("environment State = %v, want ReadyForDeployment", got)
		}
	})

	for _, number := range []string{"first", "0", "-3", "2.0"} {
		t.Run("DeploymentNumber/"+number, func(t *testing.T) {
			wantBadRequestNaming(t, e.do("GET", e.deployments+"/"+number, ""), "DeploymentNumber")
		})
	}

	t.Run("NotFound", func(t *testing.T) {
		wantError(t, e.do("GET", e.deployments+"/2", ""), http.StatusNotFound, "ResourceNotFoundException")
	})
}

func TestListDeployments(t *testing.T) {
	t.Parallel()
	e := newDeployEnv(t)
	e.start()
	e.advance(11 * time.Minute)
	e.start()

	rec := e.do("GET", e.deployments, "")
	wantStatus(t, rec, http.StatusOK)
	items := jsonBody(t, rec)["Items"].([]any)
	if len(items) != 2 {
		t.Fatalf("Items = %v, want 2", items)
	}
	newest, oldest := items[0].(map[string]any), items[1].(map[string]any)
	if newest["DeploymentNumber"] != 2.0 || oldest["DeploymentNumber"] != 1.0 {
		t.Errorf("DeploymentNumbers = %v, %v, want 2, 1 (descending)", newest["DeploymentNumber"], oldest["DeploymentNumber"])
	}
	wantKeys(t, oldest, "DeploymentNumber", "ConfigurationProfileId", "ConfigurationName", "ConfigurationVersion",
		"DeploymentDurationInMinutes", "GrowthType", "GrowthFactor", "FinalBakeTimeInMinutes", "State", "PercentageComplete",
		"StartedAt", "CompletedAt", "VersionLabel", "Type")
	if oldest["Type"] != "USER" || oldest["State"] != "COMPLETE" {
		t.Errorf("oldest = %v, want a COMPLETE USER deployment", oldest)
	}
}

func TestStopDeployment(t *testing.T) {
	t.Parallel()

	t.Run("RollBackInProgress", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		e.start()
		rec := e.do("DELETE", e.deployments+"/1", "")
		wantStatus(t, rec, http.StatusAccepted)
		d := decodeDeployment(t, rec.Body.Bytes())
		if d.State != "ROLLED_BACK" || d.EventLog[0].EventType != "ROLLBACK_COMPLETED" || d.DeploymentNumber != 1 {
			t.Errorf("deployment = %+v, want the whole deployment ROLLED_BACK, newest event first", d)
		}
		if got := e.environmentState(); got != "RolledBack" {
			t.Errorf("environment State = %v, want RolledBack", got)
		}
	})

	t.Run("RevertCompleted", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		e.start()
		e.advance(11 * time.Minute)
		wantError(t, e.do("DELETE", e.deployments+"/1", ""), http.StatusBadRequest, "BadRequestException")
		wantError(t, e.do("DELETE", e.deployments+"/1", "", "Allow-Revert", "false"), http.StatusBadRequest, "BadRequestException")
		rec := e.do("DELETE", e.deployments+"/1", "", "Allow-Revert", "true")
		wantStatus(t, rec, http.StatusAccepted)
		if d := decodeDeployment(t, rec.Body.Bytes()); d.State != "REVERTED" {
			t.Errorf("State = %s, want REVERTED", d.State)
		}
	})

	t.Run("AllowRevertNotABoolean", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		e.start()
		wantBadRequestNaming(t, e.do("DELETE", e.deployments+"/1", "", "Allow-Revert", "yes"), "Allow-Revert")
		// Nothing was stopped.
		rec := e.do("GET", e.deployments+"/1", "")
		if d := decodeDeployment(t, rec.Body.Bytes()); d.State == "ROLLED_BACK" {
			t.Errorf("State = %s after a refused stop, want it still running", d.State)
		}
	})

	t.Run("DeploymentNumberNotAnInteger", func(t *testing.T) {
		t.Parallel()
		e := newDeployEnv(t)
		wantBadRequestNaming(t, e.do("DELETE", e.deployments+"/latest", ""), "DeploymentNumber")
	})
}
