package appconfigd

import "context"

// ActionInvoker runs one extension action: it delivers the event of an
// action point to the action's Uri and reports the answer
// (docs/COMPATIBILITY.md, "Extension actions"). The root package only
// defines the contract; the extensionhttp package POSTs the event that AWS
// sends a Lambda function to http(s) URLs.
type ActionInvoker interface {
	// Check reports whether uri can be stored as an action's Uri, as an
	// EBadRequest *Error naming what is wrong: an http(s) URL must parse
	// and have a host. ARNs are accepted so that extensions written for
	// AWS can be stored; invoking one fails (see Invoke).
	Check(uri string) error
	// Invoke runs the action of req and returns what it answered. A call
	// that fails (the URL cannot be reached in time, answers with an error
	// status, too much or something else than the expected JSON, or the
	// Uri is an ARN that cannot be invoked here) is not an error: it is
	// an ActionResponse whose Error and Message say what went wrong, as
	// the action's own answer would. Invoke returns an error only when
	// ctx ends first, which says nothing about the action.
	Invoke(ctx context.Context, req *ActionRequest) (*ActionResponse, error)
}

// ActionResource names the application, environment or configuration
// profile an action event is about.
type ActionResource struct {
	ID   string
	Name string
}

// ActionEvent is what happened at an action point: the part of the event
// that every action run for it receives (docs/COMPATIBILITY.md, "Extension
// actions").
type ActionEvent struct {
	Point       ActionPoint
	Application ActionResource
	// Environment is empty at PRE_CREATE_HOSTED_CONFIGURATION_VERSION,
	// which happens outside any environment.
	Environment          ActionResource
	ConfigurationProfile ActionResource
	// DeploymentNumber is 0 outside a deployment.
	DeploymentNumber int
	// Description is the deployment's, or at
	// PRE_CREATE_HOSTED_CONFIGURATION_VERSION the new version's.
	Description string
	// ConfigurationVersion is the version deployed, in its wire form; it
	// may be empty before a hosted version exists.
	ConfigurationVersion string
	// Content and ContentType are the configuration, given to PRE_*
	// actions only: AWS sends ON_* actions no content.
	Content     []byte
	ContentType string
}

// ActionRequest is one invocation of an action: the event, the action and
// the parameter values for it.
type ActionRequest struct {
	ActionEvent
	// InvocationID identifies this run in the event and in the
	// deployment's event log.
	InvocationID string
	// ExtensionName names the extension in messages.
	ExtensionName string
	Action        ExtensionAction
	// Parameters are the association's values merged with the
	// deployment's dynamic ones.
	Parameters map[string]string
}

// ActionDirective is what an AT_DEPLOYMENT_TICK action asks of the
// deployment.
type ActionDirective string

// Directives an AT_DEPLOYMENT_TICK action may answer with; no directive
// means ActionContinue.
const (
	ActionContinue ActionDirective = "CONTINUE"
	ActionRollBack ActionDirective = "ROLL_BACK"
)

// ActionResponse is what an action answered, as AWS reads a Lambda
// extension's result (docs/COMPATIBILITY.md, "Extension actions").
type ActionResponse struct {
	// Error, when set, says the action failed: a PRE_* action's failure
	// blocks the operation; any other is recorded and ignored. Message
	// explains it and Details, raw JSON, adds what the action gave.
	Error   string
	Message string
	Details string
	// HasContent says the action replaced the configuration with
	// Content. Only PRE_* actions may.
	HasContent bool
	Content    []byte
	// Directive and Description are an AT_DEPLOYMENT_TICK action's
	// verdict on the deployment and its reason.
	Directive   ActionDirective
	Description string
}

// Failed reports whether the action failed.
func (r *ActionResponse) Failed() bool { return r.Error != "" }

// runsBefore reports whether actions at p run before the operation they
// are named after, and so can block it or change its content.
func runsBefore(p ActionPoint) bool {
	return p == ActionPreCreateHostedConfigurationVersion || p == ActionPreStartDeployment
}
