package appconfigd

import (
	"context"
	"sync"
	"time"
)

// MaxWaitForChange is the longest a poll waits for a change
// (docs/WIRE.md §2.5): under the server's 60-second write timeout, and
// under the idle timeouts of the proxies and load balancers in front of
// most servers.
const MaxWaitForChange = 60 * time.Second

// DefaultMaxWaiters is how many polls may wait for a change at once
// unless the operator says otherwise. A waiting poll holds a connection
// and a goroutine (docs/PERFORMANCE.md, "Waiting polls").
const DefaultMaxWaiters = 10000

// WaitOutcome says how a poll that asked to wait was treated.
type WaitOutcome int

const (
	// WaitNotAsked: the poll did not ask to wait.
	WaitNotAsked WaitOutcome = iota
	// WaitOffered: the server waited, or would have, for up to the
	// poll's wait.
	WaitOffered
	// WaitRefused: as many polls as allowed were waiting already, so it
	// answered at once; the client should poll at its interval.
	WaitRefused
)

// changeWaiters holds the polls that wait for a change, by the
// (environment, profile) they wait on, and wakes those whose answer a
// published catalog changes. Waking is decided here, per waiter, from the
// new plan, so that a change to one environment or a step of a gradual
// deployment wakes only the polls whose answer it changes, not every
// waiter of the application.
type changeWaiters struct {
	mu     sync.Mutex
	n      int
	closed bool
	// done is closed by close, so that waits end at once.
	done  chan struct{}
	byApp map[string]map[servingKey]map[*changeWaiter]struct{}
}

// changeWaiter is one waiting poll.
type changeWaiter struct {
	key   servingKey
	token *SessionToken
	// entity is an entity-rollout poll, which also waits for the
	// deployment in progress to change from seen.
	entity bool
	seen   servingPlan
	// woken receives when the poll's answer may have changed.
	woken chan struct{}
}

// add registers w unless limit polls wait already or the waiters are
// closed, and reports whether it did.
func (ws *changeWaiters) add(w *changeWaiter, limit int) bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed || ws.n >= limit {
		return false
	}
	if ws.byApp == nil {
		ws.byApp = make(map[string]map[servingKey]map[*changeWaiter]struct{})
	}
	keys := ws.byApp[w.key.ApplicationID]
	if keys == nil {
		keys = make(map[servingKey]map[*changeWaiter]struct{})
		ws.byApp[w.key.ApplicationID] = keys
	}
	set := keys[w.key]
	if set == nil {
		set = make(map[*changeWaiter]struct{})
		keys[w.key] = set
	}
	set[w] = struct{}{}
	ws.n++
	return true
}

// remove unregisters w, if it is registered.
func (ws *changeWaiters) remove(w *changeWaiter) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	keys := ws.byApp[w.key.ApplicationID]
	set := keys[w.key]
	if _, ok := set[w]; !ok {
		return
	}
	delete(set, w)
	ws.n--
	if len(set) == 0 {
		delete(keys, w.key)
		if len(keys) == 0 {
			delete(ws.byApp, w.key.ApplicationID)
		}
	}
}

// count returns how many polls wait.
func (ws *changeWaiters) count() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.n
}

// closing returns a channel closed once the waiters are closed.
func (ws *changeWaiters) closing() <-chan struct{} {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.done == nil {
		ws.done = make(chan struct{})
	}
	return ws.done
}

// close ends every wait and refuses new ones, for a server that shuts
// down (docs/WIRE.md §2.5).
func (ws *changeWaiters) close() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed {
		return
	}
	ws.closed = true
	if ws.done == nil {
		ws.done = make(chan struct{})
	}
	close(ws.done)
}

// published wakes the waiters whose answer snap may change: those of the
// applications appIDs, or of every application when all is set. It runs
// in the catalog's load, after the snapshot is published, so a woken poll
// reads the new plan.
func (ws *changeWaiters) published(snap *catalogSnapshot, all bool, appIDs []string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.n == 0 {
		return
	}
	wake := func(appID string, keys map[servingKey]map[*changeWaiter]struct{}) {
		ca := snap.app(appID)
		for k, set := range keys {
			var plan *servingPlan
			gone := ca == nil || !ca.envs[k.EnvironmentID] || !ca.profiles[k.ConfigurationProfileID]
			if !gone {
				plan = ca.plans[k]
			}
			for w := range set {
				if gone || w.changedBy(plan) {
					select {
					case w.woken <- struct{}{}:
					default:
					}
				}
			}
		}
	}
	if all {
		for appID, keys := range ws.byApp {
			wake(appID, keys)
		}
		return
	}
	for _, appID := range appIDs {
		if keys := ws.byApp[appID]; keys != nil {
			wake(appID, keys)
		}
	}
}

// changedBy reports whether a poll of the waiter's session answered from
// plan differs from what the session holds: a version it has not
// received, or, for an entity-rollout poll, a deployment in progress other
// than the one it saw.
func (w *changeWaiter) changedBy(plan *servingPlan) bool {
	if plan.servedTo(w.token, w.entity) != w.token.LastVersion {
		return true
	}
	return w.entity && !plan.sameRollout(&w.seen)
}

// servedTo returns the hosted version number a poll of session t gets,
// 0 for none: the version its rollout bucket gives it (docs/WIRE.md §2.4),
// or for an entity-rollout poll during a deployment the baseline first and
// then the version being deployed.
func (p *servingPlan) servedTo(t *SessionToken, entityRollout bool) int {
	if p == nil {
		return 0
	}
	if entityRollout && p.Rollout != 0 {
		return p.entityRolloutVersion(t.LastVersion)
	}
	return p.versionFor(t.SessionID, t.EnvironmentID)
}

// sameRollout reports whether p, nil for no plan, has the deployment in
// progress that seen has, at the same percentage and over the same
// baseline.
func (p *servingPlan) sameRollout(seen *servingPlan) bool {
	var cur servingPlan
	if p != nil {
		cur = *p
	}
	return cur.Baseline == seen.Baseline && cur.Rollout == seen.Rollout &&
		cur.RolloutDeployment == seen.RolloutDeployment && cur.Percentage == seen.Percentage
}

// waitForChange holds a poll of session t that asked to wait, until its
// answer changes, the wait ends, the server shuts down or ctx ends
// (docs/WIRE.md §2.5). The wait is the poll's, or the rest of the
// session's poll interval if longer, at most MaxWaitForChange. It reports
// whether the poll was allowed to wait, and returns ctx's error when the
// client went away, or EThrottling when it may not wait and
// opts.MustWait. Errors of the catalog (a deleted environment, say) end
// the wait: the poll then answers them.
func (s *Service) waitForChange(ctx context.Context, t *SessionToken, opts PollOptions, now time.Time) (WaitOutcome, error) {
	wait := opts.Wait
	if !t.Initial() && t.MinPollInterval > 0 {
		wait = max(wait, t.IssuedAt.Add(secondsDuration(t.MinPollInterval)).Sub(now))
	}
	wait = min(wait, MaxWaitForChange)
	_, plan, err := s.catalog.plan(t)
	if err != nil {
		return WaitOffered, nil
	}
	w := &changeWaiter{
		key:    servingKey{t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID},
		token:  t,
		entity: opts.EntityRollout,
		woken:  make(chan struct{}, 1),
	}
	if plan != nil {
		w.seen = *plan
	}
	if w.changedBy(plan) {
		return WaitOffered, nil
	}
	closing := s.waiters.closing()
	select {
	case <-closing:
		// Shutting down: answer at once, and let the client wait again
		// elsewhere.
		return WaitOffered, nil
	default:
	}
	if !s.waiters.add(w, s.MaxWaiters) {
		if opts.MustWait {
			return WaitRefused, Errorf(EThrottling, "%d polls wait for a change already, as many as this server allows; poll instead", s.MaxWaiters)
		}
		return WaitRefused, nil
	}
	defer s.waiters.remove(w)
	if opts.Waiting != nil {
		opts.Waiting()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		// Checked after registering, so that a catalog published between
		// the first look and the registration is not missed.
		_, plan, err := s.catalog.plan(t)
		if err != nil || w.changedBy(plan) {
			return WaitOffered, nil
		}
		select {
		case <-w.woken:
		case <-timer.C:
			return WaitOffered, nil
		case <-closing:
			return WaitOffered, nil
		case <-ctx.Done():
			return WaitOffered, ctx.Err()
		}
	}
}

// WaitingPolls returns how many polls wait for a change now.
func (s *Service) WaitingPolls() int { return s.waiters.count() }

// StoppedWaiting returns a channel closed once StopWaiting was called,
// for streams of changes to end.
func (s *Service) StoppedWaiting() <-chan struct{} { return s.waiters.closing() }

// StopWaiting answers every waiting poll at once and lets no new poll
// wait, for a server that shuts down: a waiting poll would otherwise hold
// the shutdown for up to MaxWaitForChange (docs/WIRE.md §2.5).
func (s *Service) StopWaiting() { s.waiters.close() }
