package daemon

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
)

// auditStart is the time of the first seeded audit entry.
var auditStart = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// seedAudit records three entries an hour apart in store, as a server
// would: a creation, a failed deletion whose path holds an escape
// sequence, and a refused change by a reader.
func seedAudit(t *testing.T, store appconfigd.Store) {
	t.Helper()
	svc := appconfigd.NewService(store)
	svc.AuditRetention = 0 // the entries are dated, and may be older than the default retention
	for i, e := range []appconfigd.AuditEntry{
		{RequestID: "req-1", AccessKeyID: "AKIDOPS", KeyName: "ops", Operation: "CreateApplication", Resource: "/applications", Status: 201},
		{RequestID: "req-2", AccessKeyID: "AKIDOPS", KeyName: "ops", Operation: "DeleteApplication", Resource: "/applications/x\x1b[2J", Status: 404,
			ErrorCode: appconfigd.ENotFound, Message: "Application x not found"},
		{RequestID: "req-3", AccessKeyID: "AKIDREADER", KeyName: "dashboard", Operation: "CreateApplication", Resource: "/applications", Status: 403,
			ErrorCode: appconfigd.EAccessDenied, Message: "User: dashboard is not authorized to perform: appconfig:CreateApplication"},
	} {
		e.Time = auditStart.Add(time.Duration(i) * time.Hour)
		if err := svc.RecordAudit(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
	}
}

// runAuditCommand runs appconfigd audit with args and returns its exit
// code, stdout and stderr.
func runAuditCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(t.Context(), append([]string{"audit"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// wantAuditTable checks a table's request IDs, in order, under its header.
func wantAuditTable(t *testing.T, out string, requestIDs ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(requestIDs)+1 || !strings.HasPrefix(lines[0], "TIME") {
		t.Fatalf("table = %q, want a header and %d rows", out, len(requestIDs))
	}
	for i, id := range requestIDs {
		if !strings.Contains(lines[i+1], " "+id+" ") {
			t.Errorf("row %d = %q, want request %s", i+1, lines[i+1], id)
		}
	}
}

func TestAuditCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store, err := sqlite.Open(t.Context(), filepath.Join(dir, sqliteFile))
	if err != nil {
		t.Fatal(err)
	}
	seedAudit(t, store)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("Table", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := runAuditCommand(t, "--data", dir)
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
		wantAuditTable(t, out, "req-3", "req-2", "req-1")
		for _, want := range []string{
			"2026-04-01T11:00:00.000Z  AKIDREADER  dashboard",
			"403     AccessDenied",
			`"/applications/x\x1b[2J"`, // the escape sequence is quoted, not sent to the terminal
			"201     -",                // no error
		} {
			if !strings.Contains(out, want) {
				t.Errorf("table does not contain %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "\x1b") {
			t.Error("table holds a raw escape character")
		}
	})

	t.Run("JSONLines", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := runAuditCommand(t, "--data", dir, "--json", "--limit", "2")
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines, want 2 (--limit 2): %s", len(lines), out)
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"Time": "2026-04-01T10:00:00Z", "RequestId": "req-2", "AccessKeyId": "AKIDOPS", "KeyName": "ops",
			"Operation": "DeleteApplication", "Resource": "/applications/x\x1b[2J", "Status": 404.0,
			"ErrorCode": "ResourceNotFound", "Message": "Application x not found",
		}
		if len(e) != len(want) {
			t.Errorf("members %v, want %d", e, len(want))
		}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("%s = %#v, want %#v", k, e[k], v)
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			args []string
			want []string
		}{
			{[]string{"--since", "2026-04-01T10:00:00Z"}, []string{"req-3", "req-2"}},
			{[]string{"--since", "2026-04-01T10:00:00Z", "--until", "2026-04-01T11:00:00Z"}, []string{"req-2"}},
			{[]string{"--access-key-id", "AKIDOPS"}, []string{"req-2", "req-1"}},
			{[]string{"--operation", "CreateApplication"}, []string{"req-3", "req-1"}},
			{[]string{"--since", "1h"}, nil}, // all older than an hour
			{[]string{"--limit", "0"}, []string{"req-3", "req-2", "req-1"}},
		} {
			code, out, errOut := runAuditCommand(t, append([]string{"--data", dir}, tt.args...)...)
			if code != 0 {
				t.Fatalf("%v: exit %d, stderr %s", tt.args, code, errOut)
			}
			wantAuditTable(t, out, tt.want...)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"--data", filepath.Join(dir, "missing")}, 1, "no SQLite database"},
			{[]string{"--data", dir, "--since", "yesterday"}, 2, "--since"},
			{[]string{"--data", dir, "--limit", "-1"}, 2, "--limit"},
			{[]string{"--data", dir, "extra"}, 2, "unexpected argument"},
		} {
			code, out, errOut := runAuditCommand(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) || out != "" {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d naming %s", tt.args, code, out, errOut, tt.code, tt.want)
			}
		}
	})

	t.Run("InHelp", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		if code := Run(t.Context(), []string{"help"}, &stdout, &stderr); code != 0 {
			t.Fatalf("help: exit %d", code)
		}
		for _, want := range []string{"appconfigd audit [flags]", "Flags of audit:", "-since"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("help does not mention %q", want)
			}
		}
	})
}

func TestAuditCommandPostgres(t *testing.T) {
	t.Parallel()
	dsn := newSchemaDSN(t)
	store, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	seedAudit(t, store)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runAuditCommand(t, "--database-url", dsn, "--access-key-id", "AKIDOPS")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	wantAuditTable(t, out, "req-2", "req-1")
}
