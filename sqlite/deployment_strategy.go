package sqlite

import (
	"context"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/storerow"
)

const strategyColumns = `seq, id, name, description, deployment_duration_in_minutes, growth_type,
	growth_factor, final_bake_time_in_minutes, replicate_to, predefined, created_at`

// scanStrategy scans a row of strategyColumns.
func scanStrategy(s scanner) (*appconfigd.DeploymentStrategy, int64, error) {
	var (
		d   appconfigd.DeploymentStrategy
		seq int64
	)
	err := s.Scan(&seq, &d.ID, &d.Name, &d.Description, &d.DeploymentDurationInMinutes, &d.GrowthType,
		&d.GrowthFactor, &d.FinalBakeTimeInMinutes, &d.ReplicateTo, &d.Predefined, storerow.Time(&d.CreatedAt))
	return &d, seq, err
}

// CreateDeploymentStrategy stores s; EConflict when its ID exists.
func (t *tx) CreateDeploymentStrategy(ctx context.Context, s *appconfigd.DeploymentStrategy) error {
	const q = `INSERT INTO deployment_strategies (id, name, description, deployment_duration_in_minutes,
		growth_type, growth_factor, final_bake_time_in_minutes, replicate_to, predefined, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := t.exec(ctx, q, s.ID, s.Name, s.Description, s.DeploymentDurationInMinutes,
		s.GrowthType, s.GrowthFactor, s.FinalBakeTimeInMinutes, s.ReplicateTo, s.Predefined, storerow.Nanos(s.CreatedAt))
	if err != nil {
		return createError(err, "create deployment strategy", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "DeploymentStrategy %s already exists", s.ID)
		}, nil)
	}
	return nil
}

// FindDeploymentStrategy returns the strategy with the given ID.
func (t *tx) FindDeploymentStrategy(ctx context.Context, id string) (*appconfigd.DeploymentStrategy, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE id = ?`
	return findOne(t.sqlTx.QueryRowContext(ctx, q, id), scanStrategy,
		func() error { return storerow.StrategyNotFound(id) }, "find deployment strategy")
}

// FindDeploymentStrategiesByName returns the strategies named name in
// creation order, none when no name matches.
func (t *tx) FindDeploymentStrategiesByName(ctx context.Context, name string) ([]*appconfigd.DeploymentStrategy, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE name = ? ORDER BY seq`
	strategies, err := queryAll(ctx, t, q, []any{name}, scanStrategy)
	return strategies, wrap(err, "find deployment strategies by name")
}

// ListDeploymentStrategies lists strategies in creation order.
func (t *tx) ListDeploymentStrategies(ctx context.Context, page appconfigd.Page) ([]*appconfigd.DeploymentStrategy, int64, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE seq > ? ORDER BY seq LIMIT ?`
	strategies, next, err := queryPage(ctx, t, page, q, []any{page.Cursor}, scanStrategy)
	return strategies, next, wrap(err, "list deployment strategies")
}

// CountDeploymentStrategies counts strategies that are not predefined.
func (t *tx) CountDeploymentStrategies(ctx context.Context) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM deployment_strategies WHERE NOT predefined`)
	return n, wrap(err, "count deployment strategies")
}

// UpdateDeploymentStrategy saves every field of s but its ID.
func (t *tx) UpdateDeploymentStrategy(ctx context.Context, s *appconfigd.DeploymentStrategy) error {
	const q = `UPDATE deployment_strategies SET name = ?, description = ?, deployment_duration_in_minutes = ?,
		growth_type = ?, growth_factor = ?, final_bake_time_in_minutes = ?, replicate_to = ?,
		predefined = ?, created_at = ?
		WHERE id = ?`
	err := t.execOne(ctx, func() error { return storerow.StrategyNotFound(s.ID) },
		q, s.Name, s.Description, s.DeploymentDurationInMinutes, s.GrowthType, s.GrowthFactor,
		s.FinalBakeTimeInMinutes, s.ReplicateTo, s.Predefined, storerow.Nanos(s.CreatedAt), s.ID)
	return wrap(err, "update deployment strategy")
}

// DeleteDeploymentStrategy deletes the strategy. Deployments keep the
// numbers they copied from it.
func (t *tx) DeleteDeploymentStrategy(ctx context.Context, id string) error {
	err := t.execOne(ctx, func() error { return storerow.StrategyNotFound(id) },
		`DELETE FROM deployment_strategies WHERE id = ?`, id)
	return wrap(err, "delete deployment strategy")
}
