package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

const strategyColumns = `seq, id, name, description, deployment_duration_in_minutes, growth_type,
	growth_factor, final_bake_time_in_minutes, replicate_to, predefined, created_at`

// scanStrategy scans a row of strategyColumns.
func scanStrategy(s Row) (*appconfigd.DeploymentStrategy, int64, error) {
	var (
		d   appconfigd.DeploymentStrategy
		seq int64
	)
	err := s.Scan(&seq, &d.ID, &d.Name, &d.Description, &d.DeploymentDurationInMinutes, &d.GrowthType,
		&d.GrowthFactor, &d.FinalBakeTimeInMinutes, &d.ReplicateTo, &d.Predefined, timeColumn(&d.CreatedAt))
	return &d, seq, err
}

// CreateDeploymentStrategy stores s; EConflict when its ID exists.
func (t *tx) CreateDeploymentStrategy(ctx context.Context, s *appconfigd.DeploymentStrategy) error {
	defer t.touching("")()
	const q = `INSERT INTO deployment_strategies (id, name, description, deployment_duration_in_minutes,
		growth_type, growth_factor, final_bake_time_in_minutes, replicate_to, predefined, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	err := t.insert(ctx, q, s.ID, s.Name, s.Description, s.DeploymentDurationInMinutes,
		s.GrowthType, s.GrowthFactor, s.FinalBakeTimeInMinutes, s.ReplicateTo, s.Predefined, nanos(s.CreatedAt))
	if err != nil {
		return t.createError(err, "create deployment strategy", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "DeploymentStrategy %s already exists", s.ID)
		}, nil)
	}
	return nil
}

// FindDeploymentStrategy returns the strategy with the given ID.
func (t *tx) FindDeploymentStrategy(ctx context.Context, id string) (*appconfigd.DeploymentStrategy, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE id = $1`
	return findOne(t, t.queryRow(ctx, q, id), scanStrategy,
		func() error { return strategyNotFound(id) }, "find deployment strategy")
}

// FindDeploymentStrategiesByName returns the strategies named name in
// creation order, none when no name matches.
func (t *tx) FindDeploymentStrategiesByName(ctx context.Context, name string) ([]*appconfigd.DeploymentStrategy, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE name = $1 ORDER BY seq`
	strategies, err := queryAll(ctx, t, q, []any{name}, scanStrategy)
	return strategies, t.wrap(err, "find deployment strategies by name")
}

// ListDeploymentStrategies lists strategies in creation order.
func (t *tx) ListDeploymentStrategies(ctx context.Context, page appconfigd.Page) ([]*appconfigd.DeploymentStrategy, int64, error) {
	const q = `SELECT ` + strategyColumns + ` FROM deployment_strategies WHERE seq > $1 ORDER BY seq LIMIT $2`
	strategies, next, err := queryPage(ctx, t, page, q, []any{page.Cursor}, scanStrategy)
	return strategies, next, t.wrap(err, "list deployment strategies")
}

// CountDeploymentStrategies counts strategies that are not predefined.
func (t *tx) CountDeploymentStrategies(ctx context.Context) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM deployment_strategies WHERE NOT predefined`)
	return n, t.wrap(err, "count deployment strategies")
}

// UpdateDeploymentStrategy saves every field of s but its ID.
func (t *tx) UpdateDeploymentStrategy(ctx context.Context, s *appconfigd.DeploymentStrategy) error {
	defer t.touching("")()
	const q = `UPDATE deployment_strategies SET name = $1, description = $2, deployment_duration_in_minutes = $3,
		growth_type = $4, growth_factor = $5, final_bake_time_in_minutes = $6, replicate_to = $7,
		predefined = $8, created_at = $9
		WHERE id = $10`
	err := t.execOne(ctx, func() error { return strategyNotFound(s.ID) },
		q, s.Name, s.Description, s.DeploymentDurationInMinutes, s.GrowthType, s.GrowthFactor,
		s.FinalBakeTimeInMinutes, s.ReplicateTo, s.Predefined, nanos(s.CreatedAt), s.ID)
	return t.wrap(err, "update deployment strategy")
}

// DeleteDeploymentStrategy deletes the strategy. Deployments keep the
// numbers they copied from it.
func (t *tx) DeleteDeploymentStrategy(ctx context.Context, id string) error {
	defer t.touching("")()
	err := t.execOne(ctx, func() error { return strategyNotFound(id) },
		`DELETE FROM deployment_strategies WHERE id = $1`, id)
	return t.wrap(err, "delete deployment strategy")
}
