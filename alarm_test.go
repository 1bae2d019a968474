package appconfigd_test

import (
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestAlertMatches(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighErrorRate"
	tests := []struct {
		name     string
		alert    appconfigd.Alert
		alarmARN string
		want     bool
	}{
		{"NameIsAlarmNameOfARN", appconfigd.Alert{Name: "HighErrorRate"}, arn, true},
		{"NameIsWholeARN", appconfigd.Alert{Name: arn}, arn, true},
		{"NameIsPlainMonitor", appconfigd.Alert{Name: "checkout-latency"}, "checkout-latency", true},
		{"LabelValueIsARN", appconfigd.Alert{Name: "Other", Labels: map[string]string{"alarm_arn": arn}}, arn, true},
		{"OtherName", appconfigd.Alert{Name: "LowErrorRate"}, arn, false},
		{"NamePrefixDoesNotMatch", appconfigd.Alert{Name: "High"}, arn, false},
		{"EmptyNameDoesNotMatchPlainMonitor", appconfigd.Alert{}, "", false},
		{"AlarmNameOnlyForCloudWatchARNs", appconfigd.Alert{Name: "x"}, "not-an-arn:alarm:x", false},
	}
	for _, tt := range tests {
		if got := tt.alert.Matches(tt.alarmARN); got != tt.want {
			t.Errorf("%s: Alert%+v.Matches(%q) = %v, want %v", tt.name, tt.alert, tt.alarmARN, got, tt.want)
		}
	}
}

func TestValidateAlarmState(t *testing.T) {
	t.Parallel()
	for _, s := range []appconfigd.AlarmState{appconfigd.AlarmOK, appconfigd.AlarmAlarm, appconfigd.AlarmInsufficientData} {
		if err := appconfigd.ValidateAlarmState(s); err != nil {
			t.Errorf("ValidateAlarmState(%s) = %v, want nil", s, err)
		}
	}
	for _, s := range []appconfigd.AlarmState{"", "alarm", "FIRING"} {
		if err := appconfigd.ValidateAlarmState(s); !appconfigd.IsCode(err, appconfigd.EBadRequest) {
			t.Errorf("ValidateAlarmState(%q) = %v, want BadRequest", s, err)
		}
	}
}
