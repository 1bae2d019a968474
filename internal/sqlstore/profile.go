package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

const profileColumns = `seq, application_id, id, name, description, location_uri,
	retrieval_role_arn, type, kms_key_identifier, validators, created_at`

// scanProfile scans a row of profileColumns.
func scanProfile(s Row) (*appconfigd.ConfigurationProfile, int64, error) {
	var (
		p          appconfigd.ConfigurationProfile
		seq        int64
		validators string
	)
	err := s.Scan(&seq, &p.ApplicationID, &p.ID, &p.Name, &p.Description, &p.LocationURI,
		&p.RetrievalRoleARN, &p.Type, &p.KMSKeyIdentifier, &validators, timeColumn(&p.CreatedAt))
	if err != nil {
		return nil, 0, err
	}
	if p.Validators, err = decodeValidators(validators); err != nil {
		return nil, 0, err
	}
	return &p, seq, nil
}

// CreateConfigurationProfile stores p; EConflict when the application
// already has a profile with its ID, ENotFound when the application is
// missing.
func (t *tx) CreateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	defer t.touching(p.ApplicationID)()
	validators, err := encodeValidators(p.Validators)
	if err != nil {
		return t.wrap(err, "create configuration profile")
	}
	const q = `INSERT INTO configuration_profiles (application_id, id, name, description, location_uri,
		retrieval_role_arn, type, kms_key_identifier, validators, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	err = t.insert(ctx, q, p.ApplicationID, p.ID, p.Name, p.Description, p.LocationURI,
		p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier, validators, nanos(p.CreatedAt))
	if err != nil {
		return t.createError(err, "create configuration profile",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "ConfigurationProfile %s already exists in application %s", p.ID, p.ApplicationID)
			},
			func() error { return applicationNotFound(p.ApplicationID) })
	}
	return nil
}

// FindConfigurationProfile returns an application's profile by ID.
func (t *tx) FindConfigurationProfile(ctx context.Context, appID, id string) (*appconfigd.ConfigurationProfile, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles WHERE application_id = $1 AND id = $2`
	return findOne(t, t.queryRow(ctx, q, appID, id), scanProfile,
		func() error { return profileNotFound(appID, id) }, "find configuration profile")
}

// FindConfigurationProfilesByName returns an application's profiles named
// name in creation order, none when no name matches.
func (t *tx) FindConfigurationProfilesByName(ctx context.Context, appID, name string) ([]*appconfigd.ConfigurationProfile, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = $1 AND name = $2 ORDER BY seq`
	profiles, err := queryAll(ctx, t, q, []any{appID, name}, scanProfile)
	return profiles, t.wrap(err, "find configuration profiles by name")
}

// ListConfigurationProfiles lists an application's profiles in creation
// order. A filter Type keeps the profiles of that effective type, so
// AWS.Freeform also keeps profiles stored without a Type.
func (t *tx) ListConfigurationProfiles(ctx context.Context, appID string, filter appconfigd.ConfigurationProfileFilter, page appconfigd.Page) ([]*appconfigd.ConfigurationProfile, int64, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = $1
		AND (CAST($2 AS TEXT) = '' OR (CASE type WHEN '' THEN CAST($3 AS TEXT) ELSE type END) = CAST($2 AS TEXT))
		AND seq > $4 ORDER BY seq LIMIT $5`
	args := []any{appID, string(filter.Type), string(appconfigd.ProfileTypeFreeform), page.Cursor}
	profiles, next, err := queryPage(ctx, t, page, q, args, scanProfile)
	return profiles, next, t.wrap(err, "list configuration profiles")
}

// CountConfigurationProfiles counts an application's profiles.
func (t *tx) CountConfigurationProfiles(ctx context.Context, appID string) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM configuration_profiles WHERE application_id = $1`, appID)
	return n, t.wrap(err, "count configuration profiles")
}

// UpdateConfigurationProfile saves every field of p but its keys.
func (t *tx) UpdateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	defer t.touching(p.ApplicationID)()
	validators, err := encodeValidators(p.Validators)
	if err != nil {
		return t.wrap(err, "update configuration profile")
	}
	const q = `UPDATE configuration_profiles SET name = $1, description = $2, location_uri = $3,
		retrieval_role_arn = $4, type = $5, kms_key_identifier = $6, validators = $7, created_at = $8
		WHERE application_id = $9 AND id = $10`
	err = t.execOne(ctx, func() error { return profileNotFound(p.ApplicationID, p.ID) },
		q, p.Name, p.Description, p.LocationURI, p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier,
		validators, nanos(p.CreatedAt), p.ApplicationID, p.ID)
	return t.wrap(err, "update configuration profile")
}

// DeleteConfigurationProfile deletes the profile and, through foreign
// keys, its hosted configuration versions. Deployments of the profile stay.
func (t *tx) DeleteConfigurationProfile(ctx context.Context, appID, id string) error {
	defer t.touching(appID)()
	err := t.execOne(ctx, func() error { return profileNotFound(appID, id) },
		`DELETE FROM configuration_profiles WHERE application_id = $1 AND id = $2`, appID, id)
	return t.wrap(err, "delete configuration profile")
}
