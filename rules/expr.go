package rules

import (
	"regexp"
	"strings"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// expr is a boolean expression of the rule language.
type expr interface {
	eval(in Input) bool
	ion() ion.Value // the canonical Ion form, for Rule.String
}

// constant is true or false written as an operand of and, or, not.
type constant bool

func (c constant) eval(Input) bool { return bool(c) }
func (c constant) ion() ion.Value  { return ion.Value{Kind: ion.Bool, Bool: bool(c)} }

// logical is (and …) or (or …), which stop at the first operand that decides.
type logical struct {
	op   string // "and" or "or"
	args []expr
}

func (l logical) eval(in Input) bool {
	decisive := l.op == "or" // or is decided by a true operand, and by a false one
	for _, a := range l.args {
		if a.eval(in) == decisive {
			return decisive
		}
	}
	return !decisive
}

func (l logical) ion() ion.Value {
	elems := []ion.Value{symbol(l.op)}
	for _, a := range l.args {
		elems = append(elems, a.ion())
	}
	return sexp(elems...)
}

// negation is (not x).
type negation struct{ arg expr }

func (n negation) eval(in Input) bool { return !n.arg.eval(in) }
func (n negation) ion() ion.Value     { return sexp(symbol("not"), n.arg.ion()) }

// pair is an operator of two positional operands: a comparison (eq, gt,
// gte, lt, lte) or a string test (begins_with, ends_with, contains).
type pair struct {
	op          string
	left, right operand
}

func (b pair) eval(in Input) bool {
	x, okX := b.left.resolve(in)
	y, okY := b.right.resolve(in)
	if !okX || !okY {
		return false
	}
	switch b.op {
	case "begins_with":
		return strings.HasPrefix(x.Text, y.Text)
	case "ends_with":
		return strings.HasSuffix(x.Text, y.Text)
	case "contains":
		return strings.Contains(x.Text, y.Text)
	}
	order, ok := compare(x, y)
	if !ok {
		return false
	}
	switch b.op {
	case "eq":
		return order == 0
	case "gt":
		return order > 0
	case "gte":
		return order >= 0
	case "lt":
		return order < 0
	}
	return order <= 0 // lte
}

func (b pair) ion() ion.Value {
	return sexp(symbol(b.op), b.left.ion(), b.right.ion())
}

// membership is (in x [c1, c2, …]).
type membership struct {
	subject operand
	set     []ion.Value // constants
}

func (m membership) eval(in Input) bool {
	v, ok := m.subject.resolve(in)
	if !ok {
		return false
	}
	for _, c := range m.set {
		if order, ok := compare(v, c); ok && order == 0 {
			return true
		}
	}
	return false
}

func (m membership) ion() ion.Value {
	return sexp(symbol("in"), m.subject.ion(), ion.Value{Kind: ion.List, Elems: m.set})
}

// match is (matches in::x pattern::"re").
type match struct {
	subject operand
	pattern *regexp.Regexp
}

func (m match) eval(in Input) bool {
	v, ok := m.subject.resolve(in)
	return ok && m.pattern.MatchString(v.Text)
}

func (m match) ion() ion.Value {
	return sexp(symbol("matches"),
		named("in", m.subject.ion()),
		named("pattern", ion.Value{Kind: ion.String, Text: m.pattern.String()}))
}

// presence is (exists key::"name").
type presence struct{ key string }

func (p presence) eval(in Input) bool {
	_, ok := in.Context[p.key]
	return ok
}

func (p presence) ion() ion.Value {
	return sexp(symbol("exists"), named("key", ion.Value{Kind: ion.String, Text: p.key}))
}

func symbol(text string) ion.Value { return ion.Value{Kind: ion.Symbol, Text: text} }

func sexp(elems ...ion.Value) ion.Value { return ion.Value{Kind: ion.SExp, Elems: elems} }

// named returns v as the named argument name::v.
func named(name string, v ion.Value) ion.Value {
	v.Annotations = []string{name}
	return v
}
