package appconfigd

import (
	"context"
	"fmt"
	"time"
)

// StartDeploymentInput is what StartDeployment takes (docs/WIRE.md §3.10).
type StartDeploymentInput struct {
	DeploymentStrategyID   string
	ConfigurationProfileID string
	// ConfigurationVersion is a hosted version number or version label.
	ConfigurationVersion string
	Description          string
	KMSKeyIdentifier     string
	Tags                 map[string]string
	// LatestDeploymentNumber, when set, must equal the environment's
	// latest deployment number (0 when it has none).
	LatestDeploymentNumber *int
	// DynamicExtensionParameters gives values of the dynamic parameters
	// of associated extensions, keyed "<extension>#<parameter>".
	DynamicExtensionParameters map[string]string
	// AtOnce completes the deployment as it starts, with no growth steps
	// and no bake: how a copy of what another service deploys is
	// recreated (docs/WIRE.md §3.10).
	AtOnce bool
}

func (in *StartDeploymentInput) validate(limits Limits) error {
	if err := checkLength("DeploymentStrategyId", in.DeploymentStrategyID, 1, maxLongNameLength); err != nil {
		return err
	}
	if err := checkLength("ConfigurationProfileId", in.ConfigurationProfileID, 1, maxLongNameLength); err != nil {
		return err
	}
	if err := checkLength("ConfigurationVersion", in.ConfigurationVersion, 1, 1024); err != nil {
		return err
	}
	if err := checkLength("Description", in.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if err := checkLength("KmsKeyIdentifier", in.KMSKeyIdentifier, 0, 2048); err != nil {
		return err
	}
	if err := validateDynamicParameters(in.DynamicExtensionParameters); err != nil {
		return err
	}
	return ValidateTags(in.Tags, limits.TagsPerResource)
}

// StartDeployment starts deploying a hosted configuration version to an
// environment. Only one deployment per environment may be in progress, a
// baking one included (docs/WIRE.md §7.8). The returned deployment is as it was
// at its start, DEPLOYING at 0% (docs/WIRE.md §7.5); steps already due, such as
// the immediate 100% of a zero-duration strategy, are applied in the same
// transaction so the data plane serves them at once. A deployment started
// AtOnce is returned COMPLETE.
func (s *Service) StartDeployment(ctx context.Context, appIdent, envIdent string, in StartDeploymentInput) (*Deployment, error) {
	if err := in.validate(s.Limits); err != nil {
		return nil, err
	}
	// PRE_START_DEPLOYMENT actions, then validators, run before anything
	// is written, outside the write transaction because a webhook may
	// take seconds: a configuration that fails them is never deployed
	// (docs/WIRE.md §3.7). The transaction below resolves the same
	// version again.
	if err := s.runPreStartActions(ctx, appIdent, envIdent, in); err != nil {
		return nil, err
	}
	if err := s.validateForDeployment(ctx, appIdent, in); err != nil {
		return nil, err
	}
	var (
		started Deployment
		ts      []transition
	)
	err := s.Store.Update(ctx, func(tx Tx) error {
		ts = nil
		target, err := s.findDeploymentTarget(ctx, tx, appIdent, envIdent, in)
		if err != nil {
			return err
		}
		a, e, p, st, v := target.app, target.env, target.profile, target.strategy, target.version
		bindings, latest := target.bindings, target.latest
		now := s.now()
		from := 0
		if latest != nil {
			from = len(latest.EventLog)
		}
		number, advanced, err := target.nextNumber(now, in.LatestDeploymentNumber)
		if err != nil {
			return err
		}
		if advanced {
			if err := tx.UpdateDeployment(ctx, latest); err != nil {
				return err
			}
			ts = append(ts, transition{latest, from})
		}
		d := &Deployment{
			ApplicationID:               a.ID,
			EnvironmentID:               e.ID,
			DeploymentStrategyID:        st.ID,
			ConfigurationProfileID:      p.ID,
			DeploymentNumber:            number,
			ConfigurationName:           p.Name,
			ConfigurationLocationURI:    p.LocationURI,
			VersionNumber:               v.VersionNumber,
			VersionLabel:                v.VersionLabel,
			Description:                 in.Description,
			DeploymentDurationInMinutes: st.DeploymentDurationInMinutes,
			GrowthType:                  st.GrowthType,
			GrowthFactor:                st.GrowthFactor,
			FinalBakeTimeInMinutes:      st.FinalBakeTimeInMinutes,
			KMSKeyIdentifier:            in.KMSKeyIdentifier,
			TimeScale:                   s.TimeScale,
			AppliedExtensions:           appliedExtensions(bindings),
		}
		d.Start(now)
		if err := tx.CreateDeployment(ctx, d); err != nil {
			if IsCode(err, EConflict) {
				return Errorf(EConflict, "Deployment number %d already exists", number)
			}
			return err
		}
		started = *d
		started.EventLog = append([]DeploymentEvent(nil), d.EventLog...)
		if in.AtOnce {
			d.CompleteAtOnce(now)
			started = *d
			started.EventLog = append([]DeploymentEvent(nil), d.EventLog...)
		}
		if in.AtOnce || d.Advance(now) {
			if err := tx.UpdateDeployment(ctx, d); err != nil {
				return err
			}
		}
		ts = append(ts, transition{d, 0})
		return tx.ReplaceTags(ctx, s.DeploymentARN(a.ID, e.ID, number), in.Tags)
	})
	if err != nil {
		return nil, err
	}
	s.deploymentsChanged(ctx, started.ApplicationID)
	s.runOnActions(ts)
	return &started, nil
}

// GetDeployment returns a deployment with its event log.
func (s *Service) GetDeployment(ctx context.Context, appIdent, envIdent string, number int) (d *Deployment, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		a, e, err := findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		if err != nil {
			return err
		}
		d, err = tx.FindDeployment(ctx, a.ID, e.ID, number)
		return err
	})
	return d, err
}

// ListDeployments lists an environment's deployments, newest first.
func (s *Service) ListDeployments(ctx context.Context, appIdent, envIdent string, in ListInput) (*ListOutput[*Deployment], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	out := &ListOutput[*Deployment]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		a, e, err := findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		if err != nil {
			return err
		}
		items, next, err := tx.ListDeployments(ctx, a.ID, e.ID, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// StopDeployment rolls back a deployment in progress, or with allowRevert
// reverts a completed one within 72 hours (docs/WIRE.md §3.10). Reverting is allowed
// only for the environment's latest deployment, since a later deployment has
// already replaced what it deployed.
func (s *Service) StopDeployment(ctx context.Context, appIdent, envIdent string, number int, allowRevert bool) (d *Deployment, err error) {
	var from int
	err = s.Store.Update(ctx, func(tx Tx) error {
		a, e, err := findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		if err != nil {
			return err
		}
		if d, err = tx.FindDeployment(ctx, a.ID, e.ID, number); err != nil {
			return err
		}
		from = len(d.EventLog)
		now := s.now()
		// Apply steps that are already due, so a deployment that has
		// in fact completed is treated as COMPLETE.
		d.Advance(now)
		if d.State == DeploymentComplete && allowRevert {
			latest, err := tx.LatestDeployment(ctx, a.ID, e.ID)
			if err != nil {
				return err
			}
			if latest.DeploymentNumber != d.DeploymentNumber {
				return badRequest("Deployment %d is not the latest deployment of environment %s and cannot be reverted", number, e.ID)
			}
		}
		if err := d.Stop(now, allowRevert, TriggeredByUser, ""); err != nil {
			return err
		}
		return tx.UpdateDeployment(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	s.deploymentsChanged(ctx, d.ApplicationID)
	s.runOnActions([]transition{{d, from}})
	return d, nil
}

// AdvanceDeployments applies every deployment step that is due at the
// current time, refreshes the data plane when anything changed, purges
// the deleted hosted versions nothing needs any more (when anything
// changed, otherwise every purgeInterval), queues the extension actions of
// the new events and the AT_DEPLOYMENT_TICK actions that are due, and
// returns when the next step or tick is due (zero when nothing is in
// progress). The deployment engine calls it.
func (s *Service) AdvanceDeployments(ctx context.Context) (time.Time, error) {
	var (
		next    time.Time
		changed bool
		ts      []transition
		ticks   []*Deployment
	)
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		next, changed, ts, ticks = time.Time{}, false, nil, nil
		active, err := tx.ListActiveDeployments(ctx)
		if err != nil {
			return err
		}
		alarms, err := tx.ListAlarms(ctx)
		if err != nil {
			return err
		}
		states := make(map[string]AlarmState, len(alarms))
		for _, a := range alarms {
			states[a.ARN] = a.State
		}
		now := s.now()
		inProgress := make(map[deploymentKey]bool, len(active))
		for _, d := range active {
			from := len(d.EventLog)
			// Steps due before an alarm was seen still happened.
			advanced := d.Advance(now)
			rolledBack, err := s.rollBackOnAlarm(ctx, tx, d, states, now)
			if err != nil {
				return err
			}
			if advanced || rolledBack {
				changed = true
				if err := tx.UpdateDeployment(ctx, d); err != nil {
					return fmt.Errorf("advance deployment %d of environment %s: %w", d.DeploymentNumber, d.EnvironmentID, err)
				}
				ts = append(ts, transition{d, from})
			}
			if t, ok := d.NextTransition(); ok {
				earliest(t)
			}
			if d.State != DeploymentDeploying && d.State != DeploymentBaking {
				continue
			}
			inProgress[keyOf(d)] = true
			due, t, err := s.scheduleTick(ctx, tx, d, now)
			if err != nil {
				return err
			}
			if due {
				ticks = append(ticks, d)
			}
			earliest(t)
		}
		s.actions.forgetTicks(inProgress)
		return nil
	})
	if err != nil {
		for _, d := range ticks {
			s.actions.tickDone(keyOf(d))
		}
		return time.Time{}, err
	}
	if changed {
		apps := make([]string, 0, len(ts))
		for _, t := range ts {
			apps = append(apps, t.d.ApplicationID)
		}
		s.servingChanged(ctx, apps...)
	} else {
		s.purgeDeletedVersionsWhenDue(ctx)
	}
	s.runOnActions(ts)
	for _, d := range ticks {
		s.runTick(d)
	}
	return next, nil
}

// rollBackOnAlarm rolls d back when it is still in progress and an alarm
// its environment monitors is in ALARM, and reports whether it did. The
// rollback is triggered by CLOUDWATCH_ALARM and its event names the alarm.
func (s *Service) rollBackOnAlarm(ctx context.Context, tx Tx, d *Deployment, states map[string]AlarmState, now time.Time) (bool, error) {
	if len(states) == 0 || !d.State.Active() {
		return false, nil
	}
	e, err := tx.FindEnvironment(ctx, d.ApplicationID, d.EnvironmentID)
	if err != nil {
		return false, err
	}
	arn := alarmFor(e, states)
	if arn == "" {
		return false, nil
	}
	return true, d.Stop(now, false, TriggeredByCloudWatchAlarm, "Rollback initiated by alarm "+arn)
}

func (s *Service) deploymentsChanged(ctx context.Context, appID string) {
	s.servingChanged(ctx, appID)
	s.wakeEngine()
}

// wakeEngine tells the deployment engine to look at deployments now.
func (s *Service) wakeEngine() {
	if s.DeploymentsChanged != nil {
		s.DeploymentsChanged()
	}
}

// validateForDeployment runs the validators of the profile that in
// deploys against the version it deploys.
func (s *Service) validateForDeployment(ctx context.Context, appIdent string, in StartDeploymentInput) error {
	p, v, err := s.findProfileVersion(ctx, appIdent, in.ConfigurationProfileID, in.ConfigurationVersion)
	if err != nil || len(p.Validators) == 0 {
		return err
	}
	return s.Validators.Validate(ctx, p, v)
}
