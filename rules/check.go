package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// operatorList names every operator, for the message about an unknown one.
const operatorList = "eq, gt, gte, lt, lte, and, or, not, begins_with, ends_with, contains, in, matches, exists, split"

// parseExpression type-checks the s-expression v (docs/WIRE.md §4.3).
func parseExpression(v ion.Value) (expr, error) {
	if len(v.Annotations) > 0 {
		return nil, errorf(v.Offset, "an expression cannot be annotated (%s::)", v.Annotations[0])
	}
	if len(v.Elems) == 0 {
		return nil, errorf(v.Offset, "empty s-expression; expected an operator such as eq")
	}
	head := v.Elems[0]
	if head.Kind != ion.Symbol || len(head.Annotations) > 0 {
		return nil, errorf(head.Offset, "an s-expression starts with an operator such as eq, not %s", describe(head))
	}
	op, args := head.Text, v.Elems[1:]
	switch op {
	case "eq", "gt", "gte", "lt", "lte":
		return parseComparison(v, op, args)
	case "and", "or":
		return parseLogical(v, op, args)
	case "not":
		if err := arity(v, op, args, 1); err != nil {
			return nil, err
		}
		arg, err := parseCondition(op, 1, args[0])
		return negation{arg: arg}, err
	case "begins_with", "ends_with", "contains":
		return parseStringTest(v, op, args)
	case "in":
		return parseMembership(v, args)
	case "matches":
		return parseMatch(v, args)
	case "exists":
		return parsePresence(v, args)
	case "split":
		return parseDivision(v, args)
	}
	return nil, errorf(head.Offset, "unknown operator %q; the operators are %s", op, operatorList)
}

// parseCondition type-checks operand i of a logical operator: an expression,
// or true or false.
func parseCondition(op string, i int, v ion.Value) (expr, error) {
	switch {
	case v.Kind == ion.SExp:
		return parseExpression(v)
	case v.Kind == ion.Bool && len(v.Annotations) == 0:
		return constant(v.Bool), nil
	}
	return nil, errorf(v.Offset, `operand %d of %q must be an expression such as (eq $country "US"), or true or false, not %s`, i, op, describe(v))
}

func parseLogical(v ion.Value, op string, args []ion.Value) (expr, error) {
	if len(args) < 2 {
		return nil, errorf(v.Offset, "operator %q takes 2 or more operands, got %d", op, len(args))
	}
	l := logical{op: op}
	for i, a := range args {
		arg, err := parseCondition(op, i+1, a)
		if err != nil {
			return nil, err
		}
		l.args = append(l.args, arg)
	}
	return l, nil
}

func parseComparison(v ion.Value, op string, args []ion.Value) (expr, error) {
	left, right, err := parseOperandPair(v, op, args)
	if err != nil {
		return nil, err
	}
	ordering := op != "eq"
	for _, o := range []operand{left, right} {
		if ordering && !o.isRef && o.lit.Kind == ion.Bool {
			return nil, errorf(v.Offset, "operator %q cannot order booleans; use eq", op)
		}
	}
	if !left.isRef && !right.isRef && class(left.lit) != class(right.lit) {
		return nil, errorf(v.Offset, "operator %q cannot compare a %s with a %s", op, class(left.lit), class(right.lit))
	}
	return pair{op: op, left: left, right: right}, nil
}

func parseStringTest(v ion.Value, op string, args []ion.Value) (expr, error) {
	subject, affix, err := parseOperandPair(v, op, args)
	if err != nil {
		return nil, err
	}
	for i, o := range []operand{subject, affix} {
		if !o.isRef && o.lit.Kind != ion.String {
			return nil, errorf(args[i].Offset, "operand %d of %q must be a string or a context value, not %s", i+1, op, describe(args[i]))
		}
	}
	return pair{op: op, left: subject, right: affix}, nil
}

// parseOperandPair type-checks the two positional operands of op.
func parseOperandPair(v ion.Value, op string, args []ion.Value) (operand, operand, error) {
	if err := arity(v, op, args, 2); err != nil {
		return operand{}, operand{}, err
	}
	left, err := parseOperand(nth(op, 1), args[0])
	if err != nil {
		return operand{}, operand{}, err
	}
	right, err := parseOperand(nth(op, 2), args[1])
	return left, right, err
}

func parseMembership(v ion.Value, args []ion.Value) (expr, error) {
	if err := arity(v, "in", args, 2); err != nil {
		return nil, err
	}
	subject, err := parseOperand(nth("in", 1), args[0])
	if err != nil {
		return nil, err
	}
	set := args[1]
	if set.Kind != ion.List {
		return nil, errorf(set.Offset, `operand 2 of "in" must be a list of constants such as ["a", "b"], not %s`, describe(set))
	}
	m := membership{subject: subject}
	for _, e := range set.Elems {
		c, err := parseOperand(`an element of the list of "in"`, e)
		if err != nil {
			return nil, err
		}
		if c.isRef {
			return nil, errorf(e.Offset, `the list of "in" holds constants only, not context values ($%s)`, c.key)
		}
		if !subject.isRef && class(subject.lit) != class(c.lit) {
			return nil, errorf(e.Offset, `operator "in" cannot compare a %s with a %s`, class(subject.lit), class(c.lit))
		}
		m.set = append(m.set, c.lit)
	}
	return m, nil
}

func parseMatch(v ion.Value, args []ion.Value) (expr, error) {
	named, err := namedArguments(v, "matches", args, []string{"in", "pattern"}, nil)
	if err != nil {
		return nil, err
	}
	subject, err := parseOperand(`in:: of "matches"`, named["in"])
	if err != nil {
		return nil, err
	}
	if !subject.isRef && subject.lit.Kind != ion.String {
		return nil, errorf(named["in"].Offset, `in:: of "matches" must be a string or a context value, not %s`, describe(named["in"]))
	}
	pattern := named["pattern"]
	if pattern.Kind != ion.String {
		return nil, errorf(pattern.Offset, `pattern:: of "matches" must be a string, not %s`, describe(pattern))
	}
	re, err := regexp.Compile(pattern.Text)
	if err != nil {
		return nil, errorf(pattern.Offset, `pattern:: of "matches" is not a valid regular expression (RE2 syntax, which has no look-around or back-references): %v`, err)
	}
	return match{subject: subject, pattern: re}, nil
}

func parsePresence(v ion.Value, args []ion.Value) (expr, error) {
	named, err := namedArguments(v, "exists", args, []string{"key"}, nil)
	if err != nil {
		return nil, err
	}
	key := named["key"]
	if key.Kind != ion.String {
		return nil, errorf(key.Offset, `key:: of "exists" must be a string naming a context key, such as key::"country", not %s`, describe(key))
	}
	return presence{key: key.Text}, nil
}

func parseDivision(v ion.Value, args []ion.Value) (expr, error) {
	named, err := namedArguments(v, "split", args, []string{"by", "pct"}, []string{"seed"})
	if err != nil {
		return nil, err
	}
	by, ok := contextKey(named["by"])
	if !ok {
		return nil, errorf(named["by"].Offset, `by:: of "split" must be a context value such as $userId, not %s`, describe(named["by"]))
	}
	pct := named["pct"]
	if !isNumber(pct) || !(number(pct) >= 0 && number(pct) <= 100) {
		return nil, errorf(pct.Offset, `pct:: of "split" must be a number from 0 to 100, not %s`, describe(pct))
	}
	d := division{by: by, pct: literal(pct)}
	if seed, ok := named["seed"]; ok {
		if seed.Kind != ion.String {
			return nil, errorf(seed.Offset, `seed:: of "split" must be a string such as seed::"2025.01.01", not %s`, describe(seed))
		}
		d.seed, d.hasSeed = seed.Text, true
	}
	return d, nil
}

// arity checks that op has exactly n operands, none of them named.
func arity(v ion.Value, op string, args []ion.Value, n int) error {
	if len(args) != n {
		return errorf(v.Offset, "operator %q takes %d %s, got %d", op, n, plural(n, "operand"), len(args))
	}
	for _, a := range args {
		if len(a.Annotations) > 0 {
			return errorf(a.Offset, "operator %q takes no named arguments, but got %s::; only matches, exists and split do", op, a.Annotations[0])
		}
	}
	return nil
}

// namedArguments checks that every operand of op is a named argument
// (name::value), each name one of required or optional and given once, and
// that every required name is there. It returns the values by name, without
// their annotation.
func namedArguments(v ion.Value, op string, args []ion.Value, required, optional []string) (map[string]ion.Value, error) {
	names := append(slices.Clone(required), optional...)
	list := strings.Join(names, ":: ") + "::"
	got := make(map[string]ion.Value, len(args))
	for _, a := range args {
		if len(a.Annotations) != 1 {
			return nil, errorf(a.Offset, "operator %q takes the named arguments %s, as in name::value; got %s", op, list, describe(a))
		}
		name := a.Annotations[0]
		if !slices.Contains(names, name) {
			return nil, errorf(a.Offset, "operator %q has no argument %s::; it takes %s", op, name, list)
		}
		if _, dup := got[name]; dup {
			return nil, errorf(a.Offset, "operator %q got %s:: twice", op, name)
		}
		a.Annotations = nil
		got[name] = a
	}
	for _, n := range required {
		if _, ok := got[n]; !ok {
			return nil, errorf(v.Offset, "operator %q needs %s::", op, n)
		}
	}
	return got, nil
}

// parseOperand type-checks an unannotated operand: a context value or a
// scalar literal. where names the operand in messages.
func parseOperand(where string, v ion.Value) (operand, error) {
	if len(v.Annotations) > 0 {
		return operand{}, errorf(v.Offset, "%s: annotation %s:: is not allowed here", where, v.Annotations[0])
	}
	if key, ok := contextKey(v); ok {
		return operand{key: key, isRef: true}, nil
	}
	switch {
	case v.Kind == ion.Symbol && v.Text == "$":
		return operand{}, errorf(v.Offset, "%s: a context value needs a key after the $, as in $country", where)
	case v.Kind == ion.Symbol:
		return operand{}, errorf(v.Offset, `%s: unexpected symbol %s; write strings in double quotes and context values with $, as in "%s" or $%s`,
			where, ion.AppendSymbol(nil, v.Text), v.Text, v.Text)
	case isScalar(v):
		return operand{lit: literal(v)}, nil
	case v.Kind == ion.List:
		return operand{}, errorf(v.Offset, `%s: a list is allowed only as the second operand of "in"`, where)
	}
	return operand{}, errorf(v.Offset, "%s must be a value or a context value such as $country, not %s", where, describe(v))
}

// isScalar reports whether v is a literal the rule language knows.
func isScalar(v ion.Value) bool {
	switch v.Kind {
	case ion.String, ion.Int, ion.Decimal, ion.Float, ion.Timestamp, ion.Bool:
		return true
	}
	return false
}

// contextKey returns the key of a context value, $key.
func contextKey(v ion.Value) (string, bool) {
	key, ok := strings.CutPrefix(v.Text, "$")
	return key, ok && key != "" && v.Kind == ion.Symbol && len(v.Annotations) == 0
}

// nth names positional operand i (1-based) of op.
func nth(op string, i int) string { return fmt.Sprintf("operand %d of %q", i, op) }

// literal returns v without its source position, so that rules parsed from
// different texts compare equal.
func literal(v ion.Value) ion.Value {
	v.Offset = 0
	v.Annotations = nil
	return v
}

// describe names v for an error message, quoting at most 40 characters of
// it.
func describe(v ion.Value) string {
	text := []rune(string(ion.AppendValue(nil, v)))
	if len(text) > 40 {
		text = append(text[:37], []rune("...")...)
	}
	switch v.Kind {
	case ion.Null:
		return "null"
	case ion.SExp:
		return "an expression " + string(text)
	}
	return fmt.Sprintf("%s %s", article(v.Kind.String()), string(text))
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
