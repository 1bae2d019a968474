package appconfigd

import "context"

// CreateDeploymentStrategy creates a deployment strategy (docs/WIRE.md §3.9).
func (s *Service) CreateDeploymentStrategy(ctx context.Context, st *DeploymentStrategy, tags map[string]string) (*DeploymentStrategy, error) {
	st.Normalize()
	st.Predefined = false
	if err := st.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		n, err := tx.CountDeploymentStrategies(ctx)
		if err != nil {
			return err
		}
		if n >= s.Limits.DeploymentStrategies {
			return Errorf(EServiceQuotaExceeded, "The number of deployment strategies cannot exceed %d", s.Limits.DeploymentStrategies)
		}
		if st.ID, err = s.newID(); err != nil {
			return err
		}
		st.CreatedAt = s.now()
		if err := tx.CreateDeploymentStrategy(ctx, st); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.DeploymentStrategyARN(st.ID), tags)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// GetDeploymentStrategy returns a strategy by ID or name, predefined ones
// included.
func (s *Service) GetDeploymentStrategy(ctx context.Context, ident string) (st *DeploymentStrategy, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		st, err = findStrategy(ctx, tx, ident)
		return err
	})
	return st, err
}

// ListDeploymentStrategies lists every strategy, predefined ones included.
func (s *Service) ListDeploymentStrategies(ctx context.Context, in ListInput) (*ListOutput[*DeploymentStrategy], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	out := &ListOutput[*DeploymentStrategy]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		items, next, err := tx.ListDeploymentStrategies(ctx, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// UpdateDeploymentStrategy changes a strategy's numbers or description.
// Predefined strategies cannot change. Deployments already started keep the
// numbers they copied.
func (s *Service) UpdateDeploymentStrategy(ctx context.Context, ident string, u DeploymentStrategyUpdate) (st *DeploymentStrategy, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if st, err = findStrategy(ctx, tx, ident); err != nil {
			return err
		}
		if st.Predefined {
			return badRequest("Deployment strategy %s is predefined and cannot be changed", st.ID)
		}
		u.Apply(st)
		if err := st.Validate(); err != nil {
			return err
		}
		return tx.UpdateDeploymentStrategy(ctx, st)
	})
	return st, err
}

// DeleteDeploymentStrategy deletes a strategy; predefined ones cannot be
// deleted.
func (s *Service) DeleteDeploymentStrategy(ctx context.Context, ident string) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		st, err := findStrategy(ctx, tx, ident)
		if err != nil {
			return err
		}
		if st.Predefined {
			return badRequest("Deployment strategy %s is predefined and cannot be deleted", st.ID)
		}
		if err := tx.ReplaceTags(ctx, s.DeploymentStrategyARN(st.ID), nil); err != nil {
			return err
		}
		return tx.DeleteDeploymentStrategy(ctx, st.ID)
	})
}
