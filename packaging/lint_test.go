package packaging

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// There is no Docker engine and no Kubernetes cluster to try the image and
// the example on, so dockerfile_test.go and kubernetes_test.go lint them
// instead, with rules in the spirit of hadolint and kubeconform. Every
// rule is a function that both the test of the shipped file and a test
// feeding it mistakes run: a rule that cannot fail would otherwise pass
// unnoticed.

// containerRule is one lint rule over a parsed file of type T: its name,
// which is its subtest's and starts each of its messages, and a check
// returning one message per mistake, saying where the mistake is.
type containerRule[T any] struct {
	name  string
	check func(T) []string
}

// containerProblems runs rules over x and returns every message, each
// prefixed with its rule's name, so that a caller can tell which rule
// caught a mistake.
func containerProblems[T any](rules []containerRule[T], x T) []string {
	var out []string
	for _, r := range rules {
		for _, msg := range r.check(x) {
			out = append(out, r.name+": "+msg)
		}
	}
	return out
}

// containerImageUnpinned says why the image reference ref is not pinned,
// or returns "": an image without a tag is latest, and latest changes
// under a build or a rollout without anyone deciding it.
func containerImageUnpinned(ref string) string {
	if _, digest, ok := strings.Cut(ref, "@"); ok && digest != "" {
		return ""
	}
	name := ref[strings.LastIndex(ref, "/")+1:] // a registry's :port is no tag
	switch _, tag, ok := strings.Cut(name, ":"); {
	case !ok || tag == "":
		return fmt.Sprintf("got image %q without a tag or digest, which means latest; want a pinned tag", ref)
	case tag == "latest":
		return fmt.Sprintf("got image %q; want a pinned tag or digest, never latest", ref)
	}
	return ""
}

// containerFlag returns the value of the flag name (-name or --name,
// followed by its value or by =value) in argv, or "": the image and the
// example pass the server its port and data directory as flags.
func containerFlag(argv []string, name string) string {
	for i, a := range argv {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimLeft(a, "-")
		if a == name && i+1 < len(argv) {
			return argv[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// containerReadFile returns the file at path, failing the test if it
// cannot be read.
func containerReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}

// containerEdit turns a shipped file's text into a broken one for the
// tests that feed the rules mistakes.
type containerEdit func(t *testing.T, text string) string

// containerReplace is an edit replacing old, which must occur exactly
// once, so that a changed file fails loudly rather than silently leaving
// a case testing nothing.
func containerReplace(old, replacement string) containerEdit {
	return func(t *testing.T, text string) string {
		t.Helper()
		if n := strings.Count(text, old); n != 1 {
			t.Fatalf("the file holds %q %d times; want once, so that the case breaks what it means to", old, n)
		}
		return strings.Replace(text, old, replacement, 1)
	}
}

// containerCutFrom is an edit dropping everything from marker on, which
// must occur in the text.
func containerCutFrom(marker string) containerEdit {
	return func(t *testing.T, text string) string {
		t.Helper()
		before, _, ok := strings.Cut(text, marker)
		if !ok {
			t.Fatalf("the file does not hold %q", marker)
		}
		return before
	}
}

// containerCaught reports whether problems holds a message of rule.
func containerCaught(problems []string, rule string) bool {
	return slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, rule+": ") })
}

// containerRunRules runs each rule over x as a subtest named after it, so
// that a failing file reports every broken rule at once, each under its
// own name, rather than stopping at the first.
func containerRunRules[T any](t *testing.T, rules []containerRule[T], x T) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			for _, msg := range r.check(x) {
				t.Error(msg)
			}
		})
	}
}

// containerLinter is what a mistakes table needs of a linted file: where
// the shipped one is, what messages call it, and the function returning
// its problems together with that function's name, which messages quote.
type containerLinter struct {
	path         string
	file         string
	problemsName string
	problems     func(text string) []string
}

// containerMistake is one case of a mistakes table: the edit making the
// mistake, named by its subtest, and the rule meant to catch it, so that
// a rule catching it only by accident of another does not count.
type containerMistake struct {
	name     string
	edit     containerEdit
	wantRule string
}

// containerCatchesMistakes feeds lint the shipped file with each mistake
// of tests, one parallel subtest each, and asserts the rule meant for it
// catches it; the shipped file must pass first, so that each case shows
// its own mistake rather than one already there.
func containerCatchesMistakes(t *testing.T, lint containerLinter, tests []containerMistake) {
	t.Helper()
	good := containerReadFile(t, lint.path)
	if got := lint.problems(good); len(got) != 0 {
		t.Fatalf("%s(the shipped %s) = %q; want none, so that each case shows its own mistake", lint.problemsName, lint.file, got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := lint.problems(tt.edit(t, good))
			if !containerCaught(got, tt.wantRule) {
				t.Errorf("%s = %q; want a problem from %s", lint.problemsName, got, tt.wantRule)
			}
		})
	}
}
