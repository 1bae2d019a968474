package daemon

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeFlagRow is one row of the README's table of serve flags.
type readmeFlagRow struct {
	line         int
	name         string // without the leading --
	defaultValue string // the default cell as written
}

// readmeFlagRows returns the rows of the table under "## Flags" in the
// repository's README.md.
func readmeFlagRows(t *testing.T) []readmeFlagRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The flag cell is `--name` or `--name value`.
	flagCell := regexp.MustCompile("^`--([a-z0-9-]+)( [^`]*)?`$")
	var rows []readmeFlagRow
	section := ""
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		if section != "## Flags" || !strings.HasPrefix(line, "| `--") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) != 3 {
			t.Errorf("README.md:%d: want 3 cells (flag, default, meaning), got %d: %s", i+1, len(cells), line)
			continue
		}
		m := flagCell.FindStringSubmatch(strings.TrimSpace(cells[0]))
		if m == nil {
			t.Errorf("README.md:%d: the flag cell %q is not `--name` or `--name value`", i+1, cells[0])
			continue
		}
		rows = append(rows, readmeFlagRow{line: i + 1, name: m[1], defaultValue: strings.TrimSpace(cells[1])})
	}
	if len(rows) == 0 {
		t.Fatal(`README.md has no flag table under "## Flags"`)
	}
	return rows
}

// machineDependentDefaults are the serve flags whose default differs from
// machine to machine, so the README states the rule in words, not the
// number `appconfigd help` prints here.
var machineDependentDefaults = map[string]string{
	"max-in-flight": "loadshed.DefaultMaxInFlight: 512 per CPU, at least 1024",
}

// TestREADMEFlagTable keeps the README's flag table in line with the serve
// flag set, as `appconfigd help` prints it: every flag has exactly one row,
// every row names a flag, and a default written as code (`24h`) is one the
// flag reads back as the default it prints (24h0m0s), or the environment
// variable its help names. A default in words is for flags whose help
// prints none (the zero value: none, off, derived from another flag) or
// whose default depends on the machine.
func TestREADMEFlagTable(t *testing.T) {
	t.Parallel()
	fs, _ := serveFlags(io.Discard)
	rows := readmeFlagRows(t)
	seen := map[string]int{}
	for _, row := range rows {
		if first, ok := seen[row.name]; ok {
			t.Errorf("README.md:%d: --%s has a row already (line %d)", row.line, row.name, first)
			continue
		}
		seen[row.name] = row.line
		f := fs.Lookup(row.name)
		if f == nil {
			t.Errorf("README.md:%d: --%s is not a flag of appconfigd serve", row.line, row.name)
			continue
		}
		checkREADMEDefault(t, row, f)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := seen[f.Name]; !ok {
			t.Errorf("README.md has no row for --%s (%s)", f.Name, f.Usage)
		}
	})
}

// checkREADMEDefault checks one row's default cell against flag f.
func checkREADMEDefault(t *testing.T, row readmeFlagRow, f *flag.Flag) {
	t.Helper()
	literal, ok := strings.CutPrefix(row.defaultValue, "`")
	if ok {
		literal, _, ok = strings.Cut(literal, "`")
	}
	if !ok {
		// In words: only where help prints no default of its own.
		if _, dependent := machineDependentDefaults[f.Name]; !dependent && !zeroDefault(f) {
			t.Errorf("README.md:%d: --%s: default %q is not the one help prints, %q; write it as code", row.line, f.Name, row.defaultValue, f.DefValue)
		}
		return
	}
	if strings.HasPrefix(literal, "$") {
		if !zeroDefault(f) || !strings.Contains(f.Usage, literal) {
			t.Errorf("README.md:%d: --%s: default %s, but its help does not take it from that variable (default %q, usage %q)", row.line, f.Name, literal, f.DefValue, f.Usage)
		}
		return
	}
	// Give the literal to a fresh flag set's flag and compare what it
	// then prints with the default: 24h and 24h0m0s are the same value.
	fresh, _ := serveFlags(io.Discard)
	if err := fresh.Set(f.Name, literal); err != nil {
		t.Errorf("README.md:%d: --%s: default %q is not a value of the flag: %v", row.line, f.Name, literal, err)
		return
	}
	if got := fresh.Lookup(f.Name).Value.String(); got != f.DefValue {
		t.Errorf("README.md:%d: --%s: default %q reads as %q; help prints the default %q", row.line, f.Name, literal, got, f.DefValue)
	}
}

// zeroDefault reports whether help prints no default for f: its default
// is the zero value of its type, which flag.PrintDefaults leaves out.
func zeroDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "0", "false", "0s":
		return true
	}
	return false
}
