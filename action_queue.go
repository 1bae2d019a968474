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
	ticks   map[deploymentKey]*tickState
	jobs    sync.WaitGroup
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
	q.jobs.Add(1)
	go func(ctx context.Context) {
		defer q.jobs.Done()
		defer func() {
			close(done)
			q.mu.Lock()
			if q.tails[key] == done {
				delete(q.tails, key)
			}
			q.mu.Unlock()
		}()
		if prev != nil {
			<-prev
		}
		job(ctx)
	}(q.ctx)
}

// stop lets the queued jobs finish, with those they queue (the
// ON_DEPLOYMENT_ROLLED_BACK actions of a tick's rollback), until ctx ends;
// then it cancels those still running and waits for them. Jobs queued
// after that never run.
func (q *actionQueue) stop(ctx context.Context) {
	idle := make(chan struct{})
	go func() {
		q.jobs.Wait()
		close(idle)
	}()
	select {
	case <-idle:
	case <-ctx.Done():
	}
	q.mu.Lock()
	q.stopped = true
	if q.cancel != nil {
		q.cancel()
	}
	q.mu.Unlock()
	<-idle
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
// next, or the zero time while they run (tickDone wakes the engine).
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
