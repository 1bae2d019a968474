package metrics_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/metrics"
)

func TestWatchFleet(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	key := appconfigd.FleetKey{ApplicationID: "app1", EnvironmentID: "env1", ConfigurationProfileID: "prof1"}
	view := appconfigd.FleetView{Entries: []appconfigd.FleetEntry{{Key: key, Windows: []appconfigd.FleetWindow{
		{Minutes: 1, Sessions: 90, Versions: []appconfigd.FleetVersion{{Version: 4, Sessions: 60}, {Version: 5, Sessions: 40}}},
		// Nobody polled within 5 minutes who did not within 1.
		{Minutes: 5, Sessions: 90, Versions: []appconfigd.FleetVersion{{Version: 4, Sessions: 60}, {Version: 5, Sessions: 40}}},
		{Minutes: 60, Sessions: 120, Versions: []appconfigd.FleetVersion{{Version: 0, Sessions: 2}, {Version: 4, Sessions: 118}, {Version: 5, Sessions: 40}}},
	}}}}
	m.WatchFleet(func() appconfigd.FleetView { return view })
	want := `
# HELP appconfigd_fleet_sessions Distinct sessions that polled a profile in an environment within the window and held the version after their poll (0: none deployed), estimated; a session that changed version counts under both.
# TYPE appconfigd_fleet_sessions gauge
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="0",window="60m"} 2
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="4",window="1m"} 60
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="4",window="5m"} 60
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="4",window="60m"} 118
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="5",window="1m"} 40
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="5",window="5m"} 40
appconfigd_fleet_sessions{application="app1",environment="env1",profile="prof1",version="5",window="60m"} 40
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "appconfigd_fleet_sessions"); err != nil {
		t.Error(err)
	}
	// Read at each scrape: the profile was deleted.
	view = appconfigd.FleetView{}
	if got, err := testutil.GatherAndCount(m.Gatherer(), "appconfigd_fleet_sessions"); err != nil || got != 0 {
		t.Errorf("appconfigd_fleet_sessions: %d series (%v) once the view is empty, want 0", got, err)
	}
}
