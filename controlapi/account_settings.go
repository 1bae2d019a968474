package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd/awsjson"
)

// Account settings (docs/WIRE.md §3.14). appconfigd has no deletion protection, so
// GetAccountSettings reports AWS's defaults: disabled, with the default
// protection period of 60 minutes. UpdateAccountSettings is not supported
// yet (routes.go).

type deletionProtectionSettingsJSON struct {
	Enabled                   bool
	ProtectionPeriodInMinutes int
}

type accountSettingsJSON struct {
	DeletionProtection deletionProtectionSettingsJSON
}

// handleGetAccountSettings serves GET /settings.
func (s *Server) handleGetAccountSettings(w http.ResponseWriter, r *http.Request) error {
	awsjson.WriteJSON(w, http.StatusOK, accountSettingsJSON{
		DeletionProtection: deletionProtectionSettingsJSON{Enabled: false, ProtectionPeriodInMinutes: 60},
	})
	return nil
}
