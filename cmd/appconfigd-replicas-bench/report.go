package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, or 0 when it is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms formats d in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// us formats d in microseconds.
func us(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// spread formats p50 / p99 / max of ds.
func spread(ds []time.Duration) []string {
	s := slices.Sorted(slices.Values(ds))
	if len(s) == 0 {
		return []string{"–", "–", "–"}
	}
	return []string{ms(percentile(s, 50)), ms(percentile(s, 99)), ms(s[len(s)-1])}
}

// propagationTarget is the target: a deployment started through
// one replica is served by every replica within 250 ms p99.
const propagationTarget = 250 * time.Millisecond

// report writes the results as markdown.
func report(w io.Writer, o *options, results []*result) {
	fmt.Fprintf(w, "## Idle: CPU the replicas use without requests\n\n")
	fmt.Fprintf(w, "Over %s, after setup, with nothing deployed in progress and no client.\n\n", idleWindow)
	fmt.Fprintf(w, "| replicas | CPU time | cores |\n|---|---|---|\n")
	for _, r := range results {
		fmt.Fprintf(w, "| %d | %s | %.2f |\n", r.replicas, ms(r.idleCPU), r.idleCPU.Seconds()/idleWindow.Seconds())
	}
	fmt.Fprintf(w, "\n## Propagation: StartDeployment sent to replica A until each replica serves the version\n\n")
	poll := "in a tight loop"
	if o.pollGap > 0 {
		poll = "every " + o.pollGap.String()
	}
	fmt.Fprintf(w, "%d deployments per row after %d unmeasured ones, zero-duration and zero-bake strategy; times from sending StartDeployment; each replica polled with an initial token %s.\n\n", o.iterations, warmupIterations, poll)
	fmt.Fprintf(w, "| replicas | served by | n | p50 | p99 | max |\n|---|---|---|---|---|---|\n")
	for _, r := range results {
		for i, ds := range r.perReplica {
			fmt.Fprintf(w, "| %d | replica %c | %d | %s |\n", r.replicas, replicaNames[i], len(ds), strings.Join(spread(ds), " | "))
		}
		fmt.Fprintf(w, "| %d | **every replica** (slowest of each deployment) | %d | %s |\n", r.replicas, len(r.every), strings.Join(spread(r.every), " | "))
		fmt.Fprintf(w, "| %d | (the StartDeployment call itself) | %d | %s |\n", r.replicas, len(r.startCall), strings.Join(spread(r.startCall), " | "))
		fmt.Fprintf(w, "| %d | (every replica, counted from when StartDeployment returned) | %d | %s |\n", r.replicas, len(r.lag), strings.Join(spread(r.lag), " | "))
	}
	fmt.Fprintln(w)
	for _, r := range results {
		fmt.Fprintf(w, "- %d replica(s): cores used during the measurement, replicas / bench / rest of machine: %s\n", r.replicas, r.propagationCPU.cores())
	}
	for _, r := range results {
		s := slices.Sorted(slices.Values(r.every))
		if len(s) == 0 {
			continue
		}
		verdict := "met"
		if p := percentile(s, 99); p > propagationTarget || len(r.propagationErrors) > 0 {
			verdict = "NOT met"
		}
		fmt.Fprintf(w, "- %d replica(s): every replica served within %s p99 → target of %s p99 %s\n",
			r.replicas, ms(percentile(s, 99)), ms(propagationTarget), verdict)
		for _, e := range r.propagationErrors {
			fmt.Fprintf(w, "  - failed: %s\n", e)
		}
	}

	fmt.Fprintf(w, "\n## Poll throughput: unchanged polls with next tokens\n\n")
	fmt.Fprintf(w, "%d sessions, session k on replica k mod N, each polling as fast as it can for %s after %s of warm-up. CPU is user+system time over the window per poll; the replicas, PostgreSQL and this load generator share the machine.\n\n",
		o.concurrency, o.duration, o.warmup)
	fmt.Fprintf(w, "| replicas | polls/s | p50 | p99 | max | server CPU/poll | bench CPU/poll | cores used: replicas / bench / rest of machine | load average at start | errors |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.window == 0 {
			continue
		}
		rate := float64(r.polls) / r.window.Seconds()
		var serverPer, benchPer time.Duration
		if r.polls > 0 {
			serverPer = r.throughputCPU.replicas / time.Duration(r.polls)
			benchPer = r.throughputCPU.bench / time.Duration(r.polls)
		}
		errs := "0"
		if len(r.pollErrs) > 0 {
			errs = fmt.Sprint(r.pollErrs)
		}
		lat := r.latencies // sorted
		var maxLat time.Duration
		if len(lat) > 0 {
			maxLat = lat[len(lat)-1]
		}
		fmt.Fprintf(w, "| %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.replicas, rate,
			ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(maxLat), us(serverPer), us(benchPer),
			r.throughputCPU.cores(), r.loadBefore, errs)
	}
}
