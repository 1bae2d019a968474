package appconfigd

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// checkActionURIs asks the action invoker whether it can take the Uri of
// each of e's actions, and names the action point and action it cannot.
func (s *Service) checkActionURIs(e *Extension) error {
	for _, point := range ActionPoints() {
		for _, a := range e.Actions[point] {
			err := s.Actions.Check(a.URI)
			if err == nil {
				continue
			}
			message := err.Error()
			var ae *Error
			if errors.As(err, &ae) {
				message = ae.Message
			}
			return badRequest("Actions.%s action %q: %s", point, a.Name, message)
		}
	}
	return nil
}

// runPreCreateActions runs the PRE_CREATE_HOSTED_CONFIGURATION_VERSION
// actions of the extensions associated with the application and the
// profile of v, in that order, and puts what they return in v.Content. It
// runs after the request is validated and before anything is written, as
// AWS documents, outside any transaction since an action may take
// seconds; a failed action blocks the creation with its *Error. Content an
// action returns is validated as the request's was, and blocks the
// creation as a failure of that action when it is not valid; a feature
// flag profile's checks run on it (docs/COMPATIBILITY.md, "Extension
// actions").
func (s *Service) runPreCreateActions(ctx context.Context, appIdent, profileIdent string, v *HostedConfigurationVersion) error {
	point := ActionPreCreateHostedConfigurationVersion
	var (
		ev       ActionEvent
		bindings []ActionBinding
	)
	err := s.Store.View(ctx, func(tx Tx) error {
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
		if err != nil {
			return err
		}
		ev = ActionEvent{
			Point:                point,
			Application:          ActionResource{ID: a.ID, Name: a.Name},
			ConfigurationProfile: ActionResource{ID: p.ID, Name: p.Name},
			Description:          v.Description,
			Content:              v.Content,
			ContentType:          v.ContentType,
		}
		bindings, err = s.associatedBindings(ctx, tx, []AssociatedResource{
			{ApplicationID: a.ID},
			{ApplicationID: a.ID, ConfigurationProfileID: p.ID},
		}, func(e *Extension) bool { return len(e.Actions[point]) > 0 })
		return err
	})
	if err != nil || !hasAction(bindings, point) {
		return err
	}
	out, err := s.actionRunner().Run(ctx, ev, bindings)
	if err != nil || out.ContentBy == nil {
		return err
	}
	v.Content = out.Content
	// The request was within the limits: content an action returned that
	// is not blocks the creation as the action's failure, not the
	// client's (no PayloadTooLargeException).
	err = v.Validate(s.Limits)
	var invalid *Error
	if errors.As(err, &invalid) {
		return badRequest("%s", blockingMessage(out.ContentBy, "the Content it returned is invalid: "+invalid.Message))
	}
	return err
}

// runPreStartActions runs the PRE_START_DEPLOYMENT actions of the
// extensions that apply to the deployment in would start, with the
// content of the version it deploys. It runs after the request is
// validated, the dynamic and required parameters included, and before
// anything is written, outside any transaction; a failed action blocks the
// deployment with its *Error. Content an action returns goes to the next
// action but is not deployed: the deployment serves the hosted version it
// names, which cannot change (docs/COMPATIBILITY.md, "Extension actions").
func (s *Service) runPreStartActions(ctx context.Context, appIdent, envIdent string, in StartDeploymentInput) error {
	var (
		t      *deploymentTarget
		number int
	)
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if t, err = s.findDeploymentTarget(ctx, tx, appIdent, envIdent, in); err != nil {
			return err
		}
		// The checks StartDeployment makes when it writes, made first so
		// that no action hears of a deployment that cannot start. What
		// they advance is not stored: the write transaction does it.
		number, _, err = t.nextNumber(s.now(), in.LatestDeploymentNumber)
		return err
	})
	if err != nil || !hasAction(t.bindings, ActionPreStartDeployment) {
		return err
	}
	ev := ActionEvent{
		Point:                ActionPreStartDeployment,
		Application:          ActionResource{ID: t.app.ID, Name: t.app.Name},
		Environment:          ActionResource{ID: t.env.ID, Name: t.env.Name},
		ConfigurationProfile: ActionResource{ID: t.profile.ID, Name: t.profile.Name},
		DeploymentNumber:     number,
		Description:          in.Description,
		ConfigurationVersion: strconv.Itoa(t.version.VersionNumber),
		Content:              t.version.Content,
		ContentType:          t.version.ContentType,
	}
	_, err = s.actionRunner().Run(ctx, ev, t.bindings)
	return err
}

// deploymentTarget is what a StartDeployment request names, and the
// environment's latest deployment (nil when none).
type deploymentTarget struct {
	app      *Application
	env      *Environment
	profile  *ConfigurationProfile
	strategy *DeploymentStrategy
	version  *HostedConfigurationVersion
	bindings []ActionBinding
	latest   *Deployment
}

// findDeploymentTarget finds, in tx, what a StartDeployment request for
// environment envIdent of application appIdent names.
func (s *Service) findDeploymentTarget(ctx context.Context, tx Tx, appIdent, envIdent string, in StartDeploymentInput) (t *deploymentTarget, err error) {
	t = &deploymentTarget{}
	if t.app, err = findApplication(ctx, tx, appIdent); err != nil {
		return nil, err
	}
	if t.env, err = findEnvironment(ctx, tx, t.app.ID, envIdent); err != nil {
		return nil, err
	}
	if t.profile, err = findProfile(ctx, tx, t.app.ID, in.ConfigurationProfileID); err != nil {
		return nil, err
	}
	if t.strategy, err = findStrategy(ctx, tx, in.DeploymentStrategyID); err != nil {
		return nil, err
	}
	if t.version, err = findVersion(ctx, tx, t.app.ID, t.profile.ID, in.ConfigurationVersion); err != nil {
		return nil, err
	}
	if t.bindings, err = s.deploymentBindings(ctx, tx, t.app.ID, t.env.ID, t.profile.ID, in.DynamicExtensionParameters); err != nil {
		return nil, err
	}
	if t.latest, err = tx.LatestDeployment(ctx, t.app.ID, t.env.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// nextNumber returns the number of the deployment t would start at now,
// and reports whether it advanced t.latest, which the caller then stores.
// A latest deployment whose bake has already ended is complete, even if
// the engine has not recorded it yet; one still in progress, a baking one
// included (docs/WIRE.md §7.8), refuses the new deployment with EConflict,
// and so does a LatestDeploymentNumber other than the latest's number.
func (t *deploymentTarget) nextNumber(now time.Time, want *int) (number int, advanced bool, err error) {
	number = 1
	if t.latest != nil {
		advanced = t.latest.Advance(now)
		if t.latest.State.Active() {
			return 0, advanced, Errorf(EConflict, "Environment %s currently has a state of DEPLOYING. The current deployment must finish before a new deployment can be started.", t.env.ID)
		}
		number = t.latest.DeploymentNumber + 1
	}
	if want != nil && *want != number-1 {
		return 0, advanced, Errorf(EConflict, "LatestDeploymentNumber %d does not match the latest deployment number %d of environment %s", *want, number-1, t.env.ID)
	}
	return number, advanced, nil
}
