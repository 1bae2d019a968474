package metrics

import (
	"github.com/appconfigd/appconfigd/agent"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// agentNamespace prefixes the metrics of appconfigd agent, so that an
// agent and a server scraped by one Prometheus never share a name.
const agentNamespace = namespace + "_agent"

// NewAgent returns the metrics of appconfigd agent a
// (docs/OPERATIONS.md, "Agent metrics"), in a registry of their own: the
// age of each configuration a caches, its failed polls by reason, the
// answers it served from a backup, build information, and the Go
// runtime's and the process's collectors. Only Handler and Gatherer
// apply to them; the server's methods count nothing an agent does.
func NewAgent(a *agent.Agent) *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
		&agentCollector{
			agent: a,
			cacheAge: prometheus.NewDesc(agentNamespace+"_cache_age_seconds",
				"Seconds since the service last answered for a cached configuration.",
				[]string{"application", "environment", "profile"}, nil),
			pollFailures: prometheus.NewDesc(agentNamespace+"_poll_failures_total",
				"Failed calls to AppConfigData, by reason.", []string{"reason"}, nil),
			backupsServed: prometheus.NewDesc(agentNamespace+"_backups_served_total",
				"Answers served from a backup (BACKUP_DIRECTORY) before the service answered for their configuration.", nil, nil),
		},
	)
	return m
}

// agentCollector reads the agent's counts and cache at scrape time, so
// that the agent counts with atomics and knows nothing of Prometheus.
type agentCollector struct {
	agent                                 *agent.Agent
	cacheAge, pollFailures, backupsServed *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *agentCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.cacheAge
	ch <- c.pollFailures
	ch <- c.backupsServed
}

// Collect implements prometheus.Collector.
func (c *agentCollector) Collect(ch chan<- prometheus.Metric) {
	for _, age := range c.agent.CacheAges() {
		ch <- prometheus.MustNewConstMetric(c.cacheAge, prometheus.GaugeValue, age.Age.Seconds(),
			age.Key.Application, age.Key.Environment, age.Key.Profile)
	}
	for _, reason := range agent.PollFailures() {
		ch <- prometheus.MustNewConstMetric(c.pollFailures, prometheus.CounterValue,
			float64(c.agent.PollFailureCount(reason)), reason.String())
	}
	ch <- prometheus.MustNewConstMetric(c.backupsServed, prometheus.CounterValue, float64(c.agent.BackupsServed()))
}
