package gitops

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// yamlKeys returns the keys a manifest type writes, by its yaml tags,
// with the inlined Header's.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			keys = append(keys, yamlKeys(f.Type)...)
			continue
		}
		keys = append(keys, name)
	}
	slices.Sort(keys)
	return keys
}

// schemaDefs returns the schema's definitions, decoded.
func schemaDefs(t *testing.T) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Defs map[string]map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(SchemaJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Defs
}

// TestSchemaMatchesManifestTypes: every kind's definition in the schema
// allows exactly the keys its Go type writes, so that the two cannot
// drift apart.
func TestSchemaMatchesManifestTypes(t *testing.T) {
	t.Parallel()
	defs := schemaDefs(t)
	for kind, v := range map[string]any{
		KindApplication:                Application{},
		KindEnvironment:                Environment{},
		KindConfigurationProfile:       ConfigurationProfile{},
		KindHostedConfigurationVersion: HostedConfigurationVersion{},
		KindDeploymentStrategy:         DeploymentStrategy{},
	} {
		props, _ := defs[kind]["properties"].(map[string]any)
		var got []string
		for k := range props {
			got = append(got, k)
		}
		slices.Sort(got)
		if want := yamlKeys(reflect.TypeOf(v)); !slices.Equal(got, want) {
			t.Errorf("schema's %s allows %v; the Go type writes %v", kind, got, want)
		}
	}
}

// decode decodes a JSON manifest as YAML decoding would hand it over.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCheckManifest: manifests of every kind pass; a wrong one is refused
// with the place of the first problem.
func TestCheckManifest(t *testing.T) {
	t.Parallel()
	for _, m := range []string{
		`{"apiVersion":"appconfigd/v1","kind":"Application","name":"shop","tags":{"team":"pay"}}`,
		`{"apiVersion":"appconfigd/v1","kind":"Environment","name":"prod","monitors":[{"alarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:x"}],"deployed":[{"profile":"flags","version":3,"strategy":"AppConfig.AllAtOnce"}]}`,
		`{"apiVersion":"appconfigd/v1","kind":"ConfigurationProfile","name":"flags","type":"AWS.AppConfig.FeatureFlags","locationUri":"hosted","validators":[{"type":"JSON_SCHEMA","content":"{}"}]}`,
		`{"apiVersion":"appconfigd/v1","kind":"HostedConfigurationVersion","version":2,"contentType":"application/json","versionLabel":"v2","content":"2.json"}`,
		`{"apiVersion":"appconfigd/v1","kind":"DeploymentStrategy","name":"slow","deploymentDurationInMinutes":30,"finalBakeTimeInMinutes":10,"growthFactor":20,"growthType":"LINEAR"}`,
	} {
		if err := CheckManifest(decode(t, m)); err != nil {
			t.Errorf("CheckManifest(%s) = %v, want nil", m, err)
		}
	}
	for _, tt := range []struct{ manifest, want string }{
		{`{"apiVersion":"appconfigd/v2","kind":"Application","name":"shop"}`, "/apiVersion"},
		{`{"apiVersion":"appconfigd/v1","kind":"Widget","name":"shop"}`, "/kind"},
		{`{"apiVersion":"appconfigd/v1","kind":"Application"}`, "name"},
		{`{"apiVersion":"appconfigd/v1","kind":"Application","name":"shop","colour":"red"}`, "colour"},
		{`{"apiVersion":"appconfigd/v1","kind":"HostedConfigurationVersion","version":0,"contentType":"text/plain","content":"0.txt"}`, "/version"},
		{`{"apiVersion":"appconfigd/v1","kind":"HostedConfigurationVersion","version":1,"contentType":"text/plain","versionLabel":"42","content":"1.txt"}`, "/versionLabel"},
		{`{"apiVersion":"appconfigd/v1","kind":"DeploymentStrategy","name":"s","deploymentDurationInMinutes":10,"growthFactor":0.5}`, "/growthFactor"},
		{`{"apiVersion":"appconfigd/v1","kind":"Environment","name":"prod","deployed":[{"profile":"p"}]}`, "version"},
	} {
		err := CheckManifest(decode(t, tt.manifest))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckManifest(%s) = %v, want an error naming %s", tt.manifest, err, tt.want)
		}
	}
}
