package agent

import (
	"math"

	"github.com/appconfigd/appconfigd/rules"
)

// rollout is an entity-based gradual deployment the agent follows
// (AWS's "appconfig-agent-how-to-use", entity-based gradual deployments):
// an Entity-Id in the rolled-out share gets the target version, any other
// the baseline. The share of an entity is a hash of the deployment and
// the entity, so every agent serving the same entity decides alike, and
// since the percentage only grows an entity that got the target keeps it.
// The hash is the split rule's (rules.Bucket), seeded with the rollout ID,
// so a new deployment reshuffles entities.
type rollout struct {
	Rollout
	// target is the configuration being deployed; baseline the one the
	// agent held before it arrived, nil when the agent never held it (it
	// started during the deployment).
	target   *snapshot
	baseline *snapshot
}

// forEntity returns what entity gets: the target when its bucket is in
// the rolled-out share, else the baseline. An agent that does not hold
// the baseline serves the target to everyone.
func (r *rollout) forEntity(entity string) *snapshot {
	if r.baseline == nil || rules.Bucket(r.ID, entity) < uint64(math.Round(r.Percentage*rules.Buckets/100)) {
		return r.target
	}
	return r.baseline
}

// forSession returns what a request without Entity-Id gets: what a plain
// session gets now, the baseline or the target.
func (r *rollout) forSession() *snapshot {
	if r.baseline != nil && r.SessionVersion != r.TargetVersion && r.SessionVersion == r.baseline.serverVersion {
		return r.baseline
	}
	return r.target
}
