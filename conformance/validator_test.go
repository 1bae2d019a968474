package conformance

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

const portSchema = `{"type":"object","required":["port"],"properties":{"port":{"type":"integer","minimum":1}}}`

// validatedFixture is an application with an environment and a profile
// that has the given validators.
func validatedFixture(t *testing.T, ts *testServer, validators ...types.Validator) fixture {
	t.Helper()
	app := createApplication(t, ts.control, "app")
	p, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: aws.String(app),
		Name:          aws.String("validated"),
		LocationUri:   aws.String("hosted"),
		Validators:    validators,
	})
	if err != nil {
		t.Fatalf("CreateConfigurationProfile with validators: %v", err)
	}
	return fixture{app: app, env: createEnvironment(t, ts.control, app, "env"), profile: aws.ToString(p.Id)}
}

func tryDeploy(t *testing.T, ts *testServer, fx fixture, version int32) error {
	t.Helper()
	_, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
		ApplicationId:          aws.String(fx.app),
		EnvironmentId:          aws.String(fx.env),
		ConfigurationProfileId: aws.String(fx.profile),
		ConfigurationVersion:   aws.String(fmt.Sprint(version)),
		DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
	})
	return err
}

func validate(t *testing.T, ts *testServer, fx fixture, version int32) error {
	t.Helper()
	_, err := ts.control.ValidateConfiguration(ctx(t), &appconfig.ValidateConfigurationInput{
		ApplicationId:          aws.String(fx.app),
		ConfigurationProfileId: aws.String(fx.profile),
		ConfigurationVersion:   aws.String(fmt.Sprint(version)),
	})
	return err
}

// wantNothingDeployed checks that a refused deployment left no trace.
func wantNothingDeployed(t *testing.T, ts *testServer, fx fixture) {
	t.Helper()
	out, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 0 {
		t.Errorf("ListDeployments = %d items after a refused deployment; want none", len(out.Items))
	}
	if got := environmentState(t, ts.control, fx); got != "ReadyForDeployment" {
		t.Errorf("environment State = %q; want ReadyForDeployment", got)
	}
}

func TestJSONSchemaValidator(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := validatedFixture(t, ts, types.Validator{Type: types.ValidatorTypeJsonSchema, Content: aws.String(portSchema)})
	bad := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"port":0}`), "application/json", "")
	good := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"port":8080}`), "application/json", "")

	t.Run("InvalidConfigurationIsNotDeployed", func(t *testing.T) {
		bre := asError[*types.BadRequestException](t, tryDeploy(t, ts, fx, bad))
		if bre.Reason != types.BadRequestReasonInvalidConfiguration {
			t.Errorf("Reason = %q; want InvalidConfiguration", bre.Reason)
		}
		details, ok := bre.Details.(*types.BadRequestDetailsMemberInvalidConfiguration)
		if !ok || len(details.Value) == 0 {
			t.Fatalf("Details = %#v; want InvalidConfiguration details", bre.Details)
		}
		d := details.Value[0]
		if aws.ToString(d.Location) != "/port" || aws.ToString(d.Constraint) != "minimum" || aws.ToString(d.Value) != "0" {
			t.Errorf("detail = {Location %q Constraint %q Value %q}; want {/port minimum 0}", aws.ToString(d.Location), aws.ToString(d.Constraint), aws.ToString(d.Value))
		}
		wantNothingDeployed(t, ts, fx)
	})

	t.Run("ValidateConfiguration", func(t *testing.T) {
		asError[*types.BadRequestException](t, validate(t, ts, fx, bad))
		if err := validate(t, ts, fx, good); err != nil {
			t.Errorf("ValidateConfiguration(valid version) = %v; want nil", err)
		}
	})

	t.Run("ValidConfigurationDeploys", func(t *testing.T) {
		if err := tryDeploy(t, ts, fx, good); err != nil {
			t.Errorf("StartDeployment of a valid version: %v", err)
		}
	})

	t.Run("InvalidSchemaRefusedAtCreate", func(t *testing.T) {
		_, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
			ApplicationId: aws.String(fx.app),
			Name:          aws.String("broken"),
			LocationUri:   aws.String("hosted"),
			Validators:    []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(`{"type":"no-such-type"}`)}},
		})
		asError[*types.BadRequestException](t, err)
	})
}

func TestWebhookValidator(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var received []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, r.Method+" "+r.Header.Get("Content-Type")+" "+string(body))
		mu.Unlock()
		if strings.Contains(string(body), `"port":0`) {
			http.Error(w, "port must be positive", http.StatusUnprocessableEntity)
		}
	}))
	t.Cleanup(hook.Close)

	ts := startServer(t)
	fx := validatedFixture(t, ts, types.Validator{Type: types.ValidatorTypeLambda, Content: aws.String(hook.URL + "/validate")})
	bad := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"port":0}`), "application/json", "")
	good := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"port":1}`), "application/json", "")

	bre := asError[*types.BadRequestException](t, tryDeploy(t, ts, fx, bad))
	if msg := aws.ToString(bre.Message); !strings.Contains(msg, "422") || !strings.Contains(msg, "port must be positive") {
		t.Errorf("Message = %q; want the webhook's status and answer", msg)
	}
	wantNothingDeployed(t, ts, fx)
	if err := tryDeploy(t, ts, fx, good); err != nil {
		t.Errorf("StartDeployment of a version the webhook accepts: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{`POST application/json {"port":0}`, `POST application/json {"port":1}`}
	if fmt.Sprint(received) != fmt.Sprint(want) {
		t.Errorf("webhook received %q; want %q", received, want)
	}
}

// TestWebhookValidatorNetworks: with --validator-networks, a webhook
// outside them is never called and the deployment is refused, saying why.
func TestWebhookValidatorNetworks(t *testing.T) {
	t.Parallel()
	called := make(chan struct{}, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		called <- struct{}{}
	}))
	t.Cleanup(hook.Close)

	ts := startServer(t, func(o *serverOptions) {
		o.config.ValidatorNetworks = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	})
	fx := validatedFixture(t, ts, types.Validator{Type: types.ValidatorTypeLambda, Content: aws.String(hook.URL)})
	v := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{}`), "application/json", "")
	bre := asError[*types.BadRequestException](t, tryDeploy(t, ts, fx, v))
	if msg := aws.ToString(bre.Message); !strings.Contains(msg, "127.0.0.1 is outside the networks webhook validators may reach") {
		t.Errorf("Message = %q; want it to name the refused address", msg)
	}
	wantNothingDeployed(t, ts, fx)
	select {
	case <-called:
		t.Error("the webhook outside the allowed networks was called")
	default:
	}
}

func TestLambdaValidatorCannotRun(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := validatedFixture(t, ts, types.Validator{Type: types.ValidatorTypeLambda, Content: aws.String("arn:aws:lambda:us-east-1:123456789012:function:check")})
	v := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{}`), "application/json", "")
	asError[*types.BadRequestException](t, tryDeploy(t, ts, fx, v))
	wantNothingDeployed(t, ts, fx)
}
