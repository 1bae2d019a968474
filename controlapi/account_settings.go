package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Account settings (docs/WIRE.md §3.14).

type deletionProtectionSettingsJSON struct {
	Enabled                   bool
	ProtectionPeriodInMinutes int
}

type vendedMetricsSettingsJSON struct {
	Enabled bool
}

// accountSettingsJSON is the AccountSettings output shape. VendedMetrics is
// always disabled: only AWS publishes AppConfig's metrics to CloudWatch.
type accountSettingsJSON struct {
	DeletionProtection deletionProtectionSettingsJSON
	VendedMetrics      vendedMetricsSettingsJSON
}

// updateAccountSettingsRequest has pointers so that an absent member keeps
// its value.
type updateAccountSettingsRequest struct {
	DeletionProtection *struct {
		Enabled                   *bool
		ProtectionPeriodInMinutes *int
	}
	VendedMetrics *struct {
		Enabled *bool
	}
}

func toAccountSettingsJSON(s appconfigd.AccountSettings) accountSettingsJSON {
	return accountSettingsJSON{DeletionProtection: deletionProtectionSettingsJSON(s.DeletionProtection)}
}

// handleGetAccountSettings serves GET /settings.
func (s *Server) handleGetAccountSettings(w http.ResponseWriter, r *http.Request) error {
	settings, err := s.Service.GetAccountSettings(r.Context())
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toAccountSettingsJSON(settings))
	return nil
}

// handleUpdateAccountSettings serves PATCH /settings.
func (s *Server) handleUpdateAccountSettings(w http.ResponseWriter, r *http.Request) error {
	var req updateAccountSettingsRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	var u appconfigd.AccountSettingsUpdate
	if dp := req.DeletionProtection; dp != nil {
		u.DeletionProtectionEnabled, u.ProtectionPeriodInMinutes = dp.Enabled, dp.ProtectionPeriodInMinutes
	}
	if vm := req.VendedMetrics; vm != nil {
		u.VendedMetricsEnabled = vm.Enabled
	}
	settings, err := s.Service.UpdateAccountSettings(r.Context(), u)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toAccountSettingsJSON(settings))
	return nil
}
