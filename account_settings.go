package appconfigd

import (
	"context"
	"time"
)

// Deletion protection bounds and defaults (docs/WIRE.md §3.14).
const (
	MinProtectionPeriodInMinutes     = 15
	MaxProtectionPeriodInMinutes     = 1440
	DefaultProtectionPeriodInMinutes = 60
	// NewResourceGrace is how young an environment or profile is spared
	// deletion protection unless the delete says APPLY: AWS skips
	// resources created in the past hour so that tests and demos can
	// clean up (docs/WIRE.md §3.14).
	NewResourceGrace = time.Hour
)

// AccountSettings are the settings of the whole server, which AWS keeps per
// account (docs/WIRE.md §3.14). One copy lives in the store, so replicas
// sharing it agree.
type AccountSettings struct {
	DeletionProtection DeletionProtectionSettings
}

// DeletionProtectionSettings say whether deleting an environment or
// profile that clients polled within the last ProtectionPeriodInMinutes is
// refused.
type DeletionProtectionSettings struct {
	Enabled                   bool
	ProtectionPeriodInMinutes int
}

// DefaultAccountSettings are the settings of a server nobody configured:
// deletion protection off, with a 60-minute period (docs/WIRE.md §6 Q18).
func DefaultAccountSettings() AccountSettings {
	return AccountSettings{DeletionProtection: DeletionProtectionSettings{ProtectionPeriodInMinutes: DefaultProtectionPeriodInMinutes}}
}

// ProtectionPeriod returns the protection period as a duration.
func (d DeletionProtectionSettings) ProtectionPeriod() time.Duration {
	return time.Duration(d.ProtectionPeriodInMinutes) * time.Minute
}

// AccountSettingsUpdate is what UpdateAccountSettings changes; nil members
// keep their value.
type AccountSettingsUpdate struct {
	DeletionProtectionEnabled *bool
	ProtectionPeriodInMinutes *int
	// VendedMetricsEnabled asks for AppConfig's CloudWatch metrics, which
	// only AWS can vend; only false is accepted.
	VendedMetricsEnabled *bool
}

// GetAccountSettings returns the server's settings, AWS's defaults until
// somebody changes them.
func (s *Service) GetAccountSettings(ctx context.Context) (settings AccountSettings, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		settings, err = accountSettings(ctx, tx)
		return err
	})
	return settings, err
}

// UpdateAccountSettings changes the server's settings and returns them
// (docs/WIRE.md §3.14). An absent member keeps its value, so enabling
// deletion protection keeps the period set before.
func (s *Service) UpdateAccountSettings(ctx context.Context, u AccountSettingsUpdate) (settings AccountSettings, err error) {
	if p := u.ProtectionPeriodInMinutes; p != nil {
		if err := checkRange("DeletionProtection.ProtectionPeriodInMinutes", *p, MinProtectionPeriodInMinutes, MaxProtectionPeriodInMinutes); err != nil {
			return settings, err
		}
	}
	if v := u.VendedMetricsEnabled; v != nil && *v {
		return settings, badRequest("VendedMetrics.Enabled cannot be true: vended metrics are published to Amazon CloudWatch, which appconfigd cannot reach")
	}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if settings, err = accountSettings(ctx, tx); err != nil {
			return err
		}
		if e := u.DeletionProtectionEnabled; e != nil {
			settings.DeletionProtection.Enabled = *e
		}
		if p := u.ProtectionPeriodInMinutes; p != nil {
			settings.DeletionProtection.ProtectionPeriodInMinutes = *p
		}
		return tx.PutAccountSettings(ctx, &settings)
	})
	return settings, err
}

// accountSettings reads the stored settings, or the defaults when none
// were ever stored.
func accountSettings(ctx context.Context, tx Tx) (AccountSettings, error) {
	stored, err := tx.FindAccountSettings(ctx)
	if err != nil || stored == nil {
		return DefaultAccountSettings(), err
	}
	return *stored, nil
}
