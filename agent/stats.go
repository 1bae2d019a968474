package agent

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// PollFailure is why a poll of the service failed, one of a fixed few so
// that counting failures by reason cannot make many series.
type PollFailure int

// The reasons a poll fails.
const (
	// PollTimeout is a call that did not finish within REQUEST_TIMEOUT.
	PollTimeout PollFailure = iota
	// PollRejected is a call the service refused as the caller's
	// mistake: an unknown configuration or an identifier it rejects.
	PollRejected
	// PollError is every other failure: the service unreachable or
	// failing.
	PollError
	numPollFailures
)

// String returns the reason as metrics label it.
func (f PollFailure) String() string {
	return [...]string{"timeout", "rejected", "error"}[f]
}

// PollFailures returns every reason, in order.
func PollFailures() []PollFailure {
	return []PollFailure{PollTimeout, PollRejected, PollError}
}

// stats is what the agent counts for its metrics: atomics, read at
// scrape time, so that the agent needs no metrics library.
type stats struct {
	pollFailures  [numPollFailures]atomic.Uint64
	backupsServed atomic.Uint64
}

// countPollFailure counts a poll that failed with err.
func (s *stats) countPollFailure(err error) {
	reason := PollError
	switch {
	case isTimeout(err):
		reason = PollTimeout
	case callerError(err):
		reason = PollRejected
	}
	s.pollFailures[reason].Add(1)
}

// PollFailureCount returns how many polls of the service failed for
// reason since the agent started.
func (a *Agent) PollFailureCount(reason PollFailure) uint64 {
	return a.stats.pollFailures[reason].Load()
}

// BackupsServed returns how many answers the agent served from a backup
// (BACKUP_DIRECTORY) because the service had not answered for their
// configuration yet.
func (a *Agent) BackupsServed() uint64 { return a.stats.backupsServed.Load() }

// CacheAge is how long ago a configuration the agent caches was last
// refreshed successfully from the service.
type CacheAge struct {
	Key Key
	Age time.Duration
}

// CacheAges returns the age of every cached configuration the service
// has answered for, ordered by key. Only the service's successful answers
// make a configuration count: a request naming something the service
// does not know is forgotten after its first fetch and never appears
// here, so callers cannot add entries by inventing names.
func (a *Agent) CacheAges() []CacheAge {
	now := a.clock.Now()
	a.mu.Lock()
	entries := make([]*entry, 0, len(a.entries))
	for _, e := range a.entries {
		entries = append(entries, e)
	}
	a.mu.Unlock()
	var ages []CacheAge
	for _, e := range entries {
		if at, ok := e.refreshedAt(); ok {
			ages = append(ages, CacheAge{Key: e.key, Age: now.Sub(at)})
		}
	}
	slices.SortFunc(ages, func(x, y CacheAge) int { return strings.Compare(x.Key.String(), y.Key.String()) })
	return ages
}
