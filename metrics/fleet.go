package metrics

import (
	"strconv"

	"github.com/appconfigd/appconfigd"
	"github.com/prometheus/client_golang/prometheus"
)

// WatchFleet reports view, called at each scrape, as
// appconfigd_fleet_sessions: the distinct sessions that polled each
// profile in each environment within each window, by the hosted version
// they hold (docs/COMPATIBILITY.md, "Fleet view"). Its labels are IDs the
// catalog knows (Service.CurrentFleet keeps no other), like those of
// appconfigd_served_version, and versions that were served: a client
// cannot add series.
func (m *Metrics) WatchFleet(view func() appconfigd.FleetView) {
	m.registry.MustRegister(&fleetCollector{
		view: view,
		sessions: prometheus.NewDesc(namespace+"_fleet_sessions",
			"Distinct sessions that polled a profile in an environment within the window and held the version after their poll (0: none deployed), estimated; a session that changed version counts under both.",
			[]string{"application", "environment", "profile", "version", "window"}, nil),
	})
}

// fleetCollector reads the Service's fleet view at scrape time.
type fleetCollector struct {
	view     func() appconfigd.FleetView
	sessions *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *fleetCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.sessions }

// Collect implements prometheus.Collector.
func (c *fleetCollector) Collect(ch chan<- prometheus.Metric) {
	for _, e := range c.view().Entries {
		for _, w := range e.Windows {
			window := strconv.Itoa(w.Minutes) + "m"
			for _, v := range w.Versions {
				ch <- prometheus.MustNewConstMetric(c.sessions, prometheus.GaugeValue, float64(v.Sessions),
					e.Key.ApplicationID, e.Key.EnvironmentID, e.Key.ConfigurationProfileID, strconv.Itoa(v.Version), window)
			}
		}
	}
}
