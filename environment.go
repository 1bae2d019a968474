package appconfigd

import "time"

// EnvironmentState is the state of an environment as the real service sends
// it: CamelCase, unlike the model's enum (docs/WIRE.md §7.5). The SDK waiter
// EnvironmentReadyForDeployment matches these exact strings.
type EnvironmentState string

// Environment states.
const (
	EnvironmentReadyForDeployment EnvironmentState = "ReadyForDeployment"
	EnvironmentDeploying          EnvironmentState = "Deploying"
	EnvironmentRollingBack        EnvironmentState = "RollingBack"
	EnvironmentRolledBack         EnvironmentState = "RolledBack"
	EnvironmentReverted           EnvironmentState = "Reverted"
)

// Monitor is an alarm watched during deployments of an environment.
type Monitor struct {
	AlarmARN     string
	AlarmRoleARN string
}

// Environment is a deployment target inside an application (docs/WIRE.md §3.6).
type Environment struct {
	ApplicationID string
	ID            string
	Name          string
	Description   string
	Monitors      []Monitor
	CreatedAt     time.Time

	// LatestDeploymentState is the state of the environment's most recent
	// deployment, or "" when it never had one. Stores fill it in; State
	// derives the environment's state from it.
	LatestDeploymentState DeploymentState
}

// State derives the environment's state from its latest deployment: an
// environment is Deploying while a deployment validates, deploys or bakes
// (docs/WIRE.md §7.5: the bake keeps it Deploying), and afterwards reflects how
// that deployment ended.
func (e *Environment) State() EnvironmentState {
	switch e.LatestDeploymentState {
	case DeploymentValidating, DeploymentDeploying, DeploymentBaking:
		return EnvironmentDeploying
	case DeploymentRollingBack:
		return EnvironmentRollingBack
	case DeploymentRolledBack:
		return EnvironmentRolledBack
	case DeploymentReverted:
		return EnvironmentReverted
	default:
		return EnvironmentReadyForDeployment
	}
}

// Validate checks the members a client supplies against limits.
func (e *Environment) Validate(limits Limits) error {
	if err := checkLength("Name", e.Name, 1, maxNameLength); err != nil {
		return err
	}
	if err := checkLength("Description", e.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	return validateMonitors(e.Monitors, limits)
}

func validateMonitors(monitors []Monitor, limits Limits) error {
	if len(monitors) > limits.MonitorsPerEnvironment {
		return badRequest("Monitors may have at most %d entries, got %d", limits.MonitorsPerEnvironment, len(monitors))
	}
	for _, m := range monitors {
		if err := checkLength("Monitors.AlarmArn", m.AlarmARN, 1, 2048); err != nil {
			return err
		}
		if err := checkOptionalRoleARN("Monitors.AlarmRoleArn", m.AlarmRoleARN); err != nil {
			return err
		}
	}
	return nil
}

// EnvironmentUpdate holds the members UpdateEnvironment may change; nil
// means unchanged.
type EnvironmentUpdate struct {
	Name        *string
	Description *string
	Monitors    *[]Monitor
}

// Apply applies u to e.
func (u EnvironmentUpdate) Apply(e *Environment) {
	if u.Name != nil {
		e.Name = *u.Name
	}
	if u.Description != nil {
		e.Description = *u.Description
	}
	if u.Monitors != nil {
		e.Monitors = *u.Monitors
	}
}
