package sqlite

import (
	"context"

	"github.com/appconfigd/appconfigd/internal/storerow"
)

// RaiseHostedConfigurationVersionNumber raises the profile's
// latest_version_number to at least n and never lowers it, so a copied
// store goes on numbering after the highest version the original ever
// created, deleted ones included. ENotFound when the profile is missing.
func (t *tx) RaiseHostedConfigurationVersionNumber(ctx context.Context, appID, profileID string, n int) error {
	// SQLite counts a row the WHERE clause matched as changed even when
	// MAX keeps its value, so no affected row means no profile.
	const q = `UPDATE configuration_profiles SET latest_version_number = MAX(latest_version_number, ?)
		WHERE application_id = ? AND id = ?`
	err := t.execOne(ctx, func() error { return storerow.ProfileNotFound(appID, profileID) }, q, n, appID, profileID)
	return wrap(err, "raise hosted configuration version number")
}
