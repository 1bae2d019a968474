package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/metrics"
)

func TestWatchServing(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	report := appconfigd.ServingReport{
		Deployments: map[appconfigd.DeploymentState]int{
			appconfigd.DeploymentComplete: 3, appconfigd.DeploymentDeploying: 1, appconfigd.DeploymentRolledBack: 0,
		},
		Profiles: []appconfigd.ProfileServing{
			{ApplicationID: "app1", EnvironmentID: "env1", ConfigurationProfileID: "prof1", Version: 4,
				Rollout: &appconfigd.RolloutServing{DeploymentNumber: 7, VersionNumber: 5, Percentage: 20}},
			// Rolling out the first version: no baseline yet.
			{ApplicationID: "app1", EnvironmentID: "env2", ConfigurationProfileID: "prof1",
				Rollout: &appconfigd.RolloutServing{DeploymentNumber: 1, VersionNumber: 5, Percentage: 100}},
			{ApplicationID: "app2", EnvironmentID: "env3", ConfigurationProfileID: "prof2", Version: 1},
		},
	}
	m.WatchServing(func() appconfigd.ServingReport { return report })
	want := `
# HELP appconfigd_deployment_percentage Share of sessions a deployment in progress (deploying or baking) serves its version to, 0 to 100.
# TYPE appconfigd_deployment_percentage gauge
appconfigd_deployment_percentage{application="app1",deployment="1",environment="env2",profile="prof1"} 100
appconfigd_deployment_percentage{application="app1",deployment="7",environment="env1",profile="prof1"} 20
# HELP appconfigd_deployments Deployments, by state.
# TYPE appconfigd_deployments gauge
appconfigd_deployments{state="complete"} 3
appconfigd_deployments{state="deploying"} 1
appconfigd_deployments{state="rolled_back"} 0
# HELP appconfigd_served_version Hosted configuration version an environment serves of a profile: the baseline to every session outside a rollout, and the rollout's while a deployment is in progress.
# TYPE appconfigd_served_version gauge
appconfigd_served_version{application="app1",environment="env1",profile="prof1",track="baseline"} 4
appconfigd_served_version{application="app1",environment="env1",profile="prof1",track="rollout"} 5
appconfigd_served_version{application="app1",environment="env2",profile="prof1",track="rollout"} 5
appconfigd_served_version{application="app2",environment="env3",profile="prof2",track="baseline"} 1
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want),
		"appconfigd_deployments", "appconfigd_deployment_percentage", "appconfigd_served_version"); err != nil {
		t.Error(err)
	}
	// Read at each scrape: the deployment completed.
	report.Deployments[appconfigd.DeploymentComplete], report.Deployments[appconfigd.DeploymentDeploying] = 4, 0
	report.Profiles = []appconfigd.ProfileServing{{ApplicationID: "app1", EnvironmentID: "env1", ConfigurationProfileID: "prof1", Version: 5}}
	if got, err := testutil.GatherAndCount(m.Gatherer(), "appconfigd_deployment_percentage"); err != nil || got != 0 {
		t.Errorf("appconfigd_deployment_percentage: %d series (%v) after the deployment completed, want 0", got, err)
	}
}

func TestObserveChanges(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.ObserveLocalChange(3 * time.Millisecond)
	m.ObserveLocalChange(time.Second)
	m.ObserveNotifiedChange(20 * time.Millisecond)
	for source, want := range map[string]uint64{"local": 2, "notified": 1} {
		if got := histogramCount(t, m, "appconfigd_propagation_seconds", "source", source); got != want {
			t.Errorf("propagations from source %s: %d, want %d", source, got, want)
		}
	}
}
