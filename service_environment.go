package appconfigd

import "context"

// CreateEnvironment creates an environment in an application (docs/WIRE.md §3.6).
func (s *Service) CreateEnvironment(ctx context.Context, appIdent string, e *Environment, tags map[string]string) (*Environment, error) {
	if err := e.Validate(s.Limits); err != nil {
		return nil, err
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		n, err := tx.CountEnvironments(ctx, a.ID)
		if err != nil {
			return err
		}
		if n >= s.Limits.EnvironmentsPerApplication {
			return Errorf(EServiceQuotaExceeded, "The number of environments per application cannot exceed %d", s.Limits.EnvironmentsPerApplication)
		}
		e.ApplicationID = a.ID
		if e.ID, err = s.newID(); err != nil {
			return err
		}
		e.CreatedAt = s.now()
		if err := tx.CreateEnvironment(ctx, e); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.EnvironmentARN(a.ID, e.ID), tags)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, e.ApplicationID)
	return e, nil
}

// GetEnvironment returns an environment by ID or name.
func (s *Service) GetEnvironment(ctx context.Context, appIdent, envIdent string) (e *Environment, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		_, e, err = findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		return err
	})
	return e, err
}

// ListEnvironments lists an application's environments in creation order.
func (s *Service) ListEnvironments(ctx context.Context, appIdent string, in ListInput) (*ListOutput[*Environment], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	out := &ListOutput[*Environment]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		items, next, err := tx.ListEnvironments(ctx, a.ID, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// UpdateEnvironment changes an environment's name, description or monitors.
func (s *Service) UpdateEnvironment(ctx context.Context, appIdent, envIdent string, u EnvironmentUpdate) (e *Environment, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if _, e, err = findApplicationEnvironment(ctx, tx, appIdent, envIdent); err != nil {
			return err
		}
		u.Apply(e)
		if err := e.Validate(s.Limits); err != nil {
			return err
		}
		return tx.UpdateEnvironment(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, e.ApplicationID)
	return e, nil
}

// DeleteEnvironment deletes an environment and its deployment history. An
// environment with a deployment in progress cannot be deleted, nor one
// that deletion protection keeps under check (docs/WIRE.md §3.14).
func (s *Service) DeleteEnvironment(ctx context.Context, appIdent, envIdent string, check DeletionProtectionCheck) error {
	if err := check.validate(); err != nil {
		return err
	}
	var appID string
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, e, err := findApplicationEnvironment(ctx, tx, appIdent, envIdent)
		if err != nil {
			return err
		}
		appID = a.ID
		if e.LatestDeploymentState.Active() {
			return Errorf(EConflict, "Environment %s currently has a deployment in progress; stop it or wait for it to finish before deleting the environment", e.ID)
		}
		if err := s.checkDeletionProtection(ctx, tx, check, PolledResource{Type: ResourceEnvironment, ApplicationID: a.ID, ID: e.ID}, e.CreatedAt); err != nil {
			return err
		}
		deployments, _, err := tx.ListDeployments(ctx, a.ID, e.ID, Page{})
		if err != nil {
			return err
		}
		for _, d := range deployments {
			if err := tx.ReplaceTags(ctx, s.DeploymentARN(a.ID, e.ID, d.DeploymentNumber), nil); err != nil {
				return err
			}
		}
		if err := s.deleteAssociationTags(ctx, tx, AssociatedResource{ApplicationID: a.ID, EnvironmentID: e.ID}); err != nil {
			return err
		}
		if err := tx.ReplaceTags(ctx, s.EnvironmentARN(a.ID, e.ID), nil); err != nil {
			return err
		}
		return tx.DeleteEnvironment(ctx, a.ID, e.ID)
	})
	if err != nil {
		return err
	}
	// Its deployments go with it, and may have been all that kept a
	// deleted version.
	s.servingChanged(ctx, appID)
	return nil
}
