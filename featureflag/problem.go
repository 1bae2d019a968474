package featureflag

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ProblemType is the Type of every Problem this package reports: the
// profile type whose rules the document broke. AWS does not document the
// values of InvalidConfigurationDetail.Type.
const ProblemType = "AWS.AppConfig.FeatureFlags"

// MaxProblems caps ValidationError.Problems. A document broken everywhere
// would otherwise produce an error response as large as the document.
const MaxProblems = 20

// maxProblemValue bounds Problem.Value, which quotes the offending JSON.
const maxProblemValue = 256

// Problem is one thing wrong with a deployment-time document. Its fields
// map one to one onto AWS's InvalidConfigurationDetail (docs/WIRE.md §3.4):
// Location is a dotted path such as "values.ui_refresh._variants[1].rule"
// ("" for the document as a whole; a missing member is located where it
// belongs), Reason says what is wrong in plain words and Value quotes the
// offending JSON, shortened. Constraint names the rule that was broken: the
// JSON Schema keyword where the flag schema of docs/WIRE.md §4.1 has one ("type",
// "required", "enum", "pattern", "format", "maxLength", "maxItems",
// "maxProperties", "minimum", "maximum", "additionalProperties", "not"),
// else one of "syntax" (not JSON), "duplicate" (a repeated member name),
// "flags" (a value of an undefined flag), "attributes" (a value of an
// undeclared attribute), "reserved" (an attribute named enabled), "rule"
// (a rule that does not parse), "unique" (a repeated variant name) and
// "defaultVariant" (the default variant missing or not last).
type Problem struct {
	Location, Reason, Constraint, Type, Value string
}

// ValidationError lists every problem found in a deployment-time document,
// at most MaxProblems of them, in document order.
type ValidationError struct {
	Problems []Problem
}

// Error names the first problem and counts the rest, on one line.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid feature flag document"
	}
	p := e.Problems[0]
	var b strings.Builder
	if p.Location != "" {
		b.WriteString(p.Location)
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	if n := len(e.Problems) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more problem%s)", n, plural(n))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// problems collects Problems up to MaxProblems.
type problems struct {
	list []Problem
}

// full reports whether no further problem would be kept, so validation can
// stop early.
func (ps *problems) full() bool { return len(ps.list) >= MaxProblems }

// add records a problem about the value v (nil when the value is missing)
// at path.
func (ps *problems) add(path string, v *node, src []byte, constraint, format string, args ...any) {
	if ps.full() {
		return
	}
	p := Problem{Location: path, Constraint: constraint, Type: ProblemType, Reason: fmt.Sprintf(format, args...)}
	if v != nil {
		p.Value = quoteValue(src[v.start:v.end])
	}
	ps.list = append(ps.list, p)
}

// err returns the collected problems as a *ValidationError, or nil.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list}
}

// quoteValue returns raw JSON shortened to maxProblemValue bytes at a rune
// boundary, with an ellipsis when cut.
func quoteValue(raw []byte) string {
	if len(raw) <= maxProblemValue {
		return string(raw)
	}
	cut := maxProblemValue
	for cut > 0 && !utf8.RuneStart(raw[cut]) {
		cut--
	}
	return string(raw[:cut]) + "…"
}

// memberPath is the location of member name inside the object at path.
func memberPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// elemPath is the location of element i of the array at path.
func elemPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// describe names a value for a reason: its JSON kind, and for scalars the
// value itself ("string \"TRACE\"", "number 7", "array").
func describe(v *node, src []byte) string {
	switch v.kind {
	case kindObject, kindArray, kindNull:
		return v.kind.String()
	}
	return v.kind.String() + " " + quoteValue(src[v.start:v.end])
}
