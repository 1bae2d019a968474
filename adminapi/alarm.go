package adminapi

import (
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

type alarmJSON struct {
	AlarmArn  string
	State     appconfigd.AlarmState
	Reason    string `json:",omitempty"`
	UpdatedAt string
}

func toAlarmJSON(a *appconfigd.Alarm) alarmJSON {
	return alarmJSON{AlarmArn: a.ARN, State: a.State, Reason: a.Reason, UpdatedAt: a.UpdatedAt.UTC().Format(time.RFC3339Nano)}
}

type putAlarmRequest struct {
	State  appconfigd.AlarmState
	Reason string
}

// handlePutAlarm serves PUT /admin/alarms/{AlarmArn}: set the state of the
// alarm a monitor names, as CloudWatch's SetAlarmState would. The ARN may
// be sent percent-encoded or with its slashes as they are.
func (s *Server) handlePutAlarm(w http.ResponseWriter, r *http.Request) error {
	var req putAlarmRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.Service.SetAlarmState(r.Context(), r.PathValue("AlarmArn"), req.State, req.Reason)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toAlarmJSON(a))
	return nil
}

// handleListAlarms serves GET /admin/alarms.
func (s *Server) handleListAlarms(w http.ResponseWriter, r *http.Request) error {
	alarms, err := s.Service.ListAlarms(r.Context())
	if err != nil {
		return err
	}
	out := struct{ Alarms []alarmJSON }{Alarms: []alarmJSON{}}
	for _, a := range alarms {
		out.Alarms = append(out.Alarms, toAlarmJSON(a))
	}
	awsjson.WriteJSON(w, http.StatusOK, out)
	return nil
}
