package appconfigd

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// PolledResource names an environment or a configuration profile whose
// polls deletion protection tracks (docs/WIRE.md §3.14).
type PolledResource struct {
	// Type is ResourceEnvironment or ResourceConfigurationProfile.
	Type          ResourceType
	ApplicationID string
	ID            string
}

// PollFlushInterval is how often the daemon writes the poll times this
// process saw to the store, where the other replicas see them. It is well
// under the shortest protection period, 15 minutes
// (docs/COMPATIBILITY.md, "Deletion protection").
const PollFlushInterval = time.Minute

// pollActivity remembers when this process last served a configuration of
// each profile in each environment, so that polls never write to the store
// (docs/ARCHITECTURE.md, "The data plane"). It holds one entry per
// (environment, profile) pair polled here, and FlushPolls drops the pairs
// that no longer exist, so its size follows the environments and profiles,
// not the sessions or the requests.
type pollActivity struct {
	// entries maps a servingKey to its *pollEntry. After a pair's first
	// poll, a poll only loads its entry, which sync.Map does without a
	// lock.
	entries sync.Map
	// flushMu serializes FlushPolls.
	flushMu sync.Mutex
}

// pollEntry holds, in Unix seconds, when a pair was last polled and the
// value of that time last written to the store.
type pollEntry struct {
	polled, flushed atomic.Int64
}

// record notes a poll of k at now. A second is precise enough for periods
// counted in minutes, and lets the many polls of one second share one
// write to memory.
func (p *pollActivity) record(k servingKey, now time.Time) {
	sec := now.Unix()
	v, ok := p.entries.Load(k)
	if !ok {
		v, _ = p.entries.LoadOrStore(k, new(pollEntry))
	}
	e := v.(*pollEntry)
	for {
		old := e.polled.Load()
		if old >= sec || e.polled.CompareAndSwap(old, sec) {
			return
		}
	}
}

// last returns when this process last served a poll of r, the zero time
// when it never did.
func (p *pollActivity) last(r PolledResource) time.Time {
	var latest int64
	p.entries.Range(func(k, v any) bool {
		if k.(servingKey).concerns(r) {
			latest = max(latest, v.(*pollEntry).polled.Load())
		}
		return true
	})
	if latest == 0 {
		return time.Time{}
	}
	return time.Unix(latest, 0).UTC()
}

// concerns reports whether a poll of k is a poll of r.
func (k servingKey) concerns(r PolledResource) bool {
	if k.ApplicationID != r.ApplicationID {
		return false
	}
	switch r.Type {
	case ResourceEnvironment:
		return k.EnvironmentID == r.ID
	case ResourceConfigurationProfile:
		return k.ConfigurationProfileID == r.ID
	}
	return false
}

// polledResources returns the environment and the profile a poll of k
// polls.
func (k servingKey) polledResources() [2]PolledResource {
	return [2]PolledResource{
		{Type: ResourceEnvironment, ApplicationID: k.ApplicationID, ID: k.EnvironmentID},
		{Type: ResourceConfigurationProfile, ApplicationID: k.ApplicationID, ID: k.ConfigurationProfileID},
	}
}

// exists reports whether the snapshot still has k's application,
// environment and profile.
func (snap *catalogSnapshot) exists(k servingKey) bool {
	ca := snap.app(k.ApplicationID)
	return ca != nil && ca.envs[k.EnvironmentID] && ca.profiles[k.ConfigurationProfileID]
}

// recordPoll notes that a client was served the configuration of a profile
// in an environment, for deletion protection.
func (s *Service) recordPoll(appID, envID, profileID string, now time.Time) {
	s.polls.record(servingKey{appID, envID, profileID}, now)
}

// FlushPolls writes to the store when this process last served polls of
// each environment and profile, so that deletion protection on every
// replica sharing the store sees them, and forgets the pairs whose
// environment or profile no longer exists. The daemon calls it every
// PollFlushInterval and once more at shutdown. Times already written are
// not written again, and the store keeps the latest of every replica's
// times.
func (s *Service) FlushPolls(ctx context.Context) error {
	s.polls.flushMu.Lock()
	defer s.polls.flushMu.Unlock()
	type flushed struct {
		entry  *pollEntry
		polled int64
	}
	var done []flushed
	latest := make(map[PolledResource]int64)
	snap := s.catalog.snapshot.Load()
	s.polls.entries.Range(func(k, v any) bool {
		key, e := k.(servingKey), v.(*pollEntry)
		if snap != nil && !snap.exists(key) {
			s.polls.entries.Delete(k)
			return true
		}
		polled := e.polled.Load()
		if polled <= e.flushed.Load() {
			return true
		}
		done = append(done, flushed{e, polled})
		for _, r := range key.polledResources() {
			latest[r] = max(latest[r], polled)
		}
		return true
	})
	if len(latest) == 0 {
		return nil
	}
	// Any order will do: writes are serialized (Store.Update), so
	// replicas flushing at once take turns rather than deadlock.
	err := s.Store.Update(ctx, func(tx Tx) error {
		for r, polled := range latest {
			if err := tx.RaiseLastPolled(ctx, r, time.Unix(polled, 0).UTC()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("flush poll times: %w", err)
	}
	for _, f := range done {
		f.entry.flushed.Store(f.polled)
	}
	return nil
}

// DeletionProtectionCheck is the DeletionProtectionCheck of
// DeleteEnvironment and DeleteConfigurationProfile (docs/WIRE.md §3.14).
type DeletionProtectionCheck string

// Deletion protection checks.
const (
	// DeletionProtectionAccountDefault follows the account settings, and
	// spares resources created in the last hour.
	DeletionProtectionAccountDefault DeletionProtectionCheck = "ACCOUNT_DEFAULT"
	// DeletionProtectionApply checks even when deletion protection is
	// off, and even resources created in the last hour.
	DeletionProtectionApply DeletionProtectionCheck = "APPLY"
	// DeletionProtectionBypass deletes without checking.
	DeletionProtectionBypass DeletionProtectionCheck = "BYPASS"
)

func (c DeletionProtectionCheck) validate() error {
	switch c {
	case DeletionProtectionAccountDefault, DeletionProtectionApply, DeletionProtectionBypass:
		return nil
	}
	return badRequest("DeletionProtectionCheck must be %s, %s or %s, got %q", DeletionProtectionAccountDefault, DeletionProtectionApply, DeletionProtectionBypass, truncateRunes(string(c), 64))
}

// checkDeletionProtection refuses to delete r, created at created, when
// check and the account settings protect it and a client polled it within
// the protection period, here or on a replica that flushed its poll times
// (docs/WIRE.md §3.14). AWS's message for the refusal is not recorded; the
// exception is the BadRequestException AWS answers when other state keeps a
// resource from being deleted.
func (s *Service) checkDeletionProtection(ctx context.Context, tx Tx, check DeletionProtectionCheck, r PolledResource, created time.Time) error {
	if check == DeletionProtectionBypass {
		return nil
	}
	settings, err := accountSettings(ctx, tx)
	if err != nil {
		return err
	}
	dp := settings.DeletionProtection
	now := s.now()
	if check != DeletionProtectionApply && (!dp.Enabled || now.Sub(created) < NewResourceGrace) {
		return nil
	}
	last, err := tx.LastPolled(ctx, r)
	if err != nil {
		return err
	}
	if here := s.polls.last(r); here.After(last) {
		last = here
	}
	if last.IsZero() || now.Sub(last) >= dp.ProtectionPeriod() {
		return nil
	}
	kind := "Environment"
	if r.Type == ResourceConfigurationProfile {
		kind = "Configuration profile"
	}
	return badRequest("Deletion protection: %s %s was polled with GetLatestConfiguration or GetConfiguration within the last %d minutes; set DeletionProtectionCheck to BYPASS to delete it anyway",
		kind, r.ID, dp.ProtectionPeriodInMinutes)
}
