package appconfigd

import "strconv"

// Limits are the quotas AWS AppConfig states (docs/WIRE.md §5). They are
// configurable because a self-hosted server may want more.
type Limits struct {
	Applications                 int
	DeploymentStrategies         int
	EnvironmentsPerApplication   int
	ProfilesPerApplication       int
	TagsPerResource              int
	ValidatorsPerProfile         int
	MonitorsPerEnvironment       int
	HostedConfigurationSizeBytes int
}

// DefaultLimits returns the quotas AWS documents: 100 applications, 20
// deployment strategies, 20 environments and 100 configuration profiles per
// application, 50 tags per resource, 2 validators per profile, 5 monitors per
// environment and hosted configurations of at most 1 MB.
func DefaultLimits() Limits {
	return Limits{
		Applications:                 100,
		DeploymentStrategies:         20,
		EnvironmentsPerApplication:   20,
		ProfilesPerApplication:       100,
		TagsPerResource:              50,
		ValidatorsPerProfile:         2,
		MonitorsPerEnvironment:       5,
		HostedConfigurationSizeBytes: 1 << 20,
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
