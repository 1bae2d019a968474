package storetest

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// fleetMinute returns the i-th whole minute after a fixed one, in UTC as
// the store returns minutes.
func fleetMinute(i int) time.Time {
	return time.Date(2025, time.March, 14, 15, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
}

// fleetRow returns a row of replica for minute i with sketch.
func fleetRow(replica string, version, minute int, sketch string) appconfigd.FleetSketch {
	return appconfigd.FleetSketch{
		Replica: replica,
		Key:     appconfigd.FleetKey{ApplicationID: "app1", EnvironmentID: "env1", ConfigurationProfileID: "prof1"},
		Version: version,
		Minute:  fleetMinute(minute),
		Sketch:  []byte(sketch),
	}
}

// putFleet calls PutFleetSketches in its own Update.
func putFleet(t *testing.T, s appconfigd.Store, rows ...appconfigd.FleetSketch) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.PutFleetSketches(ctx, rows) })
}

// listFleet returns ListFleetSketches read in its own View, in a fixed
// order so that it compares.
func listFleet(t *testing.T, s appconfigd.Store, since time.Time) []appconfigd.FleetSketch {
	t.Helper()
	var rows []appconfigd.FleetSketch
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		rows, err = tx.ListFleetSketches(ctx, since)
		return err
	})
	slices.SortFunc(rows, func(a, b appconfigd.FleetSketch) int {
		return cmp.Or(a.Minute.Compare(b.Minute), cmp.Compare(a.Replica, b.Replica), cmp.Compare(a.Version, b.Version))
	})
	return rows
}

func fleetSpecs() []spec {
	return []spec{
		{"PutThenList", func(t *testing.T, s appconfigd.Store) {
			rows := []appconfigd.FleetSketch{
				fleetRow("a", 1, 0, "a1"),
				fleetRow("a", 2, 0, "a2"),
				fleetRow("b", 1, 0, "b1"),
				fleetRow("a", 1, 1, "a1 later"),
			}
			putFleet(t, s, rows...)
			wantEqual(t, "ListFleetSketches", listFleet(t, s, fleetMinute(0)), rows)
		}},
		{"PutReplacesTheSameMinute", func(t *testing.T, s appconfigd.Store) {
			putFleet(t, s, fleetRow("a", 1, 0, "small"), fleetRow("b", 1, 0, "other replica"))
			putFleet(t, s, fleetRow("a", 1, 0, "grown"))
			wantEqual(t, "ListFleetSketches after a second put", listFleet(t, s, fleetMinute(0)), []appconfigd.FleetSketch{
				fleetRow("a", 1, 0, "grown"),
				fleetRow("b", 1, 0, "other replica"),
			})
		}},
		{"KeysAreApart", func(t *testing.T, s appconfigd.Store) {
			// Rows differing in one part of the key only are distinct.
			base := fleetRow("a", 1, 0, "base")
			rows := []appconfigd.FleetSketch{base, base, base, base}
			rows[1].Key.ApplicationID, rows[1].Sketch = "app2", []byte("app")
			rows[2].Key.EnvironmentID, rows[2].Sketch = "env2", []byte("env")
			rows[3].Key.ConfigurationProfileID, rows[3].Sketch = "prof2", []byte("profile")
			putFleet(t, s, rows...)
			if got := listFleet(t, s, fleetMinute(0)); len(got) != len(rows) {
				t.Errorf("ListFleetSketches returned %d rows, want %d: %+v", len(got), len(rows), got)
			}
		}},
		{"ListSince", func(t *testing.T, s appconfigd.Store) {
			putFleet(t, s, fleetRow("a", 1, 0, "0"), fleetRow("a", 1, 1, "1"), fleetRow("a", 1, 2, "2"))
			wantEqual(t, "ListFleetSketches since minute 1", listFleet(t, s, fleetMinute(1)), []appconfigd.FleetSketch{
				fleetRow("a", 1, 1, "1"),
				fleetRow("a", 1, 2, "2"),
			})
			wantEqual(t, "ListFleetSketches since half a minute after minute 1", listFleet(t, s, fleetMinute(1).Add(30*time.Second)), []appconfigd.FleetSketch{
				fleetRow("a", 1, 2, "2"),
			})
		}},
		{"DeleteBefore", func(t *testing.T, s appconfigd.Store) {
			putFleet(t, s, fleetRow("a", 1, 0, "0"), fleetRow("b", 2, 1, "1"), fleetRow("a", 1, 2, "2"))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteFleetSketchesBefore(ctx, fleetMinute(2))
			})
			wantEqual(t, "ListFleetSketches after deleting before minute 2", listFleet(t, s, fleetMinute(-10)), []appconfigd.FleetSketch{
				fleetRow("a", 1, 2, "2"),
			})
		}},
		{"PutNothing", func(t *testing.T, s appconfigd.Store) {
			putFleet(t, s)
			if got := listFleet(t, s, fleetMinute(0)); len(got) != 0 {
				t.Errorf("ListFleetSketches after putting no rows = %+v, want none", got)
			}
		}},
	}
}
