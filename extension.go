package appconfigd

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ActionPoint is a point in AppConfig's workflow at which an extension's
// action runs (docs/WIRE.md §3.13).
type ActionPoint string

// Action points, in the order they occur.
const (
	ActionPreCreateHostedConfigurationVersion ActionPoint = "PRE_CREATE_HOSTED_CONFIGURATION_VERSION"
	ActionPreStartDeployment                  ActionPoint = "PRE_START_DEPLOYMENT"
	ActionOnDeploymentStart                   ActionPoint = "ON_DEPLOYMENT_START"
	ActionOnDeploymentStep                    ActionPoint = "ON_DEPLOYMENT_STEP"
	ActionOnDeploymentBaking                  ActionPoint = "ON_DEPLOYMENT_BAKING"
	ActionOnDeploymentComplete                ActionPoint = "ON_DEPLOYMENT_COMPLETE"
	ActionOnDeploymentRolledBack              ActionPoint = "ON_DEPLOYMENT_ROLLED_BACK"
	ActionAtDeploymentTick                    ActionPoint = "AT_DEPLOYMENT_TICK"
)

// ActionPoints lists every action point, in the order they occur.
func ActionPoints() []ActionPoint {
	return []ActionPoint{
		ActionPreCreateHostedConfigurationVersion, ActionPreStartDeployment,
		ActionOnDeploymentStart, ActionOnDeploymentStep, ActionOnDeploymentBaking,
		ActionOnDeploymentComplete, ActionOnDeploymentRolledBack, ActionAtDeploymentTick,
	}
}

// ofDeployment reports whether p is a point of a deployment's workflow:
// every point but PRE_CREATE_HOSTED_CONFIGURATION_VERSION. An extension
// with such a point applies to a deployment (Deployment.AppliedExtensions).
func (p ActionPoint) ofDeployment() bool {
	return p != ActionPreCreateHostedConfigurationVersion && slices.Contains(ActionPoints(), p)
}

// ExtensionAction is what an extension does at one action point. Uri names
// what is invoked: on AWS a Lambda function, SNS topic, SQS queue or
// EventBridge bus; here also an http(s) URL (docs/COMPATIBILITY.md,
// "Extensions").
type ExtensionAction struct {
	Name        string
	Description string
	URI         string
	RoleARN     string
}

// ExtensionParameter declares a parameter that associations of an
// extension supply. A dynamic parameter's value is given to each
// StartDeployment instead (DynamicExtensionParameters).
type ExtensionParameter struct {
	Description string
	Required    bool
	Dynamic     bool
}

// Extension is one version of an extension: the actions it takes at action
// points and the parameters it needs (docs/WIRE.md §3.13). Creating an
// extension with the name of an existing one makes a new version of it;
// the versions share the ID and the name.
type Extension struct {
	ID            string
	Name          string
	VersionNumber int
	Description   string
	// Actions has at most one action per action point on the wire
	// (a list of exactly one), 1 to 5 action points.
	Actions    map[ActionPoint][]ExtensionAction
	Parameters map[string]ExtensionParameter
	// AWSOwned marks the extensions AWS authors (AWS.AppConfig.*), which
	// every account lists and nobody may change or delete.
	AWSOwned  bool
	CreatedAt time.Time
}

// ExtensionAssociation binds one version of an extension to an application,
// environment or configuration profile, with values for the extension's
// parameters (docs/WIRE.md §3.13).
type ExtensionAssociation struct {
	ID string
	// ExtensionID and ExtensionVersionNumber name the version associated.
	ExtensionID            string
	ExtensionVersionNumber int
	// Resource is the application, environment or profile the extension
	// is associated with, and ResourceARN the ARN the client named it by.
	// The ARN is returned as given: clients that build ARNs themselves,
	// with an account of their own, must read back what they sent, or
	// they see a change that is none (docs/COMPATIBILITY.md, "Extensions").
	Resource    AssociatedResource
	ResourceARN string
	Parameters  map[string]string
	CreatedAt   time.Time
}

// AssociatedResource names what an extension is associated with: an
// application (EnvironmentID and ConfigurationProfileID empty), one of its
// environments, or one of its configuration profiles. Associations are
// stored by these IDs rather than by ARN, so that they are deleted with
// the resource and do not depend on the region and account of ARNs.
type AssociatedResource struct {
	ApplicationID          string
	EnvironmentID          string
	ConfigurationProfileID string
}

// ExtensionAssociationFilter selects associations in a listing; zero
// members select everything.
type ExtensionAssociationFilter struct {
	// Resource, when set, keeps the associations with exactly this
	// resource.
	Resource *AssociatedResource
	// ExtensionID keeps the associations of that extension, and
	// ExtensionVersionNumber, when not 0, of that version of it.
	ExtensionID            string
	ExtensionVersionNumber int
}

// AppliedExtension is an extension that applied to a deployment: one of
// Deployment.AppliedExtensions.
type AppliedExtension struct {
	ExtensionID            string
	ExtensionAssociationID string
	VersionNumber          int
	Parameters             map[string]string
}

// ActionInvocation records one run of an extension action, as part of a
// deployment event (DeploymentEvent.ActionInvocations on the wire).
type ActionInvocation struct {
	ExtensionIdentifier string
	ActionName          string
	URI                 string
	RoleARN             string
	ErrorMessage        string
	ErrorCode           string
	InvocationID        string
}

// Resource types of the ENotFound errors about extensions; the control
// plane reports them only through ResourceName.
const (
	ResourceExtension            ResourceType = "Extension"
	ResourceExtensionAssociation ResourceType = "ExtensionAssociation"
)

// Limits of extensions and associations from the service model
// (docs/WIRE.md Appendix A).
const (
	maxExtensionActionPoints = 5
	maxExtensionParameters   = 10
	maxParameterValueLength  = 2048
	maxARNLength             = 2048
)

var (
	// extensionNamePattern is the model's pattern of extension and
	// parameter names.
	extensionNamePattern = regexp.MustCompile(`^[^/#:\n]{1,64}$`)
	// modelARNPattern is the model's Arn shape, which RoleArn follows.
	modelARNPattern = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:[a-z]+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:[a-zA-Z0-9-_/:.]+$`)
	// dynamicParameterKeyPattern is the model's pattern of the keys of
	// DynamicExtensionParameters: extension name or ID, '#', parameter.
	dynamicParameterKeyPattern = regexp.MustCompile(`^([^#\n]{1,96})#([^/#\n]{1,64})$`)
)

// awsOwnedPrefix begins the IDs of the AWS-owned extensions. Custom
// extensions may not take a name with it, so an identifier never means
// both kinds.
const awsOwnedPrefix = "AWS."

// Validate checks the members a client supplies against the model's
// constraints (docs/WIRE.md §3.13).
func (e *Extension) Validate() error {
	if err := checkLength("Name", e.Name, 1, maxNameLength); err != nil {
		return err
	}
	if !extensionNamePattern.MatchString(e.Name) {
		return badRequest("Name must be 1 to 64 characters without '/', '#', ':' or line breaks, got %q", truncateRunes(e.Name, 80))
	}
	if strings.HasPrefix(e.Name, awsOwnedPrefix) {
		return badRequest("Name %q is reserved: names beginning with %q belong to AWS-authored extensions", e.Name, awsOwnedPrefix)
	}
	if err := checkLength("Description", e.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if err := validateActions(e.Actions); err != nil {
		return err
	}
	return validateParameters(e.Parameters)
}

// validateActions checks an Actions map: 1 to 5 known action points, each
// with exactly one action.
func validateActions(actions map[ActionPoint][]ExtensionAction) error {
	if len(actions) < 1 || len(actions) > maxExtensionActionPoints {
		return badRequest("Actions must have 1 to %d action points, got %d", maxExtensionActionPoints, len(actions))
	}
	for point, list := range actions {
		if !slices.Contains(ActionPoints(), point) {
			return badRequest("Actions has an unknown action point %q; valid action points are %s", truncateRunes(string(point), 80), joinActionPoints())
		}
		if len(list) != 1 {
			return badRequest("Actions.%s must list exactly one action, got %d", point, len(list))
		}
		if err := list[0].validate("Actions." + string(point)); err != nil {
			return err
		}
	}
	return nil
}

func joinActionPoints() string {
	var names []string
	for _, p := range ActionPoints() {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}

// validate checks an action. Name and Uri are optional in the model, but
// an action without them can be neither told apart nor invoked, so both
// are required (docs/COMPATIBILITY.md, "Extensions"). What a Uri may be is
// for the action invoker to say (Service.checkActionURIs).
func (a ExtensionAction) validate(member string) error {
	if err := checkLength(member+".Name", a.Name, 1, maxNameLength); err != nil {
		return err
	}
	if err := checkLength(member+".Description", a.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if err := checkLength(member+".Uri", a.URI, 1, maxARNLength); err != nil {
		return err
	}
	if a.RoleARN != "" && (len(a.RoleARN) < 20 || len(a.RoleARN) > maxARNLength || !modelARNPattern.MatchString(a.RoleARN)) {
		return badRequest("%s.RoleArn must be an ARN of 20 to 2048 characters, got %q", member, truncateRunes(a.RoleARN, 80))
	}
	return nil
}

// validateParameters checks a Parameters map: at most 10 names matching
// the model's pattern; a dynamic parameter cannot be required, since its
// value comes with each deployment rather than with the association.
func validateParameters(params map[string]ExtensionParameter) error {
	if len(params) > maxExtensionParameters {
		return badRequest("Parameters may have at most %d entries, got %d", maxExtensionParameters, len(params))
	}
	for name, p := range params {
		if err := checkParameterName(name); err != nil {
			return err
		}
		if err := checkLength("Parameters."+name+".Description", p.Description, 0, maxDescriptionLength); err != nil {
			return err
		}
		if p.Required && p.Dynamic {
			return badRequest("Parameters.%s cannot be both Required and Dynamic: dynamic parameters can't be marked Required", name)
		}
	}
	return nil
}

// checkParameterName checks a parameter name against the model's pattern.
func checkParameterName(name string) error {
	if err := checkLength("parameter name", name, 1, maxNameLength); err != nil {
		return err
	}
	if !extensionNamePattern.MatchString(name) {
		return badRequest("parameter name %q must be 1 to 64 characters without '/', '#', ':' or line breaks", truncateRunes(name, 80))
	}
	return nil
}

// ExtensionUpdate holds the members UpdateExtension may change; nil means
// unchanged. VersionNumber selects the version, 0 the latest.
type ExtensionUpdate struct {
	VersionNumber int
	Description   *string
	Actions       map[ActionPoint][]ExtensionAction
	Parameters    map[string]ExtensionParameter
}

// Apply applies u to e.
func (u ExtensionUpdate) Apply(e *Extension) {
	if u.Description != nil {
		e.Description = *u.Description
	}
	if u.Actions != nil {
		e.Actions = u.Actions
	}
	if u.Parameters != nil {
		e.Parameters = u.Parameters
	}
}

// checkAssociationParameters checks the values an association gives for
// the parameters of ext: at most 10, each declared by the extension and
// 1 to 2048 characters long, and every required parameter given.
func checkAssociationParameters(ext *Extension, values map[string]string) error {
	if len(values) > maxExtensionParameters {
		return badRequest("Parameters may have at most %d entries, got %d", maxExtensionParameters, len(values))
	}
	for name, v := range values {
		if err := checkParameterName(name); err != nil {
			return err
		}
		if _, ok := ext.Parameters[name]; !ok {
			return badRequest("Parameter %s is not declared by extension %s version %d", name, ext.Name, ext.VersionNumber)
		}
		if err := checkLength("Parameters."+name, v, 1, maxParameterValueLength); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(ext.Parameters)) {
		if ext.Parameters[name].Required {
			if _, ok := values[name]; !ok {
				return badRequest("Required parameter %s of extension %s must be given a value", name, ext.Name)
			}
		}
	}
	return nil
}
