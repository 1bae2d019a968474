package conformance

import (
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
)

func listTags(t *testing.T, c *appconfig.Client, arn string) map[string]string {
	t.Helper()
	out, err := c.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsForResource(%s): %v", arn, err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	return out.Tags
}

func checkTags(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: Tags = %v; want %v", what, got, want)
	}
}

// TestTags tags every kind of taggable resource through its ARN (wire
// §3.12). Tags given at creation are never echoed by Create or Get, only
// by ListTagsForResource (docs/WIRE.md §3.3).
func TestTags(t *testing.T) {
	t.Parallel()
	initial := map[string]string{"team": "core", "cost-center": "42"}

	// Each case creates one resource with the initial tags and returns its
	// ARN.
	tests := []struct {
		name   string
		create func(t *testing.T, ts *testServer) string
	}{
		{"Application", func(t *testing.T, ts *testServer) string {
			out, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String("app"), Tags: initial})
			if err != nil {
				t.Fatalf("CreateApplication: %v", err)
			}
			return applicationARN(aws.ToString(out.Id))
		}},
		{"Environment", func(t *testing.T, ts *testServer) string {
			app := createApplication(t, ts.control, "app")
			out, err := ts.control.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{ApplicationId: aws.String(app), Name: aws.String("env"), Tags: initial})
			if err != nil {
				t.Fatalf("CreateEnvironment: %v", err)
			}
			return environmentARN(app, aws.ToString(out.Id))
		}},
		{"ConfigurationProfile", func(t *testing.T, ts *testServer) string {
			app := createApplication(t, ts.control, "app")
			out, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
				ApplicationId: aws.String(app), Name: aws.String("p"), LocationUri: aws.String("hosted"), Tags: initial,
			})
			if err != nil {
				t.Fatalf("CreateConfigurationProfile: %v", err)
			}
			return profileARN(app, aws.ToString(out.Id))
		}},
		{"DeploymentStrategy", func(t *testing.T, ts *testServer) string {
			out, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
				Name: aws.String("s"), DeploymentDurationInMinutes: aws.Int32(1), GrowthFactor: aws.Float32(50), Tags: initial,
			})
			if err != nil {
				t.Fatalf("CreateDeploymentStrategy: %v", err)
			}
			return strategyARN(aws.ToString(out.Id))
		}},
		{"Deployment", func(t *testing.T, ts *testServer) string {
			fx := newFixture(t, ts.control)
			createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", "")
			out, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
				ApplicationId:          aws.String(fx.app),
				EnvironmentId:          aws.String(fx.env),
				ConfigurationProfileId: aws.String(fx.profile),
				ConfigurationVersion:   aws.String("1"),
				DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
				Tags:                   initial,
			})
			if err != nil {
				t.Fatalf("StartDeployment: %v", err)
			}
			return deploymentARN(fx.app, fx.env, out.DeploymentNumber)
		}},
		// An extension's ARN names one version of it (docs/WIRE.md §3.3).
		{"Extension", func(t *testing.T, ts *testServer) string {
			in := newExtensionInput("backup")
			in.Tags = initial
			out, err := ts.control.CreateExtension(ctx(t), in)
			if err != nil {
				t.Fatalf("CreateExtension: %v", err)
			}
			return extensionARN(aws.ToString(out.Id), int(out.VersionNumber))
		}},
		// The Terraform AWS provider builds an association's ARN with an
		// empty account (docs/COMPATIBILITY.md, "ARNs").
		{"ExtensionAssociation", func(t *testing.T, ts *testServer) string {
			app := createApplication(t, ts.control, "app")
			if _, err := ts.control.CreateExtension(ctx(t), newExtensionInput("backup")); err != nil {
				t.Fatalf("CreateExtension: %v", err)
			}
			out, err := ts.control.CreateExtensionAssociation(ctx(t), &appconfig.CreateExtensionAssociationInput{
				ExtensionIdentifier: aws.String("backup"), ResourceIdentifier: aws.String(applicationARN(app)),
				Parameters: map[string]string{"bucket": "b"}, Tags: initial,
			})
			if err != nil {
				t.Fatalf("CreateExtensionAssociation: %v", err)
			}
			return "arn:aws:appconfig:" + region + "::extensionassociation/" + aws.ToString(out.Id)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t)
			arn := tt.create(t, ts)
			checkTags(t, "after create", listTags(t, ts.control, arn), initial)

			out, err := ts.control.TagResource(ctx(t), &appconfig.TagResourceInput{
				ResourceArn: aws.String(arn),
				Tags:        map[string]string{"team": "platform", "env": ""},
			})
			if err != nil {
				t.Fatalf("TagResource: %v", err)
			}
			checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
			checkTags(t, "after TagResource", listTags(t, ts.control, arn),
				map[string]string{"team": "platform", "cost-center": "42", "env": ""})

			untag, err := ts.control.UntagResource(ctx(t), &appconfig.UntagResourceInput{
				ResourceArn: aws.String(arn),
				TagKeys:     []string{"team", "env", "never-set"},
			})
			if err != nil {
				t.Fatalf("UntagResource: %v", err)
			}
			checkSuccessStatus(t, untag.ResultMetadata, http.StatusNoContent)
			checkTags(t, "after UntagResource", listTags(t, ts.control, arn), map[string]string{"cost-center": "42"})

			if _, err := ts.control.UntagResource(ctx(t), &appconfig.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"cost-center"}}); err != nil {
				t.Fatalf("UntagResource: %v", err)
			}
			checkTags(t, "after removing every tag", listTags(t, ts.control, arn), nil)
		})
	}
}

func TestTagsOfUnknownResources(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)

	arns := []struct{ name, arn string }{
		{"Application", applicationARN("nosuch1")},
		{"Environment", environmentARN(fx.app, "nosuch1")},
		{"ConfigurationProfile", profileARN(fx.app, "nosuch1")},
		{"DeploymentStrategy", strategyARN("nosuch1")},
		{"Deployment", deploymentARN(fx.app, fx.env, 1)},
		{"Extension", extensionARN("nosuch1", 1)},
		{"ExtensionAssociation", "arn:aws:appconfig:" + region + ":" + accountID + ":extensionassociation/nosuch1"},
		// Another account names this server's resources (docs/COMPATIBILITY.md,
		// "ARNs"); another service never does.
		{"OtherService", "arn:aws:ssm:us-east-1:111122223333:application/" + fx.app},
	}
	for _, tt := range arns {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := []struct {
				op   string
				call func() error
			}{
				{"ListTagsForResource", func() error {
					_, err := ts.control.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(tt.arn)})
					return err
				}},
				{"TagResource", func() error {
					_, err := ts.control.TagResource(ctx(t), &appconfig.TagResourceInput{ResourceArn: aws.String(tt.arn), Tags: map[string]string{"k": "v"}})
					return err
				}},
				{"UntagResource", func() error {
					_, err := ts.control.UntagResource(ctx(t), &appconfig.UntagResourceInput{ResourceArn: aws.String(tt.arn), TagKeys: []string{"k"}})
					return err
				}},
			}
			for _, c := range calls {
				err := c.call()
				nf := asError[*types.ResourceNotFoundException](t, err)
				checkStatus(t, err, http.StatusNotFound)
				if got := aws.ToString(nf.ResourceName); got != tt.arn {
					t.Errorf("%s ResourceName = %q; want the ARN %q", c.op, got, tt.arn)
				}
			}
		})
	}

	t.Run("NotAnARN", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String("this-is-not-an-arn-at-all")})
		asError[*types.BadRequestException](t, err)
	})
}

func TestTagResourceInvalid(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.TagsPerResource = 2 }))
	app := createApplication(t, ts.control, "app")
	arn := applicationARN(app)
	if _, err := ts.control.TagResource(ctx(t), &appconfig.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatalf("TagResource up to the limit: %v", err)
	}

	tests := []struct {
		name string
		tags map[string]string
	}{
		{"OverTheLimit", map[string]string{"c": "3"}},
		{"AwsPrefix", map[string]string{"aws:created-by": "me"}},
		{"KeyTooLong", map[string]string{strings.Repeat("k", 129): "v"}},
		{"ValueTooLong", map[string]string{"a": strings.Repeat("v", 257)}},
		{"NoTags", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ts.control.TagResource(ctx(t), &appconfig.TagResourceInput{ResourceArn: aws.String(arn), Tags: tt.tags})
			asError[*types.BadRequestException](t, err)
			checkTags(t, "after the refused TagResource", listTags(t, ts.control, arn), map[string]string{"a": "1", "b": "2"})
		})
	}

	// Overwriting an existing key does not count against the limit.
	if _, err := ts.control.TagResource(ctx(t), &appconfig.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "one"}}); err != nil {
		t.Fatalf("TagResource overwriting a key at the limit: %v", err)
	}
	checkTags(t, "after overwriting", listTags(t, ts.control, arn), map[string]string{"a": "one", "b": "2"})
}
