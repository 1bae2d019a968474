// Package metrics exposes appconfigd's Prometheus metrics
// (docs/OPERATIONS.md, "Metrics"): requests by surface, operation and
// status with their latency, polls by outcome, sessions started,
// authentication failures by reason, requests refused by each limiter,
// deployments and what each environment serves, store transaction
// latency, the propagation of changes, build information, and the Go
// runtime's and the process's own; and, for `appconfigd agent`, the age of
// each cached configuration, poll failures and backups served (NewAgent).
//
// Each Metrics has its own registry rather than the client library's
// global one, so that servers in one process (tests) do not share
// counters. Counters on the request path are resolved once per label set
// and then only added to; what other packages count themselves (the
// Service's poll outcomes, the limiters' refusals) is read through
// collectors at scrape time, so that counting stays an atomic add there and
// those packages need not know about Prometheus.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/appconfigd/appconfigd/internal/version"
)

// namespace prefixes every metric of appconfigd's own.
const namespace = "appconfigd"

// Metrics is one server's metrics. Make it with New.
type Metrics struct {
	registry    *prometheus.Registry
	requests    requests
	auth        authFailures
	store       storeTimes
	propagation propagation
}

// New returns metrics with the build information and the Go runtime's
// and the process's collectors registered.
func New() *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
	)
	m.requests.init(m.registry)
	m.auth.init(m.registry)
	m.store.init(m.registry)
	m.propagation.init(m.registry)
	return m
}

// Handler serves the metrics in the Prometheus text format (or
// OpenMetrics, when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		Registry:          m.registry,
		EnableOpenMetrics: true,
	})
}

// Gatherer returns the registry, for tests that read the metrics
// without HTTP.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.registry }

// buildInfo is appconfigd_build_info, always 1, whose labels say which
// build runs: the module version (or "(devel)" for a build that carries
// none) and the Go version, as appconfigd version prints them.
func buildInfo() prometheus.Collector {
	build := version.Read()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace:   namespace,
		Name:        "build_info",
		Help:        "Always 1; the labels say which build of appconfigd runs.",
		ConstLabels: prometheus.Labels{"version": build.Version, "goversion": build.GoVersion},
	})
	g.Set(1)
	return g
}

// histogramSeries registers the histogram opts names, in appconfigd's
// namespace, with one label taking each of values, and returns the
// series of each value in order: made at once, so that observing adds
// no series, and every value has one from the start.
func histogramSeries(reg prometheus.Registerer, opts prometheus.HistogramOpts, label string, values ...string) []prometheus.Observer {
	opts.Namespace = namespace
	vec := prometheus.NewHistogramVec(opts, []string{label})
	reg.MustRegister(vec)
	out := make([]prometheus.Observer, len(values))
	for i, v := range values {
		out[i] = vec.WithLabelValues(v)
	}
	return out
}
