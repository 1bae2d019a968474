package agent

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
)

// rollout is an entity-based gradual deployment the agent follows
// (AWS's "appconfig-agent-how-to-use", entity-based gradual deployments):
// an Entity-Id in the rolled-out share gets the target version, any other
// the baseline. The share of an entity is a hash of the deployment and
// the entity, so every agent serving the same entity decides alike, and
// since the percentage only grows an entity that got the target keeps it.
type rollout struct {
	Rollout
	// target is the configuration being deployed; baseline the one the
	// agent held before it arrived, nil when the agent never held it (it
	// started during the deployment).
	target   *snapshot
	baseline *snapshot
}

// bucketCount is how finely entities are split: a bucket is a hundredth
// of a percent.
const bucketCount = 10000

// bucket places entity in one of bucketCount buckets for the deployment
// rolloutID: the first 8 bytes, big-endian, of SHA-256(rolloutID, NUL,
// entity), modulo bucketCount. A new deployment reshuffles entities.
func bucket(rolloutID, entity string) uint64 {
	h := sha256.New()
	h.Write([]byte(rolloutID))
	h.Write([]byte{0})
	h.Write([]byte(entity))
	return binary.BigEndian.Uint64(h.Sum(nil)[:8]) % bucketCount
}

// forEntity returns what entity gets: the target when its bucket is in
// the rolled-out share, else the baseline. An agent that does not hold
// the baseline serves the target to everyone.
func (r *rollout) forEntity(entity string) *snapshot {
	if r.baseline == nil || bucket(r.ID, entity) < uint64(math.Round(r.Percentage*bucketCount/100)) {
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
