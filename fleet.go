package appconfigd

import "time"

// The fleet view counts the distinct sessions that polled each
// application, environment and configuration profile lately, by the
// hosted version they hold (docs/COMPATIBILITY.md, "Fleet view"). Each
// process counts its polls in memory with sketches of bounded size, one
// per key, version and minute; FlushFleet writes them to the store and
// merges those of every replica sharing it.

// FleetFlushInterval is how often the daemon calls FlushFleet: how stale
// the fleet view may be, and how often each replica writes its sketches.
const FleetFlushInterval = 10 * time.Second

// FleetWindows are the windows of the fleet view, in minutes. A window of
// n minutes holds the polls of the current minute and of the n minutes
// before it, so it covers between n and n+1 minutes: a session that polls
// every n minutes is always in it.
var FleetWindows = [...]int{1, 5, 60}

// FleetRetention is how long the store keeps a minute's sketches: the
// longest window plus the current minute.
const FleetRetention = 61 * time.Minute

// FleetKey names what a session polls.
type FleetKey struct {
	ApplicationID          string
	EnvironmentID          string
	ConfigurationProfileID string
}

// FleetSketch is one replica's sketch of the sessions that polled Key and
// held Version after their poll during the minute that starts at Minute.
// It is a row of the store: a replica writes the whole sketch of a minute
// each time, replacing what it wrote before for the same replica, key,
// version and minute.
type FleetSketch struct {
	Replica string
	Key     FleetKey
	// Version is the hosted version number the poll's answer carried, 0
	// while nothing was deployed.
	Version int
	// Minute is a whole minute in UTC.
	Minute time.Time
	// Sketch is the serialized sketch; only the FleetTracker reads it.
	Sketch []byte
}

// FleetTracker counts distinct sessions per key, version and minute in
// sketches of bounded size. The fleet package implements it; the root
// package cannot import the sketches' library (deps_test.go).
type FleetTracker interface {
	// Observe counts a successful poll of key by sessionID, which holds
	// version after it, at now. It is on the poll path: it must be cheap,
	// allocate nothing once the minute's sketch exists, and be safe for
	// concurrent use.
	Observe(key FleetKey, sessionID [16]byte, version int, now time.Time)
	// Changed returns, as rows for replica, the sketches that changed
	// since the last call, and forgets the minutes before the previous
	// one once it returned them: polls no longer reach them.
	Changed(replica string, now time.Time) []FleetSketch
	// Merge unites rows, of any replicas and minutes, into the view at
	// now. Rows outside the longest window are ignored; a row it cannot
	// read is skipped and reported in the error, with the view of the
	// others.
	Merge(rows []FleetSketch, now time.Time) (*FleetView, error)
}

// FleetView is the fleet as the replicas' sketches last showed it.
type FleetView struct {
	// At is when the view was merged.
	At time.Time
	// Entries has one entry per key polled within the longest window,
	// sorted by key.
	Entries []FleetEntry
}

// FleetEntry is the fleet of one application, environment and profile.
type FleetEntry struct {
	Key FleetKey
	// ProfileName is set by Service.FleetView only.
	ProfileName string
	// Windows follow FleetWindows.
	Windows []FleetWindow
}

// FleetWindow counts the distinct sessions that polled within a window.
// A session that changed version within the window counts under both
// versions, so the per-version counts may add up to more than Sessions.
// The counts are estimates (docs/COMPATIBILITY.md, "Fleet view").
type FleetWindow struct {
	Minutes int
	// Sessions counts the sessions whatever their version.
	Sessions int
	// Versions are sorted by version number; versions without a poll in
	// the window are left out.
	Versions []FleetVersion
}

// FleetVersion counts the sessions that held one version.
type FleetVersion struct {
	// Version is the hosted version number, 0 for none deployed.
	Version int
	// VersionLabel is set by Service.FleetView only, when the version
	// has a label and is still served.
	VersionLabel string
	Sessions     int
}
