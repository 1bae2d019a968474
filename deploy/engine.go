// Package deploy runs the deployment engine: a loop that applies each
// deployment's growth steps, bake and completion when they fall due.
//
// The engine keeps no state of its own. Every step is derived from what the
// store holds (start time, the strategy numbers copied into the deployment,
// the events already recorded), so a process killed mid-deployment resumes
// at the right percentage after restart.
package deploy

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Advancer applies due deployment steps and says when the next one is due
// (zero time when nothing is in progress). *appconfigd.Service implements
// it.
type Advancer interface {
	AdvanceDeployments(ctx context.Context) (time.Time, error)
}

// Engine wakes up whenever a deployment step is due, or when told that
// deployments changed, and advances deployments.
type Engine struct {
	Advancer Advancer
	Clock    appconfigd.Clock
	Logger   *slog.Logger
	// MaxSleep bounds how long the engine sleeps without checking the
	// store, a safety net for changes it was not told about.
	MaxSleep time.Duration
	// RetryDelay is how long it waits after a failed advance.
	RetryDelay time.Duration

	wake   chan struct{}
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// NewEngine returns an engine for a with the default timings.
func NewEngine(a Advancer) *Engine {
	return &Engine{
		Advancer:   a,
		Clock:      appconfigd.SystemClock{},
		Logger:     slog.New(slog.DiscardHandler),
		MaxSleep:   30 * time.Second,
		RetryDelay: time.Second,
		wake:       make(chan struct{}, 1),
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

// Close stops the loop and waits for it to finish.
func (e *Engine) Close() error {
	if e.cancel != nil {
		e.cancel()
		e.done.Wait()
		e.cancel = nil
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
		timer.Reset(e.advance(ctx))
	}
}

// advance runs one pass and returns how long to sleep.
func (e *Engine) advance(ctx context.Context) time.Duration {
	next, err := e.Advancer.AdvanceDeployments(ctx)
	if err != nil {
		if ctx.Err() == nil {
			e.Logger.Error("advance deployments", "err", err)
		}
		return e.RetryDelay
	}
	if next.IsZero() {
		return e.MaxSleep
	}
	// The service works in whole milliseconds; sleeping one more than
	// needed makes sure the step is due when the engine wakes.
	return min(max(next.Sub(e.Clock.Now()), 0)+time.Millisecond, e.MaxSleep)
}
