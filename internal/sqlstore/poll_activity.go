package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/appconfigd/appconfigd"
)

// polledTable returns the table that holds r's last_polled_at.
func polledTable(r appconfigd.PolledResource) (string, error) {
	switch r.Type {
	case appconfigd.ResourceEnvironment:
		return "environments", nil
	case appconfigd.ResourceConfigurationProfile:
		return "configuration_profiles", nil
	}
	return "", fmt.Errorf("no poll times are kept for %q", r.Type)
}

// RaiseLastPolled raises r's last_polled_at to at; it never lowers it.
func (t *tx) RaiseLastPolled(ctx context.Context, r appconfigd.PolledResource, at time.Time) error {
	defer t.touching("")()
	table, err := polledTable(r)
	if err != nil {
		return err
	}
	q := `UPDATE ` + table + ` SET last_polled_at = $3
		WHERE application_id = $1 AND id = $2 AND (last_polled_at IS NULL OR last_polled_at < $3)`
	// Poll times change nothing the other replicas hold in memory, so
	// writing them does not make the transaction notify them (as with
	// TryLease).
	wrote := t.wrote
	_, err = t.exec(ctx, q, r.ApplicationID, r.ID, at.UnixNano())
	t.wrote = wrote
	return t.wrap(err, "raise last poll time")
}

// LastPolled returns r's last_polled_at; the zero time when it is NULL or
// there is no r.
func (t *tx) LastPolled(ctx context.Context, r appconfigd.PolledResource) (time.Time, error) {
	table, err := polledTable(r)
	if err != nil {
		return time.Time{}, err
	}
	var at time.Time
	err = t.queryRow(ctx, `SELECT last_polled_at FROM `+table+` WHERE application_id = $1 AND id = $2`, r.ApplicationID, r.ID).Scan(timeColumn(&at))
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return at, t.wrap(err, "last poll time")
}
