package appconfigd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// ioImports are the import paths of I/O adapters: HTTP, SQL (database/sql,
// pgx, the SQLite drivers) and AWS SDK code belong in their own packages,
// never in the domain. A path ending in "/" stands for every package
// below it; any other path for itself and the packages below it.
var ioImports = []string{"net/http", "database/sql", "github.com/aws/", "github.com/jackc/", "modernc.org/", "github.com/mattn/go-sqlite3"}

// domainPackages are the module's packages the domain may depend on,
// directly or not: the feature-flag formats and what they are built on.
var domainPackages = []string{
	"github.com/appconfigd/appconfigd",
	"github.com/appconfigd/appconfigd/featureflag",
	"github.com/appconfigd/appconfigd/rules",
	"github.com/appconfigd/appconfigd/internal/ion",
}

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

// TestDomainTransitiveImports checks what the root package's build pulls
// in through every package it imports, as the go command resolves it: no
// I/O adapter, and of the module's own packages only domainPackages. A
// pure package that started importing an adapter would otherwise bring
// HTTP, SQL or the AWS SDK into the domain unseen by TestDomainImports.
func TestDomainTransitiveImports(t *testing.T) {
	t.Parallel()
	goTool := apptest.NeedCommand(t, "go", "put the go command on PATH to list the domain's dependencies")
	cmd := exec.Command(goTool, "list", "-deps", "-json", ".")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -json .: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		ImportPath string
		Imports    []string
	}
	var root string
	importers := map[string]string{} // package → one package that imports it
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		root = p.ImportPath // go list -deps prints the named package last
		for _, imp := range p.Imports {
			if _, ok := importers[imp]; !ok {
				importers[imp] = p.ImportPath
			}
		}
	}
	if root != domainPackages[0] {
		t.Fatalf("go list -deps listed %q last, want the root package %q", root, domainPackages[0])
	}
	// chain spells how root reaches path, for the failure message.
	chain := func(path string) string {
		links := []string{path}
		for p := path; p != root && len(links) < 50; {
			p = importers[p]
			links = append(links, p)
		}
		slices.Reverse(links)
		return strings.Join(links, " → ")
	}
	if len(importers) == 0 {
		t.Fatal("go list -deps listed no imports; the check would pass vacuously")
	}
	for path := range importers {
		if strings.HasPrefix(path, domainPackages[0]+"/") && !slices.Contains(domainPackages, path) {
			t.Errorf("the domain depends on %s (%s); of the module's packages it may depend only on %v", path, chain(path), domainPackages[1:])
		}
		for _, bad := range ioImports {
			if path == strings.TrimSuffix(bad, "/") || strings.HasPrefix(path, strings.TrimSuffix(bad, "/")+"/") {
				t.Errorf("the domain depends on %s (%s); it must not depend on %s", path, chain(path), bad)
			}
		}
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
