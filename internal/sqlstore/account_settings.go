package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/appconfigd/appconfigd"
)

// FindAccountSettings returns the one row of account_settings, or nil when
// none was ever stored.
func (t *tx) FindAccountSettings(ctx context.Context) (*appconfigd.AccountSettings, error) {
	const q = `SELECT deletion_protection_enabled, protection_period_in_minutes FROM account_settings WHERE id = 1`
	var s appconfigd.AccountSettings
	err := t.queryRow(ctx, q).Scan(&s.DeletionProtection.Enabled, &s.DeletionProtection.ProtectionPeriodInMinutes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.wrap(err, "find account settings")
	}
	return &s, nil
}

// PutAccountSettings stores the one row of account_settings.
func (t *tx) PutAccountSettings(ctx context.Context, s *appconfigd.AccountSettings) error {
	defer t.touching("")()
	const q = `INSERT INTO account_settings (id, deletion_protection_enabled, protection_period_in_minutes) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET deletion_protection_enabled = excluded.deletion_protection_enabled,
		protection_period_in_minutes = excluded.protection_period_in_minutes`
	_, err := t.exec(ctx, q, s.DeletionProtection.Enabled, s.DeletionProtection.ProtectionPeriodInMinutes)
	return t.wrap(err, "put account settings")
}
