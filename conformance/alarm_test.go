package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

const highErrorRate = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighErrorRate"

// monitoredFixture is a fixture whose environment monitors alarmARN, with
// version 1 of its profile deploying by AppConfig.AllAtOnce (baking for ten
// minutes on the fake clock).
func monitoredFixture(t *testing.T, ts *testServer, alarmARN string) (fixture, int32) {
	t.Helper()
	app := createApplication(t, ts.control, "app")
	env, err := ts.control.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{
		ApplicationId: aws.String(app),
		Name:          aws.String("prod"),
		Monitors:      []types.Monitor{{AlarmArn: aws.String(alarmARN)}},
	})
	if err != nil {
		t.Fatalf("CreateEnvironment with a monitor: %v", err)
	}
	fx := fixture{app: app, env: aws.ToString(env.Id), profile: createProfile(t, ts.control, app, "profile")}
	version := createVersion(t, ts.control, fx.app, fx.profile, []byte(`{"v":1}`), "application/json", "")
	d := startDeployment(t, ts.control, fx, fmt.Sprint(version), "AppConfig.AllAtOnce")
	return fx, d.DeploymentNumber
}

// adminRequest sends a JSON request to the admin API and decodes the JSON
// answer into out (when not nil); it returns the status.
func adminRequest(t *testing.T, ts *testServer, method, path string, body, out any) int {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, ts.url+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	// Alertmanager, like most webhook senders, cannot sign requests; the
	// admin API takes an access key as HTTP Basic credentials.
	req.SetBasicAuth(accessKeyID, secretAccessKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode answer: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func setAlarm(t *testing.T, ts *testServer, arn, state string) {
	t.Helper()
	if status := adminRequest(t, ts, http.MethodPut, "/admin/alarms/"+url.PathEscape(arn), map[string]string{"State": state}, nil); status != http.StatusOK {
		t.Fatalf("PUT /admin/alarms/%s = %d, want 200", arn, status)
	}
}

// waitForState polls GetDeployment until the deployment reaches want: the
// engine reacts to alarms on its own goroutine.
func waitForState(t *testing.T, ts *testServer, fx fixture, number int32, want types.DeploymentState) *appconfig.GetDeploymentOutput {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := getDeployment(t, ts.control, fx, number)
		if d.State == want {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("deployment %d is %s after 10 s; want %s", number, d.State, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func wantAlarmRollback(t *testing.T, d *appconfig.GetDeploymentOutput, alarmARN string) {
	t.Helper()
	for _, e := range d.EventLog {
		if e.EventType == types.DeploymentEventTypeRollbackStarted {
			if e.TriggeredBy != types.TriggeredByCloudwatchAlarm {
				t.Errorf("ROLLBACK_STARTED TriggeredBy = %s, want CLOUDWATCH_ALARM", e.TriggeredBy)
			}
			if !strings.Contains(aws.ToString(e.Description), alarmARN) {
				t.Errorf("ROLLBACK_STARTED Description = %q, want it to name %s", aws.ToString(e.Description), alarmARN)
			}
			return
		}
	}
	t.Errorf("event log has no ROLLBACK_STARTED: %+v", d.EventLog)
}

func TestAlarms(t *testing.T) {
	t.Parallel()

	t.Run("AlarmDuringBakeRollsBack", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx, number := monitoredFixture(t, ts, highErrorRate)
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateBaking {
			t.Fatalf("deployment is %s, want BAKING", d.State)
		}
		setAlarm(t, ts, highErrorRate, "ALARM")
		d := waitForState(t, ts, fx, number, types.DeploymentStateRolledBack)
		wantAlarmRollback(t, d, highErrorRate)
		if got := environmentState(t, ts.control, fx); got != "RolledBack" {
			t.Errorf("environment State = %q, want RolledBack", got)
		}
	})

	t.Run("AlarmOnAnotherEnvironmentChangesNothing", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx, number := monitoredFixture(t, ts, highErrorRate)
		setAlarm(t, ts, "arn:aws:cloudwatch:us-east-1:000000000000:alarm:Other", "ALARM")
		ts.advance(t, 10*time.Minute)
		waitForState(t, ts, fx, number, types.DeploymentStateComplete)
	})

	t.Run("AlarmAfterCompletionChangesNothing", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx, number := monitoredFixture(t, ts, highErrorRate)
		ts.advance(t, 10*time.Minute)
		waitForState(t, ts, fx, number, types.DeploymentStateComplete)
		setAlarm(t, ts, highErrorRate, "ALARM")
		// The engine reacts to an alarm with one AdvanceDeployments
		// pass. Running that pass here, after the alarm is stored,
		// means the check below sees whatever the engine would do,
		// however slow the machine, instead of hoping that a sleep
		// gave the engine's goroutine its turn.
		ts.advance(t, 0)
		if d := getDeployment(t, ts.control, fx, number); d.State != types.DeploymentStateComplete {
			t.Errorf("completed deployment is %s after an alarm, want COMPLETE", d.State)
		}
	})

	t.Run("AlertmanagerFiringAlertRollsBack", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx, number := monitoredFixture(t, ts, highErrorRate)
		var out struct{ Updated []string }
		status := adminRequest(t, ts, http.MethodPost, "/admin/alertmanager", map[string]any{
			"version": "4", "status": "firing", "receiver": "appconfigd",
			"alerts": []map[string]any{
				{"status": "firing", "labels": map[string]string{"alertname": "HighErrorRate", "severity": "page"}},
				{"status": "firing", "labels": map[string]string{"alertname": "Unrelated"}},
			},
		}, &out)
		if status != http.StatusOK || len(out.Updated) != 1 || out.Updated[0] != highErrorRate {
			t.Fatalf("POST /admin/alertmanager = %d %v; want 200 [%s]", status, out.Updated, highErrorRate)
		}
		d := waitForState(t, ts, fx, number, types.DeploymentStateRolledBack)
		wantAlarmRollback(t, d, highErrorRate)

		// Resolved: the alarm is OK again and the next deployment is
		// not rolled back.
		adminRequest(t, ts, http.MethodPost, "/admin/alertmanager", map[string]any{
			"alerts": []map[string]any{{"status": "resolved", "labels": map[string]string{"alertname": "HighErrorRate"}}},
		}, nil)
		var alarms struct {
			Alarms []struct{ AlarmArn, State string }
		}
		adminRequest(t, ts, http.MethodGet, "/admin/alarms", nil, &alarms)
		if len(alarms.Alarms) != 1 || alarms.Alarms[0].State != "OK" {
			t.Errorf("GET /admin/alarms = %+v, want %s OK", alarms.Alarms, highErrorRate)
		}
		next := startDeployment(t, ts.control, fx, "1", "AppConfig.AllAtOnce")
		ts.advance(t, 10*time.Minute)
		waitForState(t, ts, fx, next.DeploymentNumber, types.DeploymentStateComplete)
	})

	t.Run("AlertMatchesByLabel", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx, number := monitoredFixture(t, ts, "checkout-latency")
		adminRequest(t, ts, http.MethodPost, "/admin/alertmanager", map[string]any{
			"alerts": []map[string]any{{"status": "firing", "labels": map[string]string{"alertname": "Latency", "alarm_arn": "checkout-latency"}}},
		}, nil)
		waitForState(t, ts, fx, number, types.DeploymentStateRolledBack)
	})

	t.Run("RequiresAnAdminKey", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		for _, tt := range []struct {
			name     string
			auth     func(*http.Request)
			wantType string
		}{
			{"NoCredentials", func(*http.Request) {}, "MissingAuthenticationTokenException"},
			{"WrongSecret", func(r *http.Request) { r.SetBasicAuth(accessKeyID, "not-the-secret-at-all") }, "UnrecognizedClientException"},
			{"UnknownKey", func(r *http.Request) { r.SetBasicAuth("AKIDNOBODY", secretAccessKey) }, "UnrecognizedClientException"},
		} {
			req, _ := http.NewRequestWithContext(ctx(t), http.MethodPut, ts.url+"/admin/alarms/x", strings.NewReader(`{"State":"ALARM"}`))
			tt.auth(req)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != tt.wantType {
				t.Errorf("%s: %d %s, want 403 %s", tt.name, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), tt.wantType)
			}
		}
		var alarms struct{ Alarms []any }
		adminRequest(t, ts, http.MethodGet, "/admin/alarms", nil, &alarms)
		if len(alarms.Alarms) != 0 {
			t.Errorf("refused requests set alarms: %v", alarms.Alarms)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		for _, tt := range []struct {
			name, method, path string
			body               any
		}{
			{"UnknownState", http.MethodPut, "/admin/alarms/x", map[string]string{"State": "ON_FIRE"}},
			{"MissingState", http.MethodPut, "/admin/alarms/x", map[string]string{}},
			{"StateNotAString", http.MethodPut, "/admin/alarms/x", map[string]int{"State": 1}},
			{"UnknownAlertStatus", http.MethodPost, "/admin/alertmanager", map[string]any{"alerts": []map[string]any{{"status": "pending"}}}},
		} {
			var out struct{ Message string }
			if status := adminRequest(t, ts, tt.method, tt.path, tt.body, &out); status != http.StatusBadRequest || out.Message == "" {
				t.Errorf("%s: status %d, message %q; want 400 with a message", tt.name, status, out.Message)
			}
		}
	})
}
