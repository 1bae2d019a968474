package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// Targets of the issue, reported but never enforced.
const (
	targetRatio = 0.8
	targetP99   = 5 * time.Millisecond
)

// writeReport prints the results as a markdown table, followed by a check
// of the targets for unchanged polls.
func writeReport(w io.Writer, o *runOptions, results []*loadResult) {
	pacing := "closed loop (each session polls again as soon as its poll returns)"
	if o.rate > 0 {
		pacing = fmt.Sprintf("paced to %.0f polls/s in total; latency from each poll's scheduled start", o.rate)
	}
	fmt.Fprintf(w, "appconfigd-load: %d sessions per target, %d round(s) of %s measured after %s warmup, %s; %d CPUs, %s\n\n",
		o.concurrency, o.rounds, o.duration, o.warmup, pacing, runtime.NumCPU(), runtime.Version())
	fmt.Fprintln(w, "| size | mode | target | polls/s | vs bare | vs bare, CPU-normalised | p50 | p99 | p99.9 | errors | server CPU µs/poll | server RSS MiB | client CPU µs/poll | other CPUs |")
	fmt.Fprintln(w, "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		ratio, normalised := "1.00", "1.00"
		if r.Spec.Target.Name != "bare" {
			ratio, normalised = "–", "–"
			if b := bareFor(results, r); b != nil && b.Throughput() > 0 {
				ratio = fmt.Sprintf("%.2f", r.Throughput()/b.Throughput())
				normalised = fmt.Sprintf("%.2f", b.PerPoll(b.ServerCPU+b.ClientCPU).Seconds()/r.PerPoll(r.ServerCPU+r.ClientCPU).Seconds())
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %d | %.1f | %.1f | %.1f | %.2f |\n",
			fmtSize(r.Spec.Deployed.Size), r.Spec.Mode, r.Spec.Target.Name, r.Throughput(), ratio, normalised,
			fmtDuration(r.Percentile(0.50)), fmtDuration(r.Percentile(0.99)), fmtDuration(r.Percentile(0.999)),
			r.Errors, micros(r.PerPoll(r.ServerCPU)), float64(r.ServerRSS)/(1<<20), micros(r.PerPoll(r.ClientCPU)), r.OtherCPU.Seconds()/r.Elapsed.Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "server CPU and RSS are the server process's (utime+stime from /proc/PID/stat over the measured window, divided by the polls in it); client CPU is this load generator's; other CPUs is the average number of CPUs every other process on the machine kept busy meanwhile. The CPU-normalised ratio is bare's (server + client) CPU per poll over this target's: the throughput ratio the two would reach on a machine with no other load, since closed-loop polls on a shared machine are CPU-bound.")
	fmt.Fprintln(w)
	for _, r := range results {
		if r.Spec.Target.Name == "bare" || r.Spec.Mode != modeUnchanged {
			continue
		}
		b := bareFor(results, r)
		if b == nil || b.Throughput() == 0 {
			continue
		}
		ratio := r.Throughput() / b.Throughput()
		p99 := r.Percentile(0.99)
		fmt.Fprintf(w, "- %s unchanged polls: throughput %.2f× bare (target ≥ %.1f×: %s); p99 %s at %d sessions (target < %s: %s)\n",
			fmtSize(r.Spec.Deployed.Size), ratio, targetRatio, met(ratio >= targetRatio),
			fmtDuration(p99), o.concurrency, fmtDuration(targetP99), met(p99 < targetP99))
	}
}

// bareFor returns the bare baseline's result for the same size and mode as r.
func bareFor(results []*loadResult, r *loadResult) *loadResult {
	for _, b := range results {
		if b.Spec.Target.Name == "bare" && b.Spec.Mode == r.Spec.Mode && b.Spec.Deployed.Size == r.Spec.Deployed.Size {
			return b
		}
	}
	return nil
}

// met words whether a target was reached.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// fmtSize prints 1024 as 1 KiB and 1048576 as 1 MiB.
func fmtSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// fmtDuration prints a latency in milliseconds with three decimals.
func fmtDuration(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}

// micros returns d in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
