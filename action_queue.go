package appconfigd

import (
	"context"
	"sync"
	"time"
)

// deploymentKey names one deployment.
type deploymentKey struct {
	appID, envID string
	number       int
}

func keyOf(d *Deployment) deploymentKey {
	return deploymentKey{d.ApplicationID, d.EnvironmentID, d.DeploymentNumber}
}

// actionQueue runs the ON_* and AT_DEPLOYMENT_TICK actions of deployments
// in the background of the process that committed their events, so that
// neither the caller nor the deployment engine waits for an action URL
// (AWS invokes ON_* actions asynchronously). The jobs of one deployment
// run one at a time, in the order they were queued, so its actions see
// its events in order; those of different deployments run side by side.
// The zero value is ready to use.
type actionQueue struct {
	mu sync.Mutex
	// tails holds, per deployment, a channel closed when its last queued
	// job ends.
	tails map[deploymentKey]chan struct{}
	// ticks is when each deployment's AT_DEPLOYMENT_TICK actions last
	// fell due, and whether a run of them is under way.
	ticks map[deploymentKey]*tickState
	// jobs counts the jobs queued and not ended, and idle, when not nil,
	// is closed when it falls to zero. They are kept under mu, unlike a
	// sync.WaitGroup, whose Add may not race a Wait: a request may queue
	// a job while stop waits.
	jobs    int
	idle    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
}

// tickState is the tick schedule of one deployment, kept in memory by the
// process that advances deployments.
type tickState struct {
	last    time.Time
	running bool
}

// enqueue runs job after the jobs queued before it for the same
// deployment. Nothing runs once the queue is stopped.
func (q *actionQueue) enqueue(key deploymentKey, job func(ctx context.Context)) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return
	}
	if q.ctx == nil {
		q.ctx, q.cancel = context.WithCancel(context.Background())
	}
	if q.tails == nil {
		q.tails = make(map[deploymentKey]chan struct{})
	}
	prev, done := q.tails[key], make(chan struct{})
	q.tails[key] = done
	q.jobs++
	go func(ctx context.Context) {
		defer func() {
			close(done)
			q.mu.Lock()
			defer q.mu.Unlock()
			if q.tails[key] == done {
				delete(q.tails, key)
			}
			if q.jobs--; q.jobs == 0 && q.idle != nil {
				close(q.idle)
				q.idle = nil
			}
		}()
		if prev != nil {
			<-prev
		}
		job(ctx)
	}(q.ctx)
}

// whenIdle returns a channel closed once no job is queued or running,
// which may be at once.
func (q *actionQueue) whenIdle() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.jobs == 0 {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	if q.idle == nil {
		q.idle = make(chan struct{})
	}
	return q.idle
}

// stop lets the queued jobs finish, with those they queue (the
// ON_DEPLOYMENT_ROLLED_BACK actions of a tick's rollback), until ctx ends;
// then it refuses new jobs, cancels those still running and waits for
// them.
func (q *actionQueue) stop(ctx context.Context) {
	select {
	case <-q.whenIdle():
	case <-ctx.Done():
	}
	q.mu.Lock()
	q.stopped = true
	if q.cancel != nil {
		q.cancel()
	}
	q.mu.Unlock()
	// Jobs queued after the first wait ended are waited for too.
	<-q.whenIdle()
}

// StopActions lets the extension actions queued in the background finish
// until ctx ends, cancels those still running, and waits for them. Call it
// before closing the store; actions that did not run are lost
// (docs/COMPATIBILITY.md, "Extension actions").
func (s *Service) StopActions(ctx context.Context) {
	s.actions.stop(ctx)
}

// tickDue reports whether the AT_DEPLOYMENT_TICK actions of d are due at
// now, marking them running when they are, and returns when they fall due
// next, or the zero time while they run (runTick wakes the engine when
// they end).
// Ticks fall due every tick interval after the deployment's start; a tick
// missed while no engine ran is not made up, and no tick starts while the
// last one is still running.
func (q *actionQueue) tickDue(d *Deployment, now time.Time) (due bool, next time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ticks == nil {
		q.ticks = make(map[deploymentKey]*tickState)
	}
	every := d.tickInterval()
	st := q.ticks[keyOf(d)]
	if st == nil {
		st = &tickState{last: d.StartedAt}
		q.ticks[keyOf(d)] = st
	}
	if st.running {
		return false, time.Time{}
	}
	if next = st.last.Add(every); next.After(now) {
		return false, next
	}
	st.last = d.StartedAt.Add(now.Sub(d.StartedAt).Truncate(every))
	st.running = true
	return true, time.Time{}
}

// tickDone records that the tick of the deployment key ended.
func (q *actionQueue) tickDone(key deploymentKey) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if st := q.ticks[key]; st != nil {
		st.running = false
	}
}

// forgetTicks drops the tick schedules of deployments not in keep: they
// are no longer in progress.
func (q *actionQueue) forgetTicks(keep map[deploymentKey]bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for key, st := range q.ticks {
		if !keep[key] && !st.running {
			delete(q.ticks, key)
		}
	}
}
