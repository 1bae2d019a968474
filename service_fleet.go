package appconfigd

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// fleetState is what the Service keeps of the fleet view besides the
// Fleet tracker.
type fleetState struct {
	// mu serializes FlushFleet and guards pending.
	mu sync.Mutex
	// pending holds the rows a failed flush could not write, written
	// with the next one: the tracker hands a changed sketch out once.
	pending []FleetSketch
	// view is the fleet view the last flush merged; nil before one.
	view atomic.Pointer[FleetView]
	// replica names this process's rows: InstanceID and an ID of the
	// process, set by Open.
	replica string
}

// observeFleet counts a successful poll in the fleet view, when there is
// one (docs/COMPATIBILITY.md, "Fleet view").
func (s *Service) observeFleet(t *SessionToken, version int, now time.Time) {
	if s.Fleet != nil {
		s.Fleet.Observe(FleetKey{t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID}, t.SessionID, version, now)
	}
}

// FlushFleet writes the sketches of the sessions this process counted
// since the last flush to the store, as this process's replica, deletes
// those older than FleetRetention, and merges what every replica wrote
// into the view FleetView and CurrentFleet return. The daemon calls it
// every FleetFlushInterval and once more at shutdown. Without a Fleet
// tracker it does nothing.
func (s *Service) FlushFleet(ctx context.Context) error {
	if s.Fleet == nil {
		return nil
	}
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	now := s.now()
	rows := supersede(s.fleet.pending, s.Fleet.Changed(s.fleet.replica, now))
	var stored []FleetSketch
	err := s.Store.Update(ctx, func(tx Tx) error {
		if len(rows) > 0 {
			if err := tx.PutFleetSketches(ctx, rows); err != nil {
				return err
			}
		}
		if err := tx.DeleteFleetSketchesBefore(ctx, now.Add(-FleetRetention)); err != nil {
			return err
		}
		var err error
		stored, err = tx.ListFleetSketches(ctx, now.Add(-FleetRetention))
		return err
	})
	if err != nil {
		s.fleet.pending = rows
		return fmt.Errorf("flush fleet sketches: %w", err)
	}
	s.fleet.pending = nil
	view, err := s.Fleet.Merge(stored, now)
	s.fleet.view.Store(view)
	if err != nil {
		return fmt.Errorf("merge fleet sketches: %w", err)
	}
	return nil
}

// supersede returns pending and changed together, without the pending
// rows that changed has a newer sketch of: sketches only grow, so the
// newer one holds everything the older one did.
func supersede(pending, changed []FleetSketch) []FleetSketch {
	if len(pending) == 0 {
		return changed
	}
	type id struct {
		key     FleetKey
		version int
		minute  int64
	}
	newer := make(map[id]bool, len(changed))
	for _, r := range changed {
		newer[id{r.Key, r.Version, r.Minute.Unix()}] = true
	}
	rows := changed
	for _, r := range pending {
		if !newer[id{r.Key, r.Version, r.Minute.Unix()}] {
			rows = append(rows, r)
		}
	}
	return rows
}

// CurrentFleet returns the fleet view the last FlushFleet merged, limited
// to the applications, environments and profiles the data plane still
// serves: sketches of deleted ones age out of the store within
// FleetRetention, and are hidden meanwhile. It is for in-process readers
// such as the metrics and checks no principal. The view is empty before
// the first flush and without a Fleet tracker.
func (s *Service) CurrentFleet() FleetView {
	view := s.fleet.view.Load()
	snap := s.catalog.snapshot.Load()
	if view == nil || snap == nil {
		return FleetView{}
	}
	out := FleetView{At: view.At}
	for _, e := range view.Entries {
		if snap.exists(servingKey(e.Key)) {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

// EnvironmentFleet is the fleet view of one environment.
type EnvironmentFleet struct {
	ApplicationID   string
	ApplicationName string
	EnvironmentID   string
	EnvironmentName string
	// FleetView's entries are those of the environment's profiles, with
	// profile names and version labels.
	FleetView
}

// FleetView returns the fleet view of an environment, given with its
// application by ID or name: for each of its profiles polled lately, the
// sessions by window and hosted version (docs/COMPATIBILITY.md, "Fleet
// view"). Readers of the application may read it. It is as fresh as the
// last FlushFleet.
func (s *Service) FleetView(ctx context.Context, appIdent, envIdent string) (*EnvironmentFleet, error) {
	var (
		out      EnvironmentFleet
		profiles map[string]string
	)
	err := s.Store.View(ctx, func(tx Tx) error {
		a, e, err := findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		if err != nil {
			return err
		}
		if err := authorizeRead(ctx, "GetFleet", a.ID, a.Name); err != nil {
			return err
		}
		out.ApplicationID, out.ApplicationName = a.ID, a.Name
		out.EnvironmentID, out.EnvironmentName = e.ID, e.Name
		ps, _, err := tx.ListConfigurationProfiles(ctx, a.ID, ConfigurationProfileFilter{}, Page{})
		if err != nil {
			return err
		}
		profiles = make(map[string]string, len(ps))
		for _, p := range ps {
			profiles[p.ID] = p.Name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	view := s.CurrentFleet()
	out.At = view.At
	snap := s.catalog.snapshot.Load()
	for _, e := range view.Entries {
		name, ok := profiles[e.Key.ConfigurationProfileID]
		if e.Key.ApplicationID != out.ApplicationID || e.Key.EnvironmentID != out.EnvironmentID || !ok {
			continue
		}
		e.ProfileName = name
		e.Windows = labelVersions(snap, e.Key, e.Windows)
		out.Entries = append(out.Entries, e)
	}
	return &out, nil
}

// labelVersions returns a copy of windows with the labels of the versions
// the data plane holds in memory; the copy leaves the shared view as it
// is.
func labelVersions(snap *catalogSnapshot, key FleetKey, windows []FleetWindow) []FleetWindow {
	out := make([]FleetWindow, len(windows))
	for i, w := range windows {
		out[i] = w
		out[i].Versions = make([]FleetVersion, len(w.Versions))
		for j, v := range w.Versions {
			if sv := snap.servedVersion(HostedVersionKey{key.ApplicationID, key.ConfigurationProfileID, v.Version}); sv != nil {
				v.VersionLabel = sv.VersionLabel
			}
			out[i].Versions[j] = v
		}
	}
	return out
}
