package appconfigd

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// maxDynamicParameters is the model's size of DynamicExtensionParameters.
const maxDynamicParameters = 10

// validateDynamicParameters checks the form of StartDeployment's
// DynamicExtensionParameters: 1 to 10 entries whose keys are
// "<extension name, ID or ARN>#<parameter>" and whose values are 1 to
// 2048 characters (docs/WIRE.md §3.13).
func validateDynamicParameters(dynamic map[string]string) error {
	if len(dynamic) > maxDynamicParameters {
		return badRequest("DynamicExtensionParameters may have at most %d entries, got %d", maxDynamicParameters, len(dynamic))
	}
	for _, key := range slices.Sorted(maps.Keys(dynamic)) {
		if err := checkLength("DynamicExtensionParameters key", key, 1, 161); err != nil {
			return err
		}
		if !dynamicParameterKeyPattern.MatchString(key) {
			return badRequest("DynamicExtensionParameters key %q must be <extension name or ID>#<parameter name>", truncateRunes(key, 80))
		}
		if err := checkLength("DynamicExtensionParameters."+key, dynamic[key], 1, maxParameterValueLength); err != nil {
			return err
		}
	}
	return nil
}

// deploymentBindings returns the extensions that act on a deployment of
// profileID to envID: those associated with the application, the
// environment or the profile, in that order, that have an action at a
// deployment's action point, each with its values of the dynamic
// parameters. Every entry of dynamic must name a dynamic parameter of one
// of them, and every required parameter must have a value.
func (s *Service) deploymentBindings(ctx context.Context, tx Tx, appID, envID, profileID string, dynamic map[string]string) ([]ActionBinding, error) {
	bindings, err := s.associatedBindings(ctx, tx, []AssociatedResource{
		{ApplicationID: appID},
		{ApplicationID: appID, EnvironmentID: envID},
		{ApplicationID: appID, ConfigurationProfileID: profileID},
	}, actsOnDeployments)
	if err != nil {
		return nil, err
	}
	used := make(map[string]bool, len(dynamic))
	for i := range bindings {
		b := &bindings[i]
		ext := b.Extension
		var keys []string
		b.Dynamic, keys = DynamicParametersFor(dynamic, ext, s.ExtensionARN(ext))
		for name := range b.Dynamic {
			if !ext.Parameters[name].Dynamic {
				return nil, badRequest("DynamicExtensionParameters gives %q, which extension %s does not declare as a dynamic parameter", name, ext.Name)
			}
		}
		for _, key := range keys {
			used[key] = true
		}
		if err := b.CheckRequired(); err != nil {
			return nil, err
		}
	}
	for _, key := range slices.Sorted(maps.Keys(dynamic)) {
		if !used[key] {
			ref, _, _ := strings.Cut(key, "#")
			return nil, badRequest("DynamicExtensionParameters key %q names extension %q, which is not associated with the deployment's application, environment or configuration profile, or has no deployment actions", key, ref)
		}
	}
	return bindings, nil
}

// associatedBindings returns the extension versions associated with
// resources, in the order of resources and then of the associations, that
// keep accepts.
func (s *Service) associatedBindings(ctx context.Context, tx Tx, resources []AssociatedResource, keep func(*Extension) bool) ([]ActionBinding, error) {
	var bindings []ActionBinding
	for _, r := range resources {
		associations, _, err := tx.ListExtensionAssociations(ctx, ExtensionAssociationFilter{Resource: &r}, Page{})
		if err != nil {
			return nil, err
		}
		for _, a := range associations {
			ext, err := s.findExtension(ctx, tx, a.ExtensionID, a.ExtensionVersionNumber)
			if err != nil {
				return nil, err
			}
			if keep(ext) {
				bindings = append(bindings, ActionBinding{Extension: ext, Association: a})
			}
		}
	}
	return bindings, nil
}

// actsOnDeployments reports whether e has an action at one of a
// deployment's action points.
func actsOnDeployments(e *Extension) bool {
	for point := range e.Actions {
		if point.ofDeployment() {
			return true
		}
	}
	return false
}

// appliedExtensions returns what bindings record on a deployment.
func appliedExtensions(bindings []ActionBinding) []AppliedExtension {
	var applied []AppliedExtension
	for _, b := range bindings {
		applied = append(applied, b.Applied())
	}
	return applied
}
