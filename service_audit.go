package appconfigd

import (
	"context"
	"time"
)

// auditPruneInterval is how often RecordAudit deletes entries older than
// AuditRetention. Retention is measured in days, so an hour's overshoot
// does not matter, and the delete stays off nearly every request.
const auditPruneInterval = time.Hour

// RecordAudit appends e to the audit trail, stamping its Time when zero.
// It runs its own Update transaction: the request it records may have
// failed and had its writes rolled back, but its entry must still be
// written. Texts that no store could hold, or that are too long, are
// cleaned up rather than refused.
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
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.AppendAudit(ctx, &entry) }); err != nil {
		return err
	}
	e.Time = entry.Time
	s.pruneAudit(ctx)
	return nil
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
