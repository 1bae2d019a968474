package rules

import (
	"errors"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// MaxLength is the longest rule AWS accepts, in characters (docs/WIRE.md §4.1: the
// variant "rule" member is a string of at most 16384 characters).
const MaxLength = 16384

// MaxDepth is how deeply a rule's s-expressions, lists and structs may
// nest. The retrieval-time document wraps each rule in two lists (wire
// §4.2), and whoever reads it back (the agent, SDK users) must be able to
// parse it with the same reader, so a rule gets two levels fewer than Ion
// text in general.
const MaxDepth = ion.MaxDepth - 2

// Rule is a parsed and type-checked rule, ready to evaluate. Rules are
// immutable and safe for concurrent use.
type Rule struct {
	root expr
}

// Input is what a rule is evaluated against.
type Input struct {
	Context map[string]string // context values, as the Agent receives them in `Context: key=value` headers
	FlagKey string            // the flag being evaluated; seeds split when the rule gives no seed::
}

// Parse parses and type-checks a rule. Errors are *Error.
func Parse(src string) (*Rule, error) {
	if n := utf8.RuneCountInString(src); n > MaxLength {
		return nil, errorf(byteOffsetOfRune(src, MaxLength), "rule is %d characters long; the limit is %d", n, MaxLength)
	}
	vals, err := ion.Parse(src)
	if err != nil {
		offset, msg := 0, err.Error()
		if se := (*ion.SyntaxError)(nil); errors.As(err, &se) {
			offset, msg = se.Offset, se.Msg
		}
		return nil, errorf(offset, "%s", msg)
	}
	switch {
	case len(vals) == 0:
		return nil, errorf(0, `rule is empty; write an s-expression such as (eq $country "US")`)
	case len(vals) > 1:
		return nil, errorf(vals[1].Offset, "a rule is a single s-expression, but another value follows it")
	case vals[0].Kind != ion.SExp:
		return nil, errorf(vals[0].Offset, `a rule is an s-expression such as (eq $country "US"), not %s`, describe(vals[0]))
	}
	if deep, ok := tooDeep(vals[0], 1); ok {
		return nil, errorf(deep.Offset, "rule nests more than %d levels deep", MaxDepth)
	}
	root, err := parseExpression(vals[0])
	if err != nil {
		return nil, err
	}
	r := &Rule{root: root}
	// The canonical text is what travels in retrieval-time documents (wire
	// §4.2) and is parsed again there, so it must fit the limit too. It is
	// longer than the source only when the source leaves out the spaces
	// between the elements of s-expressions, writes tabs or line breaks raw
	// in strings, or writes long integers in hex.
	if n := utf8.RuneCountInString(r.String()); n > MaxLength {
		return nil, errorf(0, "rule is %d characters long in canonical form; the limit is %d", n, MaxLength)
	}
	return r, nil
}

// String returns the canonical Ion text of the rule: operands separated by
// one space, named arguments in the order by::, pct::, seed:: and in::,
// pattern::, literals as written. Parse(r.String()) gives an equal rule.
func (r *Rule) String() string {
	return string(ion.AppendValue(nil, r.root.ion()))
}

// Eval reports whether the rule is true for in.
func (r *Rule) Eval(in Input) bool {
	return r.root.eval(in)
}

// tooDeep returns the first container in v that sits deeper than MaxDepth,
// v itself being at the given depth.
func tooDeep(v ion.Value, depth int) (ion.Value, bool) {
	if v.Kind != ion.List && v.Kind != ion.SExp && v.Kind != ion.Struct {
		return ion.Value{}, false
	}
	if depth > MaxDepth {
		return v, true
	}
	for _, e := range v.Elems {
		if d, ok := tooDeep(e, depth+1); ok {
			return d, true
		}
	}
	for _, f := range v.Fields {
		if d, ok := tooDeep(f.Value, depth+1); ok {
			return d, true
		}
	}
	return ion.Value{}, false
}

// byteOffsetOfRune returns the byte offset of the n-th character (0-based)
// of s.
func byteOffsetOfRune(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
