// Package deploy runs the deployment engine: a loop that applies each
// deployment's growth steps, bake and completion when they fall due, on
// exactly one of the replicas that share a store.
//
// The engine keeps no state of its own. Every step is derived from what the
// store holds (start time, the strategy numbers copied into the deployment,
// the events already recorded), so a process killed mid-deployment resumes
// at the right percentage after restart, and another replica can take over
// without losing or doubling a step.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Leader is what the engine drives. *appconfigd.Service implements it.
type Leader interface {
	// TryEngineLease acquires or renews the engine's lease for ttl and
	// reports whether this process holds it.
	TryEngineLease(ctx context.Context, ttl time.Duration) (bool, error)
	// AdvanceDeployments applies due deployment steps, starts the
	// AT_DEPLOYMENT_TICK extension actions that are due, and says when
	// the next step or tick is due (zero time when nothing is in
	// progress).
	AdvanceDeployments(ctx context.Context) (time.Time, error)
	// RotateSealingKeys makes and retires token sealing keys.
	RotateSealingKeys(ctx context.Context) error
	// ReleaseEngineLease gives up the engine's lease if this process
	// holds it.
	ReleaseEngineLease(ctx context.Context) error
}

// Engine wakes up whenever a deployment step or extension tick is due,
// when told that deployments changed, and at least every RenewEvery to
// renew its lease. Only the process holding the lease advances
// deployments and runs their ticks.
type Engine struct {
	Leader Leader
	Clock  appconfigd.Clock
	Logger *slog.Logger
	// LeaseTTL is how long a lease lasts without renewal: how long the
	// other replicas wait before taking over from a holder that died.
	LeaseTTL time.Duration
	// RenewEvery is how often the holder renews its lease, and how often
	// the others try to take it. With the defaults a replica takes over
	// within LeaseTTL+RenewEvery = 13 s of the holder's last renewal.
	RenewEvery time.Duration
	// RotateEvery is how often the holder checks the sealing keys.
	RotateEvery time.Duration
	// RetryDelay is how long it waits after a failure.
	RetryDelay time.Duration

	wake   chan struct{}
	cancel context.CancelFunc
	done   sync.WaitGroup
	// leading says whether the last lease attempt succeeded, for Close.
	leading atomic.Bool
}

// NewEngine returns an engine for l with the default timings.
func NewEngine(l Leader) *Engine {
	return &Engine{
		Leader:      l,
		Clock:       appconfigd.SystemClock{},
		Logger:      slog.New(slog.DiscardHandler),
		LeaseTTL:    10 * time.Second,
		RenewEvery:  3 * time.Second,
		RotateEvery: time.Minute,
		RetryDelay:  time.Second,
		wake:        make(chan struct{}, 1),
	}
}

// Open starts the engine's loop.
func (e *Engine) Open() error {
	if e.cancel != nil {
		return errors.New("deploy: engine already open")
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.done.Add(1)
	go func() {
		defer e.done.Done()
		e.run(ctx)
	}()
	return nil
}

// releaseTimeout bounds giving up the lease on Close; if the store does
// not answer in time, the lease ends on its own after LeaseTTL.
const releaseTimeout = 2 * time.Second

// Close stops the loop, waits for it to finish and, when this process led,
// gives up the lease so that another replica takes over at once instead of
// after LeaseTTL.
func (e *Engine) Close() error {
	if e.cancel == nil {
		return nil
	}
	e.cancel()
	e.done.Wait()
	e.cancel = nil
	if !e.leading.Load() {
		return nil
	}
	e.leading.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := e.Leader.ReleaseEngineLease(ctx); err != nil {
		return fmt.Errorf("deploy: release the engine's lease: %w", err)
	}
	return nil
}

// Wake makes the engine look at deployments now. It never blocks.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var l loop
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-e.wake:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
		timer.Reset(e.pass(ctx, &l))
	}
}

// loop is what the engine remembers between passes.
type loop struct {
	leader      bool
	lastRenewal time.Time
	lastRotated time.Time
	// failing names the tasks whose last attempt failed, so that a
	// store that stays out of reach is logged once, not every RetryDelay.
	failing map[string]bool
}

// pass renews or takes the lease when due, advances deployments when it
// holds it, and returns how long to sleep.
func (e *Engine) pass(ctx context.Context, l *loop) time.Duration {
	if now := time.Now(); !l.leader || now.Sub(l.lastRenewal) >= e.RenewEvery {
		held, err := e.Leader.TryEngineLease(ctx, e.LeaseTTL)
		if err != nil {
			e.failed(ctx, l, taskLease, err)
			l.leader = false
			e.leading.Store(false)
			return e.RetryDelay
		}
		e.succeeded(l, taskLease)
		if held != l.leader {
			e.Logger.Info("deployment engine lease", "held", held)
		}
		l.leader, l.lastRenewal = held, now
		e.leading.Store(held)
	}
	if !l.leader {
		return e.RenewEvery
	}
	if time.Since(l.lastRotated) >= e.RotateEvery {
		if err := e.Leader.RotateSealingKeys(ctx); err != nil {
			e.failed(ctx, l, taskRotate, err)
		} else {
			e.succeeded(l, taskRotate)
			l.lastRotated = time.Now()
		}
	}
	next, err := e.Leader.AdvanceDeployments(ctx)
	if err != nil {
		e.failed(ctx, l, taskAdvance, err)
		return e.RetryDelay
	}
	e.succeeded(l, taskAdvance)
	untilRenewal := e.RenewEvery - time.Since(l.lastRenewal)
	if next.IsZero() {
		return max(untilRenewal, 0)
	}
	// The service works in whole milliseconds; sleeping one more than
	// needed makes sure the step is due when the engine wakes.
	return min(max(next.Sub(e.Clock.Now()), 0)+time.Millisecond, max(untilRenewal, 0))
}

// The engine's tasks, as its log names them.
const (
	taskLease   = "renew the deployment engine's lease"
	taskRotate  = "rotate sealing keys"
	taskAdvance = "advance deployments"
)

// failed logs that task failed: at ERROR the first time in a row, at
// DEBUG after that, and not at all once the engine is closing.
func (e *Engine) failed(ctx context.Context, l *loop, task string, err error) {
	if ctx.Err() != nil {
		return
	}
	if l.failing[task] {
		e.Logger.Debug(task, "err", err)
		return
	}
	if l.failing == nil {
		l.failing = make(map[string]bool)
	}
	l.failing[task] = true
	e.Logger.Error(task, "err", err, "retry_every", e.RetryDelay)
}

// succeeded logs that task works again after failing.
func (e *Engine) succeeded(l *loop, task string) {
	if l.failing[task] {
		delete(l.failing, task)
		e.Logger.Info(task + " works again")
	}
}
