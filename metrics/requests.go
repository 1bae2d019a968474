package metrics

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The surface label values (docs/OPERATIONS.md, "Metrics"). Operations
// are the route table's names: awsjson.Surface names the operation it
// runs, and the server names its own endpoints.
const (
	SurfaceControl = "control"
	SurfaceData    = "data"
	SurfaceAdmin   = "admin"
	SurfaceSTS     = "sts"
	// SurfaceServer is the server's own endpoints: health and metrics.
	SurfaceServer = "server"
	// SurfaceConsole is the web console; its pages are one operation,
	// "console", so that page paths add no series.
	SurfaceConsole = "console"
	// Unknown is the surface and operation of a request no route
	// matched: whatever path a client sends, it adds no series.
	Unknown = "unknown"
)

// latencyBuckets are the request latency histogram's bounds in seconds: a
// poll takes tens of microseconds, a deployment's change or a webhook
// validator's call up to seconds.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// requests are the metrics every request adds to.
type requests struct {
	total    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// throttledPolls counts the polls refused with ThrottlingException
	// before they reached the Service.
	throttledPolls atomic.Uint64

	// mu serializes adding operations to ops, which is replaced, never
	// changed, so that looking one up takes no lock.
	mu  sync.Mutex
	ops atomic.Pointer[map[operationKey]*Operation]
}

// init makes and registers the metrics.
func (r *requests) init(reg prometheus.Registerer) {
	*r = requests{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "http_requests_total",
			Help:      "HTTP requests answered, by surface, operation and status code.",
		}, []string{"surface", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "http_request_duration_seconds",
			Help:      "Time to answer an HTTP request, by surface and operation.",
			Buckets:   latencyBuckets,
		}, []string{"surface", "operation"}),
	}
	reg.MustRegister(r.total, r.duration)
}

type operationKey struct{ surface, name string }

// Operation is the series of one operation, resolved once: observing a
// request is then an atomic add to the histogram and to the counter of its
// status code.
type Operation struct {
	surface, name string
	total         *prometheus.CounterVec
	duration      prometheus.Observer
	// throttledPolls is set for the data plane's poll only.
	throttledPolls *atomic.Uint64

	// codes are the counters of the status codes seen so far; a new one
	// replaces the slice under mu.
	mu    sync.Mutex
	codes atomic.Pointer[[]codeCounter]
}

type codeCounter struct {
	code    int
	counter prometheus.Counter
}

// pollOperation is the data plane's poll, whose throttled requests are
// also a poll outcome.
const pollOperation = "GetLatestConfiguration"

// Operation returns the series of the operation name of surface. Both
// must come from the route table, or be Unknown, never from a request:
// each pair makes series that stay until the process exits.
func (m *Metrics) Operation(surface, name string) *Operation {
	r := &m.requests
	key := operationKey{surface, name}
	if ops := r.ops.Load(); ops != nil {
		if op, ok := (*ops)[key]; ok {
			return op
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.ops.Load()
	if old != nil {
		if op, ok := (*old)[key]; ok {
			return op
		}
	}
	op := &Operation{
		surface:  surface,
		name:     name,
		total:    r.total,
		duration: r.duration.WithLabelValues(surface, name),
	}
	if key == (operationKey{SurfaceData, pollOperation}) {
		op.throttledPolls = &r.throttledPolls
	}
	ops := map[operationKey]*Operation{key: op}
	if old != nil {
		maps.Copy(ops, *old)
	}
	r.ops.Store(&ops)
	return op
}

// Observe counts one request of the operation answered with status code
// after elapsed.
func (o *Operation) Observe(code int, elapsed time.Duration) {
	o.duration.Observe(elapsed.Seconds())
	o.counter(code).Inc()
	if o.throttledPolls != nil && code == http.StatusTooManyRequests {
		o.throttledPolls.Add(1)
	}
}

// counter returns the counter of status code, resolving it on first use.
// An operation answers with few codes, so a scan beats a map.
func (o *Operation) counter(code int) prometheus.Counter {
	if codes := o.codes.Load(); codes != nil {
		for _, c := range *codes {
			if c.code == code {
				return c.counter
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var codes []codeCounter
	if old := o.codes.Load(); old != nil {
		codes = *old
	}
	for _, c := range codes {
		if c.code == code {
			return c.counter
		}
	}
	c := codeCounter{code, o.total.WithLabelValues(o.surface, o.name, strconv.Itoa(code))}
	codes = append(codes[:len(codes):len(codes)], c)
	o.codes.Store(&codes)
	return c.counter
}
