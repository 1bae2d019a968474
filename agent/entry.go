package agent

import (
	"sync"
	"time"
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
	// refreshed is when the service last answered; zero before its
	// first answer.
	refreshed time.Time
	// fromBackup says latest was read from a backup and the service has
	// not answered since.
	fromBackup bool
}

func newEntry(k Key) *entry {
	return &entry{key: k, ready: make(chan struct{})}
}

// newEntryFrom returns an entry that serves s until the service answers.
func newEntryFrom(k Key, s *snapshot) *entry {
	e := newEntry(k)
	e.latest, e.fromBackup = s, true
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
		e.latest, e.fromBackup = s, true
	}
}

// apply records one GetLatestConfiguration answer and returns the new
// configuration it brought, or nil when it brought none. firstOfSession
// says the answer is a session's first, which is always complete: an
// empty body with a content type is then an empty configuration, not
// "unchanged". at is when the answer came.
func (e *entry) apply(l *Latest, firstOfSession bool, at time.Time) *snapshot {
	var fresh *snapshot
	if len(l.Configuration) > 0 || (firstOfSession && l.ContentType != "") {
		fresh = newSnapshot(l.Configuration, l.ContentType, l.VersionLabel, l.ConfigurationVersion)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.err, e.refreshed, e.fromBackup = nil, at, false
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

// refreshedAt returns when the service last answered for the entry, and
// whether it ever did.
func (e *entry) refreshedAt() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.refreshed, !e.refreshed.IsZero()
}

// pick returns the configuration to serve to entity ("" for a request
// without Entity-Id), or why there is none, and whether it comes from a
// backup.
func (e *entry) pick(entity string) (s *snapshot, fromBackup bool, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.latest == nil && e.err != nil:
		return nil, false, e.err
	case e.latest == nil:
		return nil, false, errNothingDeployed
	case e.fromBackup:
		return e.latest, true, nil
	case e.rollout == nil || e.rollout.target == nil:
		return e.latest, false, nil
	case entity != "":
		return e.rollout.forEntity(entity), false, nil
	default:
		return e.rollout.forSession(), false, nil
	}
}
