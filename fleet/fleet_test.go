package fleet_test

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/fleet"
)

var (
	key   = appconfigd.FleetKey{ApplicationID: "app", EnvironmentID: "env", ConfigurationProfileID: "prof"}
	start = time.Date(2026, time.January, 2, 15, 4, 0, 0, time.UTC)
)

// session returns the i-th session ID: sequential, as a test's source of
// randomness may make them, which the hash must spread all the same.
func session(i int) [16]byte {
	var id [16]byte
	binary.BigEndian.PutUint64(id[8:], uint64(i))
	return id
}

// window returns the window of minutes in e, failing when there is none.
func window(t *testing.T, e appconfigd.FleetEntry, minutes int) appconfigd.FleetWindow {
	t.Helper()
	for _, w := range e.Windows {
		if w.Minutes == minutes {
			return w
		}
	}
	t.Fatalf("entry %+v has no %d-minute window", e.Key, minutes)
	return appconfigd.FleetWindow{}
}

// merge merges rows with tr at now, failing on an error.
func merge(t *testing.T, tr *fleet.Tracker, rows []appconfigd.FleetSketch, now time.Time) *appconfigd.FleetView {
	t.Helper()
	view, err := tr.Merge(rows, now)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	return view
}

// wantNear fails unless got is within tolerance (a fraction) of want.
func wantNear(t *testing.T, what string, got, want int, tolerance float64) {
	t.Helper()
	if math.Abs(float64(got-want)) > tolerance*float64(want) {
		t.Errorf("%s = %d, want %d ± %.0f%%", what, got, want, tolerance*100)
	}
}

func TestTracker(t *testing.T) {
	t.Parallel()

	t.Run("EstimatesTenThousandSessionsWithinTwoPercent", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		for i := range 10000 {
			// Every session polls three times: repeats do not count.
			for range 3 {
				tr.Observe(key, session(i), 7, start.Add(10*time.Second))
			}
		}
		view := merge(t, tr, tr.Changed("r", start), start)
		if len(view.Entries) != 1 {
			t.Fatalf("view has %d entries, want 1", len(view.Entries))
		}
		w := window(t, view.Entries[0], 1)
		wantNear(t, "sessions in the 1-minute window", w.Sessions, 10000, 0.02)
		if len(w.Versions) != 1 || w.Versions[0].Version != 7 {
			t.Fatalf("versions = %+v, want version 7 only", w.Versions)
		}
		wantNear(t, "sessions on version 7", w.Versions[0].Sessions, 10000, 0.02)
	})

	t.Run("CountsVersionsApartAndSessionsOnce", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		for i := range 100 {
			tr.Observe(key, session(i), 1, start)
		}
		// Sessions 80..99 move to version 2 and 100..149 start on it.
		for i := 80; i < 150; i++ {
			tr.Observe(key, session(i), 2, start.Add(time.Second))
		}
		w := window(t, merge(t, tr, tr.Changed("r", start), start).Entries[0], 1)
		if w.Sessions != 150 {
			t.Errorf("sessions = %d, want 150", w.Sessions)
		}
		want := []appconfigd.FleetVersion{{Version: 1, Sessions: 100}, {Version: 2, Sessions: 70}}
		if len(w.Versions) != 2 || w.Versions[0] != want[0] || w.Versions[1] != want[1] {
			t.Errorf("versions = %+v, want %+v", w.Versions, want)
		}
	})

	t.Run("WindowsHoldTheirMinutes", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		var rows []appconfigd.FleetSketch
		// One new session per minute ago: 0, 1, 3, 5, 6, 60, 61.
		for i, ago := range []int{0, 1, 3, 5, 6, 60, 61} {
			tr.Observe(key, session(i), 1, start.Add(-time.Duration(ago)*time.Minute))
			rows = append(rows, tr.Changed("r", start.Add(-time.Duration(ago)*time.Minute))...)
		}
		e := merge(t, tr, rows, start.Add(59*time.Second)).Entries[0]
		for minutes, want := range map[int]int{1: 2, 5: 4, 60: 6} {
			if got := window(t, e, minutes).Sessions; got != want {
				t.Errorf("sessions in the %d-minute window = %d, want %d", minutes, got, want)
			}
		}
	})

	t.Run("ChangedReturnsOnlyChangedSketches", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		tr.Observe(key, session(1), 1, start)
		tr.Observe(key, session(1), 2, start)
		if got := tr.Changed("r", start); len(got) != 2 {
			t.Fatalf("first Changed returned %d rows, want 2", len(got))
		}
		if got := tr.Changed("r", start); len(got) != 0 {
			t.Errorf("Changed without polls returned %+v, want nothing", got)
		}
		tr.Observe(key, session(2), 2, start)
		got := tr.Changed("r", start)
		if len(got) != 1 || got[0].Version != 2 || got[0].Replica != "r" || !got[0].Minute.Equal(start) {
			t.Errorf("Changed after a poll of version 2 = %+v, want the one row of replica r, version 2, minute %v", got, start)
		}
	})

	t.Run("ForgetsOldMinutes", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		for m := range 120 {
			now := start.Add(time.Duration(m) * time.Minute)
			for i := range 50 {
				tr.Observe(key, session(m*50+i), 1, now)
			}
			tr.Changed("r", now)
		}
		// The current and the previous minute.
		if got := tr.Len(); got != 2 {
			t.Errorf("after two hours of polls the tracker holds %d sketches, want 2", got)
		}
	})

	t.Run("MergeUnitesReplicas", func(t *testing.T) {
		t.Parallel()
		a, b := fleet.New(), fleet.New()
		for i := range 300 {
			a.Observe(key, session(i), 1, start)
		}
		// b saw sessions 200..499: 100 of them also polled a.
		for i := 200; i < 500; i++ {
			b.Observe(key, session(i), 1, start)
		}
		rows := append(a.Changed("a", start), b.Changed("b", start)...)
		w := window(t, merge(t, a, rows, start).Entries[0], 60)
		wantNear(t, "sessions of both replicas", w.Sessions, 500, 0.02)
	})

	t.Run("MergeSkipsBadAndOldRows", func(t *testing.T) {
		t.Parallel()
		tr := fleet.New()
		tr.Observe(key, session(1), 1, start)
		rows := tr.Changed("r", start)
		old := rows[0]
		old.Minute = start.Add(-62 * time.Minute)
		old.Version = 9
		bad := rows[0]
		bad.Replica, bad.Version, bad.Sketch = "broken", 3, []byte("not a sketch")
		view, err := tr.Merge(append(rows, old, bad), start)
		if err == nil {
			t.Error("Merge of a row that is no sketch returned no error")
		}
		w := window(t, view.Entries[0], 60)
		if len(w.Versions) != 1 || w.Versions[0].Version != 1 || w.Sessions != 1 {
			t.Errorf("60-minute window = %+v, want 1 session on version 1 only", w)
		}
	})
}

// BenchmarkObserve measures what a poll pays to be counted once its
// minute's sketch exists.
func BenchmarkObserve(b *testing.B) {
	tr := fleet.New()
	tr.Observe(key, session(0), 1, start)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tr.Observe(key, session(i%1000), 1, start)
		i++
	}
}
