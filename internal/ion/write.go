package ion

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AppendValue appends the canonical Ion text of v to dst: annotations as
// a::, lists as [a,b], s-expressions as (a b), structs as {name:value},
// strings as "…", symbols bare when they can be, floats in their shortest
// form. Parse reads the text back to a Value equal to v (but for Offset)
// whenever v came from Parse. The text is compact, so that it is seldom
// longer than the source it was parsed from: rules must fit a length limit
// both as written and as this package writes them (docs/WIRE.md §4.1, §4.2).
//
// The output is always valid Ion, whatever v holds. A Decimal or Timestamp
// whose Text is not a literal of its kind is written from Float or Time;
// when that cannot be written either (a NaN decimal, a year outside
// 1..9999) it becomes null.decimal or null.timestamp. A Kind this package
// does not know is written as null.
func AppendValue(dst []byte, v Value) []byte {
	for _, a := range v.Annotations {
		dst = AppendSymbol(dst, a)
		dst = append(dst, "::"...)
	}
	switch v.Kind {
	case Bool:
		return strconv.AppendBool(dst, v.Bool)
	case Int:
		return strconv.AppendInt(dst, v.Int, 10)
	case Decimal:
		return appendDecimal(dst, v)
	case Float:
		return appendFloat(dst, v.Float)
	case Timestamp:
		return appendTimestamp(dst, v)
	case String:
		return AppendString(dst, v.Text)
	case Symbol:
		return AppendSymbol(dst, v.Text)
	case List:
		return appendSequence(append(dst, '['), v.Elems, ",", ']')
	case SExp:
		return appendSequence(append(dst, '('), v.Elems, " ", ')')
	case Struct:
		dst = append(dst, '{')
		for i, f := range v.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendSymbol(dst, f.Name)
			dst = append(dst, ':')
			dst = AppendValue(dst, f.Value)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// appendSequence writes the elements of a list or s-expression, then end.
// In an s-expression, operator symbols are written bare: (a + b).
func appendSequence(dst []byte, elems []Value, sep string, end byte) []byte {
	for i, e := range elems {
		if i > 0 {
			dst = append(dst, sep...)
		}
		if end == ')' && e.Kind == Symbol && len(e.Annotations) == 0 && isOperator(e.Text) {
			dst = append(dst, e.Text...)
		} else {
			dst = AppendValue(dst, e)
		}
	}
	return append(dst, end)
}

// appendDecimal writes Text when it is a decimal literal, else Float in
// decimal notation (1.5, 1d+21, 100d0).
func appendDecimal(dst []byte, v Value) []byte {
	if lit, msg := parseNumber(v.Text); msg == "" && lit.Kind == Decimal {
		return append(dst, v.Text...)
	}
	if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
		return append(dst, "null.decimal"...)
	}
	s := strconv.FormatFloat(v.Float, 'g', -1, 64)
	if strings.ContainsRune(s, 'e') {
		return append(dst, strings.Replace(s, "e", "d", 1)...)
	}
	if !strings.ContainsRune(s, '.') {
		s += "d0"
	}
	return append(dst, s...)
}

// appendFloat writes f so that it reads back as the same float64: the
// shortest digits with an e exponent, which is what makes it a float and not
// a decimal, in the shorter of plain (12e0) and scientific (1e5) notation.
func appendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "+inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if strings.ContainsRune(s, 'e') {
		s = trimExponent(s)
	} else {
		s += "e0"
	}
	if sci := trimExponent(strconv.FormatFloat(f, 'e', -1, 64)); len(sci) < len(s) {
		s = sci
	}
	return append(dst, s...)
}

// trimExponent drops the + sign and leading zeros of the exponent of a
// number Go formatted: 1e+05 → 1e5, 1e-07 → 1e-7.
func trimExponent(s string) string {
	mantissa, exponent, _ := strings.Cut(s, "e")
	sign := ""
	if strings.HasPrefix(exponent, "-") {
		sign = "-"
	}
	digits := strings.TrimLeft(exponent, "+-0")
	if digits == "" {
		digits = "0"
	}
	return mantissa + "e" + sign + digits
}

// appendTimestamp writes Text when it is a timestamp literal, else Time with
// nanosecond precision.
func appendTimestamp(dst []byte, v Value) []byte {
	if isTimestampStart(v.Text) {
		if _, msg := parseTimestamp(v.Text); msg == "" {
			return append(dst, v.Text...)
		}
	}
	t := v.Time
	if _, offset := t.Zone(); offset%60 != 0 {
		t = t.UTC() // Ion offsets are whole minutes
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return append(dst, "null.timestamp"...)
	}
	return t.AppendFormat(dst, "2006-01-02T15:04:05.999999999Z07:00")
}

// AppendSymbol appends s as a symbol: a bare identifier when that reads back
// as s, else a 'quoted symbol'. Keywords (null, true, false, nan), symbol IDs
// ($10) and version markers ($ion_1_0) are quoted.
func AppendSymbol(dst []byte, s string) []byte {
	if isIdentifier(s) {
		return append(dst, s...)
	}
	dst = append(dst, '\'')
	dst = appendEscaped(dst, s, '\'')
	return append(dst, '\'')
}

// AppendLongString appends s as a long string, between triple single quotes,
// escaping \, every single quote and control characters, so that s can hold
// anything, JSON included.
func AppendLongString(dst []byte, s string) []byte {
	dst = append(dst, "'''"...)
	dst = appendEscaped(dst, s, '\'')
	return append(dst, "'''"...)
}

// AppendString appends s as a short string, "…".
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s, '"')
	return append(dst, '"')
}

// appendEscaped appends s with quote, \ and control characters escaped.
// Invalid UTF-8 in s is written as U+FFFD, since Ion text is UTF-8.
func appendEscaped(dst []byte, s string, quote byte) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == rune(quote) || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20 && shortEscape(r) != 0:
			dst = append(dst, '\\', shortEscape(r))
		case r < 0x20:
			dst = append(dst, `\x`...)
			dst = append(dst, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&0xF])
		default:
			dst = utf8.AppendRune(dst, r) // RuneError for invalid bytes
		}
	}
	return dst
}

// shortEscape returns the letter of Ion's one-letter escape for the control
// character r, or 0 when it has none.
func shortEscape(r rune) byte {
	switch r {
	case 0:
		return '0'
	case '\a':
		return 'a'
	case '\b':
		return 'b'
	case '\t':
		return 't'
	case '\n':
		return 'n'
	case '\v':
		return 'v'
	case '\f':
		return 'f'
	case '\r':
		return 'r'
	}
	return 0
}
