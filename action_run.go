package appconfigd

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// ActionBinding is one extension version that applies to an operation
// through one of its associations (with the application, the environment
// or the profile), with the deployment's values for its dynamic
// parameters.
type ActionBinding struct {
	Extension   *Extension
	Association *ExtensionAssociation
	// Dynamic holds the values StartDeployment gave for this extension's
	// parameters (see DynamicParametersFor).
	Dynamic map[string]string
}

// Parameters returns the values an action of b receives: the
// association's, with the deployment's dynamic values over them.
func (b ActionBinding) Parameters() map[string]string {
	out := make(map[string]string, len(b.Association.Parameters)+len(b.Dynamic))
	maps.Copy(out, b.Association.Parameters)
	maps.Copy(out, b.Dynamic)
	return out
}

// Applied returns b as one of a deployment's AppliedExtensions.
func (b ActionBinding) Applied() AppliedExtension {
	return AppliedExtension{
		ExtensionID:            b.Extension.ID,
		ExtensionAssociationID: b.Association.ID,
		VersionNumber:          b.Extension.VersionNumber,
		Parameters:             b.Parameters(),
	}
}

// CheckRequired reports, as an EBadRequest *Error, the first required
// parameter of b's extension that has no value, the association's or the
// deployment's (docs/COMPATIBILITY.md, "Extension actions").
func (b ActionBinding) CheckRequired() error {
	values := b.Parameters()
	for _, name := range slices.Sorted(maps.Keys(b.Extension.Parameters)) {
		p := b.Extension.Parameters[name]
		if _, ok := values[name]; !p.Required || ok {
			continue
		}
		if p.Dynamic {
			return Errorf(EBadRequest, "Extension %s requires the dynamic parameter %q: give it in DynamicExtensionParameters as \"%s#%s\"", b.Extension.Name, name, b.Extension.Name, name)
		}
		return Errorf(EBadRequest, "Extension %s requires the parameter %q, which association %s does not set", b.Extension.Name, name, b.Association.ID)
	}
	return nil
}

// DynamicParametersFor picks out of StartDeployment's
// DynamicExtensionParameters the values for extension e, whose ARN is arn,
// by parameter name, and the keys of dynamic it took them from, so that a
// caller can tell the keys no extension takes: the keys are
// "<extension>#<parameter>", where <extension> is the extension's name, ID
// or ARN (docs/WIRE.md §3.10).
func DynamicParametersFor(dynamic map[string]string, e *Extension, arn string) (values map[string]string, keys []string) {
	for key, value := range dynamic {
		ref, name, ok := strings.Cut(key, "#")
		if !ok || (ref != e.Name && ref != e.ID && ref != arn) {
			continue
		}
		if values == nil {
			values = map[string]string{}
		}
		values[name] = value
		keys = append(keys, key)
	}
	return values, keys
}

// ActionRunner runs the extension actions of one action point
// (docs/COMPATIBILITY.md, "Extension actions").
type ActionRunner struct {
	Invoker ActionInvoker
	// Rand is the source of invocation IDs; nil means crypto/rand.
	Rand io.Reader
}

// ActionOutcome is what the actions of one action point did.
type ActionOutcome struct {
	// Invocations records every action run, in order, failures included.
	Invocations []ActionInvocation
	// Content is the configuration after the PRE_* actions, each of
	// which receives what the one before it returned; it is the event's
	// content when no action replaced it.
	Content []byte
	// ContentBy is the extension whose action returned Content, nil
	// when none did.
	ContentBy *Extension
	// RollBack says an AT_DEPLOYMENT_TICK action asked to roll the
	// deployment back, for RollBackReason.
	RollBack       bool
	RollBackReason string
}

// Run invokes, in the order given, the action each binding's extension has
// at ev.Point; bindings without one are skipped, and so are AWS-owned
// extensions, whose work is built in or which cannot be associated here.
//
// A failed PRE_* action stops the run: Run returns the outcome so far and
// an EBadRequest *Error, "Error invoking extension <name>: <message>", as
// AWS blocks the operation. The first AT_DEPLOYMENT_TICK action that
// answers ROLL_BACK, or fails (AWS rolls back when an AT_* action fails),
// stops the run with RollBack set. A failed ON_* action is only recorded
// in the invocation (ErrorCode, ErrorMessage), as AWS ignores it.
// Run returns a plain error when ctx ends or no invocation ID can be made.
func (r ActionRunner) Run(ctx context.Context, ev ActionEvent, bindings []ActionBinding) (ActionOutcome, error) {
	out := ActionOutcome{Content: ev.Content}
	for _, b := range bindings {
		actions := b.Extension.Actions[ev.Point]
		if len(actions) == 0 || b.Extension.AWSOwned {
			continue
		}
		for _, action := range actions {
			id, err := IDGenerator{Rand: r.Rand}.NewID()
			if err != nil {
				return out, fmt.Errorf("run %s actions: %w", ev.Point, err)
			}
			req := &ActionRequest{
				ActionEvent:   ev,
				InvocationID:  id,
				ExtensionName: b.Extension.Name,
				Action:        action,
				Parameters:    b.Parameters(),
			}
			if runsBefore(ev.Point) {
				req.Content = out.Content
			} else {
				req.Content, req.ContentType = nil, ""
			}
			resp, err := r.Invoker.Invoke(ctx, req)
			if err != nil {
				return out, fmt.Errorf("run %s action %s of extension %s: %w", ev.Point, action.Name, b.Extension.Name, err)
			}
			inv := ActionInvocation{
				ExtensionIdentifier: b.Extension.ID,
				ActionName:          action.Name,
				URI:                 action.URI,
				RoleARN:             action.RoleARN,
				InvocationID:        id,
			}
			if resp.Failed() {
				inv.ErrorCode, inv.ErrorMessage = resp.Error, failureMessage(resp)
			}
			out.Invocations = append(out.Invocations, inv)
			switch {
			case resp.Failed() && runsBefore(ev.Point):
				return out, blockingError(b.Extension, resp)
			case resp.Failed() && ev.Point == ActionAtDeploymentTick:
				out.RollBack = true
				out.RollBackReason = fmt.Sprintf("Extension %s failed at %s: %s", b.Extension.Name, ev.Point, failureMessage(resp))
				return out, nil
			case resp.Failed():
				// ON_* failures do not stop the deployment.
			case runsBefore(ev.Point) && resp.HasContent:
				out.Content, out.ContentBy = resp.Content, b.Extension
			case ev.Point == ActionAtDeploymentTick && resp.Directive == ActionRollBack:
				out.RollBack, out.RollBackReason = true, rollBackReason(b.Extension, resp)
				return out, nil
			}
		}
	}
	return out, nil
}

// failureMessage is what a failed action said, or its error code when it
// said nothing more.
func failureMessage(resp *ActionResponse) string {
	if resp.Message != "" {
		return resp.Message
	}
	return resp.Error
}

// blockingError is AWS's answer to an operation a PRE_* action failed, as
// recorded for the built-in feature flag extension (docs/WIRE.md §7.2).
func blockingError(e *Extension, resp *ActionResponse) *Error {
	return &Error{
		Code:    EBadRequest,
		Message: blockingMessage(e, failureMessage(resp)),
		InvalidConfiguration: []InvalidConfigurationDetail{{
			Reason: failureMessage(resp),
			Type:   resp.Error,
			Value:  resp.Details,
		}},
	}
}

// blockingMessage is the message of an operation e's PRE_* action
// blocked, for the problem given.
func blockingMessage(e *Extension, problem string) string {
	return fmt.Sprintf("Error invoking extension %s: %s", e.Name, problem)
}

// rollBackReason describes a rollback a tick action asked for, for the
// deployment's event log.
func rollBackReason(e *Extension, resp *ActionResponse) string {
	if resp.Description != "" {
		return fmt.Sprintf("Extension %s rolled the deployment back: %s", e.Name, resp.Description)
	}
	return fmt.Sprintf("Extension %s rolled the deployment back", e.Name)
}
