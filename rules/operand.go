package rules

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// operand is a context value ($key) or a literal.
type operand struct {
	key   string // context key, when isRef
	isRef bool
	lit   ion.Value // String, Int, Decimal, Float, Timestamp or Bool, without annotations
}

// resolve returns the operand's value: the literal, or the context value as
// a String. It reports false when the context has no such key.
func (o operand) resolve(in Input) (ion.Value, bool) {
	if !o.isRef {
		return o.lit, true
	}
	v, ok := in.Context[o.key]
	return ion.Value{Kind: ion.String, Text: v}, ok
}

func (o operand) ion() ion.Value {
	if o.isRef {
		return symbol("$" + o.key)
	}
	return o.lit
}

// compare orders a and b. A string meeting a number, timestamp or boolean is
// converted to that type first (context values are strings). It reports
// false when the two cannot be compared: a conversion failed, or a NaN is
// involved.
func compare(a, b ion.Value) (int, bool) {
	var ok bool
	switch {
	case a.Kind == ion.String && b.Kind == ion.String:
		return strings.Compare(a.Text, b.Text), true
	case a.Kind == ion.String:
		if a, ok = convert(a.Text, b.Kind); !ok {
			return 0, false
		}
	case b.Kind == ion.String:
		if b, ok = convert(b.Text, a.Kind); !ok {
			return 0, false
		}
	}
	switch {
	case a.Kind == ion.Int && b.Kind == ion.Int:
		return cmp.Compare(a.Int, b.Int), true
	case isNumber(a) && isNumber(b):
		x, y := number(a), number(b)
		return cmp.Compare(x, y), !math.IsNaN(x) && !math.IsNaN(y)
	case a.Kind == ion.Timestamp && b.Kind == ion.Timestamp:
		return a.Time.Compare(b.Time), true
	case a.Kind == ion.Bool && b.Kind == ion.Bool:
		return cmp.Compare(boolRank(a.Bool), boolRank(b.Bool)), true
	}
	return 0, false
}

// convert reads the context value s as a value of kind.
func convert(s string, kind ion.Kind) (ion.Value, bool) {
	switch kind {
	case ion.Int, ion.Decimal, ion.Float:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return ion.Value{Kind: ion.Int, Int: n}, true
		}
		if !isDecimalNotation(s) {
			return ion.Value{}, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return ion.Value{Kind: ion.Float, Float: f}, err == nil
	case ion.Timestamp:
		t, err := ion.ParseTimestamp(s)
		if err != nil && (len(s) == 4 || len(s) == 7) {
			t, err = ion.ParseTimestamp(s + "T") // W3C's YYYY and YYYY-MM
		}
		return ion.Value{Kind: ion.Timestamp, Time: t}, err == nil
	case ion.Bool:
		switch {
		case strings.EqualFold(s, "true"):
			return ion.Value{Kind: ion.Bool, Bool: true}, true
		case strings.EqualFold(s, "false"):
			return ion.Value{Kind: ion.Bool}, true
		}
	}
	return ion.Value{}, false
}

// isDecimalNotation reports whether s is a number as JSON and form encoders
// write it: an optional sign, digits with an optional fraction, and an
// optional exponent. It keeps out what strconv.ParseFloat would also accept:
// inf, nan, hex floats and underscores.
func isDecimalNotation(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	mantissa, exponent, hasExponent := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mantissa, ".")
	if whole+frac == "" || !isDigits(whole) || !isDigits(frac) {
		return false
	}
	if hasExponent {
		exponent = strings.TrimPrefix(strings.TrimPrefix(exponent, "+"), "-")
		return exponent != "" && isDigits(exponent)
	}
	return true
}

// isDigits reports whether s holds only ASCII digits (or nothing).
func isDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

func isNumber(v ion.Value) bool {
	return v.Kind == ion.Int || v.Kind == ion.Decimal || v.Kind == ion.Float
}

// number returns a numeric value as a float64.
func number(v ion.Value) float64 {
	if v.Kind == ion.Int {
		return float64(v.Int)
	}
	return v.Float
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// class names the group of literal kinds that compare with each other.
func class(v ion.Value) string {
	switch v.Kind {
	case ion.Int, ion.Decimal, ion.Float:
		return "number"
	case ion.Timestamp:
		return "timestamp"
	case ion.Bool:
		return "boolean"
	}
	return "string"
}
