package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/appconfigd/appconfigd"
)

const profileColumns = `seq, application_id, id, name, description, location_uri,
	retrieval_role_arn, type, kms_key_identifier, validators, created_at`

// validatorRecord is the stored JSON form of an appconfigd.Validator, kept
// apart so renaming a Go field cannot change the schema. It is the same
// JSON as package sqlite's.
type validatorRecord struct {
	Type    appconfigd.ValidatorType `json:"type"`
	Content string                   `json:"content"`
}

// encodeValidators returns the JSON column value of vs; nil stays null.
func encodeValidators(vs []appconfigd.Validator) (string, error) {
	var records []validatorRecord
	if vs != nil {
		records = make([]validatorRecord, len(vs))
		for i, v := range vs {
			records[i] = validatorRecord(v)
		}
	}
	b, err := json.Marshal(records)
	if err != nil {
		return "", fmt.Errorf("encode validators: %w", err)
	}
	return string(b), nil
}

// decodeValidators parses a column written by encodeValidators.
func decodeValidators(s string) ([]appconfigd.Validator, error) {
	var records []validatorRecord
	if err := json.Unmarshal([]byte(s), &records); err != nil {
		return nil, fmt.Errorf("decode validators: %w", err)
	}
	if records == nil {
		return nil, nil
	}
	vs := make([]appconfigd.Validator, len(records))
	for i, r := range records {
		vs[i] = appconfigd.Validator(r)
	}
	return vs, nil
}

// scanProfile scans a row of profileColumns.
func scanProfile(s scanner) (*appconfigd.ConfigurationProfile, int64, error) {
	var (
		p          appconfigd.ConfigurationProfile
		seq        int64
		validators string
	)
	err := s.Scan(&seq, &p.ApplicationID, &p.ID, &p.Name, &p.Description, &p.LocationURI,
		&p.RetrievalRoleARN, &p.Type, &p.KMSKeyIdentifier, &validators, timeOf(&p.CreatedAt))
	if err != nil {
		return nil, 0, err
	}
	if p.Validators, err = decodeValidators(validators); err != nil {
		return nil, 0, err
	}
	return &p, seq, nil
}

func profileNotFound(appID, id string) *appconfigd.Error {
	return notFound(appconfigd.ResourceConfigurationProfile, id,
		"ConfigurationProfile %s not found in application %s", id, appID)
}

// CreateConfigurationProfile stores p; EConflict when the application
// already has a profile with its ID, ENotFound when the application is
// missing.
func (t *tx) CreateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	validators, err := encodeValidators(p.Validators)
	if err != nil {
		return wrap(err, "create configuration profile")
	}
	const q = `INSERT INTO configuration_profiles (application_id, id, name, description, location_uri,
		retrieval_role_arn, type, kms_key_identifier, validators, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	err = t.insert(ctx, q, p.ApplicationID, p.ID, p.Name, p.Description, p.LocationURI,
		p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier, validators, nanos(p.CreatedAt))
	if err != nil {
		return createError(err, "create configuration profile",
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
	return findOne(t.queryRow(ctx, q, appID, id), scanProfile,
		func() error { return profileNotFound(appID, id) }, "find configuration profile")
}

// FindConfigurationProfilesByName returns an application's profiles named
// name in creation order, none when no name matches.
func (t *tx) FindConfigurationProfilesByName(ctx context.Context, appID, name string) ([]*appconfigd.ConfigurationProfile, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = $1 AND name = $2 ORDER BY seq`
	profiles, err := queryAll(ctx, t, q, []any{appID, name}, scanProfile)
	return profiles, wrap(err, "find configuration profiles by name")
}

// ListConfigurationProfiles lists an application's profiles in creation
// order. A filter Type keeps the profiles of that effective type, so
// AWS.Freeform also keeps profiles stored without a Type.
func (t *tx) ListConfigurationProfiles(ctx context.Context, appID string, filter appconfigd.ConfigurationProfileFilter, page appconfigd.Page) ([]*appconfigd.ConfigurationProfile, int64, error) {
	const q = `SELECT ` + profileColumns + ` FROM configuration_profiles
		WHERE application_id = $1
		AND ($2::text = '' OR (CASE type WHEN '' THEN $3::text ELSE type END) = $2::text)
		AND seq > $4 ORDER BY seq LIMIT $5`
	args := []any{appID, string(filter.Type), string(appconfigd.ProfileTypeFreeform), page.Cursor}
	profiles, next, err := queryPage(ctx, t, page, q, args, scanProfile)
	return profiles, next, wrap(err, "list configuration profiles")
}

// CountConfigurationProfiles counts an application's profiles.
func (t *tx) CountConfigurationProfiles(ctx context.Context, appID string) (int, error) {
	n, err := t.count(ctx, `SELECT COUNT(*) FROM configuration_profiles WHERE application_id = $1`, appID)
	return n, wrap(err, "count configuration profiles")
}

// UpdateConfigurationProfile saves every field of p but its keys.
func (t *tx) UpdateConfigurationProfile(ctx context.Context, p *appconfigd.ConfigurationProfile) error {
	validators, err := encodeValidators(p.Validators)
	if err != nil {
		return wrap(err, "update configuration profile")
	}
	const q = `UPDATE configuration_profiles SET name = $1, description = $2, location_uri = $3,
		retrieval_role_arn = $4, type = $5, kms_key_identifier = $6, validators = $7, created_at = $8
		WHERE application_id = $9 AND id = $10`
	err = t.execOne(ctx, func() error { return profileNotFound(p.ApplicationID, p.ID) },
		q, p.Name, p.Description, p.LocationURI, p.RetrievalRoleARN, p.Type, p.KMSKeyIdentifier,
		validators, nanos(p.CreatedAt), p.ApplicationID, p.ID)
	return wrap(err, "update configuration profile")
}

// DeleteConfigurationProfile deletes the profile and, through foreign
// keys, its hosted configuration versions. Deployments of the profile stay.
func (t *tx) DeleteConfigurationProfile(ctx context.Context, appID, id string) error {
	err := t.execOne(ctx, func() error { return profileNotFound(appID, id) },
		`DELETE FROM configuration_profiles WHERE application_id = $1 AND id = $2`, appID, id)
	return wrap(err, "delete configuration profile")
}
