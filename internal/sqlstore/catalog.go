package sqlstore

import (
	"context"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// scanCatalogEntry scans application_id, id, name and type.
func scanCatalogEntry(s Row) (appconfigd.CatalogEntry, int64, error) {
	var e appconfigd.CatalogEntry
	err := s.Scan(&e.ApplicationID, &e.ID, &e.Name, &e.Type)
	return e, 0, err
}

// ListCatalogEnvironments returns the environments of one application, or
// of all when appID is "", in one query and with only the columns the
// catalog needs.
func (t *tx) ListCatalogEnvironments(ctx context.Context, appID string) ([]appconfigd.CatalogEntry, error) {
	q := `SELECT application_id, id, name, '' FROM environments`
	var args []any
	if appID != "" {
		q, args = q+` WHERE application_id = $1`, []any{appID}
	}
	entries, err := queryAll(ctx, t, q+` ORDER BY application_id, seq`, args, scanCatalogEntry)
	return entries, t.wrap(err, "list catalog environments")
}

// ListCatalogProfiles returns the configuration profiles of one
// application, or of all when appID is "", in one query and with only the
// columns the catalog needs.
func (t *tx) ListCatalogProfiles(ctx context.Context, appID string) ([]appconfigd.CatalogEntry, error) {
	q := `SELECT application_id, id, name, type FROM configuration_profiles`
	var args []any
	if appID != "" {
		q, args = q+` WHERE application_id = $1`, []any{appID}
	}
	entries, err := queryAll(ctx, t, q+` ORDER BY application_id, seq`, args, scanCatalogEntry)
	return entries, t.wrap(err, "list catalog profiles")
}

// ListApplicationServingDeployments returns one application's deployments
// without event logs, ordered by environment ID (in byte order) and
// ascending number.
func (t *tx) ListApplicationServingDeployments(ctx context.Context, appID string) ([]*appconfigd.Deployment, error) {
	const q = `SELECT ` + deploymentColumns + ` FROM deployments d
		WHERE d.application_id = $1 ORDER BY d.environment_id, d.deployment_number`
	ds, err := queryAll(ctx, t, q, []any{appID}, scanDeployment)
	return ds, t.wrap(err, "list application serving deployments")
}

// FindServedHostedConfigurationVersions returns the versions keys name,
// with their content, marked deleted or not, in one query. The keys are a
// VALUES list the row (application, profile, number) is matched against,
// with casts so that PostgreSQL knows the parameters' types.
func (t *tx) FindServedHostedConfigurationVersions(ctx context.Context, keys []appconfigd.HostedVersionKey) ([]*appconfigd.HostedConfigurationVersion, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var (
		a    Args
		rows = make([]string, len(keys))
	)
	for i, k := range keys {
		rows[i] = `(CAST(` + a.Add(k.ApplicationID) + ` AS TEXT), CAST(` + a.Add(k.ConfigurationProfileID) +
			` AS TEXT), CAST(` + a.Add(k.VersionNumber) + ` AS INTEGER))`
	}
	q := `SELECT ` + versionColumns + `, content FROM hosted_configuration_versions
		WHERE (application_id, configuration_profile_id, version_number) IN (VALUES ` + strings.Join(rows, ", ") + `)`
	versions, err := queryAll(ctx, t, q, a, scanVersionContent)
	return versions, t.wrap(err, "find served hosted configuration versions")
}
