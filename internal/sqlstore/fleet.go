package sqlstore

import (
	"context"
	"time"

	"github.com/appconfigd/appconfigd"
)

// PutFleetSketches upserts rows by replica, key, version and minute: a
// row holds the whole sketch of its minute, so the newer replaces the
// older.
func (t *tx) PutFleetSketches(ctx context.Context, rows []appconfigd.FleetSketch) error {
	defer t.touching("")()
	if len(rows) == 0 {
		return nil
	}
	const q = `INSERT INTO fleet_sketches
		(replica, application_id, environment_id, configuration_profile_id, version, minute, sketch)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (replica, application_id, environment_id, configuration_profile_id, version, minute)
		DO UPDATE SET sketch = excluded.sketch`
	batch := make([]Statement, len(rows))
	for i, r := range rows {
		sketch := r.Sketch
		if sketch == nil {
			sketch = []byte{}
		}
		batch[i] = Statement{Query: q, Args: []any{r.Replica, r.Key.ApplicationID, r.Key.EnvironmentID, r.Key.ConfigurationProfileID, r.Version, r.Minute.Unix(), sketch}}
	}
	// Sketches change nothing the other replicas hold in memory, so
	// writing them does not make the transaction notify them (as with
	// TryLease); each replica reads them when it flushes its own.
	wrote := t.wrote
	err := t.execBatch(ctx, batch)
	t.wrote = wrote
	return t.wrap(err, "put fleet sketches")
}

// ListFleetSketches returns the rows whose minute is at or after since.
func (t *tx) ListFleetSketches(ctx context.Context, since time.Time) ([]appconfigd.FleetSketch, error) {
	const q = `SELECT replica, application_id, environment_id, configuration_profile_id, version, minute, sketch
		FROM fleet_sketches WHERE minute >= $1`
	rows, err := queryAll(ctx, t, q, []any{since.Unix()}, func(s Row) (appconfigd.FleetSketch, int64, error) {
		var (
			r      appconfigd.FleetSketch
			minute int64
		)
		err := s.Scan(&r.Replica, &r.Key.ApplicationID, &r.Key.EnvironmentID, &r.Key.ConfigurationProfileID, &r.Version, &minute, &r.Sketch)
		r.Minute = time.Unix(minute, 0).UTC()
		return r, minute, err
	})
	return rows, t.wrap(err, "list fleet sketches")
}

// DeleteFleetSketchesBefore deletes the rows whose minute is before
// before.
func (t *tx) DeleteFleetSketchesBefore(ctx context.Context, before time.Time) error {
	defer t.touching("")()
	wrote := t.wrote
	_, err := t.exec(ctx, `DELETE FROM fleet_sketches WHERE minute < $1`, before.Unix())
	t.wrote = wrote
	return t.wrap(err, "delete fleet sketches")
}
