package conformance

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// getConfiguration calls the deprecated GetConfiguration on the fixture.
func getConfiguration(t *testing.T, c *appconfig.Client, fx fixture, clientVersion *string) (*appconfig.GetConfigurationOutput, error) {
	t.Helper()
	//lint:ignore SA1019 the deprecated operation is what older clients still call, and what these tests check.
	return c.GetConfiguration(ctx(t), &appconfig.GetConfigurationInput{
		Application: aws.String(fx.app), Environment: aws.String(fx.env), Configuration: aws.String(fx.profile),
		ClientId: aws.String("client-1"), ClientConfigurationVersion: clientVersion,
	})
}

// The deprecated GetConfiguration serves what the environment serves, and
// nothing when the client has that version (docs/WIRE.md §3.15).
func TestGetConfiguration(t *testing.T) {
	t.Parallel()

	t.Run("ServesTheDeployedVersion", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(`{"a":1}`), "application/json", "")
		out, err := getConfiguration(t, ts.control, fx, nil)
		if err != nil {
			t.Fatalf("GetConfiguration: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
		if string(out.Content) != `{"a":1}` || aws.ToString(out.ConfigurationVersion) != "1" || aws.ToString(out.ContentType) != "application/json" {
			t.Errorf("GetConfiguration = %q, version %q, type %q; want the content, 1, application/json",
				out.Content, aws.ToString(out.ConfigurationVersion), aws.ToString(out.ContentType))
		}
	})

	t.Run("NoContentWhenTheClientHasTheVersion", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(`{"a":1}`), "application/json", "")
		out, err := getConfiguration(t, ts.control, fx, aws.String("1"))
		if err != nil {
			t.Fatalf("GetConfiguration: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		if len(out.Content) != 0 || aws.ToString(out.ConfigurationVersion) != "1" {
			t.Errorf("GetConfiguration = %q, version %q; want no content, version 1", out.Content, aws.ToString(out.ConfigurationVersion))
		}
	})

	t.Run("FeatureFlagsAreRefused", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		flags, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
			ApplicationId: aws.String(app), Name: aws.String("flags"), LocationUri: aws.String("hosted"), Type: aws.String("AWS.AppConfig.FeatureFlags"),
		})
		if err != nil {
			t.Fatalf("CreateConfigurationProfile: %v", err)
		}
		fx := fixture{app: app, env: createEnvironment(t, ts.control, app, "env"), profile: aws.ToString(flags.Id)}
		_, err = getConfiguration(t, ts.control, fx, nil)
		e := asError[*types.BadRequestException](t, err)
		if got, want := aws.ToString(e.Message), "Feature flag configurations must be accessed via AWS AppConfig Data's GetLatestConfiguration API."; got != want {
			t.Errorf("Message = %q; want %q", got, want)
		}
	})

	t.Run("ReaderKey", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withReaderKey(t))
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte("v1"), "text/plain", "")
		cfg := awsConfig()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(readerKeyID, readerSecret, "")
		reader := appconfig.NewFromConfig(cfg, func(o *appconfig.Options) { o.BaseEndpoint = aws.String(ts.url) })
		if out, err := getConfiguration(t, reader, fx, nil); err != nil || string(out.Content) != "v1" {
			t.Errorf("GetConfiguration with a reader key: %v; want the content", err)
		}
	})

	// The AWS CLI writes the content to its outfile, and an empty one when
	// the client has the version.
	t.Run("AWSCLI", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		cli := newAWSCLI(t, ts.url)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(`{"a":1}`), "application/json", "")
		outfile := filepath.Join(t.TempDir(), "config.json")
		args := []string{"appconfig", "get-configuration", "--application", fx.app, "--environment", fx.env, "--configuration", fx.profile, "--client-id", "client-1"}
		out := cli.run(t, append(args, outfile)...)
		checkFields(t, "get-configuration", out, map[string]any{"ConfigurationVersion": "1", "ContentType": "application/json"})
		if got, err := os.ReadFile(outfile); err != nil || string(got) != `{"a":1}` {
			t.Errorf("get-configuration outfile = %q (%v); want the content", got, err)
		}
		out = cli.run(t, append(args, "--client-configuration-version", "1", outfile)...)
		checkFields(t, "get-configuration", out, map[string]any{"ConfigurationVersion": "1"})
		if got, err := os.ReadFile(outfile); err != nil || len(got) != 0 {
			t.Errorf("get-configuration outfile with the client's version = %q (%v); want empty", got, err)
		}
	})
}
