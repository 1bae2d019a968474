package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/featureflag"
)

// basicFlags is a deployment-time document with basic flags only (wire
// §4.1).
const basicFlags = `{
  "version": "1",
  "flags": {
    "ui_refresh": {"name": "UI Refresh", "attributes": {"dark_mode_support": {"constraints": {"type": "boolean"}}}},
    "logger_settings": {"name": "Logger", "attributes": {"level": {"constraints": {"type": "string", "enum": ["INFO", "DEBUG"], "required": true}}}},
    "beta": {"name": "Beta"}
  },
  "values": {
    "ui_refresh": {"enabled": true, "dark_mode_support": true},
    "logger_settings": {"enabled": false, "level": "INFO"}
  }
}`

// multiVariantFlags has the multi-variant flag of docs/WIRE.md §4.1's example.
const multiVariantFlags = `{
  "version": "1",
  "flags": {
    "ui_refresh": {"name": "UI Refresh", "attributes": {"dark_mode_support": {"constraints": {"type": "boolean"}}}},
    "logger_settings": {"name": "Logger", "attributes": {"level": {"constraints": {"type": "string", "enum": ["INFO", "DEBUG"], "required": true}}}}
  },
  "values": {
    "ui_refresh": {
      "_variants": [
        {"name": "QA", "enabled": true, "rule": "(ends_with $email \"qa-testers.example.org\")", "attributeValues": {"dark_mode_support": true}},
        {"name": "Default Variant", "enabled": false}
      ]
    },
    "logger_settings": {"enabled": true, "level": "INFO"}
  }
}`

// flagFixture is an application with an environment and a feature-flag
// profile.
func flagFixture(t *testing.T, c *appconfig.Client) fixture {
	t.Helper()
	app := createApplication(t, c, "flags-app")
	return fixture{app: app, env: createEnvironment(t, c, app, "env"), profile: createFlagProfile(t, c, app, "flags")}
}

// createFlagProfile creates a hosted AWS.AppConfig.FeatureFlags profile and
// returns its ID.
func createFlagProfile(t *testing.T, c *appconfig.Client, appID, name string) string {
	t.Helper()
	out, err := c.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: aws.String(appID),
		Name:          aws.String(name),
		LocationUri:   aws.String("hosted"),
		Type:          aws.String("AWS.AppConfig.FeatureFlags"),
	})
	if err != nil {
		t.Fatalf("CreateConfigurationProfile(%q, FeatureFlags): %v", name, err)
	}
	return checkID(t, "CreateConfigurationProfile Id", out.Id)
}

func TestFeatureFlags(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := flagFixture(t, ts.control)

	t.Run("MalformedDocumentsAreRefused", func(t *testing.T) {
		tests := []struct {
			name, doc, wantLocation string
		}{
			{"NotJSON", `{"version":`, ""},
			{"MissingVersion", `{"flags": {}}`, "version"},
			{"UnknownVersion", `{"version": "2"}`, "version"},
			{"BadFlagKey", `{"version": "1", "flags": {"Bad Key": {"name": "x"}}}`, "flags.Bad Key"},
			{"ValueOfUndefinedFlag", `{"version": "1", "flags": {}, "values": {"ghost": {"enabled": true}}}`, "values.ghost"},
			{"AttributeOutsideEnum", strings.Replace(basicFlags, `"level": "INFO"`, `"level": "TRACE"`, 1), "values.logger_settings.level"},
			{"BadRule", strings.Replace(multiVariantFlags, `(ends_with $email`, `(ends_with $email $email $email`, 1), "values.ui_refresh._variants[0].rule"},
			{"DefaultVariantNotLast", strings.Replace(multiVariantFlags, `"enabled": false}`, `"enabled": false, "rule": "(eq $a \"b\")"}`, 1), "values.ui_refresh._variants"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := versionCount(t, ts.control, fx)
				_, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
					ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(fx.profile),
					Content: []byte(tt.doc), ContentType: aws.String("application/json"),
				})
				bre := asError[*types.BadRequestException](t, err)
				checkStatus(t, err, 400)
				if msg := aws.ToString(bre.Message); !strings.Contains(msg, "Malformed 'Content' provided") {
					t.Errorf("Message = %q; want AWS's \"Malformed 'Content' provided\" and the problem", msg)
				}
				if tt.wantLocation != "" {
					details, ok := bre.Details.(*types.BadRequestDetailsMemberInvalidConfiguration)
					if !ok || len(details.Value) == 0 {
						t.Fatalf("Details = %#v; want InvalidConfiguration details", bre.Details)
					}
					var locations []string
					for _, d := range details.Value {
						locations = append(locations, aws.ToString(d.Location))
					}
					if !strings.HasPrefix(locations[0], tt.wantLocation) {
						t.Errorf("problem locations = %q; want the first at %q", locations, tt.wantLocation)
					}
				}
				if after := versionCount(t, ts.control, fx); after != before {
					t.Errorf("versions after a refused create = %d; want %d", after, before)
				}
			})
		}
	})

	t.Run("StoredWithTimestamps", func(t *testing.T) {
		n := createVersion(t, ts.control, fx.app, fx.profile, []byte(basicFlags), "application/json", "")
		out, err := ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(fx.profile), VersionNumber: aws.Int32(n),
		})
		if err != nil {
			t.Fatalf("GetHostedConfigurationVersion: %v", err)
		}
		var doc struct {
			Flags  map[string]map[string]any
			Values map[string]map[string]any
		}
		if err := json.Unmarshal(out.Content, &doc); err != nil {
			t.Fatalf("stored document %s: %v", out.Content, err)
		}
		for _, k := range []string{"_createdAt", "_updatedAt"} {
			if _, ok := doc.Flags["ui_refresh"][k]; !ok {
				t.Errorf("flags.ui_refresh has no %s: %s", k, out.Content)
			}
		}
	})

	t.Run("BasicFlagsServedInRetrievalFormat", func(t *testing.T) {
		deployVersion(t, ts.control, fx, []byte(basicFlags), "application/json", "basic")
		out := poll(t, ts.data, startSession(t, ts.data, fx, 0))
		if got := aws.ToString(out.ContentType); got != "application/json" {
			t.Errorf("ContentType = %q; want application/json", got)
		}
		var got map[string]any
		if err := json.Unmarshal(out.Configuration, &got); err != nil {
			t.Fatalf("retrieval format %s: %v", out.Configuration, err)
		}
		want := map[string]any{
			"ui_refresh":      map[string]any{"enabled": true, "dark_mode_support": true},
			"logger_settings": map[string]any{"enabled": false},
			"beta":            map[string]any{"enabled": false},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("served %s; want %v", out.Configuration, want)
		}
		ts.advance(t, bakeTime)
	})

	t.Run("MultiVariantFlagsServedAsIon", func(t *testing.T) {
		deployVersion(t, ts.control, fx, []byte(multiVariantFlags), "application/json", "variants")
		out := poll(t, ts.data, startSession(t, ts.data, fx, 0))
		if got := aws.ToString(out.ContentType); got != featureflag.ContentTypeIon {
			t.Errorf("ContentType = %q; want %q", got, featureflag.ContentTypeIon)
		}
		set, err := featureflag.ParseRetrieval(out.Configuration, aws.ToString(out.ContentType))
		if err != nil {
			t.Fatalf("ParseRetrieval(%s): %v", out.Configuration, err)
		}
		for _, tt := range []struct {
			email, want string
		}{
			{"ana@qa-testers.example.org", `{"ui_refresh":{"_variant":"QA","enabled":true,"dark_mode_support":true}}`},
			{"bo@example.com", `{"ui_refresh":{"_variant":"Default Variant","enabled":false}}`},
		} {
			got, err := set.Resolve([]string{"ui_refresh"}, map[string]string{"email": tt.email})
			if err != nil {
				t.Fatalf("Resolve(%s): %v", tt.email, err)
			}
			if !jsonEqual(t, got, []byte(tt.want)) {
				t.Errorf("Resolve(email %s) = %s; want %s", tt.email, got, tt.want)
			}
		}
		ts.advance(t, bakeTime)
	})

	t.Run("FreeformProfilesAreServedAsStored", func(t *testing.T) {
		plain := newFixture(t, ts.control)
		deployVersion(t, ts.control, plain, []byte(basicFlags), "application/json", "")
		out := poll(t, ts.data, startSession(t, ts.data, plain, 0))
		checkConfiguration(t, out, []byte(basicFlags), "application/json", "")
	})
}

// TestFeatureFlagsCLI round-trips a flag profile through the AWS CLI
// (botocore): a malformed document is refused with BadRequestException,
// and get-latest-configuration writes the retrieval-time format.
func TestFeatureFlagsCLI(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	cli := newAWSCLI(t, ts.url)
	fx := flagFixture(t, ts.control)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version": "1", "values": {"ghost": {"enabled": true}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := cli.exec("appconfig", "create-hosted-configuration-version", "--application-id", fx.app,
		"--configuration-profile-id", fx.profile, "--content-type", "application/json", "--content", "fileb://"+bad, filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(string(stderr), "BadRequestException") {
		t.Errorf("create-hosted-configuration-version of a malformed flag document: err %v, stderr %q; want BadRequestException", err, stderr)
	}

	deployVersion(t, ts.control, fx, []byte(basicFlags), "application/json", "")
	session := cli.run(t, "appconfigdata", "start-configuration-session", "--application-identifier", "flags-app",
		"--environment-identifier", "env", "--configuration-profile-identifier", "flags")
	outFile := filepath.Join(dir, "config.json")
	cli.run(t, "appconfigdata", "get-latest-configuration", "--configuration-token", session["InitialConfigurationToken"].(string), outFile)
	got, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ui_refresh":{"enabled":true,"dark_mode_support":true},"logger_settings":{"enabled":false},"beta":{"enabled":false}}`
	if !jsonEqual(t, got, []byte(want)) {
		t.Errorf("get-latest-configuration wrote %s; want %s", got, want)
	}
}

// versionCount returns how many hosted versions fx's profile has.
func versionCount(t *testing.T, c *appconfig.Client, fx fixture) int {
	t.Helper()
	out, err := c.ListHostedConfigurationVersions(ctx(t), &appconfig.ListHostedConfigurationVersionsInput{
		ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(fx.profile),
	})
	if err != nil {
		t.Fatalf("ListHostedConfigurationVersions: %v", err)
	}
	return len(out.Items)
}

// jsonEqual reports whether two JSON documents hold the same values.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
