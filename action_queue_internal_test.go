package appconfigd

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

func TestActionQueueStop(t *testing.T) {
	t.Parallel()

	t.Run("WaitsForJobsQueuedWhileItWaits", func(t *testing.T) {
		t.Parallel()
		// Requests may queue jobs while stop waits, and the jobs may run
		// out in between; stop returns only once none runs. Repeated, as
		// the interleavings vary; -race also checks that the count of
		// jobs is never raced.
		for range 200 {
			var (
				q       actionQueue
				senders sync.WaitGroup
				ran     atomic.Int32
			)
			for i := range 4 {
				senders.Go(func() {
					for range 10 {
						q.enqueue(deploymentKey{number: i}, func(context.Context) { ran.Add(1) })
					}
				})
			}
			q.stop(t.Context())
			stoppedAt := ran.Load()
			senders.Wait()
			q.stop(t.Context())
			if got := ran.Load(); got != stoppedAt {
				t.Fatalf("jobs ended after stop returned = %d, want none", got-stoppedAt)
			}
		}
	})

	t.Run("RefusesJobsAfterwards", func(t *testing.T) {
		t.Parallel()
		var q actionQueue
		q.stop(t.Context())
		q.enqueue(deploymentKey{}, func(context.Context) { t.Error("a job queued after stop ran") })
		<-q.whenIdle()
	})

	t.Run("CancelsJobsWhenItsContextEnds", func(t *testing.T) {
		t.Parallel()
		var q actionQueue
		started := make(chan struct{})
		var cancelled atomic.Bool
		q.enqueue(deploymentKey{}, func(ctx context.Context) {
			close(started)
			<-ctx.Done()
			cancelled.Store(true)
		})
		<-started
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		q.stop(ctx)
		if !cancelled.Load() {
			t.Error("stop returned before the job it cancelled ended")
		}
	})
}
