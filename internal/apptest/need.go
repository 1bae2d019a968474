package apptest

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// InCI reports whether the tests run in CI (CI set to a true value), where
// a missing dependency fails a test instead of skipping it.
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Missing stops a test whose dependency is not there: it fails in CI and
// is skipped elsewhere. why says what is missing and how to provide it.
func Missing(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s; CI must run this test (.ci/run installs what it needs)", why)
	}
	t.Skip(why)
}

// NeedCommand returns the path of the program name, or stops the test
// (see Missing) when it is not on PATH.
func NeedCommand(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not on PATH ("+err.Error()+"); "+install)
	}
	return path
}

// NeedPython returns the path of python3 once it can import module, or
// stops the test (see Missing).
func NeedPython(t testing.TB, module, install string) string {
	t.Helper()
	python := NeedCommand(t, "python3", install)
	if out, err := exec.Command(python, "-c", "import "+module).CombinedOutput(); err != nil {
		Missing(t, "python3 cannot import "+module+" ("+string(out)+"); "+install)
	}
	return python
}
