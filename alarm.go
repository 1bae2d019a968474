package appconfigd

import (
	"strings"
	"time"
)

// AlarmState is the state of an alarm an environment monitors, with
// CloudWatch's values.
type AlarmState string

// Alarm states.
const (
	AlarmOK               AlarmState = "OK"
	AlarmAlarm            AlarmState = "ALARM"
	AlarmInsufficientData AlarmState = "INSUFFICIENT_DATA"
)

// Alarm is the last known state of an alarm, keyed by the AlarmArn that
// environment monitors name. There is no CloudWatch here: operators set
// alarm states through the admin API, directly or from Alertmanager.
type Alarm struct {
	ARN       string
	State     AlarmState
	Reason    string
	UpdatedAt time.Time
}

// ValidateAlarmState checks a state given by a client.
func ValidateAlarmState(s AlarmState) error {
	switch s {
	case AlarmOK, AlarmAlarm, AlarmInsufficientData:
		return nil
	}
	return badRequest("State must be OK, ALARM or INSUFFICIENT_DATA, got %q", s)
}

// Alert is one alert from an alerting system such as Prometheus
// Alertmanager.
type Alert struct {
	// Name is the alert's name (Alertmanager's alertname label).
	Name   string
	Labels map[string]string
	// Firing is true while the alert fires and false once resolved.
	Firing bool
}

// Matches reports whether an alert is about the alarm with the given
// AlarmArn: its name equals the ARN or the alarm name at the ARN's end
// (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME), or one of its label values
// equals the ARN. So a monitor can name a Prometheus alert directly
// ("HighErrorRate"), by a CloudWatch-style ARN whose last part is the alert
// name, or through a label such as alarm_arn="…".
func (a Alert) Matches(alarmARN string) bool {
	if a.Name != "" && (a.Name == alarmARN || a.Name == alarmName(alarmARN)) {
		return true
	}
	for _, v := range a.Labels {
		if v == alarmARN {
			return true
		}
	}
	return false
}

// alarmName returns NAME of arn:…:alarm:NAME, or "" for other strings.
func alarmName(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	if i := strings.LastIndex(arn, ":alarm:"); i >= 0 {
		return arn[i+len(":alarm:"):]
	}
	return ""
}
