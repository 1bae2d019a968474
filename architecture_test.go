package appconfigd_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// architectureRow is one row of the package table of docs/ARCHITECTURE.md.
type architectureRow struct {
	line int
	dir  string // slash-separated, relative to the repository root; "." for the root
}

// architectureRows returns the rows of the table under "## Packages" in
// docs/ARCHITECTURE.md. A row's first cell starts with the package's
// directory as code (`cmd/appconfigd/daemon`); `appconfigd` is the root.
func architectureRows(t *testing.T) []architectureRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	firstCell := regexp.MustCompile("^\\| `([^`]+)`[^|]*\\|")
	var rows []architectureRow
	section := ""
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		if section != "## Packages" || !strings.HasPrefix(line, "| `") {
			continue
		}
		m := firstCell.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("docs/ARCHITECTURE.md:%d: the first cell does not start with a package as code: %s", i+1, line)
			continue
		}
		dir := m[1]
		if dir == "appconfigd" {
			dir = "."
		}
		rows = append(rows, architectureRow{line: i + 1, dir: dir})
	}
	if len(rows) == 0 {
		t.Fatal(`docs/ARCHITECTURE.md has no package table under "## Packages"`)
	}
	return rows
}

// goPackageDirs walks the repository and returns, for every directory the
// go command would build from, whether it has Go files other than tests.
// Like ./..., it skips testdata and directories whose names begin with "."
// or "_".
func goPackageDirs(t *testing.T) map[string]bool {
	t.Helper()
	dirs := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		dirs[dir] = dirs[dir] || !strings.HasSuffix(name, "_test.go")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestArchitecturePackages keeps the package table of docs/ARCHITECTURE.md
// in line with the code, as the compatibility test does for routes: every
// directory with Go code other than tests has a row, every row names a
// directory with Go code (a package of tests only, such as conformance,
// may have one), and no package has two.
func TestArchitecturePackages(t *testing.T) {
	t.Parallel()
	dirs := goPackageDirs(t)
	rows := architectureRows(t)
	seen := map[string]int{}
	for _, row := range rows {
		if first, ok := seen[row.dir]; ok {
			t.Errorf("docs/ARCHITECTURE.md:%d: %s has a row already (line %d)", row.line, row.dir, first)
			continue
		}
		seen[row.dir] = row.line
		if _, ok := dirs[row.dir]; !ok {
			t.Errorf("docs/ARCHITECTURE.md:%d: %s is not a directory with Go files", row.line, row.dir)
		}
	}
	var missing []string
	for dir, code := range dirs {
		if _, ok := seen[dir]; code && !ok {
			missing = append(missing, dir)
		}
	}
	slices.Sort(missing)
	for _, dir := range missing {
		t.Errorf("docs/ARCHITECTURE.md has no row for package %s; add one to the table under \"## Packages\"", dir)
	}
}
