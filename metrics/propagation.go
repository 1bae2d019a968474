package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// propagationBuckets are the propagation histogram's bounds in seconds: a
// reload takes milliseconds on a small store, and a replica that hears of
// changes only by its periodic resync lags by up to that interval (30 s
// by default).
var propagationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// propagation is appconfigd_propagation_seconds, by where the change was
// committed.
type propagation struct {
	local, notified prometheus.Observer
}

// init makes and registers the histogram.
func (p *propagation) init(reg prometheus.Registerer) {
	o := histogramSeries(reg, prometheus.HistogramOpts{
		Name:    "propagation_seconds",
		Help:    "Time from a change to its being served by this process: from its commit (source=local) or from its notification (source=notified).",
		Buckets: propagationBuckets,
	}, "source", "local", "notified")
	p.local, p.notified = o[0], o[1]
}

// ObserveLocalChange counts a change this process committed, served
// after d (appconfigd.Service.ChangePropagated).
func (m *Metrics) ObserveLocalChange(d time.Duration) {
	m.propagation.local.Observe(d.Seconds())
}

// ObserveNotifiedChange counts a change the store's feed announced,
// served d after the announcement arrived.
func (m *Metrics) ObserveNotifiedChange(d time.Duration) {
	m.propagation.notified.Observe(d.Seconds())
}
