package sqlite

import (
	"context"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/storerow"
)

const profileColumns = `seq, application_id, id, name, description, location_uri,
	retrieval_role_arn, type, kms_key_identifier, validators, created_at`

// scanProfile scans a row of profileColumns.
func scanProfile(s scanner) (*appconfigd.ConfigurationProfile, int64, error) {
	var (
		p          appconfigd.ConfigurationProfile
		seq        int64
		validators string
	)
	err := s.Scan(&seq, &p.ApplicationID, &p.ID, &p.Name, &p.Description, &p.LocationURI,
		&p.RetrievalRoleARN, &p.Type, &p.KMSKeyIdentifier, &validators, storerow.Time(&p.CreatedAt))
	if err != nil {
		return nil, 0, err
	}
	if p.Validators, err = storerow.DecodeValidators(validators); err != nil {
		return nil, 0, err
	}
	return &p, seq, nil
}

// CreateConfigurationProfile stores p; EConflict when the application
// already has a profile with its ID, ENotFound when the application is
// missing.
func (t *tx) CreateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	validators, err := storerow.EncodeValidators(p.Validators)
	if err != nil {
		return wrap(err, "create configuration profile")
	}
	const q = `INSERT INTO configuration_profiles (application_id, id, name, description, location_uri,
		retrieval_role_arn, type, kms_key_identifier, validators, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err = t.exec(ctx, q, p.ApplicationID, p.ID, p.Name, p.Description, p.LocationURI,
		p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier, validators, storerow.Nanos(p.CreatedAt))
	if err != nil {
		return createError(err, "create configuration profile",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "ConfigurationProfile %s already exists in application %s", p.ID, p.ApplicationID)
			},
			func() error { return storerow.ApplicationNotFound(p.ApplicationID) })
	}
	return nil
}

// FindConfigurationProfile returns an application's profile by ID.
func (t *tx) FindConfigurationProfile(ctx context.Context, appID, id string) (*appconfigd.ConfigurationProfile, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles WHERE application_id = ? AND id = ?`
	return findOne(t.sqlTx.QueryRowContext(ctx, q, appID, id), scanProfile,
		func() error { return storerow.ProfileNotFound(appID, id) }, "find configuration profile")
}

// FindConfigurationProfilesByName returns an application's profiles named
// name in creation order, none when no name matches.
func (t *tx) FindConfigurationProfilesByName(ctx context.Context, appID, name string) ([]*appconfigd.ConfigurationProfile, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = ? AND name = ? ORDER BY seq`
	profiles, err := queryAll(ctx, t, q, []any{appID, name}, scanProfile)
	return profiles, wrap(err, "find configuration profiles by name")
}

// ListConfigurationProfiles lists an application's profiles in creation
// order. A filter Type keeps the profiles of that effective type, so
// AWS.Freeform also keeps profiles stored without a Type.
func (t *tx) ListConfigurationProfiles(ctx context.Context, appID string, filter appconfigd.ConfigurationProfileFilter, page appconfigd.Page) ([]*appconfigd.ConfigurationProfile, int64, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = ?
		AND (? = '' OR (CASE type WHEN '' THEN ? ELSE type END) = ?)
		AND seq > ? ORDER BY seq LIMIT ?`
	args := []any{appID, filter.Type, appconfigd.ProfileTypeFreeform, filter.Type, page.Cursor}
	profiles, next, err := queryPage(ctx, t, page, q, args, scanProfile)
	return profiles, next, wrap(err, "list configuration profiles")
}

// CountConfigurationProfiles counts an application's profiles.
func (t *tx) CountConfigurationProfiles(ctx context.Context, appID string) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM configuration_profiles WHERE application_id = ?`, appID)
	return n, wrap(err, "count configuration profiles")
}

// UpdateConfigurationProfile saves every field of p but its keys.
func (t *tx) UpdateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	validators, err := storerow.EncodeValidators(p.Validators)
	if err != nil {
		return wrap(err, "update configuration profile")
	}
	const q = `UPDATE configuration_profiles SET name = ?, description = ?, location_uri = ?,
		retrieval_role_arn = ?, type = ?, kms_key_identifier = ?, validators = ?, created_at = ?
		WHERE application_id = ? AND id = ?`
	err = t.execOne(ctx, func() error { return storerow.ProfileNotFound(p.ApplicationID, p.ID) },
		q, p.Name, p.Description, p.LocationURI, p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier,
		validators, storerow.Nanos(p.CreatedAt), p.ApplicationID, p.ID)
	return wrap(err, "update configuration profile")
}

// DeleteConfigurationProfile deletes the profile and, through foreign
// keys, its hosted configuration versions. Deployments of the profile stay.
func (t *tx) DeleteConfigurationProfile(ctx context.Context, appID, id string) error {
	err := t.execOne(ctx, func() error { return storerow.ProfileNotFound(appID, id) },
		`DELETE FROM configuration_profiles WHERE application_id = ? AND id = ?`, appID, id)
	return wrap(err, "delete configuration profile")
}
