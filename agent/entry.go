package agent

import (
	"sync"
)

// entry is the agent's cache of one configuration. Its poller writes it;
// requests read it.
type entry struct {
	key Key
	// ready is closed once there is something to answer with: a
	// configuration, or the outcome of the first fetch.
	ready     chan struct{}
	readyOnce sync.Once

	mu sync.Mutex
	// latest is the last configuration received (or loaded from a
	// backup); nil before the first.
	latest *snapshot
	// rollout is the gradual deployment in progress, if the service
	// reports one.
	rollout *rollout
	// err is the last failure to fetch, kept to answer with while there
	// is no configuration; nil after a success.
	err error
}

func newEntry(k Key) *entry {
	return &entry{key: k, ready: make(chan struct{})}
}

// newEntryFrom returns an entry that serves s until the service answers.
func newEntryFrom(k Key, s *snapshot) *entry {
	e := newEntry(k)
	e.latest = s
	e.markReady()
	return e
}

func (e *entry) markReady() { e.readyOnce.Do(func() { close(e.ready) }) }

// empty reports whether the entry has no configuration.
func (e *entry) empty() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.latest == nil
}

// fail records a failed fetch; the configuration held, if any, stays.
func (e *entry) fail(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = err
}

// restore sets the configuration from a backup when there is none.
func (e *entry) restore(s *snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.latest == nil {
		e.latest = s
	}
}

// apply records one GetLatestConfiguration answer and returns the new
// configuration it brought, or nil when it brought none. firstOfSession
// says the answer is a session's first, which is always complete: an
// empty body with a content type is then an empty configuration, not
// "unchanged".
func (e *entry) apply(l *Latest, firstOfSession bool) *snapshot {
	var fresh *snapshot
	if len(l.Configuration) > 0 || (firstOfSession && l.ContentType != "") {
		fresh = newSnapshot(l.Configuration, l.ContentType, l.VersionLabel, l.ConfigurationVersion)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err = nil
	prev := e.latest
	next := fresh
	if l.Rollout == nil {
		e.rollout = nil
	} else if target := e.followRollout(l.Rollout, fresh, prev); target != nil {
		next = target
	}
	// A new session's first answer repeats the configuration held: that
	// is no change (docs/WIRE.md §1.3).
	if next == nil || (prev != nil && sameVersion(prev, next)) {
		return nil
	}
	e.latest = next
	return next
}

// followRollout updates the rollout state from an answer's rollout
// headers and returns the rollout's target when the agent holds it. The
// versions the agent may hold are the answer's, the one it had, and the
// rollout's own. appconfigd sends an entity-rollout session the baseline
// first, then the target, so that the agent holds both; until the target
// has come everyone gets the baseline.
func (e *entry) followRollout(r *Rollout, fresh, prev *snapshot) *snapshot {
	cur := e.rollout
	if cur == nil || cur.ID != r.ID {
		cur = &rollout{}
	}
	held := []*snapshot{fresh, prev, cur.target, cur.baseline}
	find := func(version string) *snapshot {
		for _, s := range held {
			if s != nil && s.serverVersion == version {
				return s
			}
		}
		return nil
	}
	pct := max(cur.Percentage, r.Percentage) // never shrink: entities keep what they got
	cur.Rollout = *r
	cur.Percentage = pct
	cur.target, cur.baseline = find(r.TargetVersion), find(r.BaselineVersion)
	e.rollout = cur
	return cur.target
}

// awaitingRolloutTarget reports whether a deployment is in progress whose
// target the agent does not hold yet.
func (e *entry) awaitingRolloutTarget() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rollout != nil && e.rollout.target == nil
}

// pick returns the configuration to serve to entity ("" for a request
// without Entity-Id), or why there is none.
func (e *entry) pick(entity string) (*snapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.latest == nil && e.err != nil:
		return nil, e.err
	case e.latest == nil:
		return nil, errNothingDeployed
	case e.rollout == nil || e.rollout.target == nil:
		return e.latest, nil
	case entity != "":
		return e.rollout.forEntity(entity), nil
	default:
		return e.rollout.forSession(), nil
	}
}
