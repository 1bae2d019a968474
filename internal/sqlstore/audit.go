package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/appconfigd/appconfigd"
)

const auditColumns = `seq, at, request_id, access_key_id, key_name, operation, resource, status, error_code, message`

// scanAudit scans a row of auditColumns.
func scanAudit(s Row) (*appconfigd.AuditEntry, int64, error) {
	var (
		e   appconfigd.AuditEntry
		seq int64
	)
	err := s.Scan(&seq, timeColumn(&e.Time), &e.RequestID, &e.AccessKeyID, &e.KeyName, &e.Operation, &e.Resource, &e.Status, &e.ErrorCode, &e.Message)
	return &e, seq, err
}

// AppendAudit adds e to the audit trail. Text PostgreSQL cannot hold (NUL,
// invalid UTF-8) is refused there with EBadRequest; the Service cleans it
// up before it gets here.
func (t *tx) AppendAudit(ctx context.Context, e *appconfigd.AuditEntry) error {
	defer t.touching("")()
	const q = `INSERT INTO audit_log (at, request_id, access_key_id, key_name, operation, resource, status, error_code, message)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	_, err := t.exec(ctx, q, nanos(e.Time), e.RequestID, e.AccessKeyID, e.KeyName, e.Operation, e.Resource, e.Status, string(e.ErrorCode), e.Message)
	return t.wrap(err, "append audit entry")
}

// ListAudit lists the entries that match filter, newest first.
func (t *tx) ListAudit(ctx context.Context, filter appconfigd.AuditFilter, page appconfigd.Page) ([]*appconfigd.AuditEntry, int64, error) {
	var a Args
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE seq < ` + a.Add(before(page.Cursor))
	if !filter.Since.IsZero() {
		q += ` AND at >= ` + a.Add(filter.Since.UnixNano())
	}
	if !filter.Until.IsZero() {
		q += ` AND at < ` + a.Add(filter.Until.UnixNano())
	}
	if filter.AccessKeyID != "" {
		q += ` AND access_key_id = ` + a.Add(filter.AccessKeyID)
	}
	if filter.Operation != "" {
		q += ` AND operation = ` + a.Add(filter.Operation)
	}
	q += ` ORDER BY seq DESC LIMIT $` + strconv.Itoa(len(a)+1)
	entries, next, err := queryPage(ctx, t, page, q, a, scanAudit)
	return entries, next, t.wrap(err, "list audit entries")
}

// DeleteAuditBefore deletes the entries older than before.
func (t *tx) DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	defer t.touching("")()
	n, err := t.exec(ctx, `DELETE FROM audit_log WHERE at < $1`, before.UnixNano())
	return n, t.wrap(err, "delete audit entries")
}
