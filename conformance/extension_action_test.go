package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/google/go-cmp/cmp"
)

// actionEvent is the part of the event an action URL receives that the
// test looks at.
type actionEvent struct {
	InvocationID     string `json:"InvocationId"`
	Type             string
	DeploymentNumber int
	Description      *string
	Content          string
	Parameters       map[string]string
}

// actionEndpoint is an action URL that answers as extensions do: it
// scrubs new versions, refuses deployments described "frozen", and asks
// to roll back deployments described "roll me back" at their tick.
type actionEndpoint struct {
	mu     sync.Mutex
	events []actionEvent
}

func (a *actionEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev actionEvent
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.events = append(a.events, ev)
	a.mu.Unlock()
	description := aws.ToString(ev.Description)
	var answer any
	switch {
	case ev.Type == "PreCreateHostedConfigurationVersion":
		content, _ := base64.StdEncoding.DecodeString(ev.Content)
		scrubbed := strings.ReplaceAll(string(content), "hunter2", "***")
		answer = map[string]string{"Content": base64.StdEncoding.EncodeToString([]byte(scrubbed))}
	case ev.Type == "PreStartDeployment" && description == "frozen":
		answer = map[string]string{"Error": "ChangeFreeze", "Message": "deployments are frozen"}
	case ev.Type == "AtDeploymentTick" && description == "roll me back":
		answer = map[string]string{"Directive": "ROLL_BACK", "Description": "error rate above 1%"}
	}
	_ = json.NewEncoder(w).Encode(answer)
}

// types returns the Type of the ON_ events received of deployment
// number.
func (a *actionEndpoint) types(number int) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, ev := range a.events {
		if ev.DeploymentNumber == number && strings.HasPrefix(ev.Type, "On") {
			out = append(out, ev.Type)
		}
	}
	return out
}

// invocationIDs returns the set of InvocationIds received.
func (a *actionEndpoint) invocationIDs() map[string]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]bool{}
	for _, ev := range a.events {
		out[ev.InvocationID] = true
	}
	return out
}

func TestExtensionActions(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.control
	hook := &actionEndpoint{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)

	app := createApplication(t, c, "shop")
	env := createEnvironment(t, c, app, "prod")
	profile := createProfile(t, c, app, "settings")
	action := func(name string) []types.Action {
		return []types.Action{{Name: aws.String(name), Uri: aws.String(srv.URL + "/" + name)}}
	}
	for _, ext := range []struct {
		name     string
		resource string
		actions  map[string][]types.Action
	}{
		{"gate", applicationARN(app), map[string][]types.Action{
			"PRE_CREATE_HOSTED_CONFIGURATION_VERSION": action("scrub"),
			"PRE_START_DEPLOYMENT":                    action("freeze"),
			"AT_DEPLOYMENT_TICK":                      action("monitor"),
		}},
		{"notify", environmentARN(app, env), map[string][]types.Action{
			"ON_DEPLOYMENT_START":       action("start"),
			"ON_DEPLOYMENT_STEP":        action("step"),
			"ON_DEPLOYMENT_BAKING":      action("baking"),
			"ON_DEPLOYMENT_COMPLETE":    action("complete"),
			"ON_DEPLOYMENT_ROLLED_BACK": action("rolledback"),
		}},
	} {
		if _, err := c.CreateExtension(ctx(t), &appconfig.CreateExtensionInput{Name: aws.String(ext.name), Actions: ext.actions}); err != nil {
			t.Fatalf("CreateExtension(%s): %v", ext.name, err)
		}
		_, err := c.CreateExtensionAssociation(ctx(t), &appconfig.CreateExtensionAssociationInput{
			ExtensionIdentifier: aws.String(ext.name), ResourceIdentifier: aws.String(ext.resource),
		})
		if err != nil {
			t.Fatalf("CreateExtensionAssociation(%s): %v", ext.name, err)
		}
	}

	version := createVersion(t, c, app, profile, []byte(`{"password":"hunter2"}`), "application/json", "")
	stored, err := c.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
		ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(profile), VersionNumber: aws.Int32(version),
	})
	if err != nil || string(stored.Content) != `{"password":"***"}` {
		t.Fatalf("GetHostedConfigurationVersion = %q, %v; want the content the PRE_CREATE action returned", stored.Content, err)
	}

	strategy, err := c.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name: aws.String("halves"), DeploymentDurationInMinutes: aws.Int32(2), GrowthType: types.GrowthTypeLinear,
		GrowthFactor: aws.Float32(50), FinalBakeTimeInMinutes: 1,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	start := func(description string) (*appconfig.StartDeploymentOutput, error) {
		return c.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId: aws.String(app), EnvironmentId: aws.String(env), ConfigurationProfileId: aws.String(profile),
			ConfigurationVersion: aws.String("1"), DeploymentStrategyId: strategy.Id, Description: aws.String(description),
		})
	}
	get := func(number int32) *appconfig.GetDeploymentOutput {
		t.Helper()
		d, err := c.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{
			ApplicationId: aws.String(app), EnvironmentId: aws.String(env), DeploymentNumber: aws.Int32(number),
		})
		if err != nil {
			t.Fatalf("GetDeployment(%d): %v", number, err)
		}
		return d
	}
	// eventually waits for the actions the server runs in the background.
	eventually := func(what string, done func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !done(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10 s", what)
			}
		}
	}

	_, err = start("frozen")
	if e := asError[*types.BadRequestException](t, err); !strings.Contains(aws.ToString(e.Message), "Error invoking extension gate: deployments are frozen") {
		t.Errorf("blocked StartDeployment message = %q", aws.ToString(e.Message))
	}

	first, err := start("weekly")
	if err != nil {
		t.Fatalf("StartDeployment: %v", err)
	}
	for range 4 {
		ts.advance(t, time.Minute)
	}
	want := []string{"OnDeploymentStart", "OnDeploymentStep", "OnDeploymentStep", "OnDeploymentBaking", "OnDeploymentComplete"}
	eventually("the ON_ actions of deployment 1", func() bool { return len(hook.types(int(first.DeploymentNumber))) >= len(want) })
	if diff := cmp.Diff(want, hook.types(int(first.DeploymentNumber))); diff != "" {
		t.Errorf("events received (-want +got):\n%s", diff)
	}
	eventually("the invocations in the event log", func() bool {
		for _, e := range get(first.DeploymentNumber).EventLog {
			if len(e.ActionInvocations) == 0 {
				return false
			}
		}
		return true
	})
	received := hook.invocationIDs()
	for _, e := range get(first.DeploymentNumber).EventLog {
		inv := e.ActionInvocations[0]
		if !received[aws.ToString(inv.InvocationId)] || !strings.HasPrefix(aws.ToString(inv.Uri), srv.URL) || inv.ErrorCode != nil {
			t.Errorf("%s invocation = %+v, want a successful one the URL received", e.EventType, inv)
		}
	}

	second, err := start("roll me back")
	if err != nil {
		t.Fatalf("StartDeployment: %v", err)
	}
	ts.advance(t, time.Minute)
	eventually("the tick's rollback", func() bool { return get(second.DeploymentNumber).State == types.DeploymentStateRolledBack })
	eventually("ON_DEPLOYMENT_ROLLED_BACK", func() bool {
		got := hook.types(int(second.DeploymentNumber))
		return len(got) > 0 && got[len(got)-1] == "OnDeploymentRolledBack"
	})
	var rollback *types.DeploymentEvent
	for _, e := range get(second.DeploymentNumber).EventLog {
		if e.EventType == types.DeploymentEventTypeRollbackStarted {
			rollback = &e
		}
	}
	if rollback == nil || rollback.TriggeredBy != types.TriggeredByAppconfig ||
		aws.ToString(rollback.Description) != "Extension gate rolled the deployment back: error rate above 1%" ||
		len(rollback.ActionInvocations) != 1 || aws.ToString(rollback.ActionInvocations[0].ActionName) != "monitor" {
		t.Errorf("ROLLBACK_STARTED = %+v, want one by APPCONFIG with the tick's reason and invocation", rollback)
	}
}
