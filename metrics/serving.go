package metrics

import (
	"slices"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/prometheus/client_golang/prometheus"
)

// The track label values of appconfigd_served_version.
const (
	// TrackBaseline is the version sessions get outside a rollout.
	TrackBaseline = "baseline"
	// TrackRollout is the version a deployment in progress rolls out.
	TrackRollout = "rollout"
)

// WatchServing reports report, called at each scrape, as the deployments
// by state, the percentage of each deployment in progress and the
// version each environment serves of each profile. The labels of the
// last two are IDs of resources the store holds, never a client's words,
// so a hostile client cannot add series; an operator's resources can.
func (m *Metrics) WatchServing(report func() appconfigd.ServingReport) {
	profile := []string{"application", "environment", "profile"}
	m.registry.MustRegister(&servingCollector{
		report: report,
		deployments: prometheus.NewDesc(namespace+"_deployments",
			"Deployments, by state.", []string{"state"}, nil),
		percentage: prometheus.NewDesc(namespace+"_deployment_percentage",
			"Share of sessions a deployment in progress (deploying or baking) serves its version to, 0 to 100.",
			slices.Concat(profile, []string{"deployment"}), nil),
		version: prometheus.NewDesc(namespace+"_served_version",
			"Hosted configuration version an environment serves of a profile: the baseline to every session outside a rollout, and the rollout's while a deployment is in progress.",
			slices.Concat(profile, []string{"track"}), nil),
	})
}

// servingCollector reads the Service's serving report at scrape time, so
// that it costs no query and nothing between scrapes.
type servingCollector struct {
	report                           func() appconfigd.ServingReport
	deployments, percentage, version *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c *servingCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.deployments
	ch <- c.percentage
	ch <- c.version
}

// Collect implements prometheus.Collector.
func (c *servingCollector) Collect(ch chan<- prometheus.Metric) {
	r := c.report()
	for state, n := range r.Deployments {
		ch <- prometheus.MustNewConstMetric(c.deployments, prometheus.GaugeValue, float64(n), strings.ToLower(string(state)))
	}
	for _, p := range r.Profiles {
		if p.Version != 0 {
			ch <- prometheus.MustNewConstMetric(c.version, prometheus.GaugeValue, float64(p.Version),
				p.ApplicationID, p.EnvironmentID, p.ConfigurationProfileID, TrackBaseline)
		}
		if ro := p.Rollout; ro != nil {
			ch <- prometheus.MustNewConstMetric(c.version, prometheus.GaugeValue, float64(ro.VersionNumber),
				p.ApplicationID, p.EnvironmentID, p.ConfigurationProfileID, TrackRollout)
			ch <- prometheus.MustNewConstMetric(c.percentage, prometheus.GaugeValue, ro.Percentage,
				p.ApplicationID, p.EnvironmentID, p.ConfigurationProfileID, strconv.Itoa(ro.DeploymentNumber))
		}
	}
}
