package sqlstore

import (
	"context"
)

// RaiseHostedConfigurationVersionNumber raises the profile's
// latest_version_number to at least n and never lowers it, so a copied
// store goes on numbering after the highest version the original ever
// created, deleted ones included. ENotFound when the profile is missing.
func (t *tx) RaiseHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string, n int) error {
	defer t.touching("")()
	// Both databases count every row the WHERE clause matched as
	// changed, even when the CASE keeps its value, so no affected row
	// means no profile. (The two-argument maximum is MAX in SQLite and
	// GREATEST in PostgreSQL; the CASE is both.)
	const q = `UPDATE configuration_profiles
		SET latest_version_number = CASE WHEN latest_version_number < $1 THEN $1 ELSE latest_version_number END
		WHERE application_id = $2 AND id = $3`
	err := t.execOne(ctx, func() error { return profileNotFound(appID, profileID) }, q, n, appID, profileID)
	return t.wrap(err, "raise hosted configuration version number")
}
