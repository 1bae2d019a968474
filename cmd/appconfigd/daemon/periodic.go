package daemon

import (
	"context"
	"sync"
	"time"
)

// periodic runs a task every interval in a goroutine of its own, until
// stopped.
type periodic struct {
	// stop stops the task; done is released when it has.
	stop context.CancelFunc
	done sync.WaitGroup
}

// start runs fn every interval; fn's context ends when stopTask is called.
func (p *periodic) start(interval time.Duration, fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop = cancel
	p.done.Go(func() {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				fn(ctx)
			}
		}
	})
}

// stopTask stops the task and waits for a run in progress to end. It
// reports whether the task was running.
func (p *periodic) stopTask() bool {
	if p.stop == nil {
		return false
	}
	p.stop()
	p.done.Wait()
	p.stop = nil
	return true
}
