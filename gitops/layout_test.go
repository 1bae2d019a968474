package gitops

import (
	"maps"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPathName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, want string
	}{
		{"prod", "prod"},
		{"My-App_v1.2", "My-App_v1.2"},
		{"web/ui", "web%2Fui"},
		{"a b", "a%20b"},
		{"100%", "100%25"},
		{"dev~x", "dev%7Ex"},
		{"café", "caf%C3%A9"},
		{`C:\x`, "C%3A%5Cx"},
		{".", "%2E"},
		{"..", "%2E%2E"},
		{"...", "..."},
		{".hidden", ".hidden"},
		{"\x00\x7f", "%00%7F"},
	}
	for _, tt := range tests {
		if got := PathName(tt.name); got != tt.want {
			t.Errorf("PathName(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestDirNames(t *testing.T) {
	t.Parallel()
	t.Run("UniqueNamesAreTheirPathNames", func(t *testing.T) {
		got := DirNames([]Resource{{"a1b2c3d", "prod"}, {"e4f5g6h", "web/ui"}})
		want := map[string]string{"a1b2c3d": "prod", "e4f5g6h": "web%2Fui"}
		if !maps.Equal(got, want) {
			t.Errorf("DirNames = %v; want %v", got, want)
		}
	})
	t.Run("SharedNamesGetTheirIDs", func(t *testing.T) {
		got := DirNames([]Resource{{"a1b2c3d", "dev"}, {"e4f5g6h", "dev"}, {"i7j8k9l", "prod"}})
		want := map[string]string{"a1b2c3d": "dev~a1b2c3d", "e4f5g6h": "dev~e4f5g6h", "i7j8k9l": "prod"}
		if !maps.Equal(got, want) {
			t.Errorf("DirNames = %v; want %v", got, want)
		}
	})
	t.Run("NamesDifferingInCaseOnlyGetTheirIDs", func(t *testing.T) {
		got := DirNames([]Resource{{"a1b2c3d", "Dev"}, {"e4f5g6h", "dev"}})
		want := map[string]string{"a1b2c3d": "Dev~a1b2c3d", "e4f5g6h": "dev~e4f5g6h"}
		if !maps.Equal(got, want) {
			t.Errorf("DirNames = %v; want %v", got, want)
		}
	})
	t.Run("EscapedNamesDoNotCollide", func(t *testing.T) {
		// "a/b" escapes to a%2Fb, which "a%2Fb" cannot be: '%' is escaped.
		got := DirNames([]Resource{{"a1b2c3d", "a/b"}, {"e4f5g6h", "a%2Fb"}, {"i7j8k9l", ".."}})
		want := map[string]string{"a1b2c3d": "a%2Fb", "e4f5g6h": "a%252Fb", "i7j8k9l": "%2E%2E"}
		if !maps.Equal(got, want) {
			t.Errorf("DirNames = %v; want %v", got, want)
		}
	})
}

func TestContentExtension(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType, want string
	}{
		{"application/json", "json"},
		{"application/json; charset=utf-8", "json"},
		{"Application/JSON", "json"},
		{"application/x-yaml", "yml"},
		{"application/yaml", "yml"},
		{"text/yaml", "yml"},
		{"text/plain", "txt"},
		{"text/plain; charset=us-ascii", "txt"},
		{"application/octet-stream", "bin"},
		{"text/html", "bin"},
		{"", "bin"},
		{"not a type;;", "bin"},
	}
	for _, tt := range tests {
		if got := ContentExtension(tt.contentType); got != tt.want {
			t.Errorf("ContentExtension(%q) = %q; want %q", tt.contentType, got, tt.want)
		}
	}
}

// TestMarshal checks the exact text of one manifest of each kind: field
// order, indentation, omitted empty fields, sorted maps, JSON Schemas as
// literal blocks.
func TestMarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		manifest any
		into     any
		want     string
	}{
		{
			name: "Application",
			manifest: Application{
				Header: Header{APIVersion: APIVersion, Kind: KindApplication},
				Name:   "shop",
				Tags:   map[string]string{"team": "payments", "cost-center": "42"},
			},
			into: &Application{},
			want: `apiVersion: appconfigd/v1
kind: Application
name: shop
tags:
  cost-center: "42"
  team: payments
`,
		},
		{
			name: "Environment",
			manifest: Environment{
				Header:      Header{APIVersion: APIVersion, Kind: KindEnvironment},
				Name:        "prod",
				Description: "Production: live",
				Monitors: []Monitor{
					{AlarmARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors", AlarmRoleARN: "arn:aws:iam::000000000000:role/alarms"},
					{AlarmARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:latency"},
				},
				Tags: map[string]string{"tier": "gold", "team": "payments"},
				Deployed: []Deployed{
					{Profile: "flags", Version: 1, Strategy: "AppConfig.AllAtOnce"},
					{Profile: "settings", Version: 3, Strategy: "instant", Description: "release 3"},
				},
			},
			into: &Environment{},
			want: `apiVersion: appconfigd/v1
kind: Environment
name: prod
description: 'Production: live'
monitors:
  - alarmArn: arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors
    alarmRoleArn: arn:aws:iam::000000000000:role/alarms
  - alarmArn: arn:aws:cloudwatch:us-east-1:000000000000:alarm:latency
tags:
  team: payments
  tier: gold
deployed:
  - profile: flags
    version: 1
    strategy: AppConfig.AllAtOnce
  - profile: settings
    version: 3
    strategy: instant
    description: release 3
`,
		},
		{
			name: "ConfigurationProfile",
			manifest: ConfigurationProfile{
				Header:      Header{APIVersion: APIVersion, Kind: KindConfigurationProfile},
				Name:        "settings",
				Type:        "AWS.Freeform",
				LocationURI: "hosted",
				Validators: []Validator{
					{Type: "JSON_SCHEMA", Content: "{\n  \"type\": \"object\",\n  \"required\": [\"mode\"]\n}\n"},
					{Type: "LAMBDA", Content: "https://validator.example/check"},
				},
				Tags: map[string]string{"owner": "web"},
			},
			into: &ConfigurationProfile{},
			want: `apiVersion: appconfigd/v1
kind: ConfigurationProfile
name: settings
type: AWS.Freeform
locationUri: hosted
validators:
  - type: JSON_SCHEMA
    content: |
      {
        "type": "object",
        "required": ["mode"]
      }
  - type: LAMBDA
    content: https://validator.example/check
tags:
  owner: web
`,
		},
		{
			name: "HostedConfigurationVersion",
			manifest: HostedConfigurationVersion{
				Header:       Header{APIVersion: APIVersion, Kind: KindHostedConfigurationVersion},
				Version:      3,
				ContentType:  "application/json",
				Description:  "third",
				VersionLabel: "v3",
				Content:      "3.json",
			},
			into: &HostedConfigurationVersion{},
			want: `apiVersion: appconfigd/v1
kind: HostedConfigurationVersion
version: 3
contentType: application/json
description: third
versionLabel: v3
content: 3.json
`,
		},
		{
			name: "DeploymentStrategy",
			manifest: DeploymentStrategy{
				Header:                      Header{APIVersion: APIVersion, Kind: KindDeploymentStrategy},
				Name:                        "slow",
				DeploymentDurationInMinutes: 20,
				FinalBakeTimeInMinutes:      0,
				GrowthFactor:                12.5,
				GrowthType:                  "EXPONENTIAL",
				ReplicateTo:                 "NONE",
			},
			into: &DeploymentStrategy{},
			want: `apiVersion: appconfigd/v1
kind: DeploymentStrategy
name: slow
deploymentDurationInMinutes: 20
finalBakeTimeInMinutes: 0
growthFactor: 12.5
growthType: EXPONENTIAL
replicateTo: NONE
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Marshal(tt.manifest)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", got, tt.want)
			}
			// What is written reads back as what was marshalled.
			if err := yaml.Unmarshal(got, tt.into); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			again, err := Marshal(tt.into)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != tt.want {
				t.Errorf("Marshal after Unmarshal =\n%s\nwant\n%s", again, tt.want)
			}
		})
	}
}
