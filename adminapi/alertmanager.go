package adminapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// alertmanagerWebhook is the body Prometheus Alertmanager's webhook
// receiver posts (payload version 4). Only what the mapping needs is
// decoded.
type alertmanagerWebhook struct {
	Alerts []struct {
		Status string
		Labels map[string]string
	} `json:"alerts"`
}

// handleAlertmanager serves POST /admin/alertmanager, an Alertmanager
// webhook receiver: each firing alert puts the monitored alarms it matches
// in ALARM, each resolved alert puts them back to OK (see
// appconfigd.Alert.Matches). It answers with the alarms it set.
func (s *Server) handleAlertmanager(w http.ResponseWriter, r *http.Request) error {
	var hook alertmanagerWebhook
	if err := awsjson.DecodeJSON(r, &hook); err != nil {
		return err
	}
	alerts := make([]appconfigd.Alert, 0, len(hook.Alerts))
	for i, a := range hook.Alerts {
		switch a.Status {
		case "firing", "resolved":
		default:
			return appconfigd.Errorf(appconfigd.EBadRequest, "alerts[%d].status must be firing or resolved, got %q", i, a.Status)
		}
		alerts = append(alerts, appconfigd.Alert{Name: a.Labels["alertname"], Labels: a.Labels, Firing: a.Status == "firing"})
	}
	set, err := s.Service.ReceiveAlerts(r.Context(), alerts)
	if err != nil {
		return err
	}
	if set == nil {
		set = []string{}
	}
	awsjson.WriteJSON(w, http.StatusOK, struct{ Updated []string }{Updated: set})
	return nil
}
