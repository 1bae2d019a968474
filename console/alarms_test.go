package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestAlarms(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	ctx := t.Context()
	f := newFixture(t, tc, "readable")
	const arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:Errors"
	monitors := []appconfigd.Monitor{{AlarmARN: arn}}
	if _, err := tc.Service.UpdateEnvironment(ctx, f.App.ID, f.Env.ID, appconfigd.EnvironmentUpdate{Monitors: &monitors}); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.Service.SetAlarmState(ctx, "UnmonitoredAlert", appconfigd.AlarmOK, "quiet"); err != nil {
		t.Fatal(err)
	}
	admin := tc.signIn(t, adminID, adminSecret)

	p := admin.submit("/console/alarms/state", url.Values{"arn": {arn}, "state": {"ALARM"}, "reason": {"error rate 5%"}})
	if p.status != http.StatusSeeOther || p.location != "/console/alarms" {
		t.Fatalf("set state: got %d to %q, want 303 to the alarms", p.status, p.location)
	}
	alarms, err := tc.Service.ListAlarms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got *appconfigd.Alarm
	for _, a := range alarms {
		if a.ARN == arn {
			got = a
		}
	}
	if got == nil || got.State != appconfigd.AlarmAlarm || got.Reason != "error rate 5%" {
		t.Fatalf("alarm %+v, want ALARM with the reason", got)
	}

	t.Run("PageShowsStatesMonitorsAndHistory", func(t *testing.T) {
		p := admin.get("/console/alarms")
		p.mustContain(t, arn, "error rate 5%", "readable / prod", "UnmonitoredAlert", "Recent changes", "/console/alarms/state</code>", `name="arn" value="`+arn+`"`)
	})
	t.Run("BadStateIsShownInThePage", func(t *testing.T) {
		p := admin.submit("/console/alarms/state", url.Values{"arn": {"NewAlert"}, "state": {"RED"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "State must be OK, ALARM or INSUFFICIENT_DATA", `value="NewAlert"`)
	})
	t.Run("ReaderSeesItsAlarmsReadOnly", func(t *testing.T) {
		reader := tc.signIn(t, readerID, readerSecret)
		p := reader.get("/console/alarms")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, arn)
		p.mustNotContain(t, "UnmonitoredAlert", "Set state", "Recent changes")
		if p := reader.submit("/console/alarms/state", url.Values{"arn": {arn}, "state": {"OK"}}); p.status != http.StatusForbidden {
			t.Fatalf("reader set state: status %d, want 403", p.status)
		}
	})
}
