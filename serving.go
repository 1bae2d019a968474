package appconfigd

import "time"

// servingKey identifies one configuration profile in one environment.
type servingKey struct {
	ApplicationID          string
	EnvironmentID          string
	ConfigurationProfileID string
}

// servingPlan says which hosted versions an environment serves for a
// profile: Baseline to every session, except that while a deployment is in
// progress sessions whose bucket falls under Percentage get Rollout.
type servingPlan struct {
	Baseline          int // hosted version number, 0 for none
	Rollout           int // hosted version number being deployed, 0 for none
	RolloutDeployment int
	Percentage        float64
	// Previous is the baseline before the latest complete deployment,
	// which reverting that deployment until PreviousUntil brings back; 0
	// for none.
	Previous      int
	PreviousUntil time.Time
}

// planServing computes the serving plan of every (environment, profile)
// from deployments ordered by environment and ascending number, as
// ListServingDeployments returns them.
//
// A COMPLETE deployment becomes the baseline. A deployment in progress
// rolls out over the baseline. A rolled-back or reverted deployment is
// ignored, so sessions go back to the version before it; a session that had
// the newer version sees the older one as new and gets a non-empty body
// (docs/WIRE.md §2.4).
func planServing(deployments []*Deployment) map[servingKey]*servingPlan {
	plans := make(map[servingKey]*servingPlan)
	for _, d := range deployments {
		k := servingKey{d.ApplicationID, d.EnvironmentID, d.ConfigurationProfileID}
		p := plans[k]
		if p == nil {
			p = &servingPlan{}
			plans[k] = p
		}
		switch d.State {
		case DeploymentComplete:
			p.Previous, p.PreviousUntil = p.Baseline, time.Time{}
			if p.Previous != 0 {
				p.PreviousUntil = d.CompletedAt.Add(RevertWindow)
			}
			p.Baseline, p.Rollout, p.RolloutDeployment, p.Percentage = d.VersionNumber, 0, 0, 0
		case DeploymentDeploying, DeploymentBaking:
			p.Rollout, p.RolloutDeployment, p.Percentage = d.VersionNumber, d.DeploymentNumber, d.PercentageComplete
		}
	}
	return plans
}

// versionFor returns the hosted version number a session gets, 0 for none.
func (p *servingPlan) versionFor(sessionID [16]byte, environmentID string) int {
	if p.Rollout != 0 && float64(RolloutBucket(sessionID, environmentID, p.RolloutDeployment)) < p.Percentage*100 {
		return p.Rollout
	}
	return p.Baseline
}

// needs reports whether the plan serves hosted version n to anyone at
// now, or could serve it again: a rollback returns to the baseline, and a
// revert within the window to the previous one.
func (p *servingPlan) needs(n int, now time.Time) bool {
	return n != 0 && (p.Baseline == n || p.Rollout == n || p.Previous == n && !now.After(p.PreviousUntil))
}

// versionNeeded reports whether some environment's plan needs hosted
// version n of a profile (see needs).
func versionNeeded(plans map[servingKey]*servingPlan, appID, profileID string, n int, now time.Time) bool {
	for k, p := range plans {
		if k.ApplicationID == appID && k.ConfigurationProfileID == profileID && p.needs(n, now) {
			return true
		}
	}
	return false
}

// entityRolloutVersion returns the version an entity-rollout agent's
// session gets while a deployment is in progress, given the version it last
// received: the baseline first, so that the agent can keep serving it to
// entities outside the rollout, then the version being deployed.
func (p *servingPlan) entityRolloutVersion(last int) int {
	if p.Baseline != 0 && last != p.Baseline && last != p.Rollout {
		return p.Baseline
	}
	return p.Rollout
}
