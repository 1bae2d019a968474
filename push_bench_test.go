package appconfigd_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// BenchmarkWaitFanOut measures what waiting polls cost in this process
// (docs/PERFORMANCE.md, "Waiting polls"): the memory a waiting poll holds
// (its goroutine, its waiter and its token; the connection's buffers come
// on top and are measured through HTTP by appconfigd-replicas-bench), and
// the time and CPU from a deployment's commit until every one of 100,000
// waiting polls has its answer, per waiting poll.
//
//	go test . -run '^$' -bench BenchmarkWaitFanOut -benchtime 3x
func BenchmarkWaitFanOut(b *testing.B) {
	const waiters = 100000
	f := newRolloutFixture(b)
	f.svc.MaxWaiters = waiters
	ctx := b.Context()
	wait := appconfigd.PollOptions{Wait: time.Minute}
	versions := []*appconfigd.HostedConfigurationVersion{f.v2, f.v1}
	strategy := appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}
	var memPerWaiter, cpuPerWaiter float64
	for i := range b.N {
		b.StopTimer()
		tokens := make([]string, waiters)
		for j := range tokens {
			tok := must(f.svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
				ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
			}))
			tokens[j] = must(f.svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{})).NextPollConfigurationToken
		}
		before := heapAndStacks()
		answered := make(chan error, waiters)
		for _, tok := range tokens {
			go func() {
				_, err := f.svc.GetLatestConfiguration(ctx, tok, wait)
				answered <- err
			}()
		}
		for f.svc.WaitingPolls() != waiters {
			time.Sleep(10 * time.Millisecond)
		}
		memPerWaiter = float64(heapAndStacks()-before) / waiters
		tokens = nil
		cpu := processCPU()
		b.StartTimer()
		f.deploy(b, strategy, versions[i%2])
		for range waiters {
			if err := <-answered; err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		cpuPerWaiter = float64(processCPU()-cpu) / waiters
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/waiters, "ns/waiter")
	b.ReportMetric(cpuPerWaiter, "cpu-ns/waiter")
	b.ReportMetric(memPerWaiter, "bytes/waiter")
}

// heapAndStacks returns the bytes of heap and goroutine stacks in use,
// after a collection.
func heapAndStacks() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// processCPU returns the CPU time this process has used, user and
// system, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
