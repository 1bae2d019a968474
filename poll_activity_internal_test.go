package appconfigd

import (
	"fmt"
	"testing"
	"time"
)

// entryCount returns how many pairs p remembers.
func (p *pollActivity) entryCount() int {
	n := 0
	p.entries.Range(func(any, any) bool { n++; return true })
	return n
}

// The memory of poll times grows with the (environment, profile) pairs
// polled, not with the polls or the sessions, and FlushPolls forgets the
// pairs that no longer exist.
func TestPollActivityIsBoundedByResources(t *testing.T) {
	t.Parallel()
	s := &Service{}
	kept := servingKey{"app1", "env1", "prof1"}
	gone := servingKey{"app1", "env2", "prof1"}
	s.catalog.snapshot.Store(newCatalogSnapshot(map[string]*catalogApp{
		"app1": {envs: map[string]bool{"env1": true}, profiles: map[string]bool{"prof1": true}},
	}))
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 10000 {
		s.polls.record(kept, start.Add(time.Duration(i)*time.Millisecond))
		s.polls.record(gone, start)
	}
	if n := s.polls.entryCount(); n != 2 {
		t.Fatalf("after 20,000 polls of 2 pairs %d entries are kept, want 2", n)
	}
	env := PolledResource{Type: ResourceEnvironment, ApplicationID: "app1", ID: "env1"}
	if got, want := s.polls.last(env), start.Add(9999*time.Millisecond).Truncate(time.Second); !got.Equal(want) {
		t.Errorf("last poll of env1 = %v, want %v", got, want)
	}
	// Mark kept as flushed, so that FlushPolls has nothing to write and
	// needs no store.
	v, _ := s.polls.entries.Load(kept)
	v.(*pollEntry).flushed.Store(v.(*pollEntry).polled.Load())
	if err := s.FlushPolls(t.Context()); err != nil {
		t.Fatalf("FlushPolls: %v", err)
	}
	if _, ok := s.polls.entries.Load(gone); ok {
		t.Error("FlushPolls kept the pair of a deleted environment")
	}
	if n := s.polls.entryCount(); n != 1 {
		t.Errorf("after FlushPolls %d entries are kept, want 1", n)
	}
	if got := s.polls.last(PolledResource{Type: ResourceConfigurationProfile, ApplicationID: "app1", ID: "env1"}); !got.IsZero() {
		t.Errorf("last poll of a profile named like the environment = %v, want the zero time", got)
	}
}

// BenchmarkRecordPoll measures what a poll pays to note its time, with
// polls of many pairs spread over the goroutines.
func BenchmarkRecordPoll(b *testing.B) {
	var p pollActivity
	keys := make([]servingKey, 256)
	for i := range keys {
		keys[i] = servingKey{"abcdefg", fmt.Sprintf("env%04d", i%16), fmt.Sprintf("prf%04d", i)}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			p.record(keys[i%len(keys)], now)
			i++
		}
	})
}
