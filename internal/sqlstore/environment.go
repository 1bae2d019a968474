package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

// environmentColumns selects an environment with the state of its
// highest-numbered deployment, "" when it has none.
const environmentColumns = `e.seq, e.application_id, e.id, e.name, e.description, e.monitors, e.created_at,
	COALESCE((SELECT d.state FROM deployments d
		WHERE d.application_id = e.application_id AND d.environment_id = e.id
		ORDER BY d.deployment_number DESC LIMIT 1), '')`

// scanEnvironment scans a row of environmentColumns.
func scanEnvironment(s Row) (*appconfigd.Environment, int64, error) {
	var (
		e        appconfigd.Environment
		seq      int64
		monitors string
		state    string
	)
	if err := s.Scan(&seq, &e.ApplicationID, &e.ID, &e.Name, &e.Description, &monitors, timeColumn(&e.CreatedAt), &state); err != nil {
		return nil, 0, err
	}
	ms, err := decodeMonitors(monitors)
	if err != nil {
		return nil, 0, err
	}
	e.Monitors = ms
	e.LatestDeploymentState = appconfigd.DeploymentState(state)
	return &e, seq, nil
}

// CreateEnvironment stores e; EConflict when the application already has
// an environment with its ID, ENotFound when the application is missing.
func (t *tx) CreateEnvironment(ctx context.Context, e *appconfigd.Environment) error {
	defer t.touching(e.ApplicationID)()
	monitors, err := encodeMonitors(e.Monitors)
	if err != nil {
		return t.wrap(err, "create environment")
	}
	const q = `INSERT INTO environments (application_id, id, name, description, monitors, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`
	if err := t.insert(ctx, q, e.ApplicationID, e.ID, e.Name, e.Description, monitors, nanos(e.CreatedAt)); err != nil {
		return t.createError(err, "create environment",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "Environment %s already exists in application %s", e.ID, e.ApplicationID)
			},
			func() error { return applicationNotFound(e.ApplicationID) })
	}
	return nil
}

// FindEnvironment returns an application's environment by ID.
func (t *tx) FindEnvironment(ctx context.Context, appID, id string) (*appconfigd.Environment, error) {
	const q = `SELECT ` + environmentColumns + ` FROM environments e WHERE e.application_id = $1 AND e.id = $2`
	return findOne(t, t.queryRow(ctx, q, appID, id), scanEnvironment,
		func() error { return environmentNotFound(appID, id) }, "find environment")
}

// FindEnvironmentsByName returns an application's environments named name
// in creation order, none when no name matches.
func (t *tx) FindEnvironmentsByName(ctx context.Context, appID, name string) ([]*appconfigd.Environment, error) {
	const q = `SELECT ` + environmentColumns + ` FROM environments e
		WHERE e.application_id = $1 AND e.name = $2 ORDER BY e.seq`
	envs, err := queryAll(ctx, t, q, []any{appID, name}, scanEnvironment)
	return envs, t.wrap(err, "find environments by name")
}

// ListEnvironments lists an application's environments in creation order.
func (t *tx) ListEnvironments(ctx context.Context, appID string, page appconfigd.Page) ([]*appconfigd.Environment, int64, error) {
	const q = `SELECT ` + environmentColumns + ` FROM environments e
		WHERE e.application_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`
	envs, next, err := queryPage(ctx, t, page, q, []any{appID, page.Cursor}, scanEnvironment)
	return envs, next, t.wrap(err, "list environments")
}

// CountEnvironments counts an application's environments.
func (t *tx) CountEnvironments(ctx context.Context, appID string) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM environments WHERE application_id = $1`, appID)
	return n, t.wrap(err, "count environments")
}

// UpdateEnvironment saves every field of e but its keys and
// LatestDeploymentState, which is derived.
func (t *tx) UpdateEnvironment(ctx context.Context, e *appconfigd.Environment) error {
	defer t.touching(e.ApplicationID)()
	monitors, err := encodeMonitors(e.Monitors)
	if err != nil {
		return t.wrap(err, "update environment")
	}
	const q = `UPDATE environments SET name = $1, description = $2, monitors = $3, created_at = $4
		WHERE application_id = $5 AND id = $6`
	err = t.execOne(ctx, func() error { return environmentNotFound(e.ApplicationID, e.ID) },
		q, e.Name, e.Description, monitors, nanos(e.CreatedAt), e.ApplicationID, e.ID)
	return t.wrap(err, "update environment")
}

// DeleteEnvironment deletes the environment and, through foreign keys, its
// deployments and their event logs.
func (t *tx) DeleteEnvironment(ctx context.Context, appID, id string) error {
	defer t.touching(appID)()
	err := t.execOne(ctx, func() error { return environmentNotFound(appID, id) },
		`DELETE FROM environments WHERE application_id = $1 AND id = $2`, appID, id)
	return t.wrap(err, "delete environment")
}
