package postgres

import (
	"context"

	"github.com/appconfigd/appconfigd/internal/storerow"
)

// RaiseHostedConfigurationVersionNumber raises the profile's
// latest_version_number to at least n and never lowers it, so a copied
// store goes on numbering after the highest version the original ever
// created, deleted ones included. ENotFound when the profile is missing.
func (t *tx) RaiseHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string, n int) error {
	// PostgreSQL counts every row the WHERE clause matched as updated,
	// even when GREATEST keeps its value, so no affected row means no
	// profile.
	const q = `UPDATE configuration_profiles SET latest_version_number = GREATEST(latest_version_number, $1)
		WHERE application_id = $2 AND id = $3`
	err := t.execOne(ctx, func() error { return storerow.ProfileNotFound(appID, profileID) }, q, n, appID, profileID)
	return wrap(err, "raise hosted configuration version number")
}
