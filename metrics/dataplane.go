package metrics

import (
	"github.com/appconfigd/appconfigd"
	"github.com/prometheus/client_golang/prometheus"
)

// PollThrottled is the poll outcome the Service never sees: a poll
// refused with ThrottlingException by a limiter before it reached the
// Service.
const PollThrottled = "throttled"

// WatchDataPlane reports counts, read at each scrape, as polls by
// outcome and sessions started.
func (m *Metrics) WatchDataPlane(counts *appconfigd.DataPlaneCounts) {
	m.registry.MustRegister(&dataPlaneCollector{
		counts:    counts,
		throttled: m.requests.throttledPolls.Load,
		polls: prometheus.NewDesc(namespace+"_polls_total",
			"GetLatestConfiguration requests, by outcome.", []string{"outcome"}, nil),
		sessions: prometheus.NewDesc(namespace+"_sessions_started_total",
			"Configuration sessions started (successful StartConfigurationSession requests).", nil, nil),
	})
}

// dataPlaneCollector reads the Service's data-plane counts at scrape
// time, so that a poll only adds to an atomic.
type dataPlaneCollector struct {
	counts          *appconfigd.DataPlaneCounts
	throttled       func() uint64
	polls, sessions *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *dataPlaneCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.polls
	ch <- c.sessions
}

// Collect implements prometheus.Collector.
func (c *dataPlaneCollector) Collect(ch chan<- prometheus.Metric) {
	for _, o := range appconfigd.PollOutcomes() {
		ch <- prometheus.MustNewConstMetric(c.polls, prometheus.CounterValue, float64(c.counts.Polls(o)), o.String())
	}
	ch <- prometheus.MustNewConstMetric(c.polls, prometheus.CounterValue, float64(c.throttled()), PollThrottled)
	ch <- prometheus.MustNewConstMetric(c.sessions, prometheus.CounterValue, float64(c.counts.SessionsStarted()))
}

// WatchWaiting reports, at each scrape, how many polls and streams wait
// for a change (docs/WIRE.md §2.5), against the limit the operator set.
func (m *Metrics) WatchWaiting(waiting func() int) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: namespace,
		Name:      "waiting_polls",
		Help:      "Polls and streams of changes waiting for a change now.",
	}, func() float64 { return float64(waiting()) }))
}
