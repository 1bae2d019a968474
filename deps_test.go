package appconfigd_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDomainImports keeps the root package free of I/O adapters: HTTP, SQL
// and AWS SDK code belong in their own packages.
func TestDomainImports(t *testing.T) {
	t.Parallel()
	forbidden := []string{"net/http", "database/sql", "github.com/aws/", "github.com/jackc/", "modernc.org/", "github.com/appconfigd/appconfigd/"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
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
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad) {
					t.Errorf("%s imports %s; the domain package must not import %s", name, path, bad)
				}
			}
		}
	}
}
