package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
)

// Poll modes.
const (
	// modeUnchanged polls with each next token: the session already has
	// the latest version, so every response is empty.
	modeUnchanged = "unchanged"
	// modeChanged polls with the session's initial token again and
	// again: appconfigd allows reusing it, and each use returns the full
	// configuration, as a poll after a new deployment does.
	modeChanged = "changed"
)

// target is a server under load.
type target struct {
	Name string
	URL  string
	PID  int
	Data *appconfigdata.Client
}

// loadSpec is one measurement: a mode against a target for a deployed
// configuration.
type loadSpec struct {
	Target      target
	Deployed    *deployed
	Mode        string
	Concurrency int
	Warmup      time.Duration
	Duration    time.Duration
	// Rate, when positive, paces the workers to this many polls per
	// second in total, and latency counts from each poll's scheduled
	// start (no coordinated omission). Zero runs closed loop: each worker
	// polls again as soon as its previous poll returns.
	Rate float64
}

// loadResult is what one measurement found.
type loadResult struct {
	Spec loadSpec
	// Requests is the number of polls that completed in the measured
	// window, Elapsed its length.
	Requests int
	Elapsed  time.Duration
	// Errors counts failed polls over the whole run, warmup included.
	Errors     int
	FirstError error
	// Latencies are those of the measured polls, sorted.
	Latencies []time.Duration
	// ServerCPU and ClientCPU are the CPU time the server and this
	// process used during the window; ServerRSS is the server's resident
	// set at its end.
	ServerCPU time.Duration
	ClientCPU time.Duration
	ServerRSS int64
	// OtherCPU is the CPU time every other process on the machine used
	// during the window: interference the numbers should be read with.
	OtherCPU time.Duration
	// Rounds is how many measurements were merged into this result.
	Rounds int
}

// Throughput returns polls per second in the measured window.
func (r *loadResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the q-quantile (0 < q ≤ 1) of the latencies by the
// nearest-rank method.
func (r *loadResult) Percentile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Latencies))+0.999999) - 1
	return r.Latencies[max(0, min(i, len(r.Latencies)-1))]
}

// PerPoll returns d divided over the measured polls.
func (r *loadResult) PerPoll(d time.Duration) time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return d / time.Duration(r.Requests)
}

// mergeResults pools measurements of the same spec taken in several
// rounds: requests, time and CPU add up, latencies are pooled, RSS is the
// largest seen.
func mergeResults(rs []*loadResult) *loadResult {
	m := &loadResult{Spec: rs[0].Spec}
	for _, r := range rs {
		m.Requests += r.Requests
		m.Elapsed += r.Elapsed
		m.Errors += r.Errors
		if m.FirstError == nil {
			m.FirstError = r.FirstError
		}
		m.Latencies = append(m.Latencies, r.Latencies...)
		m.ServerCPU += r.ServerCPU
		m.ClientCPU += r.ClientCPU
		m.OtherCPU += r.OtherCPU
		m.ServerRSS = max(m.ServerRSS, r.ServerRSS)
		m.Rounds += r.Rounds
	}
	slices.Sort(m.Latencies)
	return m
}

// worker is one session polling one target.
type worker struct {
	spec   *loadSpec
	poller *poller
	window *window
	// latencies holds the latencies of polls that completed inside the
	// measured window.
	latencies  []time.Duration
	errors     int
	firstError error
}

// window is the measured interval of a run and the flag that stops it.
type window struct {
	start, end time.Time
	stop       atomic.Bool
}

// runLoad measures spec: it starts one session per worker, runs the
// workers through the warmup and the measured window, and samples the
// server's and its own CPU time at the window's edges. It returns an error
// when a response breaks the mode's contract (a changed poll that is
// empty, an unchanged poll that is not); failed requests are counted in
// the result instead.
func runLoad(ctx context.Context, p *poller, spec loadSpec) (*loadResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*worker, spec.Concurrency)
	tokens := make([]string, spec.Concurrency)
	win := &window{}
	for i := range workers {
		workers[i] = &worker{spec: &spec, poller: p, window: win}
		var err error
		if tokens[i], err = workers[i].session(ctx); err != nil {
			return nil, fmt.Errorf("%s: worker %d: %w", spec.Target.Name, i, err)
		}
	}

	begin := time.Now()
	win.start = begin.Add(spec.Warmup)
	win.end = win.start.Add(spec.Duration)
	var wg sync.WaitGroup
	var fatalOnce sync.Once
	var fatal error
	for i, w := range workers {
		wg.Go(func() {
			if err := w.loop(ctx, tokens[i], begin, i); err != nil {
				fatalOnce.Do(func() { fatal = fmt.Errorf("%s: worker %d: %w", spec.Target.Name, i, err) })
				cancel()
			}
		})
	}

	res := &loadResult{Spec: spec}
	sleepUntil(ctx, win.start)
	before, err0 := takeSnapshot(spec.Target.PID)
	sleepUntil(ctx, win.end)
	after, err1 := takeSnapshot(spec.Target.PID)
	win.stop.Store(true)
	wg.Wait()

	if fatal != nil {
		return nil, fatal
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(err0, err1); err != nil {
		return nil, err
	}
	res.Elapsed = win.end.Sub(win.start)
	res.ServerCPU = after.server.CPU - before.server.CPU
	res.ClientCPU = after.client.CPU - before.client.CPU
	res.ServerRSS = after.server.RSS
	res.OtherCPU = max(0, after.machine-before.machine-res.ServerCPU-res.ClientCPU)
	res.Rounds = 1
	for _, w := range workers {
		res.Latencies = append(res.Latencies, w.latencies...)
		res.Errors += w.errors
		if res.FirstError == nil {
			res.FirstError = w.firstError
		}
	}
	res.Requests = len(res.Latencies)
	slices.Sort(res.Latencies)
	return res, nil
}

// snapshot is the resource use of the server, of this process and of the
// whole machine at one instant.
type snapshot struct {
	server, client procSample
	machine        time.Duration
}

// takeSnapshot samples the server with the given pid, this process and
// the machine.
func takeSnapshot(serverPID int) (snapshot, error) {
	var s snapshot
	var err [3]error
	s.server, err[0] = readProc(serverPID)
	s.client, err[1] = readProc(os.Getpid())
	s.machine, err[2] = readSystemBusy()
	return s, errors.Join(err[:]...)
}

// session starts the worker's session and returns the token its loop
// starts from: for unchanged polls the next token of a first, full poll;
// for changed polls the initial token itself.
func (w *worker) session(ctx context.Context) (string, error) {
	initial, err := startSession(ctx, w.spec.Target.Data, w.spec.Deployed)
	if err != nil {
		return "", err
	}
	if w.spec.Mode == modeChanged {
		return initial, nil
	}
	first, err := w.poller.poll(ctx, w.spec.Target.URL, initial, false)
	if err != nil {
		return "", fmt.Errorf("first poll: %w", err)
	}
	if want := int64(len(w.spec.Deployed.Content)); first.Length != want {
		return "", fmt.Errorf("first poll of a new session returned %d bytes, want %d", first.Length, want)
	}
	return first.NextToken, nil
}

// loop polls until the window's stop flag is set, starting from token.
func (w *worker) loop(ctx context.Context, token string, begin time.Time, index int) error {
	want := int64(0)
	if w.spec.Mode == modeChanged {
		want = int64(len(w.spec.Deployed.Content))
	}
	var interval time.Duration
	next := begin
	if w.spec.Rate > 0 {
		interval = time.Duration(float64(w.spec.Concurrency) / w.spec.Rate * float64(time.Second))
		// Spread the workers' schedules over one interval.
		next = begin.Add(interval * time.Duration(index) / time.Duration(w.spec.Concurrency))
	}
	for !w.window.stop.Load() && ctx.Err() == nil {
		start := time.Now()
		if interval > 0 {
			sleepUntil(ctx, next)
			start = next
			next = next.Add(interval)
		}
		r, err := w.poller.poll(ctx, w.spec.Target.URL, token, false)
		end := time.Now()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.errors++
			if w.firstError == nil {
				w.firstError = err
			}
			if w.spec.Mode == modeUnchanged {
				// The token may have been used up by a poll whose
				// answer was lost: start over with a new session.
				if token, err = w.session(ctx); err != nil {
					return err
				}
			}
			continue
		}
		if r.Length != want {
			return fmt.Errorf("%s poll returned %d bytes, want %d", w.spec.Mode, r.Length, want)
		}
		if w.spec.Mode == modeUnchanged {
			token = r.NextToken
		}
		if !end.Before(w.window.start) && !end.After(w.window.end) {
			w.latencies = append(w.latencies, end.Sub(start))
		}
	}
	return nil
}

// sleepUntil sleeps until t or until ctx is done.
func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
