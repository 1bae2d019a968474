package adminapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/validation"
)

const highErrorRate = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:HighErrorRate"

// newServer returns the admin API on a fresh service with clock whose one
// environment monitors highErrorRate.
func newServer(t *testing.T, clock appconfigd.Clock) (http.Handler, *appconfigd.Service) {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := apptest.NewService(t, store, clock, validation.NewRunner(), nil)
	app, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "prod", Monitors: []appconfigd.Monitor{{AlarmARN: highErrorRate}}}, nil); err != nil {
		t.Fatal(err)
	}
	s := &adminapi.Server{Service: svc, Auth: auth.AcceptAll{}, Logger: slog.New(slog.DiscardHandler)}
	return awsjson.NewRouter(s.Routes()), svc
}

func do(t *testing.T, h http.Handler, method, path string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, body))
	return rec
}

func alarmState(t *testing.T, svc *appconfigd.Service, arn string) appconfigd.AlarmState {
	t.Helper()
	alarms, err := svc.ListAlarms(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alarms {
		if a.ARN == arn {
			return a.State
		}
	}
	return ""
}

// TestAlertmanagerWebhook posts the payloads Alertmanager's webhook
// receiver sends (testdata, the example of docs/DEPLOYMENTS.md).
func TestAlertmanagerWebhook(t *testing.T) {
	t.Parallel()
	h, svc := newServer(t, apptest.NewClock(time.Time{}))
	for _, tt := range []struct {
		file string
		want appconfigd.AlarmState
	}{
		{"alertmanager-firing.json", appconfigd.AlarmAlarm},
		{"alertmanager-resolved.json", appconfigd.AlarmOK},
	} {
		body, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		rec := do(t, h, http.MethodPost, "/admin/alertmanager", strings.NewReader(string(body)))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d, body %s", tt.file, rec.Code, rec.Body)
		}
		var out struct{ Updated []string }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Updated) != 1 || out.Updated[0] != highErrorRate {
			t.Errorf("%s: answer %s, want Updated [%s]", tt.file, rec.Body, highErrorRate)
		}
		if got := alarmState(t, svc, highErrorRate); got != tt.want {
			t.Errorf("after %s the alarm is %q, want %q", tt.file, got, tt.want)
		}
	}
}

func TestPutAlarm(t *testing.T) {
	t.Parallel()
	h, svc := newServer(t, apptest.NewClock(time.Time{}))

	t.Run("EscapedARN", func(t *testing.T) {
		rec := do(t, h, http.MethodPut, "/admin/alarms/"+strings.ReplaceAll(highErrorRate, ":", "%3A"), strings.NewReader(`{"State":"ALARM","Reason":"manual"}`))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d, body %s", rec.Code, rec.Body)
		}
		var out struct{ AlarmArn, State, Reason, UpdatedAt string }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.AlarmArn != highErrorRate || out.State != "ALARM" || out.Reason != "manual" || out.UpdatedAt == "" {
			t.Errorf("answer %s, want the alarm in ALARM", rec.Body)
		}
		if got := alarmState(t, svc, highErrorRate); got != appconfigd.AlarmAlarm {
			t.Errorf("stored state %q, want ALARM", got)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, tt := range []struct{ name, method, path, body string }{
			{"UnknownState", http.MethodPut, "/admin/alarms/x", `{"State":"RED"}`},
			{"BadJSON", http.MethodPut, "/admin/alarms/x", `{"State":`},
			{"AlertWithoutStatus", http.MethodPost, "/admin/alertmanager", `{"alerts":[{"labels":{"alertname":"x"}}]}`},
		} {
			rec := do(t, h, tt.method, tt.path, strings.NewReader(tt.body))
			if rec.Code != http.StatusBadRequest || rec.Header().Get("X-Amzn-ErrorType") != "BadRequestException" {
				t.Errorf("%s: %d %s %s, want 400 BadRequestException", tt.name, rec.Code, rec.Header().Get("X-Amzn-ErrorType"), rec.Body)
			}
		}
	})
}
