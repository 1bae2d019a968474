package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

// PutAlarm creates or replaces the alarm with a.ARN.
func (t *tx) PutAlarm(ctx context.Context, a *appconfigd.Alarm) error {
	defer t.touching("")()
	const q = `INSERT INTO alarms (arn, state, reason, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (arn) DO UPDATE SET state = excluded.state, reason = excluded.reason, updated_at = excluded.updated_at`
	_, err := t.exec(ctx, q, a.ARN, string(a.State), a.Reason, nanos(a.UpdatedAt))
	return t.wrap(err, "put alarm")
}

// ListAlarms returns every alarm, by ARN in byte order.
func (t *tx) ListAlarms(ctx context.Context) ([]*appconfigd.Alarm, error) {
	const q = `SELECT arn, state, reason, updated_at FROM alarms ORDER BY arn`
	alarms, err := queryAll(ctx, t, q, nil, func(s Row) (*appconfigd.Alarm, int64, error) {
		var a appconfigd.Alarm
		err := s.Scan(&a.ARN, &a.State, &a.Reason, timeColumn(&a.UpdatedAt))
		return &a, 0, err
	})
	return alarms, t.wrap(err, "list alarms")
}
