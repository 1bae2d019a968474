package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// Latencies are recorded in microseconds, from 1 µs to 5 minutes, to three
// significant digits.
const (
	histMin     = 1
	histMax     = int64(5 * time.Minute / time.Microsecond)
	histSigFigs = 3
	// sessionAttempts is how often a client tries to start its session
	// before the run gives up.
	sessionAttempts = 3
)

// fleetSpec is one fleet run against one target.
type fleetSpec struct {
	// Name names the target (appconfigd, bare); URL is its base URL and
	// TLS, for https URLs, the client's TLS configuration.
	Name string
	URL  string
	TLS  *tls.Config
	// PID is the server process sampled for CPU and RSS.
	PID int
	// Deployed names the application, environment and profile every
	// session starts for; Creds sign every request.
	Deployed *deployed
	Creds    aws.Credentials
	// Clients virtual clients share Connections connections; Workers
	// schedulers each own a shard of both.
	Clients     int
	Connections int
	Workers     int
	// Interval is each client's poll interval, varied by ±Jitter (a
	// fraction) per poll; MinInterval is the RequiredMinimumPollInterval
	// each session asks for (0 none).
	Interval    time.Duration
	Jitter      float64
	MinInterval time.Duration
	// Ramp runs unmeasured after the first polls begin; Duration is the
	// measured window after it. Sample is the period of the time series.
	Ramp     time.Duration
	Duration time.Duration
	Sample   time.Duration
	// Timeout bounds each request.
	Timeout time.Duration
	// Progress receives one line per sample.
	Progress io.Writer
}

// TargetRate is the poll rate the fleet aims at: every client once per
// interval.
func (s *fleetSpec) TargetRate() float64 {
	return float64(s.Clients) / s.Interval.Seconds()
}

// fleetSample is one point of a run's time series.
type fleetSample struct {
	// At is the end of the sample, from the first polls' start.
	At time.Duration
	// Rate is the successful polls per second completed in the sample.
	Rate float64
	// P50, P99 and P999 are corrected latency percentiles of the polls
	// completed in the sample; RawP99 the uncorrected p99.
	P50, P99, P999, RawP99 time.Duration
	// Errors counts the sample's failed requests.
	Errors int64
	// ServerCPU and ClientCPU are CPUs kept busy (CPU time over wall
	// time); ServerRSS is the server's resident set in bytes.
	ServerCPU float64
	ClientCPU float64
	ServerRSS int64
	// Conns is the fleet's open connections.
	Conns int64
}

// fleetResult is what one fleet run measured.
type fleetResult struct {
	Spec *fleetSpec
	// SessionsTime is how long starting every client's session took.
	SessionsTime time.Duration
	// Polls is the successful polls completed in the measured window of
	// length Elapsed.
	Polls   int64
	Elapsed time.Duration
	// Corrected holds the latencies of the polls due in the window, from
	// when each was due; Raw from when each was sent. In microseconds.
	Corrected *hdrhistogram.Histogram
	Raw       *hdrhistogram.Histogram
	// Errors counts failed requests of the whole run by type.
	Errors map[string]int64
	// ServerCPU and ClientCPU are the CPU time used in the window;
	// ServerRSSPeak is the largest server RSS sampled in it.
	ServerCPU     time.Duration
	ClientCPU     time.Duration
	ServerRSSPeak int64
	// Conns is the fleet's open connections at the window's end and
	// ServerSockets the sockets the server process held then.
	Conns         int64
	ServerSockets int
	Series        []fleetSample
}

// Rate returns the achieved polls per second in the window.
func (r *fleetResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Polls) / r.Elapsed.Seconds()
}

// ErrorCount returns the total of r.Errors.
func (r *fleetResult) ErrorCount() int64 {
	var n int64
	for _, c := range r.Errors {
		n += c
	}
	return n
}

// Quantile returns the corrected latency at q percent.
func (r *fleetResult) Quantile(h *hdrhistogram.Histogram, q float64) time.Duration {
	return time.Duration(h.ValueAtQuantile(q)) * time.Microsecond
}

// fleetClient is one virtual client: its session's current token and when
// its next poll is due, in nanoseconds from the run's start. Nothing else
// is kept per client, so that a million of them fit in a few hundred MB.
type fleetClient struct {
	token string
	due   int64
}

// fleetJob is a poll handed from a worker's scheduler to its senders.
type fleetJob struct {
	client   int32
	intended int64
}

// fleetStats collects one worker's measurements; its senders record under
// mu and the sampler takes the window's part.
type fleetStats struct {
	mu         sync.Mutex
	winCorr    *hdrhistogram.Histogram
	winRaw     *hdrhistogram.Histogram
	winPolls   int64
	winErrors  int64
	corrected  *hdrhistogram.Histogram
	raw        *hdrhistogram.Histogram
	polls      int64
	errors     map[string]int64
	firstError string
}

func newFleetStats() *fleetStats {
	return &fleetStats{
		winCorr: newHist(), winRaw: newHist(), corrected: newHist(), raw: newHist(),
		errors: map[string]int64{},
	}
}

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histSigFigs) }

// recordValue records d in microseconds, clamped to the histogram's range.
func recordValue(h *hdrhistogram.Histogram, d time.Duration) {
	_ = h.RecordValue(min(max(int64(d/time.Microsecond), histMin), histMax))
}

// fleetWorker is one scheduler: a shard of the clients in a min-heap by
// due time, and the senders that poll for them over their share of the
// connections.
type fleetWorker struct {
	run     *fleetRun
	mu      sync.Mutex
	clients []fleetClient
	heap    dueHeap
	// wake tells the scheduler that a client came due earlier than the
	// one it sleeps for.
	wake  chan struct{}
	jobs  chan fleetJob
	stats *fleetStats
	conns int
	// next hands out clients to start sessions for.
	next atomic.Int64
}

// fleetRun is the state of one run shared by its workers.
type fleetRun struct {
	spec    *fleetSpec
	poller  *poller
	host    string
	tls     *tls.Config
	base    time.Time
	winFrom int64
	winTo   int64
	open    atomic.Int64
	// sessionBody and sessionHash are the StartConfigurationSession body
	// every client sends and its SHA-256.
	sessionBody []byte
	sessionHash string
	workers     []*fleetWorker
}

// since returns the monotonic nanoseconds from the run's start.
func (r *fleetRun) since() int64 { return int64(time.Since(r.base)) }

// runFleet runs spec: it starts every client's session, polls open-loop
// through the ramp and the measured window, samples the server and this
// process every spec.Sample, and returns what it measured. Failed requests
// are counted in the result; an error means the run could not go on.
func runFleet(ctx context.Context, spec *fleetSpec) (*fleetResult, error) {
	u, err := url.Parse(spec.URL)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{
		"ApplicationIdentifier":                spec.Deployed.ApplicationID,
		"EnvironmentIdentifier":                spec.Deployed.EnvironmentID,
		"ConfigurationProfileIdentifier":       spec.Deployed.ProfileID,
		"RequiredMinimumPollIntervalInSeconds": int(spec.MinInterval / time.Second),
	})
	if err != nil {
		return nil, err
	}
	if spec.MinInterval == 0 {
		body, _ = json.Marshal(map[string]any{
			"ApplicationIdentifier":          spec.Deployed.ApplicationID,
			"EnvironmentIdentifier":          spec.Deployed.EnvironmentID,
			"ConfigurationProfileIdentifier": spec.Deployed.ProfileID,
		})
	}
	sum := sha256.Sum256(body)
	var tlsConf *tls.Config
	if spec.TLS != nil {
		tlsConf = spec.TLS.Clone()
		tlsConf.ServerName = u.Hostname()
	}
	r := &fleetRun{
		spec: spec, poller: newPoller(nil, spec.Creds), host: u.Host, tls: tlsConf,
		sessionBody: body, sessionHash: hex.EncodeToString(sum[:]),
	}
	workers := max(1, min(spec.Workers, spec.Connections, spec.Clients))
	for w := range workers {
		n := spec.Clients/workers + b2i(w < spec.Clients%workers)
		r.workers = append(r.workers, &fleetWorker{
			run: r, clients: make([]fleetClient, n), wake: make(chan struct{}, 1),
			jobs: make(chan fleetJob), stats: newFleetStats(),
			conns: spec.Connections/workers + b2i(w < spec.Connections%workers),
		})
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := &fleetResult{Spec: spec, Errors: map[string]int64{}}

	// Sessions: every sender starts sessions for its worker's clients
	// until none is left, opening its connection on the way.
	r.base = time.Now()
	var senders sync.WaitGroup
	var fatal atomic.Pointer[error]
	fail := func(err error) {
		if fatal.CompareAndSwap(nil, &err) {
			cancel()
		}
	}
	conns := make([][]*fleetConn, len(r.workers))
	defer func() {
		for _, cs := range conns {
			for _, c := range cs {
				c.close()
			}
		}
	}()
	for wi, w := range r.workers {
		for si := range w.conns {
			c := &fleetConn{addr: r.host, tls: r.tls, timeout: spec.Timeout, open: &r.open}
			conns[wi] = append(conns[wi], c)
			rnd := rand.New(rand.NewPCG(uint64(wi), uint64(si)))
			senders.Go(func() {
				for {
					i := w.next.Add(1) - 1
					if i >= int64(len(w.clients)) || ctx.Err() != nil {
						return
					}
					token, err := w.startSession(ctx, c)
					if err != nil {
						fail(fmt.Errorf("%s: start session: %w", spec.Name, err))
						return
					}
					w.clients[i] = fleetClient{token: token, due: rnd.Int64N(int64(spec.Interval))}
				}
			})
		}
	}
	senders.Wait()
	res.SessionsTime = time.Since(r.base)
	if p := fatal.Load(); p != nil {
		return res, *p
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	fmt.Fprintf(spec.Progress, "%s: %d sessions started in %s (%.0f/s) over %d connections\n",
		spec.Name, spec.Clients, res.SessionsTime.Round(time.Millisecond), float64(spec.Clients)/res.SessionsTime.Seconds(), r.open.Load())

	// Polls: due times count from now; the first polls spread over the
	// first interval.
	r.base = time.Now()
	r.winFrom = int64(spec.Ramp)
	r.winTo = int64(spec.Ramp + spec.Duration)
	var schedulers sync.WaitGroup
	for wi, w := range r.workers {
		w.heap = newDueHeap(w.clients)
		for si, c := range conns[wi] {
			rnd := rand.New(rand.NewPCG(uint64(wi)+1<<32, uint64(si)))
			senders.Go(func() {
				for job := range w.jobs {
					w.pollOnce(ctx, c, rnd, job)
				}
			})
		}
		schedulers.Go(func() {
			w.schedule(ctx)
			close(w.jobs)
		})
	}

	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		r.sample(ctx, res)
	}()
	winStart := r.base.Add(spec.Ramp)
	sleepUntil(ctx, winStart)
	before, err0 := takeSnapshot(spec.PID)
	sleepUntil(ctx, winStart.Add(spec.Duration))
	after, err1 := takeSnapshot(spec.PID)
	res.Conns = r.open.Load()
	res.ServerSockets = countSockets(spec.PID)
	schedulers.Wait()
	senders.Wait()
	<-sampled
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := errors.Join(err0, err1); err != nil {
		return res, err
	}
	res.Elapsed = spec.Duration
	res.ServerCPU = after.server.CPU - before.server.CPU
	res.ClientCPU = after.client.CPU - before.client.CPU
	res.Corrected, res.Raw = newHist(), newHist()
	for _, w := range r.workers {
		res.Corrected.Merge(w.stats.corrected)
		res.Raw.Merge(w.stats.raw)
		res.Polls += w.stats.polls
		for k, n := range w.stats.errors {
			res.Errors[k] += n
		}
	}
	return res, nil
}

// b2i is 1 for true.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// schedule hands each client's poll to the senders when it is due, until
// the measured window ends. A poll no sender is free for waits, and is sent
// late; its latency still counts from when it was due.
func (w *fleetWorker) schedule(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.mu.Lock()
		if w.heap.Len() == 0 {
			w.mu.Unlock()
			// Every client is in flight; a sender pushes it back.
			select {
			case <-w.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		top := w.heap.peek()
		due := w.clients[top].due
		if due >= w.run.winTo {
			w.mu.Unlock()
			// Nothing more is due in the window; wait only for clients
			// in flight that may come due earlier.
			wait := time.Until(w.run.base.Add(time.Duration(w.run.winTo)))
			if wait <= 0 {
				return
			}
			timer.Reset(wait)
			select {
			case <-timer.C:
				return
			case <-w.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		if now := w.run.since(); due > now {
			w.mu.Unlock()
			timer.Reset(time.Duration(due - now))
			select {
			case <-timer.C:
			case <-w.wake:
			case <-ctx.Done():
				return
			}
			continue
		}
		w.heap.pop()
		w.mu.Unlock()
		select {
		case w.jobs <- fleetJob{client: top, intended: due}:
		case <-ctx.Done():
			return
		}
	}
}

// pollOnce sends the poll of job over c, records it, and schedules the
// client's next poll.
func (w *fleetWorker) pollOnce(ctx context.Context, c *fleetConn, rnd *rand.Rand, job fleetJob) {
	r := w.run
	cl := &w.clients[job.client]
	req, err := r.poller.signedRequest(ctx, http.MethodGet,
		"http://"+r.host+"/configuration?configuration_token="+url.QueryEscape(cl.token), nil, emptyPayloadHash)
	sent := r.since()
	var ex exchange
	if err == nil {
		ex, err = c.do(ctx, req)
	}
	done := r.since()
	kind := ""
	switch {
	case err != nil:
		kind = classifyTransport(err)
	case ex.status != http.StatusOK:
		kind = classifyStatus(ex.status, ex.header, ex.body)
	case ex.header.Get("Next-Poll-Configuration-Token") == "":
		kind = "HTTP 200 without Next-Poll-Configuration-Token"
	}
	next := nextDue(job.intended, r.spec.Interval, r.spec.Jitter, rnd)
	if kind == "" {
		cl.token = ex.header.Get("Next-Poll-Configuration-Token")
		// The server refuses a poll sooner than the session's minimum
		// interval after its token was issued (docs/WIRE.md §2.1).
		next = max(next, done+int64(r.spec.MinInterval))
	}
	w.record(job.intended, sent, done, kind, err, ex)
	if kind != "" && ctx.Err() == nil {
		// The token may be spent by a poll whose answer was lost: start
		// over with a new session, as a client does after an error.
		if token, err := w.startSession(ctx, c); err == nil {
			cl.token = token
		}
	}
	w.mu.Lock()
	cl.due = next
	w.heap.push(job.client)
	wake := w.heap.peek() == job.client
	w.mu.Unlock()
	if wake {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// record adds one poll to the worker's statistics: its latency corrected
// (from when it was due) and raw (from when it was sent) if it succeeded,
// or its error.
func (w *fleetWorker) record(intended, sent, done int64, kind string, err error, ex exchange) {
	r := w.run
	s := w.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind != "" {
		s.winErrors++
		s.errors[kind]++
		if s.firstError == "" {
			if err != nil {
				s.firstError = err.Error()
			} else {
				s.firstError = fmt.Sprintf("status %d: %s", ex.status, ex.body)
			}
		}
		return
	}
	corrected, raw := time.Duration(done-intended), time.Duration(done-sent)
	recordValue(s.winCorr, corrected)
	recordValue(s.winRaw, raw)
	s.winPolls++
	if intended >= r.winFrom && intended < r.winTo {
		recordValue(s.corrected, corrected)
		recordValue(s.raw, raw)
	}
	if done >= r.winFrom && done < r.winTo {
		s.polls++
	}
}

// startSession starts a session over c and returns its initial token.
// It tries sessionAttempts times, counting each failure as an error.
func (w *fleetWorker) startSession(ctx context.Context, c *fleetConn) (string, error) {
	r := w.run
	var last error
	for range sessionAttempts {
		req, err := r.poller.signedRequest(ctx, http.MethodPost, "http://"+r.host+"/configurationsessions", r.sessionBody, r.sessionHash)
		if err != nil {
			return "", err
		}
		ex, err := c.do(ctx, req)
		kind := ""
		switch {
		case err != nil:
			kind = classifyTransport(err)
		case ex.status != http.StatusCreated:
			kind = classifyStatus(ex.status, ex.header, ex.body)
			err = fmt.Errorf("status %d: %s", ex.status, ex.body)
		}
		if kind == "" {
			var out struct{ InitialConfigurationToken string }
			if json.Unmarshal(ex.body, &out) == nil && out.InitialConfigurationToken != "" {
				return out.InitialConfigurationToken, nil
			}
			kind = "HTTP 201 without InitialConfigurationToken"
			err = errors.New(kind)
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		w.stats.mu.Lock()
		w.stats.errors["StartConfigurationSession: "+kind]++
		w.stats.winErrors++
		w.stats.mu.Unlock()
		last = err
	}
	return "", last
}

// sample records the run's time series every spec.Sample until the
// window ends, and prints each point to spec.Progress.
func (r *fleetRun) sample(ctx context.Context, res *fleetResult) {
	spec := r.spec
	prev, _ := takeSnapshot(spec.PID)
	prevAt := time.Duration(0)
	end := time.Duration(r.winTo)
	for at := spec.Sample; ; at += spec.Sample {
		at = min(at, end)
		sleepUntil(ctx, r.base.Add(at))
		if ctx.Err() != nil {
			return
		}
		snap, err := takeSnapshot(spec.PID)
		if err != nil {
			return
		}
		corr, raw := newHist(), newHist()
		var polls, errs int64
		for _, w := range r.workers {
			s := w.stats
			s.mu.Lock()
			corr.Merge(s.winCorr)
			raw.Merge(s.winRaw)
			polls += s.winPolls
			errs += s.winErrors
			s.winCorr.Reset()
			s.winRaw.Reset()
			s.winPolls, s.winErrors = 0, 0
			s.mu.Unlock()
		}
		wall := (at - prevAt).Seconds()
		p := fleetSample{
			At: at, Rate: float64(polls) / wall, Errors: errs,
			P50:       time.Duration(corr.ValueAtQuantile(50)) * time.Microsecond,
			P99:       time.Duration(corr.ValueAtQuantile(99)) * time.Microsecond,
			P999:      time.Duration(corr.ValueAtQuantile(99.9)) * time.Microsecond,
			RawP99:    time.Duration(raw.ValueAtQuantile(99)) * time.Microsecond,
			ServerCPU: (snap.server.CPU - prev.server.CPU).Seconds() / wall,
			ClientCPU: (snap.client.CPU - prev.client.CPU).Seconds() / wall,
			ServerRSS: snap.server.RSS,
			Conns:     r.open.Load(),
		}
		res.Series = append(res.Series, p)
		if at > time.Duration(r.winFrom) {
			res.ServerRSSPeak = max(res.ServerRSSPeak, p.ServerRSS)
		}
		fmt.Fprintf(spec.Progress, "%s %6.1fs: %8.0f polls/s, p50 %s, p99 %s, p99.9 %s (raw p99 %s), server %.2f CPUs %.0f MiB, client %.2f CPUs, %d connections, %d errors\n",
			spec.Name, at.Seconds(), p.Rate, fmtDuration(p.P50), fmtDuration(p.P99), fmtDuration(p.P999), fmtDuration(p.RawP99),
			p.ServerCPU, float64(p.ServerRSS)/(1<<20), p.ClientCPU, p.Conns, errs)
		prev, prevAt = snap, at
		if at >= end {
			return
		}
	}
}

// nextDue returns when a poll due at intended is next due: one interval
// later, varied uniformly by ±jitter of it, whatever the poll's latency
// (open loop).
func nextDue(intended int64, interval time.Duration, jitter float64, rnd *rand.Rand) int64 {
	f := 1 + jitter*(2*rnd.Float64()-1)
	return intended + int64(f*float64(interval))
}

// classifyTransport names a request that got no response.
func classifyTransport(err error) string {
	switch {
	case isTimeout(err):
		return "timeout"
	case isReset(err):
		return "connection closed"
	}
	return "transport: " + err.Error()
}

// classifyStatus names an error response by its status and AWS error type,
// from x-amzn-ErrorType or else the body's __type, as the SDK reads it.
func classifyStatus(status int, h http.Header, body []byte) string {
	typ := h.Get("X-Amzn-Errortype")
	if typ == "" {
		var doc struct {
			Type string `json:"__type"`
		}
		if json.Unmarshal(body, &doc) == nil {
			typ = doc.Type
		}
	}
	// Both may carry a namespace and details: "ns#Name:detail".
	if i := strings.LastIndexByte(typ, '#'); i >= 0 {
		typ = typ[i+1:]
	}
	if i := strings.IndexByte(typ, ':'); i >= 0 {
		typ = typ[:i]
	}
	if typ == "" {
		return fmt.Sprintf("HTTP %d", status)
	}
	return fmt.Sprintf("HTTP %d %s", status, typ)
}

// countSockets counts the sockets process pid holds open, from
// /proc/PID/fd; 0 if it cannot read them.
func countSockets(pid int) int {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if link, err := os.Readlink(dir + "/" + e.Name()); err == nil && strings.HasPrefix(link, "socket:") {
			n++
		}
	}
	return n
}
