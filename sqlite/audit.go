package sqlite

import (
	"context"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/storerow"
)

const auditColumns = `seq, at, request_id, access_key_id, key_name, operation, resource, status, error_code, message`

// scanAudit scans a row of auditColumns.
func scanAudit(s scanner) (*appconfigd.AuditEntry, int64, error) {
	var (
		e   appconfigd.AuditEntry
		seq int64
	)
	err := s.Scan(&seq, storerow.Time(&e.Time), &e.RequestID, &e.AccessKeyID, &e.KeyName, &e.Operation, &e.Resource, &e.Status, &e.ErrorCode, &e.Message)
	return &e, seq, err
}

// AppendAudit adds e to the audit trail.
func (t *tx) AppendAudit(ctx context.Context, e *appconfigd.AuditEntry) error {
	const q = `INSERT INTO audit_log (at, request_id, access_key_id, key_name, operation, resource, status, error_code, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := t.exec(ctx, q, storerow.Nanos(e.Time), e.RequestID, e.AccessKeyID, e.KeyName, e.Operation, e.Resource, e.Status, string(e.ErrorCode), e.Message)
	return wrap(err, "append audit entry")
}

// ListAudit lists the entries that match filter, newest first.
func (t *tx) ListAudit(ctx context.Context, filter appconfigd.AuditFilter, page appconfigd.Page) ([]*appconfigd.AuditEntry, int64, error) {
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE seq < ?`
	args := []any{before(page.Cursor)}
	if !filter.Since.IsZero() {
		q += ` AND at >= ?`
		args = append(args, filter.Since.UnixNano())
	}
	if !filter.Until.IsZero() {
		q += ` AND at < ?`
		args = append(args, filter.Until.UnixNano())
	}
	if filter.AccessKeyID != "" {
		q += ` AND access_key_id = ?`
		args = append(args, filter.AccessKeyID)
	}
	if filter.Operation != "" {
		q += ` AND operation = ?`
		args = append(args, filter.Operation)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	entries, next, err := queryPage(ctx, t, page, q, args, scanAudit)
	return entries, next, wrap(err, "list audit entries")
}

// DeleteAuditBefore deletes the entries older than before.
func (t *tx) DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM audit_log WHERE at < ?`, before.UnixNano())
	if err != nil {
		return 0, wrap(err, "delete audit entries")
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "delete audit entries")
}
