package console

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// alarmHistoryLength is how many recent alarm changes the alarms page
// shows.
const alarmHistoryLength = 20

// alarmOperations are the audited operations that set alarm states: the
// console's and the admin API's SetAlarmState, and Alertmanager's
// webhook.
var alarmOperations = []string{"SetAlarmState", "ReceiveAlerts"}

// alarmsData is what the alarms page shows.
type alarmsData struct {
	Alarms []alarmView
	// States are the states an alarm may be set to.
	States []appconfigd.AlarmState
	// Form is the set-state form for a new ARN as the user left it.
	Form alarmForm
	// History is the recent changes of alarm states, newest first;
	// admins only, as the audit trail is theirs.
	History []*appconfigd.AuditEntry
}

// alarmView is one alarm and the environments that monitor it.
type alarmView struct {
	Alarm *appconfigd.Alarm
	// Monitors are the environments the key may read that monitor it.
	Monitors []environmentRef
}

// environmentRef names an environment of an application.
type environmentRef struct {
	ApplicationID, ApplicationName, EnvironmentID, EnvironmentName string
}

// alarmForm is the set-state form's fields.
type alarmForm struct {
	ARN, State, Reason string
}

// handleAlarms lists the alarms whose state was set. A reader sees the
// alarms the environments it may read monitor, and no history.
func (s *Server) handleAlarms(rq *request) error {
	data, err := s.alarmsData(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "alarms", "Alarms", data)
}

func (s *Server) alarmsData(rq *request) (*alarmsData, error) {
	ctx := rq.ctx()
	alarms, err := s.Service.ListAlarms(ctx)
	if err != nil {
		return nil, err
	}
	monitors, err := s.monitors(rq)
	if err != nil {
		return nil, err
	}
	data := &alarmsData{
		States: []appconfigd.AlarmState{appconfigd.AlarmOK, appconfigd.AlarmAlarm, appconfigd.AlarmInsufficientData},
		Form:   alarmForm{State: string(appconfigd.AlarmAlarm)},
	}
	for _, a := range alarms {
		if !rq.p.IsAdmin() && len(monitors[a.ARN]) == 0 {
			continue
		}
		data.Alarms = append(data.Alarms, alarmView{Alarm: a, Monitors: monitors[a.ARN]})
	}
	if !rq.p.IsAdmin() {
		return data, nil
	}
	for _, op := range alarmOperations {
		out, err := s.Service.ListAudit(ctx, appconfigd.AuditFilter{Operation: op}, appconfigd.ListInput{MaxResults: alarmHistoryLength})
		if err != nil {
			return nil, err
		}
		data.History = append(data.History, out.Items...)
	}
	slices.SortStableFunc(data.History, func(x, y *appconfigd.AuditEntry) int { return y.Time.Compare(x.Time) })
	data.History = data.History[:min(len(data.History), alarmHistoryLength)]
	return data, nil
}

// monitors returns, by alarm ARN, the environments the key may read that
// monitor the alarm.
func (s *Server) monitors(rq *request) (map[string][]environmentRef, error) {
	all, err := s.readableEnvironments(rq)
	if err != nil {
		return nil, err
	}
	byARN := make(map[string][]environmentRef)
	for _, ae := range all {
		a := ae.Application
		for _, e := range ae.Environments {
			for _, m := range e.Monitors {
				byARN[m.AlarmARN] = append(byARN[m.AlarmARN], environmentRef{a.ID, a.Name, e.ID, e.Name})
			}
		}
	}
	for _, refs := range byARN {
		slices.SortFunc(refs, func(x, y environmentRef) int {
			return cmp.Or(cmp.Compare(x.ApplicationName, y.ApplicationName), cmp.Compare(x.EnvironmentName, y.EnvironmentName))
		})
	}
	return byARN, nil
}

// handleSetAlarmState sets an alarm's state (SetAlarmState), as the admin
// API's PUT /admin/alarms/{AlarmArn} does. Setting an alarm to ALARM rolls
// back the deployments in progress to the environments that monitor it.
func (s *Server) handleSetAlarmState(rq *request) error {
	form := alarmForm{ARN: strings.TrimSpace(rq.PostFormValue("arn")), State: rq.PostFormValue("state"), Reason: rq.PostFormValue("reason")}
	a, err := s.Service.SetAlarmState(rq.ctx(), form.ARN, appconfigd.AlarmState(form.State), form.Reason)
	if err != nil {
		data, derr := s.alarmsData(rq)
		if derr != nil {
			return derr
		}
		data.Form = form
		return rq.showError(err, "alarms", "Alarms", data)
	}
	return rq.redirect(Path+"/alarms", "Set alarm "+a.ARN+" to "+string(a.State)+".")
}
