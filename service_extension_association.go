package appconfigd

import (
	"context"
	"strings"
)

// ExtensionAssociationARN returns the ARN of an extension association.
func (s *Service) ExtensionAssociationARN(id string) string {
	return FormatExtensionAssociationARN(s.Region, s.AccountID, id)
}

// CreateExtensionAssociationInput is what CreateExtensionAssociation takes
// (docs/WIRE.md §3.13).
type CreateExtensionAssociationInput struct {
	// ExtensionIdentifier is the extension's name, ID or ARN, and
	// ExtensionVersionNumber its version, 0 for the latest.
	ExtensionIdentifier    string
	ExtensionVersionNumber int
	// ResourceIdentifier is the ARN of an application, environment or
	// configuration profile.
	ResourceIdentifier string
	Parameters         map[string]string
	Tags               map[string]string
}

// CreateExtensionAssociation associates a version of an extension with an
// application, environment or configuration profile. The values must
// satisfy the extension's parameters, and an extension is associated with
// a resource at most once.
func (s *Service) CreateExtensionAssociation(ctx context.Context, in CreateExtensionAssociationInput) (a *ExtensionAssociation, err error) {
	if err := ValidateTags(in.Tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		r, err := s.findAssociatedResource(ctx, tx, in.ResourceIdentifier)
		if err != nil {
			return err
		}
		ext, err := s.findExtension(ctx, tx, in.ExtensionIdentifier, in.ExtensionVersionNumber)
		if err != nil {
			return err
		}
		if err := checkAssociable(ext); err != nil {
			return err
		}
		if err := checkAssociationParameters(ext, in.Parameters); err != nil {
			return err
		}
		existing, _, err := tx.ListExtensionAssociations(ctx, ExtensionAssociationFilter{Resource: &r, ExtensionID: ext.ID}, Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return badRequest("Extension %s is already associated with %s (extension association %s)", ext.ID, in.ResourceIdentifier, existing[0].ID)
		}
		a = &ExtensionAssociation{
			ExtensionID:            ext.ID,
			ExtensionVersionNumber: ext.VersionNumber,
			Resource:               r,
			ResourceARN:            in.ResourceIdentifier,
			Parameters:             in.Parameters,
			CreatedAt:              s.now(),
		}
		if a.ID, err = s.newID(); err != nil {
			return err
		}
		if err := tx.CreateExtensionAssociation(ctx, a); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.ExtensionAssociationARN(a.ID), in.Tags)
	})
	return a, err
}

// findAssociatedResource resolves the ARN of the application, environment
// or profile an association names, which must exist.
func (s *Service) findAssociatedResource(ctx context.Context, tx Tx, arn string) (AssociatedResource, error) {
	r, err := s.parseAssociatedResource(arn)
	if err != nil {
		return r, err
	}
	switch {
	case r.EnvironmentID != "":
		_, err = tx.FindEnvironment(ctx, r.ApplicationID, r.EnvironmentID)
	case r.ConfigurationProfileID != "":
		_, err = tx.FindConfigurationProfile(ctx, r.ApplicationID, r.ConfigurationProfileID)
	default:
		_, err = tx.FindApplication(ctx, r.ApplicationID)
	}
	return r, nameMissingByARN(err, arn)
}

// parseAssociatedResource splits the ARN of an application, environment or
// configuration profile, the only resources extensions associate with.
func (s *Service) parseAssociatedResource(arn string) (AssociatedResource, error) {
	if err := checkLength("ResourceIdentifier", arn, 1, maxARNLength); err != nil {
		return AssociatedResource{}, err
	}
	bad := badRequest("ResourceIdentifier %q must be the ARN of an application, environment or configuration profile", truncateRunes(arn, 200))
	t, err := s.parseARN(arn)
	if IsCode(err, EBadRequest) {
		return AssociatedResource{}, bad
	}
	if err != nil {
		return AssociatedResource{}, err
	}
	r := AssociatedResource{ApplicationID: t.appID}
	switch t.kind {
	case ResourceApplication:
	case ResourceEnvironment:
		r.EnvironmentID = t.envID
	case ResourceConfigurationProfile:
		r.ConfigurationProfileID = t.profileID
	default:
		return r, bad
	}
	return r, nil
}

// GetExtensionAssociation returns an association by ID.
func (s *Service) GetExtensionAssociation(ctx context.Context, id string) (a *ExtensionAssociation, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err = tx.FindExtensionAssociation(ctx, id)
		return err
	})
	return a, err
}

// ListExtensionAssociationsInput selects the associations
// ListExtensionAssociations returns; empty members select everything.
type ListExtensionAssociationsInput struct {
	ListInput
	// ResourceIdentifier is the ARN of the associated resource.
	ResourceIdentifier string
	// ExtensionIdentifier is the extension's name, ID or ARN, and
	// ExtensionVersionNumber one version of it. An ARN names one version
	// itself; a number that contradicts it is refused.
	ExtensionIdentifier    string
	ExtensionVersionNumber int
}

// ListExtensionAssociations lists associations in creation order. An
// extension that does not exist has no associations: the operation models
// no ResourceNotFoundException, so the listing is empty.
func (s *Service) ListExtensionAssociations(ctx context.Context, in ListExtensionAssociationsInput) (*ListOutput[*ExtensionAssociation], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	var filter ExtensionAssociationFilter
	if in.ResourceIdentifier != "" {
		r, err := s.parseAssociatedResource(in.ResourceIdentifier)
		if err != nil {
			return nil, err
		}
		filter.Resource = &r
	}
	if in.ExtensionVersionNumber < 0 {
		return nil, badRequest("ExtensionVersionNumber must be a positive integer, got %d", in.ExtensionVersionNumber)
	}
	filter.ExtensionVersionNumber = in.ExtensionVersionNumber
	out := &ListOutput[*ExtensionAssociation]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		if in.ExtensionIdentifier != "" {
			ext, err := s.findExtension(ctx, tx, in.ExtensionIdentifier, in.ExtensionVersionNumber)
			if IsCode(err, ENotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			filter.ExtensionID = ext.ID
			if strings.HasPrefix(in.ExtensionIdentifier, "arn:") {
				// An extension's ARN names one version.
				filter.ExtensionVersionNumber = ext.VersionNumber
			}
		}
		items, next, err := tx.ListExtensionAssociations(ctx, filter, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// UpdateExtensionAssociation replaces the parameter values of an
// association, checked against its extension version; nil params leaves
// them unchanged.
func (s *Service) UpdateExtensionAssociation(ctx context.Context, id string, params map[string]string) (a *ExtensionAssociation, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if a, err = tx.FindExtensionAssociation(ctx, id); err != nil || params == nil {
			return err
		}
		ext, err := s.findExtension(ctx, tx, a.ExtensionID, a.ExtensionVersionNumber)
		if err != nil {
			return err
		}
		if err := checkAssociationParameters(ext, params); err != nil {
			return err
		}
		a.Parameters = params
		return tx.UpdateExtensionAssociation(ctx, a)
	})
	return a, err
}

// deleteAssociationTags removes the tags of the associations of r, which
// the database deletes with r: nothing could reach those tags afterwards.
func (s *Service) deleteAssociationTags(ctx context.Context, tx Tx, r AssociatedResource) error {
	associations, _, err := tx.ListExtensionAssociations(ctx, ExtensionAssociationFilter{Resource: &r}, Page{})
	if err != nil {
		return err
	}
	for _, a := range associations {
		if err := tx.ReplaceTags(ctx, s.ExtensionAssociationARN(a.ID), nil); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExtensionAssociation deletes an association and its tags.
func (s *Service) DeleteExtensionAssociation(ctx context.Context, id string) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		a, err := tx.FindExtensionAssociation(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.ReplaceTags(ctx, s.ExtensionAssociationARN(a.ID), nil); err != nil {
			return err
		}
		return tx.DeleteExtensionAssociation(ctx, a.ID)
	})
}
