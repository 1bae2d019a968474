package appconfigd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// additiveStatement matches the statements a migration may hold so that
// replicas of two adjacent versions can share one PostgreSQL database
// (docs/OPERATIONS.md, "Rolling upgrades with PostgreSQL"): new tables and
// indexes, and new columns that an older program's INSERTs, which name
// their columns, leave to a default or to NULL.
var additiveStatement = regexp.MustCompile(`(?is)^(CREATE TABLE (IF NOT EXISTS )?\w+\s*\(.*\)|CREATE (UNIQUE )?INDEX .*|ALTER TABLE \w+ ADD COLUMN \w+ .*)$`)

// sqlComment is a -- comment to the end of its line.
var sqlComment = regexp.MustCompile(`--[^\n]*`)

// TestMigrationsOnlyAdd checks every migration of both stores against the
// rule that keeps rolling upgrades working: nothing is dropped, renamed or
// rewritten, and an added column is nullable or has a default. A
// migration that must break the rule is a release of its own, and
// docs/OPERATIONS.md must say so.
func TestMigrationsOnlyAdd(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"sqlite", "postgres"} {
		files, err := filepath.Glob(filepath.Join(store, "migration", "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no migrations (%v)", store, err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range migrationProblems(string(b)) {
				t.Errorf("%s: %s", file, problem)
			}
		}
	}
}

// migrationProblems returns what in the migration text breaks the rule of
// TestMigrationsOnlyAdd, one message per statement.
func migrationProblems(text string) []string {
	var problems []string
	for _, stmt := range strings.Split(sqlComment.ReplaceAllString(text, ""), ";") {
		stmt = strings.Join(strings.Fields(stmt), " ")
		upper := strings.ToUpper(stmt)
		switch {
		case stmt == "":
		case !additiveStatement.MatchString(stmt):
			problems = append(problems, fmt.Sprintf("%.80q is not additive: an older replica sharing the database could fail on it", stmt))
		case strings.HasPrefix(upper, "ALTER TABLE") && strings.Contains(upper, "NOT NULL") && !strings.Contains(upper, "DEFAULT"):
			problems = append(problems, fmt.Sprintf("%q adds a NOT NULL column without a default: an older replica's INSERTs would fail", stmt))
		}
	}
	return problems
}

func TestMigrationProblems(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sql  string
		want int
	}{
		{"-- a comment; with a semicolon\nCREATE TABLE t (a INTEGER);\nCREATE INDEX t_a ON t (a);", 0},
		{"ALTER TABLE t ADD COLUMN b TEXT;\nALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT '[]';", 0},
		{"ALTER TABLE t ADD COLUMN c TEXT NOT NULL;", 1},
		{"DROP TABLE t;", 1},
		{"ALTER TABLE t RENAME COLUMN a TO b;", 1},
		{"ALTER TABLE t DROP COLUMN a;", 1},
		{"UPDATE t SET a = 1; DELETE FROM t;", 2},
	} {
		if got := migrationProblems(tt.sql); len(got) != tt.want {
			t.Errorf("migrationProblems(%q) = %q; want %d problems", tt.sql, got, tt.want)
		}
	}
}
