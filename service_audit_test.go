package appconfigd_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
)

func listAudit(t *testing.T, svc *appconfigd.Service, f appconfigd.AuditFilter) []*appconfigd.AuditEntry {
	t.Helper()
	var all []*appconfigd.AuditEntry
	in := appconfigd.ListInput{}
	for {
		out, err := svc.ListAudit(t.Context(), f, in)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Items...)
		if out.NextToken == "" {
			return all
		}
		in.NextToken = out.NextToken
	}
}

func TestRecordAudit(t *testing.T) {
	t.Parallel()

	t.Run("StampsTimeAndLists", func(t *testing.T) {
		t.Parallel()
		svc, clock := newService(t)
		e := &appconfigd.AuditEntry{AccessKeyID: "AKID", Operation: "CreateApplication", Resource: "/applications", Status: 201}
		if err := svc.RecordAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
		if !e.Time.Equal(clock.Now()) {
			t.Errorf("Time = %v, want the clock's %v", e.Time, clock.Now())
		}
		got := listAudit(t, svc, appconfigd.AuditFilter{})
		if len(got) != 1 || got[0].Operation != "CreateApplication" || !got[0].Time.Equal(clock.Now()) {
			t.Errorf("ListAudit = %+v, want the one entry", got)
		}
	})

	t.Run("CleansUpText", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t)
		long := strings.Repeat("é", 5000)
		e := &appconfigd.AuditEntry{Operation: "DeleteApplication", Resource: "/applications/a\x00b\xff", Message: long, Status: 400}
		if err := svc.RecordAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
		got := listAudit(t, svc, appconfigd.AuditFilter{})[0]
		if got.Resource != "/applications/a\uFFFDb\uFFFD" {
			t.Errorf("Resource = %q, want NUL and invalid UTF-8 replaced", got.Resource)
		}
		if len(got.Message) > 2048 || !utf8.ValidString(got.Message) || !strings.HasSuffix(got.Message, "…") {
			t.Errorf("Message of %d bytes (valid UTF-8: %v), want at most 2048 ending with …", len(got.Message), utf8.ValidString(got.Message))
		}
	})

	t.Run("ListsNewestFirstWithFiltersAndPages", func(t *testing.T) {
		t.Parallel()
		svc, clock := newService(t)
		start := clock.Now()
		for i, key := range []string{"A", "B", "A", "B", "A"} {
			clock.Set(start.Add(time.Duration(i) * time.Minute))
			if err := svc.RecordAudit(t.Context(), &appconfigd.AuditEntry{AccessKeyID: key, Operation: "Op", RequestID: string(rune('0' + i))}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := svc.ListAudit(t.Context(), appconfigd.AuditFilter{AccessKeyID: "A", Since: start.Add(time.Minute)}, appconfigd.ListInput{MaxResults: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].RequestID != "4" || out.NextToken == "" {
			t.Fatalf("first page = %+v, want entry 4 and a NextToken", out)
		}
		out, err = svc.ListAudit(t.Context(), appconfigd.AuditFilter{AccessKeyID: "A", Since: start.Add(time.Minute)}, appconfigd.ListInput{MaxResults: 1, NextToken: out.NextToken})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].RequestID != "2" || out.NextToken != "" {
			t.Errorf("second page = %+v, want entry 2 and no NextToken", out)
		}
	})

	t.Run("RefusesBadInput", func(t *testing.T) {
		t.Parallel()
		svc, clock := newService(t)
		now := clock.Now()
		for _, tt := range []struct {
			name string
			f    appconfigd.AuditFilter
			in   appconfigd.ListInput
		}{
			{"SinceNotBeforeUntil", appconfigd.AuditFilter{Since: now, Until: now}, appconfigd.ListInput{}},
			{"MaxResults", appconfigd.AuditFilter{}, appconfigd.ListInput{MaxResults: 51}},
			{"NextToken", appconfigd.AuditFilter{}, appconfigd.ListInput{NextToken: "!"}},
		} {
			if _, err := svc.ListAudit(t.Context(), tt.f, tt.in); !appconfigd.IsCode(err, appconfigd.EBadRequest) {
				t.Errorf("%s: error = %v, want BadRequest", tt.name, err)
			}
		}
	})

	t.Run("DeletesEntriesPastRetentionAtMostHourly", func(t *testing.T) {
		t.Parallel()
		svc, clock := newService(t)
		svc.AuditRetention = 24 * time.Hour
		start := clock.Now()
		record := func(id string) {
			t.Helper()
			if err := svc.RecordAudit(t.Context(), &appconfigd.AuditEntry{RequestID: id}); err != nil {
				t.Fatal(err)
			}
		}
		ids := func() []string {
			var out []string
			for _, e := range listAudit(t, svc, appconfigd.AuditFilter{}) {
				out = append(out, e.RequestID)
			}
			return out
		}
		record("old")
		// Prunes, but nothing is a day old yet.
		clock.Set(start.Add(23*time.Hour + 30*time.Minute))
		record("mid")
		// old is past the retention, but the last prune was 40 minutes ago.
		clock.Set(start.Add(24*time.Hour + 10*time.Minute))
		record("late")
		if got, want := strings.Join(ids(), " "), "late mid old"; got != want {
			t.Fatalf("entries = %s, want %s: the last prune was under an hour ago", got, want)
		}
		clock.Set(start.Add(24*time.Hour + 40*time.Minute))
		record("new")
		if got, want := strings.Join(ids(), " "), "new late mid"; got != want {
			t.Errorf("entries = %s, want %s: old is past the retention", got, want)
		}
	})

	t.Run("ZeroRetentionKeepsEverything", func(t *testing.T) {
		t.Parallel()
		svc, clock := newService(t)
		svc.AuditRetention = 0
		start := clock.Now()
		for i := range 3 {
			clock.Set(start.Add(time.Duration(i) * 1000 * time.Hour))
			if err := svc.RecordAudit(t.Context(), &appconfigd.AuditEntry{}); err != nil {
				t.Fatal(err)
			}
		}
		if got := listAudit(t, svc, appconfigd.AuditFilter{}); len(got) != 3 {
			t.Errorf("%d entries, want 3", len(got))
		}
	})

	t.Run("DefaultRetention", func(t *testing.T) {
		t.Parallel()
		if got := appconfigd.NewService(nil).AuditRetention; got != 90*24*time.Hour {
			t.Errorf("AuditRetention = %v, want 90 days", got)
		}
	})
}
