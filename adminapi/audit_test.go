package adminapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// keyHeader names the key a test request comes from: headerAuth reads it
// instead of verifying a signature.
const keyHeader = "X-Test-Key"

// headerAuth authenticates the key named in keyHeader; "reader" is a
// reader key, any other an admin key, and none fails authentication.
type headerAuth struct{}

func (headerAuth) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	id := r.Header.Get(keyHeader)
	switch id {
	case "":
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EMissingAuthentication, "Missing Authentication Token")
	case "reader":
		return appconfigd.Principal{AccessKeyID: "AKIDREADER", Name: "reader", Role: appconfigd.RoleReader}, nil
	}
	return appconfigd.Principal{AccessKeyID: "AKID" + strings.ToUpper(id), Name: id, Role: appconfigd.RoleAdmin}, nil
}

type auditPage struct {
	Entries   []map[string]any
	NextToken string
}

func TestAudit(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := apptest.NewClock(start)
	_, svc := newServer(t, clock)
	s := &adminapi.Server{Service: svc, Auth: headerAuth{}, Logger: slog.New(slog.DiscardHandler)}
	h := awsjson.WithRequestID(awsjson.NewRouter(s.Routes()))
	send := func(key, method, path, body string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if key != "" {
			req.Header.Set(keyHeader, key)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	list := func(query string) auditPage {
		t.Helper()
		rec := send("ops", http.MethodGet, "/admin/audit"+query, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /admin/audit%s: status %d, body %s", query, rec.Code, rec.Body)
		}
		var page auditPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatalf("GET /admin/audit%s: %v; body %s", query, err, rec.Body)
		}
		return page
	}
	ids := func(page auditPage) string {
		var out []string
		for _, e := range page.Entries {
			out = append(out, e["RequestId"].(string))
		}
		return strings.Join(out, " ")
	}

	// The trail: four changes a minute apart, and reads and refused
	// requests that leave no entry.
	var requestIDs []string
	for i, tt := range []struct{ key, method, path, body string }{
		{"ops", http.MethodPut, "/admin/alarms/" + url.PathEscape(highErrorRate), `{"State":"ALARM"}`},
		{"ci", http.MethodPut, "/admin/alarms/x", `{"State":"RED"}`},
		{"ops", http.MethodPost, "/admin/alertmanager", `{"alerts":[]}`},
		{"reader", http.MethodPut, "/admin/alarms/x", `{"State":"OK"}`},
	} {
		clock.Set(start.Add(time.Duration(i) * time.Minute))
		rec := send(tt.key, tt.method, tt.path, tt.body)
		requestIDs = append(requestIDs, rec.Header().Get("X-Amzn-RequestId"))
	}
	send("", http.MethodPut, "/admin/alarms/x", `{"State":"OK"}`) // not authenticated
	send("ops", http.MethodGet, "/admin/alarms", "")

	t.Run("RecordsChangesNewestFirst", func(t *testing.T) {
		page := list("")
		if got, want := ids(page), strings.Join([]string{requestIDs[3], requestIDs[2], requestIDs[1], requestIDs[0]}, " "); got != want {
			t.Fatalf("request IDs %s, want %s", got, want)
		}
		if page.NextToken != "" {
			t.Errorf("NextToken = %q, want none", page.NextToken)
		}
		want := []map[string]any{
			{"Time": "2026-05-01T12:03:00Z", "RequestId": requestIDs[3], "AccessKeyId": "AKIDREADER", "KeyName": "reader", "Operation": "SetAlarmState",
				"Resource": "/admin/alarms/x", "Status": 403.0, "ErrorCode": "AccessDenied", "Message": "User: reader is not authorized to use the admin API"},
			{"Time": "2026-05-01T12:02:00Z", "RequestId": requestIDs[2], "AccessKeyId": "AKIDOPS", "KeyName": "ops", "Operation": "ReceiveAlerts",
				"Resource": "/admin/alertmanager", "Status": 200.0, "ErrorCode": "", "Message": ""},
			{"Time": "2026-05-01T12:01:00Z", "RequestId": requestIDs[1], "AccessKeyId": "AKIDCI", "KeyName": "ci", "Operation": "SetAlarmState",
				"Resource": "/admin/alarms/x", "Status": 400.0, "ErrorCode": "BadRequest", "Message": `State must be OK, ALARM or INSUFFICIENT_DATA, got "RED"`},
			{"Time": "2026-05-01T12:00:00Z", "RequestId": requestIDs[0], "AccessKeyId": "AKIDOPS", "KeyName": "ops", "Operation": "SetAlarmState",
				"Resource": "/admin/alarms/" + highErrorRate, "Status": 200.0, "ErrorCode": "", "Message": ""},
		}
		for i := range want {
			for k, v := range want[i] {
				if page.Entries[i][k] != v {
					t.Errorf("entry %d: %s = %#v, want %#v", i, k, page.Entries[i][k], v)
				}
			}
			if len(page.Entries[i]) != len(want[i]) {
				t.Errorf("entry %d has members %v, want exactly %d", i, page.Entries[i], len(want[i]))
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		for _, tt := range []struct{ query, want string }{
			{"?access_key_id=AKIDOPS", requestIDs[2] + " " + requestIDs[0]},
			{"?operation=ReceiveAlerts", requestIDs[2]},
			{"?since=2026-05-01T12:01:00Z&until=2026-05-01T12:03:00Z", requestIDs[2] + " " + requestIDs[1]},
			{"?since=2026-05-01T14:01:00%2B02:00", requestIDs[3] + " " + requestIDs[2] + " " + requestIDs[1]},
			{"?access_key_id=AKIDNOBODY", ""},
		} {
			if got := ids(list(tt.query)); got != tt.want {
				t.Errorf("%s: request IDs %q, want %q", tt.query, got, tt.want)
			}
		}
	})

	t.Run("Pages", func(t *testing.T) {
		var got []string
		query := "?max_results=3&access_key_id=AKIDOPS"
		first := list("?max_results=3")
		got = append(got, ids(first))
		if first.NextToken == "" {
			t.Fatalf("first page of 3 has no NextToken")
		}
		second := list("?max_results=3&next_token=" + url.QueryEscape(first.NextToken))
		got = append(got, ids(second))
		if second.NextToken != "" {
			t.Errorf("second page NextToken = %q, want none", second.NextToken)
		}
		if want := []string{requestIDs[3] + " " + requestIDs[2] + " " + requestIDs[1], requestIDs[0]}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("pages %q, want %q", got, want)
		}
		if page := list(query); ids(page) != requestIDs[2]+" "+requestIDs[0] {
			t.Errorf("%s: %q", query, ids(page))
		}
	})

	t.Run("ReadingIsNotRecorded", func(t *testing.T) {
		if n := len(list("").Entries); n != 4 {
			t.Errorf("%d entries after listing the trail, want still 4", n)
		}
	})

	t.Run("BadQueries", func(t *testing.T) {
		for _, query := range []string{
			"?since=yesterday",
			"?until=2026-05-01",
			"?since=2026-05-01T12:00:00Z&until=2026-05-01T12:00:00Z",
			"?max_results=0",
			"?max_results=51",
			"?max_results=x",
			"?next_token=garbage!",
		} {
			rec := send("ops", http.MethodGet, "/admin/audit"+query, "")
			if rec.Code != http.StatusBadRequest || rec.Header().Get("X-Amzn-ErrorType") != "BadRequestException" {
				t.Errorf("%s: %d %s, want 400 BadRequestException", query, rec.Code, rec.Body)
			}
		}
	})

	t.Run("AdminOnly", func(t *testing.T) {
		if rec := send("reader", http.MethodGet, "/admin/audit", ""); rec.Code != http.StatusForbidden {
			t.Errorf("reader: status %d, want 403", rec.Code)
		}
		if rec := send("", http.MethodGet, "/admin/audit", ""); rec.Code != http.StatusForbidden {
			t.Errorf("no key: status %d, want 403", rec.Code)
		}
	})
}
