package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

// The resource columns of an association hold NULL, not ”, for the
// environment or profile of an association with another kind of resource,
// so that the foreign keys leave them alone.
const associationColumns = `seq, id, extension_id, extension_version_number, application_id,
	COALESCE(environment_id, ''), COALESCE(configuration_profile_id, ''), resource_arn, parameters, created_at`

// scanAssociation scans a row of associationColumns.
func scanAssociation(s Row) (*appconfigd.ExtensionAssociation, int64, error) {
	var (
		a          appconfigd.ExtensionAssociation
		seq        int64
		parameters string
	)
	err := s.Scan(&seq, &a.ID, &a.ExtensionID, &a.ExtensionVersionNumber, &a.Resource.ApplicationID,
		&a.Resource.EnvironmentID, &a.Resource.ConfigurationProfileID, &a.ResourceARN, &parameters, timeColumn(&a.CreatedAt))
	if err != nil {
		return nil, 0, err
	}
	if err := decodeJSON("association parameters", parameters, &a.Parameters); err != nil {
		return nil, 0, err
	}
	if len(a.Parameters) == 0 {
		a.Parameters = nil
	}
	return &a, seq, nil
}

// nullIfEmpty returns s as a column value, NULL when it is empty.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// associationNotFound is the error for a missing extension association.
func associationNotFound(id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceExtensionAssociation, id, "ExtensionAssociation %s not found", id)
}

// resourceNotFound is the error for the missing resource of an
// association.
func resourceNotFound(r appconfigd.AssociatedResource) *appconfigd.Error {
	switch {
	case r.EnvironmentID != "":
		return environmentNotFound(r.ApplicationID, r.EnvironmentID)
	case r.ConfigurationProfileID != "":
		return profileNotFound(r.ApplicationID, r.ConfigurationProfileID)
	}
	return applicationNotFound(r.ApplicationID)
}

// CreateExtensionAssociation stores a; EConflict when its ID exists,
// ENotFound when its resource is missing.
func (t *tx) CreateExtensionAssociation(ctx context.Context, a *appconfigd.ExtensionAssociation) error {
	defer t.touching("")()
	parameters, err := encodeJSON("association parameters", a.Parameters)
	if err != nil {
		return err
	}
	const q = `INSERT INTO extension_associations (id, extension_id, extension_version_number, application_id,
		environment_id, configuration_profile_id, resource_arn, parameters, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	r := a.Resource
	err = t.insert(ctx, q, a.ID, a.ExtensionID, a.ExtensionVersionNumber, r.ApplicationID,
		nullIfEmpty(r.EnvironmentID), nullIfEmpty(r.ConfigurationProfileID), a.ResourceARN, parameters, nanos(a.CreatedAt))
	if err != nil {
		return t.createError(err, "create extension association",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "ExtensionAssociation %s already exists", a.ID)
			},
			func() error { return resourceNotFound(r) })
	}
	return nil
}

// FindExtensionAssociation returns the association with the given ID.
func (t *tx) FindExtensionAssociation(ctx context.Context, id string) (*appconfigd.ExtensionAssociation, error) {
	const q = `SELECT ` + associationColumns + ` FROM extension_associations WHERE id = $1`
	return findOne(t, t.queryRow(ctx, q, id), scanAssociation,
		func() error { return associationNotFound(id) }, "find extension association")
}

// ListExtensionAssociations lists associations in creation order, keeping
// those that match filter.
func (t *tx) ListExtensionAssociations(ctx context.Context, filter appconfigd.ExtensionAssociationFilter, page appconfigd.Page) ([]*appconfigd.ExtensionAssociation, int64, error) {
	var args Args
	q := `SELECT ` + associationColumns + ` FROM extension_associations WHERE seq > ` + args.Add(page.Cursor)
	if r := filter.Resource; r != nil {
		q += ` AND application_id = ` + args.Add(r.ApplicationID) +
			` AND COALESCE(environment_id, '') = ` + args.Add(r.EnvironmentID) +
			` AND COALESCE(configuration_profile_id, '') = ` + args.Add(r.ConfigurationProfileID)
	}
	if filter.ExtensionID != "" {
		q += ` AND extension_id = ` + args.Add(filter.ExtensionID)
	}
	if filter.ExtensionVersionNumber != 0 {
		q += ` AND extension_version_number = ` + args.Add(filter.ExtensionVersionNumber)
	}
	q += ` ORDER BY seq LIMIT ` + args.Add(0)
	// queryPage fills in the limit, its last argument.
	associations, next, err := queryPage(ctx, t, page, q, args[:len(args)-1], scanAssociation)
	return associations, next, t.wrap(err, "list extension associations")
}

// UpdateExtensionAssociation saves Parameters.
func (t *tx) UpdateExtensionAssociation(ctx context.Context, a *appconfigd.ExtensionAssociation) error {
	defer t.touching("")()
	parameters, err := encodeJSON("association parameters", a.Parameters)
	if err != nil {
		return err
	}
	err = t.execOne(ctx, func() error { return associationNotFound(a.ID) },
		`UPDATE extension_associations SET parameters = $1 WHERE id = $2`, parameters, a.ID)
	return t.wrap(err, "update extension association")
}

// DeleteExtensionAssociation deletes the association.
func (t *tx) DeleteExtensionAssociation(ctx context.Context, id string) error {
	defer t.touching("")()
	err := t.execOne(ctx, func() error { return associationNotFound(id) },
		`DELETE FROM extension_associations WHERE id = $1`, id)
	return t.wrap(err, "delete extension association")
}
