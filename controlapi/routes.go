package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd/awsjson"
)

// operation is one row of the control plane's operation table.
type operation struct {
	name    string
	method  string
	pattern string
	// handler is nil for an operation appconfigd does not support yet.
	handler handlerFunc
}

// Path patterns shared by several operations. They are the model's URIs
// (docs/WIRE.md §3.2) in net/http ServeMux syntax.
const (
	applicationPath = "/applications/{ApplicationId}"
	environmentPath = applicationPath + "/environments/{EnvironmentId}"
	deploymentsPath = environmentPath + "/deployments"
	profilePath     = applicationPath + "/configurationprofiles/{ConfigurationProfileId}"
	hostedPath      = profilePath + "/hostedconfigurationversions"
	experimentsPath = "/applications/{ApplicationIdentifier}/experimentdefinitions"
	experimentPath  = experimentsPath + "/{ExperimentDefinitionIdentifier}"
	runsPath        = experimentPath + "/experimentruns"
	// tagsPath takes the rest of the path so that an ARN sent with its
	// slashes unescaped (curl, hand-written clients) still matches; the
	// SDKs percent-encode it into one segment (docs/WIRE.md §3.3), and PathValue
	// returns it decoded either way.
	tagsPath = "/tags/{ResourceArn...}"
)

// operations is the control plane's operation table, in the order of the
// model's operation table (docs/WIRE.md §3.2), with every operation of the current
// model, including the experiment operations that aws-sdk-go-v2 v1.44.2
// predates. An operation without a handler is answered with a modeled
// BadRequestException that says so, never with a 404 the SDK cannot decode
// as a modeled error.
func (s *Server) operations() []operation {
	return []operation{
		{"CreateApplication", http.MethodPost, "/applications", s.handleCreateApplication},
		{"CreateConfigurationProfile", http.MethodPost, applicationPath + "/configurationprofiles", s.handleCreateConfigurationProfile},
		{"CreateDeploymentStrategy", http.MethodPost, "/deploymentstrategies", s.handleCreateDeploymentStrategy},
		{"CreateEnvironment", http.MethodPost, applicationPath + "/environments", s.handleCreateEnvironment},
		{"CreateExperimentDefinition", http.MethodPost, experimentsPath, nil},
		{"CreateExtension", http.MethodPost, "/extensions", s.handleCreateExtension},
		{"CreateExtensionAssociation", http.MethodPost, "/extensionassociations", s.handleCreateExtensionAssociation},
		{"CreateHostedConfigurationVersion", http.MethodPost, hostedPath, s.handleCreateHostedConfigurationVersion},
		{"DeleteApplication", http.MethodDelete, applicationPath, s.handleDeleteApplication},
		{"DeleteConfigurationProfile", http.MethodDelete, profilePath, s.handleDeleteConfigurationProfile},
		// The model misspells this URI, and the SDKs send it that way
		// (docs/WIRE.md §0 fact 11).
		{"DeleteDeploymentStrategy", http.MethodDelete, "/deployementstrategies/{DeploymentStrategyId}", s.handleDeleteDeploymentStrategy},
		// The correct spelling, for hand-written clients.
		{"DeleteDeploymentStrategy", http.MethodDelete, "/deploymentstrategies/{DeploymentStrategyId}", s.handleDeleteDeploymentStrategy},
		{"DeleteEnvironment", http.MethodDelete, environmentPath, s.handleDeleteEnvironment},
		{"DeleteExperimentDefinition", http.MethodDelete, experimentPath, nil},
		{"DeleteExtension", http.MethodDelete, "/extensions/{ExtensionIdentifier}", s.handleDeleteExtension},
		{"DeleteExtensionAssociation", http.MethodDelete, "/extensionassociations/{ExtensionAssociationId}", s.handleDeleteExtensionAssociation},
		{"DeleteHostedConfigurationVersion", http.MethodDelete, hostedPath + "/{VersionNumber}", s.handleDeleteHostedConfigurationVersion},
		{"GetAccountSettings", http.MethodGet, "/settings", s.handleGetAccountSettings},
		{"GetApplication", http.MethodGet, applicationPath, s.handleGetApplication},
		{"GetConfiguration", http.MethodGet, "/applications/{Application}/environments/{Environment}/configurations/{Configuration}", s.handleGetConfiguration},
		{"GetConfigurationProfile", http.MethodGet, profilePath, s.handleGetConfigurationProfile},
		{"GetDeployment", http.MethodGet, deploymentsPath + "/{DeploymentNumber}", s.handleGetDeployment},
		{"GetDeploymentStrategy", http.MethodGet, "/deploymentstrategies/{DeploymentStrategyId}", s.handleGetDeploymentStrategy},
		{"GetEnvironment", http.MethodGet, environmentPath, s.handleGetEnvironment},
		{"GetExperimentDefinition", http.MethodGet, experimentPath, nil},
		{"GetExperimentRun", http.MethodGet, runsPath + "/{Run}", nil},
		{"GetExtension", http.MethodGet, "/extensions/{ExtensionIdentifier}", s.handleGetExtension},
		{"GetExtensionAssociation", http.MethodGet, "/extensionassociations/{ExtensionAssociationId}", s.handleGetExtensionAssociation},
		{"GetHostedConfigurationVersion", http.MethodGet, hostedPath + "/{VersionNumber}", s.handleGetHostedConfigurationVersion},
		{"ListApplications", http.MethodGet, "/applications", s.handleListApplications},
		{"ListConfigurationProfiles", http.MethodGet, applicationPath + "/configurationprofiles", s.handleListConfigurationProfiles},
		{"ListDeploymentStrategies", http.MethodGet, "/deploymentstrategies", s.handleListDeploymentStrategies},
		{"ListDeployments", http.MethodGet, deploymentsPath, s.handleListDeployments},
		{"ListEnvironments", http.MethodGet, applicationPath + "/environments", s.handleListEnvironments},
		{"ListExperimentDefinitions", http.MethodGet, "/experimentdefinitions", nil},
		{"ListExperimentRunEvents", http.MethodGet, runsPath + "/{Run}/events", nil},
		{"ListExperimentRuns", http.MethodGet, runsPath, nil},
		{"ListExtensionAssociations", http.MethodGet, "/extensionassociations", s.handleListExtensionAssociations},
		{"ListExtensions", http.MethodGet, "/extensions", s.handleListExtensions},
		{"ListHostedConfigurationVersions", http.MethodGet, hostedPath, s.handleListHostedConfigurationVersions},
		{"ListTagsForResource", http.MethodGet, tagsPath, s.handleListTagsForResource},
		{"StartDeployment", http.MethodPost, deploymentsPath, s.handleStartDeployment},
		{"StartExperimentRun", http.MethodPost, runsPath, nil},
		{"StopDeployment", http.MethodDelete, deploymentsPath + "/{DeploymentNumber}", s.handleStopDeployment},
		{"StopExperimentRun", http.MethodPatch, runsPath + "/{Run}/stop", nil},
		{"TagResource", http.MethodPost, tagsPath, s.handleTagResource},
		{"UntagResource", http.MethodDelete, tagsPath, s.handleUntagResource},
		{"UpdateAccountSettings", http.MethodPatch, "/settings", s.handleUpdateAccountSettings},
		{"UpdateApplication", http.MethodPatch, applicationPath, s.handleUpdateApplication},
		{"UpdateConfigurationProfile", http.MethodPatch, profilePath, s.handleUpdateConfigurationProfile},
		{"UpdateDeploymentStrategy", http.MethodPatch, "/deploymentstrategies/{DeploymentStrategyId}", s.handleUpdateDeploymentStrategy},
		{"UpdateEnvironment", http.MethodPatch, environmentPath, s.handleUpdateEnvironment},
		{"UpdateExperimentDefinition", http.MethodPatch, experimentPath, nil},
		{"UpdateExperimentRun", http.MethodPatch, runsPath + "/{Run}/update", nil},
		{"UpdateExtension", http.MethodPatch, "/extensions/{ExtensionIdentifier}", s.handleUpdateExtension},
		{"UpdateExtensionAssociation", http.MethodPatch, "/extensionassociations/{ExtensionAssociationId}", s.handleUpdateExtensionAssociation},
		{"ValidateConfiguration", http.MethodPost, profilePath + "/validators", s.handleValidateConfiguration},
	}
}

// Routes returns every control-plane route, for awsjson.NewRouter. It
// panics if Auth is nil: every operation must authenticate, and a server
// that cannot is a wiring mistake best caught at startup.
func (s *Server) Routes() []awsjson.Route {
	if s.Auth == nil {
		panic("controlapi: Server.Auth is nil")
	}
	ops := s.operations()
	routes := make([]awsjson.Route, len(ops))
	for i, op := range ops {
		fn := op.handler
		if fn == nil {
			fn = unsupported(op.name)
		}
		routes[i] = awsjson.Route{Method: op.method, Pattern: op.pattern, Handler: s.handle(op.name, fn)}
	}
	return routes
}

// UnsupportedOperations returns the names of the model's operations that
// appconfigd does not implement yet, in the order of the model's operation
// table, for generating the compatibility documentation.
func UnsupportedOperations() []string {
	var names []string
	for _, op := range (&Server{}).operations() {
		if op.handler == nil {
			names = append(names, op.name)
		}
	}
	return names
}

// unsupported answers an operation appconfigd does not implement with a
// BadRequestException: every operation models it, so the SDKs decode it as
// a typed error with a clear message.
func unsupported(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return badRequest("%s is not supported by appconfigd yet", name)
	}
}
