package appconfigd

import "time"

// GrowthType says how a deployment's percentage grows.
type GrowthType string

// Growth types.
const (
	GrowthLinear      GrowthType = "LINEAR"
	GrowthExponential GrowthType = "EXPONENTIAL"
)

// ReplicateTo values. appconfigd stores the value and never replicates.
const (
	ReplicateNone        = "NONE"
	ReplicateSSMDocument = "SSM_DOCUMENT"
)

// DeploymentStrategy defines how fast a deployment reaches its targets and
// how long it bakes (docs/WIRE.md §3.9).
type DeploymentStrategy struct {
	ID                          string
	Name                        string
	Description                 string
	DeploymentDurationInMinutes int
	GrowthType                  GrowthType
	GrowthFactor                float64
	FinalBakeTimeInMinutes      int
	ReplicateTo                 string
	// Predefined marks the four AppConfig.* strategies, which cannot be
	// changed or deleted and do not count against the quota.
	Predefined bool
	CreatedAt  time.Time
}

// PredefinedStrategies returns the four strategies AWS predefines, with the
// exact numbers AWS lists (docs/WIRE.md §3.9).
func PredefinedStrategies() []DeploymentStrategy {
	return []DeploymentStrategy{
		{ID: "AppConfig.AllAtOnce", Name: "AppConfig.AllAtOnce", Description: "Quick", DeploymentDurationInMinutes: 0, GrowthType: GrowthLinear, GrowthFactor: 100, FinalBakeTimeInMinutes: 10, ReplicateTo: ReplicateNone, Predefined: true},
		{ID: "AppConfig.Linear50PercentEvery30Seconds", Name: "AppConfig.Linear50PercentEvery30Seconds", Description: "Test/Demo", DeploymentDurationInMinutes: 1, GrowthType: GrowthLinear, GrowthFactor: 50, FinalBakeTimeInMinutes: 1, ReplicateTo: ReplicateNone, Predefined: true},
		{ID: "AppConfig.Canary10Percent20Minutes", Name: "AppConfig.Canary10Percent20Minutes", Description: "AWS Recommended", DeploymentDurationInMinutes: 20, GrowthType: GrowthExponential, GrowthFactor: 10, FinalBakeTimeInMinutes: 10, ReplicateTo: ReplicateNone, Predefined: true},
		{ID: "AppConfig.Linear20PercentEvery6Minutes", Name: "AppConfig.Linear20PercentEvery6Minutes", Description: "AWS Recommended", DeploymentDurationInMinutes: 30, GrowthType: GrowthLinear, GrowthFactor: 20, FinalBakeTimeInMinutes: 30, ReplicateTo: ReplicateNone, Predefined: true},
	}
}

// Normalize fills the documented defaults: LINEAR growth and no replication.
func (s *DeploymentStrategy) Normalize() {
	if s.GrowthType == "" {
		s.GrowthType = GrowthLinear
	}
	if s.ReplicateTo == "" {
		s.ReplicateTo = ReplicateNone
	}
}

// Validate checks the members a client supplies.
func (s *DeploymentStrategy) Validate() error {
	if err := checkLength("Name", s.Name, 1, maxNameLength); err != nil {
		return err
	}
	if err := checkLength("Description", s.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if err := checkRange("DeploymentDurationInMinutes", s.DeploymentDurationInMinutes, 0, 1440); err != nil {
		return err
	}
	if err := checkRange("FinalBakeTimeInMinutes", s.FinalBakeTimeInMinutes, 0, 1440); err != nil {
		return err
	}
	if !(s.GrowthFactor >= 1 && s.GrowthFactor <= 100) {
		return badRequest("GrowthFactor must be between 1.0 and 100.0, got %g", s.GrowthFactor)
	}
	if s.GrowthType != GrowthLinear && s.GrowthType != GrowthExponential {
		return badRequest("GrowthType must be LINEAR or EXPONENTIAL, got %q", s.GrowthType)
	}
	if s.ReplicateTo != ReplicateNone && s.ReplicateTo != ReplicateSSMDocument {
		return badRequest("ReplicateTo must be NONE or SSM_DOCUMENT, got %q", s.ReplicateTo)
	}
	return nil
}

// DeploymentStrategyUpdate holds the members UpdateDeploymentStrategy may
// change; nil means unchanged. Name and ReplicateTo cannot change.
type DeploymentStrategyUpdate struct {
	Description                 *string
	DeploymentDurationInMinutes *int
	FinalBakeTimeInMinutes      *int
	GrowthFactor                *float64
	GrowthType                  *GrowthType
}

// Apply applies u to s.
func (u DeploymentStrategyUpdate) Apply(s *DeploymentStrategy) {
	if u.Description != nil {
		s.Description = *u.Description
	}
	if u.DeploymentDurationInMinutes != nil {
		s.DeploymentDurationInMinutes = *u.DeploymentDurationInMinutes
	}
	if u.FinalBakeTimeInMinutes != nil {
		s.FinalBakeTimeInMinutes = *u.FinalBakeTimeInMinutes
	}
	if u.GrowthFactor != nil {
		s.GrowthFactor = *u.GrowthFactor
	}
	if u.GrowthType != nil {
		s.GrowthType = *u.GrowthType
	}
}
