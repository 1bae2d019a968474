package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

const applicationColumns = `seq, id, name, description, created_at`

// scanApplication scans a row of applicationColumns.
func scanApplication(s Row) (*appconfigd.Application, int64, error) {
	var (
		a   appconfigd.Application
		seq int64
	)
	err := s.Scan(&seq, &a.ID, &a.Name, &a.Description, timeColumn(&a.CreatedAt))
	return &a, seq, err
}

// CreateApplication stores a; EConflict when its ID exists.
func (t *tx) CreateApplication(ctx context.Context, a *appconfigd.Application) error {
	defer t.touching(a.ID)()
	const q = `INSERT INTO applications (id, name, description, created_at) VALUES ($1, $2, $3, $4)`
	if err := t.insert(ctx, q, a.ID, a.Name, a.Description, nanos(a.CreatedAt)); err != nil {
		return t.createError(err, "create application", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "Application %s already exists", a.ID)
		}, nil)
	}
	return nil
}

// FindApplication returns the application with the given ID.
func (t *tx) FindApplication(ctx context.Context, id string) (*appconfigd.Application, error) {
	const q = `SELECT ` + applicationColumns + ` FROM applications WHERE id = $1`
	return findOne(t, t.queryRow(ctx, q, id), scanApplication,
		func() error { return applicationNotFound(id) }, "find application")
}

// FindApplicationsByName returns the applications named name in creation
// order, none when no name matches.
func (t *tx) FindApplicationsByName(ctx context.Context, name string) ([]*appconfigd.Application, error) {
	const q = `SELECT ` + applicationColumns + ` FROM applications WHERE name = $1 ORDER BY seq`
	apps, err := queryAll(ctx, t, q, []any{name}, scanApplication)
	return apps, t.wrap(err, "find applications by name")
}

// ListApplications lists applications in creation order.
func (t *tx) ListApplications(ctx context.Context, page appconfigd.Page) ([]*appconfigd.Application, int64, error) {
	const q = `SELECT ` + applicationColumns + ` FROM applications WHERE seq > $1 ORDER BY seq LIMIT $2`
	apps, next, err := queryPage(ctx, t, page, q, []any{page.Cursor}, scanApplication)
	return apps, next, t.wrap(err, "list applications")
}

// CountApplications counts applications.
func (t *tx) CountApplications(ctx context.Context) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM applications`)
	return n, t.wrap(err, "count applications")
}

// UpdateApplication saves every field of a but its ID.
func (t *tx) UpdateApplication(ctx context.Context, a *appconfigd.Application) error {
	defer t.touching(a.ID)()
	const q = `UPDATE applications SET name = $1, description = $2, created_at = $3 WHERE id = $4`
	err := t.execOne(ctx, func() error { return applicationNotFound(a.ID) },
		q, a.Name, a.Description, nanos(a.CreatedAt), a.ID)
	return t.wrap(err, "update application")
}

// DeleteApplication deletes the application and, through foreign keys,
// its environments, deployments, configuration profiles and hosted
// configuration versions.
func (t *tx) DeleteApplication(ctx context.Context, id string) error {
	defer t.touching(id)()
	err := t.execOne(ctx, func() error { return applicationNotFound(id) },
		`DELETE FROM applications WHERE id = $1`, id)
	return t.wrap(err, "delete application")
}
