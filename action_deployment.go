package appconfigd

import (
	"context"
	"time"
)

// tickMinutes is how often AT_DEPLOYMENT_TICK actions run while a
// deployment is DEPLOYING or BAKING, in minutes of deployment time
// (--deployment-time-scale shortens it as it shortens steps). AWS says
// only that the point is invoked during the deployment's orchestration
// (docs/COMPATIBILITY.md, "Extension actions").
const tickMinutes = 1

// tickInterval is the wall-clock time between two ticks of d.
func (d *Deployment) tickInterval() time.Duration { return d.scaled(tickMinutes) }

// transition is what one committed transaction did to a deployment: the
// events of its log from index from on are new.
type transition struct {
	d    *Deployment
	from int
}

// eventPoint is an event of a deployment's log, by index, and the ON_*
// action point it runs.
type eventPoint struct {
	position int
	point    ActionPoint
}

// actionRunner returns the runner of the service's extension actions.
func (s *Service) actionRunner() ActionRunner {
	return ActionRunner{Invoker: s.Actions, Rand: s.Rand}
}

// runOnActions queues the ON_* actions of the events that committed
// transitions appended, to run in the background, and in order for each
// deployment. Their invocations are added to the events once they
// answered. The process that commits an event runs its actions, so an
// event's actions run once; an action that was queued or running when the
// process stopped is lost (docs/COMPATIBILITY.md, "Extension actions").
func (s *Service) runOnActions(ts []transition) {
	for _, t := range ts {
		if len(t.d.AppliedExtensions) == 0 {
			continue
		}
		var points []eventPoint
		for i := t.from; i < len(t.d.EventLog); i++ {
			if p, ok := t.d.EventLog[i].EventType.actionPoint(); ok {
				points = append(points, eventPoint{i, p})
			}
		}
		if len(points) == 0 {
			continue
		}
		d := t.d
		s.actions.enqueue(keyOf(d), func(ctx context.Context) { s.runEventActions(ctx, d, points) })
	}
}

// runEventActions runs the actions of d's extensions at each of points and
// records their invocations on the events.
func (s *Service) runEventActions(ctx context.Context, d *Deployment, points []eventPoint) {
	ev, bindings, err := s.deploymentActions(ctx, d)
	if err != nil {
		s.actionsFailed(d, err)
		return
	}
	for _, p := range points {
		if !hasAction(bindings, p.point) {
			continue
		}
		ev.Point = p.point
		out, err := s.actionRunner().Run(ctx, ev, bindings)
		s.recordInvocations(ctx, d, p.position, out.Invocations)
		if err != nil {
			s.actionsFailed(d, err)
			return
		}
	}
}

// recordInvocations adds invocations to event position of d. A deployment
// deleted meanwhile, with its environment, keeps nothing.
func (s *Service) recordInvocations(ctx context.Context, d *Deployment, position int, invocations []ActionInvocation) {
	if len(invocations) == 0 {
		return
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		return tx.AddActionInvocations(ctx, d.ApplicationID, d.EnvironmentID, d.DeploymentNumber, position, invocations)
	})
	if err != nil && !IsCode(err, ENotFound) {
		s.actionsFailed(d, err)
	}
}

// actionsFailed logs that the actions of d could not be run or recorded.
func (s *Service) actionsFailed(d *Deployment, err error) {
	if IsCode(err, ENotFound) {
		// The environment was deleted, and its deployments with it.
		return
	}
	s.Logger.Warn("run extension actions", "application", d.ApplicationID, "environment", d.EnvironmentID,
		"deployment", d.DeploymentNumber, "err", err)
}

// deploymentActions returns the event of d's actions, without its action
// point, and the bindings of the extensions applied to d.
func (s *Service) deploymentActions(ctx context.Context, d *Deployment) (ev ActionEvent, bindings []ActionBinding, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err := tx.FindApplication(ctx, d.ApplicationID)
		if err != nil {
			return err
		}
		e, err := tx.FindEnvironment(ctx, d.ApplicationID, d.EnvironmentID)
		if err != nil {
			return err
		}
		ev = ActionEvent{
			Application:          ActionResource{ID: a.ID, Name: a.Name},
			Environment:          ActionResource{ID: e.ID, Name: e.Name},
			ConfigurationProfile: ActionResource{ID: d.ConfigurationProfileID, Name: d.ConfigurationName},
			DeploymentNumber:     d.DeploymentNumber,
			Description:          d.Description,
			ConfigurationVersion: d.ConfigurationVersion(),
		}
		bindings, err = s.appliedBindings(ctx, tx, d)
		return err
	})
	return ev, bindings, err
}

// appliedBindings returns the bindings of the extension versions applied
// to d, with the parameter values recorded at its start, the dynamic ones
// included. A version deleted since then runs nothing.
func (s *Service) appliedBindings(ctx context.Context, tx Tx, d *Deployment) ([]ActionBinding, error) {
	var bindings []ActionBinding
	for _, applied := range d.AppliedExtensions {
		ext, err := s.findExtension(ctx, tx, applied.ExtensionID, applied.VersionNumber)
		if IsCode(err, ENotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		bindings = append(bindings, ActionBinding{Extension: ext, Association: &ExtensionAssociation{
			ID:                     applied.ExtensionAssociationID,
			ExtensionID:            applied.ExtensionID,
			ExtensionVersionNumber: applied.VersionNumber,
			Parameters:             applied.Parameters,
		}})
	}
	return bindings, nil
}

// hasAction reports whether one of bindings has an action at point that
// runs here.
func hasAction(bindings []ActionBinding, point ActionPoint) bool {
	for _, b := range bindings {
		if len(b.Extension.Actions[point]) > 0 && !b.Extension.AWSOwned {
			return true
		}
	}
	return false
}

// scheduleTick reports whether the AT_DEPLOYMENT_TICK actions of d, which
// is DEPLOYING or BAKING, are due at now, and returns when they fall due
// next (zero when d has none, or while they run).
func (s *Service) scheduleTick(ctx context.Context, tx Tx, d *Deployment, now time.Time) (bool, time.Time, error) {
	if len(d.AppliedExtensions) == 0 {
		return false, time.Time{}, nil
	}
	bindings, err := s.appliedBindings(ctx, tx, d)
	if err != nil || !hasAction(bindings, ActionAtDeploymentTick) {
		return false, time.Time{}, err
	}
	due, next := s.actions.tickDue(d, now)
	return due, next, nil
}

// runTick queues a run of the AT_DEPLOYMENT_TICK actions of d, and rolls
// d back when one of them asks to or fails. The engine is woken when the
// run ends, to schedule the next one.
func (s *Service) runTick(d *Deployment) {
	key := keyOf(d)
	s.actions.enqueue(key, func(ctx context.Context) {
		defer func() {
			s.actions.tickDone(key)
			s.wakeEngine()
		}()
		ev, bindings, err := s.deploymentActions(ctx, d)
		if err != nil {
			s.actionsFailed(d, err)
			return
		}
		ev.Point = ActionAtDeploymentTick
		out, err := s.actionRunner().Run(ctx, ev, bindings)
		if err != nil {
			s.actionsFailed(d, err)
			return
		}
		if out.RollBack {
			s.rollBackOnTick(ctx, key, out)
		}
	})
}

// rollBackOnTick rolls the deployment key back as an alarm does, when it
// is still DEPLOYING or BAKING once its due steps are applied. The
// rollback is triggered by APPCONFIG, whose extension asked for it; its
// ROLLBACK_STARTED event gives the reason and the tick's invocations.
func (s *Service) rollBackOnTick(ctx context.Context, key deploymentKey, out ActionOutcome) {
	var ts []transition
	err := s.Store.Update(ctx, func(tx Tx) error {
		ts = nil
		d, err := tx.FindDeployment(ctx, key.appID, key.envID, key.number)
		if err != nil {
			return err
		}
		from, now := len(d.EventLog), s.now()
		d.Advance(now)
		if d.State == DeploymentDeploying || d.State == DeploymentBaking {
			at := len(d.EventLog)
			if err := d.Stop(now, false, TriggeredByAppConfig, out.RollBackReason); err != nil {
				return err
			}
			d.EventLog[at].ActionInvocations = out.Invocations
		}
		if len(d.EventLog) == from {
			return nil
		}
		ts = []transition{{d, from}}
		return tx.UpdateDeployment(ctx, d)
	})
	if err != nil {
		s.actionsFailed(&Deployment{ApplicationID: key.appID, EnvironmentID: key.envID, DeploymentNumber: key.number}, err)
		return
	}
	if len(ts) > 0 {
		s.deploymentsChanged(ctx, key.appID)
		s.runOnActions(ts)
	}
}
