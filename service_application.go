package appconfigd

import "context"

// CreateApplication creates an application (docs/WIRE.md §3.5). Tags are stored
// and shown only by ListTagsForResource.
func (s *Service) CreateApplication(ctx context.Context, a *Application, tags map[string]string) (*Application, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		n, err := tx.CountApplications(ctx)
		if err != nil {
			return err
		}
		if n >= s.Limits.Applications {
			return Errorf(EServiceQuotaExceeded, "The number of applications cannot exceed %d", s.Limits.Applications)
		}
		if a.ID, err = s.newID(); err != nil {
			return err
		}
		a.CreatedAt = s.now()
		if err := tx.CreateApplication(ctx, a); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.ApplicationARN(a.ID), tags)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a.ID)
	return a, nil
}

// GetApplication returns an application by ID or name.
func (s *Service) GetApplication(ctx context.Context, ident string) (a *Application, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err = findApplication(ctx, tx, ident)
		return err
	})
	return a, err
}

// ListApplications lists applications in creation order.
func (s *Service) ListApplications(ctx context.Context, in ListInput) (*ListOutput[*Application], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	out := &ListOutput[*Application]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		items, next, err := tx.ListApplications(ctx, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// UpdateApplication changes an application's name or description.
func (s *Service) UpdateApplication(ctx context.Context, ident string, u ApplicationUpdate) (a *Application, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if a, err = findApplication(ctx, tx, ident); err != nil {
			return err
		}
		u.Apply(a)
		if err := a.Validate(); err != nil {
			return err
		}
		return tx.UpdateApplication(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a.ID)
	return a, nil
}

// DeleteApplication deletes an application. AWS documents no cascade, so an
// application that still has environments or configuration profiles is
// refused rather than silently emptied (docs/WIRE.md §6 Q9).
func (s *Service) DeleteApplication(ctx context.Context, ident string) error {
	var appID string
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, ident)
		if err != nil {
			return err
		}
		appID = a.ID
		envs, err := tx.CountEnvironments(ctx, a.ID)
		if err != nil {
			return err
		}
		profiles, err := tx.CountConfigurationProfiles(ctx, a.ID)
		if err != nil {
			return err
		}
		if envs > 0 || profiles > 0 {
			return badRequest("Application %s still has %d environment(s) and %d configuration profile(s); delete them first", a.ID, envs, profiles)
		}
		if err := s.deleteAssociationTags(ctx, tx, AssociatedResource{ApplicationID: a.ID}); err != nil {
			return err
		}
		if err := tx.ReplaceTags(ctx, s.ApplicationARN(a.ID), nil); err != nil {
			return err
		}
		return tx.DeleteApplication(ctx, a.ID)
	})
	if err != nil {
		return err
	}
	s.changed(ctx, appID)
	return nil
}
