// Package gitops keeps AppConfig configuration as files: it exports what an
// AppConfig endpoint holds into a directory of YAML manifests and content
// files, and makes an endpoint match such a directory. It is a client of
// the public AppConfig API through aws-sdk-go-v2, so it works against
// appconfigd and AWS alike. The format is docs/GITOPS.md's.
package gitops

// APIVersion is the version of the manifest format every manifest names;
// a reader refuses manifests of any other (docs/GITOPS.md, "Versions").
const APIVersion = "appconfigd/v1"

// The kinds of manifest, one per resource.
const (
	KindApplication                = "Application"
	KindEnvironment                = "Environment"
	KindConfigurationProfile       = "ConfigurationProfile"
	KindHostedConfigurationVersion = "HostedConfigurationVersion"
	KindDeploymentStrategy         = "DeploymentStrategy"
)

// Header is what every manifest starts with.
type Header struct {
	APIVersion string `yaml:"apiVersion" json:"apiVersion"`
	Kind       string `yaml:"kind" json:"kind"`
}

// Application is applications/APP/application.yaml.
type Application struct {
	Header      `yaml:",inline" json:",inline"`
	Name        string            `yaml:"name" json:"name"`
	Description string            `yaml:"description,omitempty" json:"description,omitempty"`
	Tags        map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Environment is applications/APP/environments/ENV.yaml.
type Environment struct {
	Header      `yaml:",inline" json:",inline"`
	Name        string            `yaml:"name" json:"name"`
	Description string            `yaml:"description,omitempty" json:"description,omitempty"`
	Monitors    []Monitor         `yaml:"monitors,omitempty" json:"monitors,omitempty"`
	Tags        map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
	// Deployed is what the environment serves, by profile: on export
	// what its latest complete deployment of each profile left; on apply
	// with --deploy what to deploy.
	Deployed []Deployed `yaml:"deployed,omitempty" json:"deployed,omitempty"`
}

// Monitor is an environment's alarm.
type Monitor struct {
	AlarmARN     string `yaml:"alarmArn" json:"alarmArn"`
	AlarmRoleARN string `yaml:"alarmRoleArn,omitempty" json:"alarmRoleArn,omitempty"`
}

// Deployed is one profile's version served in an environment.
type Deployed struct {
	// Profile is the profile's name.
	Profile string `yaml:"profile" json:"profile"`
	// Version is the hosted version number.
	Version int `yaml:"version" json:"version"`
	// Strategy names the deployment strategy apply deploys with, by name
	// or ID (AppConfig.AllAtOnce when empty).
	Strategy string `yaml:"strategy,omitempty" json:"strategy,omitempty"`
	// Description is the deployment's.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
}

// ConfigurationProfile is applications/APP/profiles/PROFILE/profile.yaml.
type ConfigurationProfile struct {
	Header           `yaml:",inline" json:",inline"`
	Name             string            `yaml:"name" json:"name"`
	Description      string            `yaml:"description,omitempty" json:"description,omitempty"`
	Type             string            `yaml:"type,omitempty" json:"type,omitempty"`
	LocationURI      string            `yaml:"locationUri" json:"locationUri"`
	RetrievalRoleARN string            `yaml:"retrievalRoleArn,omitempty" json:"retrievalRoleArn,omitempty"`
	KMSKeyIdentifier string            `yaml:"kmsKeyIdentifier,omitempty" json:"kmsKeyIdentifier,omitempty"`
	Validators       []Validator       `yaml:"validators,omitempty" json:"validators,omitempty"`
	Tags             map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Validator is a profile's validator: a JSON Schema, or a function's (or
// webhook's) URI.
type Validator struct {
	Type    string `yaml:"type" json:"type"`
	Content string `yaml:"content" json:"content"`
}

// HostedConfigurationVersion is
// applications/APP/profiles/PROFILE/versions/N.yaml; its content is the
// file Content names, beside it.
type HostedConfigurationVersion struct {
	Header       `yaml:",inline" json:",inline"`
	Version      int    `yaml:"version" json:"version"`
	ContentType  string `yaml:"contentType" json:"contentType"`
	Description  string `yaml:"description,omitempty" json:"description,omitempty"`
	VersionLabel string `yaml:"versionLabel,omitempty" json:"versionLabel,omitempty"`
	// Content is the content file's name, relative to the manifest's
	// directory: N and the content type's natural extension.
	Content string `yaml:"content" json:"content"`
}

// DeploymentStrategy is strategies/NAME.yaml. AWS's predefined strategies
// are never written: every endpoint has them.
type DeploymentStrategy struct {
	Header                      `yaml:",inline" json:",inline"`
	Name                        string            `yaml:"name" json:"name"`
	Description                 string            `yaml:"description,omitempty" json:"description,omitempty"`
	DeploymentDurationInMinutes int               `yaml:"deploymentDurationInMinutes" json:"deploymentDurationInMinutes"`
	FinalBakeTimeInMinutes      int               `yaml:"finalBakeTimeInMinutes" json:"finalBakeTimeInMinutes"`
	GrowthFactor                float64           `yaml:"growthFactor" json:"growthFactor"`
	GrowthType                  string            `yaml:"growthType" json:"growthType"`
	ReplicateTo                 string            `yaml:"replicateTo,omitempty" json:"replicateTo,omitempty"`
	Tags                        map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
}
