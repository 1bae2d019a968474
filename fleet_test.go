package appconfigd_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/fleet"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// fleetFixture is a rollout fixture whose Service counts its fleet, with
// sessions that keep their tokens between polls.
type fleetFixture struct {
	*rolloutFixture
	tokens []string
}

func newFleetFixture(t *testing.T, sessions int) *fleetFixture {
	t.Helper()
	f := &fleetFixture{rolloutFixture: newRolloutFixture(t)}
	// Set before the first poll, so nothing reads it concurrently.
	f.svc.Fleet = fleet.New()
	f.tokens = f.start(t, f.svc, sessions)
	return f
}

// start starts n sessions on svc and returns their tokens.
func (f *fleetFixture) start(t *testing.T, svc *appconfigd.Service, n int) []string {
	t.Helper()
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = must(svc.StartConfigurationSession(t.Context(), appconfigd.StartSessionInput{
			ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
		}))
	}
	return tokens
}

// poll polls sessions from..to-1 through svc and returns how many now hold
// each version.
func (f *fleetFixture) poll(t *testing.T, svc *appconfigd.Service, from, to int) map[int]int {
	t.Helper()
	holds := make(map[int]int)
	for i := from; i < to; i++ {
		out := must(svc.GetLatestConfiguration(t.Context(), f.tokens[i], appconfigd.PollOptions{}))
		f.tokens[i] = out.NextPollConfigurationToken
		holds[out.VersionNumber]++
	}
	return holds
}

// view flushes svc's fleet and returns the fleet of the fixture's profile,
// or nil when the view has none.
func (f *fleetFixture) view(t *testing.T, svc *appconfigd.Service) *appconfigd.FleetEntry {
	t.Helper()
	if err := svc.FlushFleet(t.Context()); err != nil {
		t.Fatalf("FlushFleet: %v", err)
	}
	v := must(svc.FleetView(t.Context(), f.app.Name, f.env.Name))
	if v.ApplicationID != f.app.ID || v.EnvironmentID != f.env.ID || v.EnvironmentName != f.env.Name {
		t.Errorf("FleetView names %s/%s (%s), want %s/%s (%s)", v.ApplicationID, v.EnvironmentID, v.EnvironmentName, f.app.ID, f.env.ID, f.env.Name)
	}
	switch len(v.Entries) {
	case 0:
		return nil
	case 1:
		return &v.Entries[0]
	}
	t.Fatalf("FleetView has %d entries, want at most the fixture's profile", len(v.Entries))
	return nil
}

// fleetWindow returns the window of minutes of e.
func fleetWindow(t *testing.T, e *appconfigd.FleetEntry, minutes int) appconfigd.FleetWindow {
	t.Helper()
	for _, w := range e.Windows {
		if w.Minutes == minutes {
			return w
		}
	}
	t.Fatalf("the fleet has no %d-minute window: %+v", minutes, e.Windows)
	return appconfigd.FleetWindow{}
}

// sessionsOn returns the sessions w counts on version, 0 when none.
func sessionsOn(w appconfigd.FleetWindow, version int) int {
	for _, v := range w.Versions {
		if v.Version == version {
			return v.Sessions
		}
	}
	return 0
}

func TestFleetView(t *testing.T) {
	t.Parallel()

	t.Run("CountsDistinctSessionsByVersion", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 30)
		f.poll(t, f.svc, 0, 30)
		f.clock.Advance(20 * time.Second)
		f.poll(t, f.svc, 0, 30)
		e := f.view(t, f.svc)
		if e == nil {
			t.Fatal("FleetView has no entry after 30 sessions polled")
		}
		if e.Key.ConfigurationProfileID != f.profile.ID || e.ProfileName != f.profile.Name {
			t.Errorf("entry is of profile %s (%q), want %s (%q)", e.Key.ConfigurationProfileID, e.ProfileName, f.profile.ID, f.profile.Name)
		}
		for _, minutes := range appconfigd.FleetWindows {
			w := fleetWindow(t, e, minutes)
			if w.Sessions != 30 || len(w.Versions) != 1 || sessionsOn(w, f.v1.VersionNumber) != 30 {
				t.Errorf("%d-minute window = %+v, want 30 sessions, all on version %d", minutes, w, f.v1.VersionNumber)
			}
		}
	})

	t.Run("ShareOnTheNewVersionRisesDuringADeployment", func(t *testing.T) {
		t.Parallel()
		const sessions = 1000
		f := newFleetFixture(t, sessions)
		f.poll(t, f.svc, 0, sessions)
		d := f.deploy(t, appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 60, GrowthFactor: 20, FinalBakeTimeInMinutes: 30}, f.v2)
		last := -1.0
		for _, step := range d.Steps() {
			f.clock.Set(d.StartedAt.Add(step.At))
			must(f.svc.AdvanceDeployments(t.Context()))
			holds := f.poll(t, f.svc, 0, sessions)
			w := fleetWindow(t, f.view(t, f.svc), 1)
			// Steps are 12 minutes apart: the 1-minute window holds
			// this step's polls only.
			if w.Sessions != sessions {
				t.Errorf("at %g%%: %d sessions in the 1-minute window, want %d", step.Percentage, w.Sessions, sessions)
			}
			share := 100 * float64(sessionsOn(w, f.v2.VersionNumber)) / float64(w.Sessions)
			want := 100 * float64(holds[f.v2.VersionNumber]) / sessions
			if share < want-1 || share > want+1 {
				t.Errorf("at %g%%: the view shows %.1f%% on version 2, the polls answered %.1f%%", step.Percentage, share, want)
			}
			if share <= last {
				t.Errorf("at %g%%: the share on version 2 is %.1f%%, not above the previous step's %.1f%%", step.Percentage, share, last)
			}
			last = share
		}
		if last != 100 {
			t.Errorf("at the end of the deployment %.1f%% are on version 2, want 100%%", last)
		}
	})

	t.Run("SessionThatChangedVersionCountsUnderBoth", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 10)
		f.poll(t, f.svc, 0, 10)
		f.deploy(t, appconfigd.DeploymentStrategy{Name: "instant2", GrowthFactor: 100}, f.v2)
		f.clock.Advance(20 * time.Second)
		f.poll(t, f.svc, 0, 10)
		w := fleetWindow(t, f.view(t, f.svc), 1)
		if w.Sessions != 10 || sessionsOn(w, f.v1.VersionNumber) != 10 || sessionsOn(w, f.v2.VersionNumber) != 10 {
			t.Errorf("1-minute window = %+v, want 10 sessions, each under versions 1 and 2", w)
		}
	})

	t.Run("WindowsExpire", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 10)
		f.poll(t, f.svc, 0, 10)
		f.clock.Advance(2 * time.Minute)
		e := f.view(t, f.svc)
		for minutes, want := range map[int]int{1: 0, 5: 10, 60: 10} {
			if got := fleetWindow(t, e, minutes).Sessions; got != want {
				t.Errorf("2 minutes after the polls the %d-minute window has %d sessions, want %d", minutes, got, want)
			}
		}
		f.clock.Advance(60 * time.Minute)
		if e := f.view(t, f.svc); e != nil {
			t.Errorf("62 minutes after the polls the view still has %+v", e)
		}
		if err := f.svc.Store.View(t.Context(), func(tx appconfigd.Tx) error {
			rows, err := tx.ListFleetSketches(t.Context(), time.Time{})
			if len(rows) != 0 {
				t.Errorf("the store still holds %d sketches older than an hour", len(rows))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ReplicasMergeWithoutCountingTwice", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 30)
		other := apptest.NewService(t, f.svc.Store, f.clock, nil, func(s *appconfigd.Service) { s.Fleet = fleet.New() })
		// Sessions 10..19 poll both replicas.
		f.poll(t, f.svc, 0, 20)
		f.clock.Advance(20 * time.Second)
		f.poll(t, other, 10, 30)
		if got := fleetWindow(t, f.view(t, f.svc), 1).Sessions; got != 20 {
			t.Errorf("the replica that flushed first sees %d sessions, want its own 20", got)
		}
		if got := fleetWindow(t, f.view(t, other), 1).Sessions; got != 30 {
			t.Errorf("the replica that flushed second sees %d sessions, want 30", got)
		}
		if got := fleetWindow(t, f.view(t, f.svc), 1).Sessions; got != 30 {
			t.Errorf("the replica that flushed first sees %d sessions after flushing again, want 30", got)
		}
	})

	t.Run("RestartedProcessKeepsItsPredecessorsCounts", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 20)
		// A process restarted on SQLite has its predecessor's InstanceID
		// and writes sketches of the same minute.
		restarted := apptest.NewService(t, f.svc.Store, f.clock, nil, func(s *appconfigd.Service) {
			s.Fleet = fleet.New()
			s.InstanceID = f.svc.InstanceID
		})
		f.poll(t, f.svc, 0, 10)
		if got := fleetWindow(t, f.view(t, f.svc), 1).Sessions; got != 10 {
			t.Fatalf("before the restart: %d sessions, want 10", got)
		}
		f.clock.Advance(20 * time.Second)
		f.poll(t, restarted, 10, 20)
		if got := fleetWindow(t, f.view(t, restarted), 1).Sessions; got != 20 {
			t.Errorf("after the restart: %d sessions, want the 10 before it and the 10 after", got)
		}
	})

	t.Run("OffCountsNothing", func(t *testing.T) {
		t.Parallel()
		f := &fleetFixture{rolloutFixture: newRolloutFixture(t)}
		f.tokens = f.start(t, f.svc, 3)
		f.poll(t, f.svc, 0, 3)
		if e := f.view(t, f.svc); e != nil {
			t.Errorf("without a tracker FleetView = %+v, want no entry", e)
		}
		if v := f.svc.CurrentFleet(); len(v.Entries) != 0 {
			t.Errorf("without a tracker CurrentFleet = %+v, want no entry", v)
		}
	})

	t.Run("DeletedProfileLeavesTheView", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 3)
		bare := must(f.svc.CreateConfigurationProfile(t.Context(), f.app.ID, &appconfigd.ConfigurationProfile{Name: "bare", LocationURI: "hosted"}, nil))
		tok := must(f.svc.StartConfigurationSession(t.Context(), appconfigd.StartSessionInput{
			ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: bare.ID,
		}))
		must(f.svc.GetLatestConfiguration(t.Context(), tok, appconfigd.PollOptions{}))
		f.poll(t, f.svc, 0, 3)
		must(0, f.svc.DeleteConfigurationProfile(t.Context(), f.app.ID, bare.ID, appconfigd.DeletionProtectionBypass))
		if e := f.view(t, f.svc); e == nil || e.Key.ConfigurationProfileID != f.profile.ID {
			t.Errorf("after deleting a polled profile FleetView = %+v, want the other profile only", e)
		}
		for _, e := range f.svc.CurrentFleet().Entries {
			if e.Key.ConfigurationProfileID == bare.ID {
				t.Errorf("CurrentFleet still has the deleted profile: %+v", e)
			}
		}
	})

	t.Run("ReadersOfOtherApplicationsAreRefused", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 1)
		ctx := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "batch", Role: appconfigd.RoleReader, Applications: []string{"batch"}})
		_, err := f.svc.FleetView(ctx, f.app.ID, f.env.ID)
		if !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
			t.Errorf("FleetView by a reader of another application: %v, want %s", err, appconfigd.EAccessDenied)
		}
		ctx = appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "web", Role: appconfigd.RoleReader, Applications: []string{f.app.Name}})
		if _, err := f.svc.FleetView(ctx, f.app.ID, f.env.ID); err != nil {
			t.Errorf("FleetView by a reader of the application: %v", err)
		}
	})

	t.Run("MissingEnvironmentIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := newFleetFixture(t, 0)
		_, err := f.svc.FleetView(t.Context(), f.app.ID, "nope")
		if !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Errorf("FleetView of a missing environment: %v, want %s", err, appconfigd.ENotFound)
		}
	})
}

// BenchmarkPoll measures a poll with the fleet view off and on, to show
// what counting the fleet adds to the poll path.
func BenchmarkPoll(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("Fleet=%t", on), func(b *testing.B) {
			store, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { store.Close() })
			clock := apptest.NewClock(time.Time{})
			svc := apptest.NewService(b, store, clock, nil, func(s *appconfigd.Service) {
				if on {
					s.Fleet = fleet.New()
				}
			})
			ctx := b.Context()
			app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
			env := must(svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil))
			profile := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
			tokens := make([]string, 1000)
			for i := range tokens {
				tokens[i] = must(svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
					ApplicationIdentifier: app.ID, EnvironmentIdentifier: env.ID, ConfigurationProfileIdentifier: profile.ID,
				}))
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				out := must(svc.GetLatestConfiguration(ctx, tokens[i%len(tokens)], appconfigd.PollOptions{}))
				tokens[i%len(tokens)] = out.NextPollConfigurationToken
				i++
			}
		})
	}
}
