package appconfigd

import (
	"fmt"
	"strconv"
	"time"
)

// DeploymentState is the state of a deployment. Unlike environment states it
// is UPPER_SNAKE on the wire (docs/WIRE.md §7.5).
type DeploymentState string

// Deployment states.
const (
	DeploymentValidating  DeploymentState = "VALIDATING"
	DeploymentDeploying   DeploymentState = "DEPLOYING"
	DeploymentBaking      DeploymentState = "BAKING"
	DeploymentComplete    DeploymentState = "COMPLETE"
	DeploymentRollingBack DeploymentState = "ROLLING_BACK"
	DeploymentRolledBack  DeploymentState = "ROLLED_BACK"
	DeploymentReverted    DeploymentState = "REVERTED"
)

// Active reports whether a deployment in state s blocks another deployment to
// the same environment. A baking deployment counts (docs/WIRE.md §7.8).
func (s DeploymentState) Active() bool {
	switch s {
	case DeploymentValidating, DeploymentDeploying, DeploymentBaking, DeploymentRollingBack:
		return true
	}
	return false
}

// EventType is the type of a deployment event.
type EventType string

// Event types.
const (
	EventDeploymentStarted   EventType = "DEPLOYMENT_STARTED"
	EventPercentageUpdated   EventType = "PERCENTAGE_UPDATED"
	EventBakeTimeStarted     EventType = "BAKE_TIME_STARTED"
	EventDeploymentCompleted EventType = "DEPLOYMENT_COMPLETED"
	EventRollbackStarted     EventType = "ROLLBACK_STARTED"
	EventRollbackCompleted   EventType = "ROLLBACK_COMPLETED"
	EventRevertCompleted     EventType = "REVERT_COMPLETED"
)

// TriggeredBy says who caused a deployment event.
type TriggeredBy string

// Event triggers.
const (
	TriggeredByUser            TriggeredBy = "USER"
	TriggeredByAppConfig       TriggeredBy = "APPCONFIG"
	TriggeredByCloudWatchAlarm TriggeredBy = "CLOUDWATCH_ALARM"
	TriggeredByInternalError   TriggeredBy = "INTERNAL_ERROR"
)

// DeploymentEvent is one entry of a deployment's event log.
type DeploymentEvent struct {
	EventType   EventType
	TriggeredBy TriggeredBy
	Description string
	OccurredAt  time.Time
	// ActionInvocations are the extension actions run for the event, in
	// the order they ran. ON_* actions run after the event is stored, so
	// theirs are added once they answered (docs/COMPATIBILITY.md,
	// "Extension actions").
	ActionInvocations []ActionInvocation
}

// actionPoint returns the ON_* action point at which an event of type t
// runs extension actions, and false for events that run none. A revert
// puts the previous configuration back as a rollback does, so it runs the
// ON_DEPLOYMENT_ROLLED_BACK actions too (docs/COMPATIBILITY.md, "Extension
// actions").
func (t EventType) actionPoint() (ActionPoint, bool) {
	switch t {
	case EventDeploymentStarted:
		return ActionOnDeploymentStart, true
	case EventPercentageUpdated:
		return ActionOnDeploymentStep, true
	case EventBakeTimeStarted:
		return ActionOnDeploymentBaking, true
	case EventDeploymentCompleted:
		return ActionOnDeploymentComplete, true
	case EventRollbackCompleted, EventRevertCompleted:
		return ActionOnDeploymentRolledBack, true
	}
	return "", false
}

// RevertWindow is how long after completion a deployment may be reverted
// (docs/WIRE.md §3.10).
const RevertWindow = 72 * time.Hour

// Deployment is the rollout of one hosted configuration version of a profile
// to an environment (docs/WIRE.md §3.10). The strategy's numbers are copied in at
// start, so later changes to the strategy do not affect it.
type Deployment struct {
	ApplicationID            string
	EnvironmentID            string
	DeploymentStrategyID     string
	ConfigurationProfileID   string
	DeploymentNumber         int
	ConfigurationName        string
	ConfigurationLocationURI string
	// VersionNumber is the hosted configuration version deployed; the wire
	// member ConfigurationVersion is its decimal form.
	VersionNumber               int
	VersionLabel                string
	Description                 string
	DeploymentDurationInMinutes int
	GrowthType                  GrowthType
	GrowthFactor                float64
	FinalBakeTimeInMinutes      int
	KMSKeyIdentifier            string
	State                       DeploymentState
	PercentageComplete          float64
	StartedAt                   time.Time
	CompletedAt                 time.Time
	// EventLog is kept oldest first; the wire shows it newest first.
	EventLog []DeploymentEvent
	// AppliedExtensions are the extensions associated with the
	// deployment's application, environment or profile that act on
	// deployments, fixed at its start (docs/WIRE.md §3.13).
	AppliedExtensions []AppliedExtension
	// TimeScale makes deployment and bake time pass this many times faster
	// (1 = real time). It is fixed at start so a restart with another
	// setting does not move a running deployment.
	TimeScale float64
}

// ConfigurationVersion returns the wire form of the deployed version.
func (d *Deployment) ConfigurationVersion() string { return strconv.Itoa(d.VersionNumber) }

// scaled converts minutes of deployment time to wall-clock time.
func (d *Deployment) scaled(minutes int) time.Duration {
	scale := d.TimeScale
	if !(scale > 0) {
		scale = 1
	}
	return time.Duration(float64(time.Duration(minutes)*time.Minute) / scale)
}

// Steps returns the deployment's growth steps in wall-clock offsets.
func (d *Deployment) Steps() []GrowthStep {
	return GrowthSteps(d.GrowthType, d.GrowthFactor, d.scaled(d.DeploymentDurationInMinutes))
}

// BakeStartsAt returns when the final bake starts: once the full deployment
// duration has elapsed (docs/WIRE.md §7.5, "Linear step timing").
func (d *Deployment) BakeStartsAt() time.Time {
	return d.StartedAt.Add(d.scaled(d.DeploymentDurationInMinutes))
}

// CompletesAt returns when the bake ends and the deployment completes.
func (d *Deployment) CompletesAt() time.Time {
	return d.BakeStartsAt().Add(d.scaled(d.FinalBakeTimeInMinutes))
}

func (d *Deployment) addEvent(t EventType, by TriggeredBy, at time.Time, description string) {
	d.EventLog = append(d.EventLog, DeploymentEvent{EventType: t, TriggeredBy: by, Description: description, OccurredAt: at})
}

func (d *Deployment) countEvents(t EventType) int {
	n := 0
	for _, e := range d.EventLog {
		if e.EventType == t {
			n++
		}
	}
	return n
}

// Start puts a new deployment in the DEPLOYING state at 0% with its
// DEPLOYMENT_STARTED event, as StartDeployment returns it (docs/WIRE.md §7.5).
func (d *Deployment) Start(now time.Time) {
	d.State = DeploymentDeploying
	d.PercentageComplete = 0
	d.StartedAt = now
	d.EventLog = nil
	d.addEvent(EventDeploymentStarted, TriggeredByUser, now, "Deployment started")
}

// CompleteAtOnce completes a deployment that has just started, skipping
// its growth steps and its bake: every client gets the version at once.
// It recreates what another service has deployed (docs/WIRE.md §3.10).
func (d *Deployment) CompleteAtOnce(now time.Time) {
	d.PercentageComplete = 100
	d.State = DeploymentComplete
	d.CompletedAt = now
	d.addEvent(EventDeploymentCompleted, TriggeredByUser, now, "Deployment completed at once, without growth steps or bake time")
}

// LateStepTolerance is how long after it was due a step may be applied and
// still be recorded at the time it was due. The engine applies steps
// within milliseconds; a step applied later than this had no engine to
// apply it (a restart, a takeover), so its event records when it took
// effect, which is when clients began to get it (docs/DEPLOYMENTS.md,
// "Downtime and takeover").
const LateStepTolerance = time.Second

// Advance moves the deployment along its schedule up to now and reports
// whether anything changed. A deployment resumed after downtime gets
// exactly the events it would have had, none lost and none doubled; each
// is stamped with the time it was due, or, when applied more than
// [LateStepTolerance] after that, with now and a description that says
// when it was due.
func (d *Deployment) Advance(now time.Time) bool {
	changed := false
	if d.State == DeploymentDeploying {
		done := d.countEvents(EventPercentageUpdated)
		for _, step := range d.Steps()[done:] {
			due := d.StartedAt.Add(step.At)
			if due.After(now) {
				break
			}
			d.PercentageComplete = step.Percentage
			d.addDueEvent(EventPercentageUpdated, due, now,
				fmt.Sprintf("Configuration available to %.2f%% of clients", step.Percentage))
			changed = true
		}
		if bake := d.BakeStartsAt(); !bake.After(now) {
			d.PercentageComplete = 100
			d.State = DeploymentBaking
			d.addDueEvent(EventBakeTimeStarted, bake, now, "Deployment bake time started")
			changed = true
		}
	}
	if d.State == DeploymentBaking {
		if end := d.CompletesAt(); !end.After(now) {
			d.State = DeploymentComplete
			d.CompletedAt = d.addDueEvent(EventDeploymentCompleted, end, now, "Deployment completed")
			changed = true
		}
	}
	return changed
}

// addDueEvent records an event of the schedule that was due at due and is
// applied at now, and returns the time it records.
func (d *Deployment) addDueEvent(t EventType, due, now time.Time, description string) time.Time {
	at := due
	if now.Sub(due) > LateStepTolerance {
		at = now
		description += fmt.Sprintf(" (due at %s; applied late because no deployment engine was running)", due.UTC().Format(time.RFC3339Nano))
	}
	d.addEvent(t, TriggeredByAppConfig, at, description)
	return at
}

// NextTransition returns when Advance will next change the deployment, and
// false when the deployment has nothing more to do.
func (d *Deployment) NextTransition() (time.Time, bool) {
	switch d.State {
	case DeploymentDeploying:
		steps := d.Steps()
		if done := d.countEvents(EventPercentageUpdated); done < len(steps) {
			return d.StartedAt.Add(steps[done].At), true
		}
		return d.BakeStartsAt(), true
	case DeploymentBaking:
		return d.CompletesAt(), true
	}
	return time.Time{}, false
}

// Stop ends the deployment as StopDeployment does (docs/WIRE.md §3.10): a deployment
// in progress is rolled back; a complete one is reverted when allowRevert is
// set and it completed within [RevertWindow]. by says who stopped it.
func (d *Deployment) Stop(now time.Time, allowRevert bool, by TriggeredBy, reason string) error {
	switch d.State {
	case DeploymentValidating, DeploymentDeploying, DeploymentBaking:
		d.State = DeploymentRolledBack
		if reason == "" {
			reason = "Rollback initiated by user"
		}
		d.addEvent(EventRollbackStarted, by, now, reason)
		d.addEvent(EventRollbackCompleted, by, now, "Rollback completed")
		return nil
	case DeploymentComplete:
		if !allowRevert {
			return badRequest("Deployment %d is COMPLETE: only a deployment in progress can be stopped; set Allow-Revert to revert a completed deployment", d.DeploymentNumber)
		}
		if now.Sub(d.CompletedAt) > RevertWindow {
			return badRequest("Deployment %d completed more than 72 hours ago and can no longer be reverted", d.DeploymentNumber)
		}
		d.State = DeploymentReverted
		d.addEvent(EventRevertCompleted, by, now, "Revert completed")
		return nil
	default:
		return badRequest("Deployment %d is %s and cannot be stopped", d.DeploymentNumber, d.State)
	}
}
