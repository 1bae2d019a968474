package sqlstore

import (
	"context"
	"time"
)

// TryLease acquires or renews the named lease for holder until until; it
// succeeds when the lease is free, has ended before now, or is holder's.
func (t *tx) TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	defer t.touching("")()
	const q = `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < $4`
	// Taking or renewing a lease changes nothing the other replicas
	// need to reload, so it does not make the transaction notify them.
	wrote := t.wrote
	n, err := t.exec(ctx, q, name, holder, until.UnixNano(), now.UnixNano())
	t.wrote = wrote
	if err != nil {
		return false, t.wrap(err, "try lease")
	}
	return n == 1, nil
}
