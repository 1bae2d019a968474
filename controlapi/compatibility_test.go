package controlapi

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestCompatibilityDocListsEveryOperation keeps docs/COMPATIBILITY.md true:
// every operation of the route table has a row, marked supported or not
// supported as the server actually is.
func TestCompatibilityDocListsEveryOperation(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/COMPATIBILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := make(map[string]string)
	for _, m := range regexp.MustCompile(`(?m)^\| (\w+) \| (supported|not supported)`).FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	unsupported := UnsupportedOperations()
	for _, op := range (&Server{}).operations() {
		want := "supported"
		if slices.Contains(unsupported, op.name) {
			want = "not supported"
		}
		if got, ok := rows[op.name]; !ok {
			t.Errorf("docs/COMPATIBILITY.md has no row for %s", op.name)
		} else if got != want {
			t.Errorf("docs/COMPATIBILITY.md says %s is %q; the server has it %q", op.name, got, want)
		}
	}
}
