package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
)

// versionColumns selects a version without its content; scanVersion reads
// those, and scanVersionContent reads them followed by content. A version
// whose deleted_at is set is marked deleted: only the data plane and the
// purge of versions nothing serves any more see it (notDeleted keeps it
// out of everything else).
const versionColumns = `version_number, application_id, configuration_profile_id, description,
	content_type, version_label, created_at`

// notDeleted is the condition that a version is not marked deleted.
const notDeleted = `deleted_at IS NULL`

// scanVersion scans a row of versionColumns.
func scanVersion(s Row) (*appconfigd.HostedConfigurationVersion, int64, error) {
	var v appconfigd.HostedConfigurationVersion
	err := s.Scan(&v.VersionNumber, &v.ApplicationID, &v.ConfigurationProfileID, &v.Description,
		&v.ContentType, &v.VersionLabel, timeColumn(&v.CreatedAt))
	return &v, int64(v.VersionNumber), err
}

// scanVersionContent scans a row of versionColumns followed by content.
func scanVersionContent(s Row) (*appconfigd.HostedConfigurationVersion, int64, error) {
	var v appconfigd.HostedConfigurationVersion
	err := s.Scan(&v.VersionNumber, &v.ApplicationID, &v.ConfigurationProfileID, &v.Description,
		&v.ContentType, &v.VersionLabel, timeColumn(&v.CreatedAt), &v.Content)
	return &v, int64(v.VersionNumber), err
}

// CreateHostedConfigurationVersion stores v and raises the profile's
// latest version number to v's; EConflict when the number exists, ENotFound
// when the profile is missing.
func (t *tx) CreateHostedConfigurationVersion(ctx context.Context, v *appconfigd.HostedConfigurationVersion) error {
	defer t.touching("")()
	content := v.Content
	if content == nil {
		content = []byte{}
	}
	const insert = `INSERT INTO hosted_configuration_versions (application_id, configuration_profile_id,
		version_number, description, content_type, version_label, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	err := t.insert(ctx, insert, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber,
		v.Description, v.ContentType, v.VersionLabel, content, nanos(v.CreatedAt))
	if err != nil {
		return t.createError(err, "create hosted configuration version",
			func() error {
				return appconfigd.Errorf(appconfigd.EConflict, "HostedConfigurationVersion %d already exists for configuration profile %s",
					v.VersionNumber, v.ConfigurationProfileID)
			},
			func() error { return profileNotFound(v.ApplicationID, v.ConfigurationProfileID) })
	}
	const raise = `UPDATE configuration_profiles
		SET latest_version_number = CASE WHEN latest_version_number < $1 THEN $1 ELSE latest_version_number END
		WHERE application_id = $2 AND id = $3`
	_, err = t.exec(ctx, raise, v.VersionNumber, v.ApplicationID, v.ConfigurationProfileID)
	return t.wrap(err, "create hosted configuration version")
}

// LatestHostedConfigurationVersionNumber returns the highest version
// number ever created for the profile, deleted versions included, or 0.
func (t *tx) LatestHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string) (int, error) {
	const q = `SELECT COALESCE((SELECT latest_version_number FROM configuration_profiles
		WHERE application_id = $1 AND id = $2), 0)`
	n, err := t.count(ctx, q, appID, profileID)
	return n, t.wrap(err, "latest hosted configuration version number")
}

// FindHostedConfigurationVersion returns a version not marked deleted,
// with its content.
func (t *tx) FindHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) (*appconfigd.HostedConfigurationVersion, error) {
	return t.findVersion(ctx, appID, profileID, number, ` AND `+notDeleted, "find hosted configuration version")
}

// FindServedHostedConfigurationVersion returns a version with its content,
// marked deleted or not.
func (t *tx) FindServedHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) (*appconfigd.HostedConfigurationVersion, error) {
	return t.findVersion(ctx, appID, profileID, number, "", "find served hosted configuration version")
}

// findVersion returns a version with its content, if it also meets the
// condition and, a fragment of SQL starting with AND or empty.
func (t *tx) findVersion(ctx context.Context, appID, profileID string, number int, and, op string) (*appconfigd.HostedConfigurationVersion, error) {
	q := `SELECT ` + versionColumns + `, content FROM hosted_configuration_versions
		WHERE application_id = $1 AND configuration_profile_id = $2 AND version_number = $3` + and
	return findOne(t, t.queryRow(ctx, q, appID, profileID, number), scanVersionContent,
		func() error { return versionNotFound(appID, profileID, strconv.Itoa(number)) }, op)
}

// FindHostedConfigurationVersionByLabel returns the newest version with
// that label, with its content.
func (t *tx) FindHostedConfigurationVersionByLabel(ctx context.Context, appID, profileID, label string) (*appconfigd.HostedConfigurationVersion, error) {
	const q = `SELECT ` + versionColumns + `, content FROM hosted_configuration_versions
		WHERE application_id = $1 AND configuration_profile_id = $2 AND version_label = $3 AND ` + notDeleted + `
		ORDER BY version_number DESC LIMIT 1`
	return findOne(t, t.queryRow(ctx, q, appID, profileID, label), scanVersionContent,
		func() error { return versionNotFound(appID, profileID, label) },
		"find hosted configuration version by label")
}

// ListHostedConfigurationVersions lists versions newest first, without
// their content. The filter's VersionLabel matches exactly, or as a byte
// prefix (no wildcards) when it ends with "*".
func (t *tx) ListHostedConfigurationVersions(ctx context.Context, appID, profileID string, filter appconfigd.HostedConfigurationVersionFilter, page appconfigd.Page) ([]*appconfigd.HostedConfigurationVersion, int64, error) {
	var a Args
	q := `SELECT ` + versionColumns + ` FROM hosted_configuration_versions
		WHERE application_id = ` + a.Add(appID) + ` AND configuration_profile_id = ` + a.Add(profileID) +
		` AND version_number < ` + a.Add(before(page.Cursor)) + ` AND ` + notDeleted
	if label := filter.VersionLabel; label != "" {
		if prefix, ok := strings.CutSuffix(label, "*"); !ok {
			q += ` AND version_label = ` + a.Add(label)
		} else if prefix != "" {
			q += ` AND ` + t.dialect.HasPrefix(&a, "version_label", prefix)
		}
	}
	q += ` ORDER BY version_number DESC LIMIT $` + strconv.Itoa(len(a)+1)
	versions, next, err := queryPage(ctx, t, page, q, a, scanVersion)
	return versions, next, t.wrap(err, "list hosted configuration versions")
}

// CountHostedConfigurationVersions counts a profile's versions not marked
// deleted.
func (t *tx) CountHostedConfigurationVersions(ctx context.Context, appID, profileID string) (int, error) {
	const q = `SELECT COUNT(*) FROM hosted_configuration_versions
		WHERE application_id = $1 AND configuration_profile_id = $2 AND ` + notDeleted
	n, err := t.count(ctx, q, appID, profileID)
	return n, t.wrap(err, "count hosted configuration versions")
}

// MarkHostedConfigurationVersionDeleted marks a version deleted, keeping
// its row for the data plane. It changes nothing the catalog holds: the
// catalog serves a version marked deleted as it served it before, with the
// same content, until a deployment replaces it.
func (t *tx) MarkHostedConfigurationVersionDeleted(ctx context.Context, appID, profileID string, number int, at time.Time) error {
	defer t.touching("")()
	const q = `UPDATE hosted_configuration_versions SET deleted_at = $1
		WHERE application_id = $2 AND configuration_profile_id = $3 AND version_number = $4 AND ` + notDeleted
	err := t.execOne(ctx, func() error { return versionNotFound(appID, profileID, strconv.Itoa(number)) },
		q, nanos(at), appID, profileID, number)
	return t.wrap(err, "mark hosted configuration version deleted")
}

// ListDeletedHostedConfigurationVersions returns the versions marked
// deleted, without content.
func (t *tx) ListDeletedHostedConfigurationVersions(ctx context.Context) ([]*appconfigd.HostedConfigurationVersion, error) {
	const q = `SELECT ` + versionColumns + ` FROM hosted_configuration_versions
		WHERE deleted_at IS NOT NULL
		ORDER BY application_id, configuration_profile_id, version_number`
	versions, err := queryAll(ctx, t, q, nil, scanVersion)
	return versions, t.wrap(err, "list deleted hosted configuration versions")
}

// DeleteHostedConfigurationVersion removes a version, marked deleted or
// not; its number is not reused. It changes nothing the catalog holds: the
// Service removes only a version no environment's plan serves, and the
// catalog holds only the versions plans serve.
func (t *tx) DeleteHostedConfigurationVersion(ctx context.Context, appID, profileID string, number int) error {
	defer t.touching("")()
	const q = `DELETE FROM hosted_configuration_versions
		WHERE application_id = $1 AND configuration_profile_id = $2 AND version_number = $3`
	err := t.execOne(ctx, func() error { return versionNotFound(appID, profileID, strconv.Itoa(number)) },
		q, appID, profileID, number)
	return t.wrap(err, "delete hosted configuration version")
}
