// Package fleet implements appconfigd.FleetTracker with HyperLogLog
// sketches (github.com/axiomhq/hyperloglog): one per application,
// environment, profile, hosted version and minute, so that counting the
// distinct sessions of a fleet costs neither a write per poll nor memory
// per session, and the sketches of several replicas unite without
// counting twice a session that polled more than one
// (docs/COMPATIBILITY.md, "Fleet view").
package fleet

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/axiomhq/hyperloglog"
)

// Precision is the sketches' precision: 2^14 registers, a standard error
// of 1.04/√16384 ≈ 0.81%, and at most 16 KiB per sketch (small ones stay
// sparse, a few bytes per session).
const Precision = 14

// Tracker is the in-memory side of the fleet view. It holds the sketches
// of the current and the previous minute only, so its size follows the
// keys and versions being polled, not the sessions.
type Tracker struct {
	// mu guards buckets. One map behind one mutex: a poll holds it for a
	// lookup and an insertion, which is short next to sealing its token,
	// and unlike sync.Map a struct key costs no allocation.
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
}

// bucketKey names one sketch: a key, a version and a minute in Unix
// minutes.
type bucketKey struct {
	key     appconfigd.FleetKey
	version int
	minute  int64
}

// bucket is one sketch and whether it changed since Changed returned it.
type bucket struct {
	sketch *hyperloglog.Sketch
	dirty  bool
}

var _ appconfigd.FleetTracker = (*Tracker)(nil)

// New returns an empty Tracker.
func New() *Tracker {
	return &Tracker{buckets: make(map[bucketKey]*bucket)}
}

// newSketch returns an empty sketch of Precision.
func newSketch() *hyperloglog.Sketch {
	sk, err := hyperloglog.NewSketch(Precision, true)
	if err != nil {
		// Precision is a constant the library accepts.
		panic(err)
	}
	return sk
}

// unixMinute returns the minute t falls in, in minutes since the epoch,
// rounded down also before the epoch, where a fake clock's zero time is.
func unixMinute(t time.Time) int64 {
	sec := t.Unix()
	m := sec / 60
	if sec%60 < 0 {
		m--
	}
	return m
}

// Hash returns the 64-bit value a session is counted by. Session IDs are
// random, but a test's source of randomness need not be: mixing both
// halves with SplitMix64's finalizer spreads IDs that differ in any bit
// over the whole range, as HyperLogLog needs.
func Hash(id [16]byte) uint64 {
	lo := binary.LittleEndian.Uint64(id[:8])
	hi := binary.LittleEndian.Uint64(id[8:])
	return mix(lo ^ mix(hi))
}

// mix is SplitMix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Observe implements appconfigd.FleetTracker.
func (tr *Tracker) Observe(key appconfigd.FleetKey, sessionID [16]byte, version int, now time.Time) {
	h := Hash(sessionID)
	k := bucketKey{key, version, unixMinute(now)}
	tr.mu.Lock()
	b := tr.buckets[k]
	if b == nil {
		b = &bucket{sketch: newSketch()}
		tr.buckets[k] = b
	}
	b.sketch.InsertHash(h)
	b.dirty = true
	tr.mu.Unlock()
}

// Changed implements appconfigd.FleetTracker. A minute's bucket is kept
// while the minute is current or previous, even once written, so that a
// poll that read the clock just before the minute ended adds to the
// whole sketch rather than to a new one that would replace it in the
// store.
func (tr *Tracker) Changed(replica string, now time.Time) []appconfigd.FleetSketch {
	current := unixMinute(now)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var rows []appconfigd.FleetSketch
	for k, b := range tr.buckets {
		if b.dirty {
			data, err := b.sketch.MarshalBinary()
			if err != nil {
				// Marshalling a sketch in memory does not fail.
				panic(err)
			}
			rows = append(rows, appconfigd.FleetSketch{
				Replica: replica,
				Key:     k.key,
				Version: k.version,
				Minute:  time.Unix(k.minute*60, 0).UTC(),
				Sketch:  data,
			})
			b.dirty = false
		}
		if k.minute < current-1 {
			delete(tr.buckets, k)
		}
	}
	return rows
}

// Len returns how many sketches the Tracker holds.
func (tr *Tracker) Len() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return len(tr.buckets)
}

// Merge implements appconfigd.FleetTracker.
func (tr *Tracker) Merge(rows []appconfigd.FleetSketch, now time.Time) (*appconfigd.FleetView, error) {
	current := unixMinute(now)
	longest := int64(slices.Max(appconfigd.FleetWindows[:]))
	type versionKey struct {
		key     appconfigd.FleetKey
		version int
	}
	// windows[i] unites, per key and version, the minutes within
	// FleetWindows[i].
	windows := make([]map[versionKey]*hyperloglog.Sketch, len(appconfigd.FleetWindows))
	for i := range windows {
		windows[i] = make(map[versionKey]*hyperloglog.Sketch)
	}
	var errs []error
	for _, r := range rows {
		age := current - unixMinute(r.Minute)
		if age < 0 || age > longest {
			continue
		}
		sk := newSketch()
		if err := sk.UnmarshalBinary(r.Sketch); err != nil {
			errs = append(errs, fmt.Errorf("fleet sketch of %s, %+v, version %d, minute %s: %w", r.Replica, r.Key, r.Version, r.Minute.Format(time.RFC3339), err))
			continue
		}
		vk := versionKey{r.Key, r.Version}
		for i, minutes := range appconfigd.FleetWindows {
			if age > int64(minutes) {
				continue
			}
			if err := unite(windows[i], vk, sk); err != nil {
				errs = append(errs, err)
			}
		}
	}
	entries := make(map[appconfigd.FleetKey]*appconfigd.FleetEntry)
	for i := range appconfigd.FleetWindows {
		totals := make(map[appconfigd.FleetKey]*hyperloglog.Sketch)
		for vk, sk := range windows[i] {
			e := entries[vk.key]
			if e == nil {
				e = &appconfigd.FleetEntry{Key: vk.key, Windows: make([]appconfigd.FleetWindow, len(appconfigd.FleetWindows))}
				for j, m := range appconfigd.FleetWindows {
					e.Windows[j].Minutes = m
				}
				entries[vk.key] = e
			}
			w := &e.Windows[i]
			w.Versions = append(w.Versions, appconfigd.FleetVersion{Version: vk.version, Sessions: int(sk.Estimate())})
			if err := unite(totals, vk.key, sk); err != nil {
				errs = append(errs, err)
			}
		}
		for key, sk := range totals {
			w := &entries[key].Windows[i]
			w.Sessions = int(sk.Estimate())
			slices.SortFunc(w.Versions, func(a, b appconfigd.FleetVersion) int { return cmp.Compare(a.Version, b.Version) })
		}
	}
	view := &appconfigd.FleetView{At: now, Entries: make([]appconfigd.FleetEntry, 0, len(entries))}
	for _, e := range entries {
		view.Entries = append(view.Entries, *e)
	}
	slices.SortFunc(view.Entries, func(a, b appconfigd.FleetEntry) int {
		return cmp.Or(
			cmp.Compare(a.Key.ApplicationID, b.Key.ApplicationID),
			cmp.Compare(a.Key.EnvironmentID, b.Key.EnvironmentID),
			cmp.Compare(a.Key.ConfigurationProfileID, b.Key.ConfigurationProfileID),
		)
	})
	return view, errors.Join(errs...)
}

// unite merges sk into m[k], which it makes when missing; sk itself is
// left as it is.
func unite[K comparable](m map[K]*hyperloglog.Sketch, k K, sk *hyperloglog.Sketch) error {
	into := m[k]
	if into == nil {
		into = newSketch()
		m[k] = into
	}
	if err := into.Merge(sk); err != nil {
		return fmt.Errorf("unite fleet sketches: %w", err)
	}
	return nil
}
