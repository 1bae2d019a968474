package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
)

// auditCommand is the subcommand that prints the audit trail.
const auditCommand = "audit"

// auditUsage heads the help of audit.
const auditUsage = `
appconfigd audit prints the audit trail, newest first: every request that
tried to change something through the control plane or the admin API, with
the access key that sent it and how it ended. It reads the store directly,
so it works while the server is down; GET /admin/audit serves the same.

Flags of audit:
`

type auditOptions struct {
	dataDir     string
	databaseURL string
	since       string
	until       string
	accessKeyID string
	operation   string
	limit       int
	json        bool
}

func auditFlags(stderr io.Writer) (*flag.FlagSet, *auditOptions) {
	opts := &auditOptions{}
	fs := flag.NewFlagSet("appconfigd "+auditCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.dataDir, "data", DefaultConfig().DataDir, "`directory` of the SQLite server, holding "+sqliteFile)
	// Read from the environment after parsing, so help never prints it.
	fs.StringVar(&opts.databaseURL, "database-url", "", "PostgreSQL `URL` (postgres://…) to read instead of SQLite (default $APPCONFIGD_DATABASE_URL)")
	fs.StringVar(&opts.since, "since", "", "only entries at or after this `time`: RFC 3339 (2026-01-02T15:04:05Z), or a duration before now (36h, 7d)")
	fs.StringVar(&opts.until, "until", "", "only entries before this `time`, written as for --since")
	fs.StringVar(&opts.accessKeyID, "access-key-id", "", "only entries of this access key `id`")
	fs.StringVar(&opts.operation, "operation", "", "only entries of this operation `name` (CreateApplication, SetAlarmState, …)")
	fs.IntVar(&opts.limit, "limit", 100, "print at most `n` entries, the newest; 0 prints all")
	fs.BoolVar(&opts.json, "json", false, "print one JSON object a line, with the members of GET /admin/audit, instead of a table")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), auditUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// printAuditHelp writes the help of audit, for appconfigd help.
func printAuditHelp(w io.Writer) {
	fs, _ := auditFlags(w)
	fs.Usage()
}

// runAudit runs appconfigd audit with args (after the command name) and
// returns the exit code: 2 for a bad command line, 1 when the store cannot
// be read.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, opts := auditFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "appconfigd %s: %s\n", auditCommand, fmt.Sprintf(format, args...))
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	if opts.limit < 0 {
		return fail(2, "--limit must not be negative, got %d", opts.limit)
	}
	now := time.Now()
	var (
		filter appconfigd.AuditFilter
		err    error
	)
	if filter.Since, err = parseAuditTime(opts.since, now); err != nil {
		return fail(2, "--since: %v", err)
	}
	if filter.Until, err = parseAuditTime(opts.until, now); err != nil {
		return fail(2, "--until: %v", err)
	}
	filter.AccessKeyID, filter.Operation = opts.accessKeyID, opts.operation
	if opts.databaseURL == "" {
		opts.databaseURL = os.Getenv("APPCONFIGD_DATABASE_URL")
	}

	entries, err := readAudit(ctx, opts, filter)
	if err != nil {
		return fail(1, "%v", err)
	}
	if opts.json {
		enc := json.NewEncoder(stdout)
		for _, e := range entries {
			if err := enc.Encode(adminapi.NewAuditEntryJSON(e)); err != nil {
				return fail(1, "%v", err)
			}
		}
		return 0
	}
	if err := printAuditTable(stdout, entries); err != nil {
		return fail(1, "%v", err)
	}
	return 0
}

// parseAuditTime reads a --since or --until value: an RFC 3339 time, or a
// duration before now in Go's syntax or in whole days ("7d"). "" is the
// zero time, no bound.
func parseAuditTime(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("want an RFC 3339 time such as 2026-01-02T15:04:05Z or a duration such as 36h or 7d, got %q", v)
}

// readAudit opens the store opts names, as serve would, and lists the
// entries that match filter, newest first.
func readAudit(ctx context.Context, opts *auditOptions, filter appconfigd.AuditFilter) ([]*appconfigd.AuditEntry, error) {
	var store appconfigd.Store
	if opts.databaseURL != "" {
		db, err := postgres.Open(ctx, opts.databaseURL)
		if err != nil {
			return nil, err
		}
		store = db
	} else {
		// sqlite.Open would create a missing file and show an empty
		// trail: a mistyped --data must fail instead.
		path := filepath.Join(opts.dataDir, sqliteFile)
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("no SQLite database at %s: --data must name the data directory of the server, or set --database-url", path)
		case err != nil:
			return nil, fmt.Errorf("SQLite database: %w", err)
		case info.IsDir():
			return nil, fmt.Errorf("%s is a directory, not a SQLite database", path)
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		store = db
	}
	defer store.Close()
	var entries []*appconfigd.AuditEntry
	err := store.View(ctx, func(tx appconfigd.Tx) (err error) {
		entries, _, err = tx.ListAudit(ctx, filter, appconfigd.Page{Limit: opts.limit})
		return err
	})
	return entries, err
}

// printAuditTable prints entries as a table, one a line.
func printAuditTable(w io.Writer, entries []*appconfigd.AuditEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACCESS KEY\tNAME\tOPERATION\tRESOURCE\tSTATUS\tERROR\tREQUEST ID\tMESSAGE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n",
			e.Time.UTC().Format("2006-01-02T15:04:05.000Z"), cell(e.AccessKeyID), cell(e.KeyName), cell(e.Operation),
			cell(e.Resource), e.Status, cell(string(e.ErrorCode)), cell(e.RequestID), cell(e.Message))
	}
	return tw.Flush()
}

// cell prepares a text for the table: "-" when empty, so columns stay
// apart, and quoted with escapes when it holds a character that is not
// printable. Paths and messages come from clients, and a tab, newline or
// terminal escape sequence would break the table or the terminal.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
