package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	ctx := t.Context()
	start := tc.Clock.Now().UTC()
	record := func(op, key string) {
		t.Helper()
		if err := tc.Service.RecordAudit(ctx, &appconfigd.AuditEntry{AccessKeyID: key, KeyName: "k-" + key, Operation: op, Resource: "/" + op, Status: 200}); err != nil {
			t.Fatal(err)
		}
		tc.Clock.Advance(time.Minute)
	}
	record("CreateApplication", "KEYONE")
	record("DeleteApplication", "KEYTWO")
	record("CreateApplication", "KEYTWO")
	admin := tc.signIn(t, adminID, adminSecret)

	t.Run("ListsNewestFirst", func(t *testing.T) {
		t.Parallel()
		p := admin.get("/console/audit")
		p.mustContain(t, "k-KEYONE", "DeleteApplication")
		if strings.Index(p.body, "k-KEYONE") < strings.Index(p.body, "DeleteApplication</td>") {
			t.Fatal("the oldest entry is listed before a newer one")
		}
	})
	t.Run("FiltersByKeyAndOperation", func(t *testing.T) {
		t.Parallel()
		p := admin.get("/console/audit?" + url.Values{"key": {"KEYTWO"}, "operation": {"CreateApplication"}}.Encode())
		p.mustContain(t, "k-KEYTWO", "/CreateApplication</code>", `value="KEYTWO"`)
		p.mustNotContain(t, "k-KEYONE", "/DeleteApplication</code>")
	})
	t.Run("FiltersByTimeInUTC", func(t *testing.T) {
		t.Parallel()
		since := start.Add(90 * time.Second).Format("2006-01-02T15:04:05")
		p := admin.get("/console/audit?" + url.Values{"since": {since}}.Encode())
		p.mustContain(t, "/CreateApplication</code>")
		p.mustNotContain(t, "k-KEYONE", "/DeleteApplication</code>")
	})
	t.Run("BadTimeIsShownInThePage", func(t *testing.T) {
		t.Parallel()
		p := admin.get("/console/audit?since=yesterday")
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Since must be a date and time", `value="yesterday"`)
	})
	t.Run("OlderEntriesPage", func(t *testing.T) {
		t.Parallel()
		tc := newConsole(t)
		for range 51 {
			if err := tc.Service.RecordAudit(ctx, &appconfigd.AuditEntry{AccessKeyID: "K", KeyName: "k", Operation: "UpdateApplication", Resource: "/x", Status: 200}); err != nil {
				t.Fatal(err)
			}
		}
		admin := tc.signIn(t, adminID, adminSecret)
		p := admin.get("/console/audit?operation=UpdateApplication")
		if got := strings.Count(p.body, "<td data-label=\"Operation\">UpdateApplication</td>"); got != 50 {
			t.Fatalf("first page has %d entries, want 50", got)
		}
		i := strings.Index(p.body, `href="/console/audit?`)
		if i < 0 {
			t.Fatal("no link to older entries")
		}
		link := p.body[i+len(`href="`):]
		link = strings.ReplaceAll(link[:strings.Index(link, `"`)], "&amp;", "&")
		older := admin.get(link)
		if got := strings.Count(older.body, "<td data-label=\"Operation\">UpdateApplication</td>"); got != 1 {
			t.Fatalf("second page has %d entries, want 1", got)
		}
	})
	t.Run("ReaderIsRefused", func(t *testing.T) {
		t.Parallel()
		reader := tc.signIn(t, readerID, readerSecret)
		if p := reader.get("/console/audit"); p.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", p.status)
		}
	})
}
