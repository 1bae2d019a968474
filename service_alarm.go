package appconfigd

import (
	"context"
	"slices"
)

// SetAlarmState records the state of the alarm an environment monitor
// names by AlarmArn. While an alarm is in ALARM, every deployment in
// progress to an environment that monitors it is rolled back, as AppConfig
// does with CloudWatch alarms (docs/WIRE.md §3.6).
func (s *Service) SetAlarmState(ctx context.Context, arn string, state AlarmState, reason string) (*Alarm, error) {
	if err := checkLength("AlarmArn", arn, 1, 2048); err != nil {
		return nil, err
	}
	if err := ValidateAlarmState(state); err != nil {
		return nil, err
	}
	if err := checkLength("Reason", reason, 0, maxDescriptionLength); err != nil {
		return nil, err
	}
	a := &Alarm{ARN: arn, State: state, Reason: reason, UpdatedAt: s.now()}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.PutAlarm(ctx, a) }); err != nil {
		return nil, err
	}
	s.wakeEngine()
	return a, nil
}

// ListAlarms returns every alarm whose state was set, by ARN.
func (s *Service) ListAlarms(ctx context.Context) (alarms []*Alarm, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		alarms, err = tx.ListAlarms(ctx)
		return err
	})
	return alarms, err
}

// ReceiveAlerts applies alerts from an alerting system such as Prometheus
// Alertmanager: a firing alert puts every monitored alarm it matches (see
// [Alert.Matches]) in ALARM, a resolved one puts it back to OK. It returns
// the ARNs of the alarms it set; alerts that match no monitor are ignored.
func (s *Service) ReceiveAlerts(ctx context.Context, alerts []Alert) ([]string, error) {
	var set []string
	err := s.Store.Update(ctx, func(tx Tx) error {
		monitored, err := monitoredAlarms(ctx, tx)
		if err != nil {
			return err
		}
		now := s.now()
		for _, alert := range alerts {
			state, reason := AlarmOK, "Alert "+alert.Name+" resolved"
			if alert.Firing {
				state, reason = AlarmAlarm, "Alert "+alert.Name+" firing"
			}
			for _, arn := range monitored {
				if !alert.Matches(arn) {
					continue
				}
				if err := tx.PutAlarm(ctx, &Alarm{ARN: arn, State: state, Reason: reason, UpdatedAt: now}); err != nil {
					return err
				}
				if !slices.Contains(set, arn) {
					set = append(set, arn)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(set) > 0 {
		s.wakeEngine()
	}
	return set, nil
}

// monitoredAlarms returns the AlarmArn of every monitor of every
// environment, each once.
func monitoredAlarms(ctx context.Context, tx Tx) ([]string, error) {
	apps, _, err := tx.ListApplications(ctx, Page{})
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, a := range apps {
		envs, _, err := tx.ListEnvironments(ctx, a.ID, Page{})
		if err != nil {
			return nil, err
		}
		for _, e := range envs {
			for _, m := range e.Monitors {
				if !slices.Contains(arns, m.AlarmARN) {
					arns = append(arns, m.AlarmARN)
				}
			}
		}
	}
	return arns, nil
}

// alarmFor returns the first monitor of e whose alarm is in ALARM, or "".
func alarmFor(e *Environment, states map[string]AlarmState) string {
	for _, m := range e.Monitors {
		if states[m.AlarmARN] == AlarmAlarm {
			return m.AlarmARN
		}
	}
	return ""
}
