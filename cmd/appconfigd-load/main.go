// Command appconfigd-load measures appconfigd's data plane against a bare
// net/http handler that returns the same bytes, with the same load
// generator, in the same run.
//
//	appconfigd-load run --server-bin PATH [--concurrency 64] [--duration 10s] [--warmup 2s]
//	    [--sizes 1024,1048576] [--modes unchanged,changed] [--rounds 1] [--rate 0] [--server-log FILE]
//	appconfigd-load bare [--listen 127.0.0.1:0] [--size BYTES] [--token-length N]
//	    [--content-type TYPE] [--version-label LABEL] [--tls-cert FILE --tls-key FILE]
//	appconfigd-load stall --server-bin PATH [--conns 300] [--content-length 2097152] [--send BYTES]
//	    [--key wrong-secret|reader] [--op hosted|create-application|start-session] [--hold 10s] [--settle 20s]
//	appconfigd-load authfail --server-bin PATH [--concurrency 16] [--duration 5s]
//	    [--guess-from 127.0.0.1] [--legit-from 127.0.0.2]
//	appconfigd-load fleet --server-bin PATH [--clients 1000000] [--connections 5000]
//	    [--interval 60s] [--jitter 0.1] [--duration 5m] [--ramp 60s] [--sample 5s]
//	    [--charts DIR] [--tls] [--server-arg ARG] [--targets appconfigd,bare]
//
// run starts appconfigd and the bare baseline as child processes, sets
// appconfigd up through the AWS SDK, and for each size and each mode
// (unchanged and changed polls) drives both targets with SigV4-signed
// GetLatestConfiguration requests. It prints a markdown table of
// throughput, latency percentiles, server CPU per poll and server RSS, and
// exits non-zero only when a request fails, never for a missed target.
// With --rounds N it alternates the two targets N times per case and pools
// the rounds, so that other load on the machine falls on both alike; with
// --rate it paces the sessions instead of polling as fast as they can.
//
// bare serves POST /configurationsessions and GET /configuration with the
// headers and bytes appconfigd sends, doing no authentication and no
// cryptography, and prints its URL as its first line of output.
//
// stall starts appconfigd and opens connections that send signed request
// headers and most of a body and then stall, as a client that knows only
// a key ID (or holds a reader key) can; it reports the server's RSS while
// they stall and after they close, and whether legitimate requests made
// meanwhile succeed.
//
// authfail starts appconfigd and sends requests signed with its admin key's
// ID and a wrong secret as fast as it can from one loopback address, while
// correctly signed requests come from another; it reports how many wrong
// signatures the server checked per second and how the others fared.
//
// fleet simulates a fleet: many virtual clients, each with its own session
// signed with one shared reader key, spread over a set of keep-alive
// connections and polling open loop at their interval with jitter, first
// against appconfigd and then against the bare handler. It reports the
// rate achieved against the target, latency percentiles corrected for
// coordinated omission, errors by type and the server's CPU per poll and
// RSS, and with --charts draws them over time as PNG charts.
// See docs/PERFORMANCE.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `appconfigd-load measures appconfigd's data plane against a bare handler.

Usage:
  appconfigd-load run --server-bin PATH [flags]   run the load test (appconfigd-load run -h for flags)
  appconfigd-load bare [flags]                     serve the bare baseline (appconfigd-load bare -h)
  appconfigd-load stall --server-bin PATH [flags]  measure stalled bodies' memory (appconfigd-load stall -h)
  appconfigd-load authfail --server-bin PATH [flags]  measure wrong-secret requests answered (appconfigd-load authfail -h)
  appconfigd-load fleet --server-bin PATH [flags]  simulate a fleet of clients polling open loop (appconfigd-load fleet -h)
  appconfigd-load help                             show this help
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// dispatch runs the subcommand named by args[0] and returns the exit code.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCommand(ctx, args[1:], stdout, stderr)
	case "bare":
		return bareCommand(ctx, args[1:], stdout, stderr)
	case "stall":
		return stallCommand(ctx, args[1:], stdout, stderr)
	case "authfail":
		return authfailCommand(ctx, args[1:], stdout, stderr)
	case "fleet":
		return fleetCommand(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "appconfigd-load: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
