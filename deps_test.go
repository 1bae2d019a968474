package appconfigd_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ioImports are the import paths of I/O adapters: HTTP, SQL and AWS SDK code
// belong in their own packages, never in the domain.
var ioImports = []string{"net/http", "database/sql", "github.com/aws/", "github.com/jackc/", "modernc.org/"}

// TestDomainImports keeps the root package free of I/O adapters. Of the
// module's own packages it may import only the pure feature-flag formats,
// which must themselves stay free of I/O adapters.
func TestDomainImports(t *testing.T) {
	t.Parallel()
	checkImports(t, ".", append(slices.Clone(ioImports), "github.com/appconfigd/appconfigd/"), "github.com/appconfigd/appconfigd/featureflag")
	for _, dir := range []string{"featureflag", "rules", "internal/ion"} {
		checkImports(t, dir, ioImports)
	}
}

// checkImports fails t for every import of a non-test Go file in dir that
// starts with one of forbidden and is not in allowed.
func checkImports(t *testing.T, dir string, forbidden []string, allowed ...string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if slices.Contains(allowed, path) {
				continue
			}
			for _, bad := range forbidden {
				if path == strings.TrimSuffix(bad, "/") || strings.HasPrefix(path, bad) {
					t.Errorf("%s imports %s; it must not import %s", name, path, bad)
				}
			}
		}
	}
}
