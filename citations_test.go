package appconfigd_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCitationsResolve reads every Go and Markdown file of the repository
// and checks that each citation of docs/WIRE.md by number (§3.10,
// §6 Q13, §0 fact 11, Appendix B) names a heading WIRE.md has, and that
// each cited docs/*.md file exists: a reader of the code must be able to
// follow every citation inside the repository.
func TestCitationsResolve(t *testing.T) {
	t.Parallel()
	wire, err := os.ReadFile(filepath.Join("docs", "WIRE.md"))
	if err != nil {
		t.Fatal(err)
	}
	// Headings look like "### 3.10 Deployments", "### Q13 …",
	// "## Appendix B — …" and "## 0 Key facts".
	sections := map[string]bool{}
	heading := regexp.MustCompile(`^#+ (Appendix [A-Z]|Q\d+|\d+(?:\.\d+)*)\b`)
	for _, line := range strings.Split(string(wire), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			sections[m[1]] = true
		}
	}
	// A citation: "docs/WIRE.md §4.1", then more sections after commas,
	// "–" ranges or "and": "§4.1–4.2", "§1.5, §3.4", "§6 Q3, §7.2".
	citation := regexp.MustCompile(`docs/WIRE\.md((?:,? (?:and )?(?:§\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?(?: Q\d+)?|Appendix [A-Z]))+)`)
	part := regexp.MustCompile(`§(\d+(?:\.\d+)*)(?:[–-](\d+(?:\.\d+)*))?(?: (Q\d+))?|Appendix ([A-Z])`)
	docRef := regexp.MustCompile(`docs/([A-Z]+)\.md`)
	checked := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range docRef.FindAllStringSubmatch(line, -1) {
				if _, err := os.Stat(filepath.Join("docs", m[1]+".md")); err != nil {
					t.Errorf("%s:%d cites docs/%s.md, which does not exist", path, i+1, m[1])
				}
			}
			for _, c := range citation.FindAllStringSubmatch(line, -1) {
				for _, p := range part.FindAllStringSubmatch(c[1], -1) {
					var want []string
					switch {
					case p[4] != "":
						want = []string{"Appendix " + p[4]}
					case p[3] != "":
						want = []string{p[3]}
					default:
						want = []string{p[1]}
						if p[2] != "" {
							want = append(want, p[2])
						}
					}
					for _, w := range want {
						checked++
						if !sections[w] {
							t.Errorf("%s:%d cites docs/WIRE.md %s, which has no such section", path, i+1, w)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("checked %d citations of docs/WIRE.md; the code has far more, so the pattern is broken", checked)
	}
}
