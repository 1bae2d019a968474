package appconfigd

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// auditPruneInterval is how often RecordAudit deletes entries older than
// AuditRetention. Retention is measured in days, so an hour's overshoot
// does not matter, and the delete stays off nearly every request.
const auditPruneInterval = time.Hour

// maxPendingAudit bounds the audit entries kept in memory while the store
// cannot take them: at a few hundred bytes each, a few megabytes.
const maxPendingAudit = 10_000

// auditQueue holds, in order, the audit entries the store could not take,
// and counts those lost once it was full.
type auditQueue struct {
	mu      sync.Mutex
	pending []AuditEntry
	// lost counts the entries dropped since the queue filled, the first
	// at firstLost and the last at lastLost.
	lost                int
	firstLost, lastLost time.Time
}

// AuditEntriesLostOperation is the Operation of the entry that stands for
// audit entries lost while the store could not take writes: one entry for
// a run of them, at the time of the first, saying how many and until when.
const AuditEntriesLostOperation = "AuditEntriesLost"

// RecordAudit appends e to the audit trail, stamping its Time when zero.
// It runs its own Update transaction: the request it records may have
// failed and had its writes rolled back, but its entry must still be
// written. Texts that no store could hold, or that are too long, are
// cleaned up rather than refused.
//
// When the store cannot take the entry (its disk is full, it cannot be
// reached), the entry is kept in memory with its time and written, after
// the ones kept before it, by the next RecordAudit that succeeds or as
// soon as a probe finds that writes work again (see CheckWrites). At most
// maxPendingAudit entries are kept; beyond that entries are lost, and the
// trail gets one AuditEntriesLostOperation entry in their place. Only
// then does RecordAudit return an error, so that the caller logs the
// request whose entry is gone.
//
// At most once per auditPruneInterval it then deletes the entries older
// than AuditRetention. Doing it here, where entries are added, bounds the
// trail exactly when it grows, needs no timer, and works alike on one
// process or on replicas sharing a store (each deletes at most hourly, and
// deleting twice is harmless). A failed delete is logged, not returned:
// the entry was recorded, and the next prune catches up.
func (s *Service) RecordAudit(ctx context.Context, e *AuditEntry) error {
	entry := *e
	if entry.Time.IsZero() {
		entry.Time = s.now()
	}
	entry.Time = entry.Time.UTC()
	for _, p := range []*string{&entry.RequestID, &entry.AccessKeyID, &entry.KeyName, &entry.Operation, &entry.Resource, &entry.Message} {
		*p = auditText(*p)
	}
	entry.ErrorCode = ErrorCode(auditText(string(entry.ErrorCode)))
	e.Time = entry.Time

	q := &s.audit
	q.mu.Lock()
	err := s.writeAudit(ctx, &entry)
	if err != nil {
		err = s.keepAudit(entry, err)
		q.mu.Unlock()
		return err
	}
	q.mu.Unlock()
	s.pruneAudit(ctx)
	return nil
}

// writeAudit writes, in one transaction, the entries kept in memory, the
// entry for those lost, and then next unless nil. It empties the queue on
// success. The caller holds s.audit.mu, which keeps entries in order.
func (s *Service) writeAudit(ctx context.Context, next *AuditEntry) error {
	q := &s.audit
	if len(q.pending) == 0 && q.lost == 0 && next == nil {
		return nil
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		for i := range q.pending {
			if err := tx.AppendAudit(ctx, &q.pending[i]); err != nil {
				return err
			}
		}
		if q.lost > 0 {
			if err := tx.AppendAudit(ctx, q.lostEntry()); err != nil {
				return err
			}
		}
		if next != nil {
			return tx.AppendAudit(ctx, next)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if kept := len(q.pending); kept > 0 || q.lost > 0 {
		s.Logger.Info("wrote the audit entries kept while the store failed", "kept", kept, "lost", q.lost)
	}
	q.pending, q.lost = nil, 0
	return nil
}

// lostEntry returns the entry that stands for the entries lost: at the
// time of the first, it says how many were lost and until when.
func (q *auditQueue) lostEntry() *AuditEntry {
	return &AuditEntry{
		Time:      q.firstLost,
		Operation: AuditEntriesLostOperation,
		ErrorCode: EUnavailable,
		Message: fmt.Sprintf("%d audit entries from %s to %s were lost: the store could not take writes and %d entries were already kept in memory",
			q.lost, q.firstLost.Format(time.RFC3339Nano), q.lastLost.Format(time.RFC3339Nano), maxPendingAudit),
	}
}

// keepAudit keeps e, which the store refused with err, for a later write,
// or counts it lost when the queue is full. The first entry kept and the
// first lost are logged at ERROR, the others not: one line per outage, not
// per request. The caller holds s.audit.mu.
func (s *Service) keepAudit(e AuditEntry, err error) error {
	q := &s.audit
	if len(q.pending) < maxPendingAudit {
		if len(q.pending) == 0 {
			s.Logger.Error("cannot record audit entries; keeping them in memory until the store takes writes",
				"request_id", e.RequestID, "max", maxPendingAudit, "err", err)
		}
		q.pending = append(q.pending, e)
		return nil
	}
	if q.lost == 0 {
		q.firstLost = e.Time
		s.Logger.Error("audit entries are being lost: the store cannot take writes and the queue is full", "max", maxPendingAudit)
	}
	q.lost++
	q.lastLost = e.Time
	return fmt.Errorf("audit entry lost: %d entries are waiting for the store: %w", maxPendingAudit, err)
}

// flushAudit writes the audit entries kept while writes failed, unless a
// RecordAudit is under way, which writes them itself. A failure keeps them
// for the next attempt.
func (s *Service) flushAudit(ctx context.Context) {
	if !s.audit.mu.TryLock() {
		return
	}
	defer s.audit.mu.Unlock()
	_ = s.writeAudit(ctx, nil)
}

// pruneAudit deletes entries older than AuditRetention unless this process
// did so less than auditPruneInterval ago.
func (s *Service) pruneAudit(ctx context.Context) {
	if s.AuditRetention <= 0 {
		return
	}
	now := s.Clock.Now()
	last := s.auditPruned.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < auditPruneInterval {
		return
	}
	// Whoever swaps prunes; concurrent requests skip. A failure waits for
	// the next interval too, rather than retrying on every request.
	if !s.auditPruned.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	cutoff := now.Add(-s.AuditRetention)
	var n int64
	err := s.Store.Update(ctx, func(tx Tx) (err error) {
		n, err = tx.DeleteAuditBefore(ctx, cutoff)
		return err
	})
	if err != nil {
		s.Logger.Error("delete old audit entries", "before", cutoff, "err", err)
		return
	}
	if n > 0 {
		s.Logger.Info("deleted old audit entries", "before", cutoff, "count", n)
	}
}

// ListAudit lists audit entries that match filter, newest first, a page at
// a time.
func (s *Service) ListAudit(ctx context.Context, filter AuditFilter, in ListInput) (*ListOutput[*AuditEntry], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	if !filter.Since.IsZero() && !filter.Until.IsZero() && !filter.Since.Before(filter.Until) {
		return nil, badRequest("since must be before until")
	}
	out := &ListOutput[*AuditEntry]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		items, next, err := tx.ListAudit(ctx, filter, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}
