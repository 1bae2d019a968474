package ion

import (
	"strconv"
	"strings"
)

// number reads an int, decimal, float or timestamp; p.pos is at its first
// character (a digit, or - before a digit).
func (p *parser) number() (Value, error) {
	start := p.pos
	for !p.eof() && isNumberChar(p.src[p.pos]) {
		p.pos++
	}
	if !p.numericStopAt(p.pos) {
		return Value{}, p.unexpected("after a number")
	}
	text := p.src[start:p.pos]
	if isTimestampStart(text) {
		t, msg := parseTimestamp(text)
		if msg != "" {
			return Value{}, p.errAt(start, "invalid timestamp %s: %s", text, msg)
		}
		return Value{Kind: Timestamp, Text: ionTimestampText(text), Time: t}, nil
	}
	v, msg := parseNumber(text)
	if msg != "" {
		return Value{}, p.errAt(start, "invalid number %s: %s", text, msg)
	}
	return v, nil
}

// isNumberChar reports whether c can occur in a number or timestamp.
func isNumberChar(c byte) bool {
	return isIdentifierPart(c) && c != '$' || strings.IndexByte(".+-:", c) >= 0
}

// isTimestampStart reports whether text starts like a timestamp: four digits
// of a year, then - or T.
func isTimestampStart(text string) bool {
	return len(text) > 4 && isDigits(text[:4]) && (text[4] == '-' || text[4] == 'T')
}

// parseNumber parses an Ion int, decimal or float literal, or says what is
// wrong with it.
func parseNumber(text string) (Value, string) {
	sign, body := "", text
	if strings.HasPrefix(body, "-") {
		sign, body = "-", body[1:]
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		return parseRadixInt(sign, body[2:], 16)
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B') {
		return parseRadixInt(sign, body[2:], 2)
	}
	end, msg := scanDigits(body, 0, 10)
	if msg != "" {
		return Value{}, msg
	}
	if body[0] == '0' && end > 1 {
		return Value{}, "leading zeros are not allowed"
	}
	kind := Int
	if end < len(body) && body[end] == '.' {
		kind = Decimal
		end++
		if end < len(body) && isDigit(body[end]) {
			if end, msg = scanDigits(body, end, 10); msg != "" {
				return Value{}, msg
			}
		}
	}
	if end < len(body) && strings.IndexByte("eEdD", body[end]) >= 0 {
		kind = Decimal
		if body[end] == 'e' || body[end] == 'E' {
			kind = Float
		}
		end++
		if end < len(body) && (body[end] == '+' || body[end] == '-') {
			end++
		}
		if end, msg = scanDigits(body, end, 10); msg != "" {
			return Value{}, "exponent: " + msg
		}
	}
	if end != len(body) {
		return Value{}, "unexpected " + strconv.Quote(body[end:])
	}
	clean := sign + strings.ReplaceAll(body, "_", "")
	switch kind {
	case Int:
		n, err := strconv.ParseInt(clean, 10, 64)
		if err != nil {
			return Value{}, "integer out of range"
		}
		return Value{Kind: Int, Int: n}, ""
	case Float:
		return Value{Kind: Float, Float: parseFloat(clean)}, ""
	}
	f := parseFloat(strings.NewReplacer("d", "e", "D", "e").Replace(clean))
	return Value{Kind: Decimal, Float: f, Text: text}, ""
}

// parseRadixInt parses the digits of a 0x or 0b integer.
func parseRadixInt(sign, digits string, base int) (Value, string) {
	end, msg := scanDigits(digits, 0, base)
	if msg != "" {
		return Value{}, msg
	}
	if end != len(digits) {
		return Value{}, "unexpected " + strconv.Quote(digits[end:])
	}
	n, err := strconv.ParseInt(sign+strings.ReplaceAll(digits, "_", ""), base, 64)
	if err != nil {
		return Value{}, "integer out of range"
	}
	return Value{Kind: Int, Int: n}, ""
}

// scanDigits returns the end of the run of digits in base starting at i.
// An underscore may separate two digits, nowhere else.
func scanDigits(s string, i, base int) (int, string) {
	if i >= len(s) || !isDigitIn(s[i], base) {
		return i, "expected a digit"
	}
	for i < len(s) {
		switch {
		case isDigitIn(s[i], base):
			i++
		case s[i] == '_' && i+1 < len(s) && isDigitIn(s[i+1], base):
			i += 2
		case s[i] == '_':
			return i, "_ must separate two digits"
		default:
			return i, ""
		}
	}
	return i, ""
}

func isDigitIn(c byte, base int) bool {
	switch base {
	case 2:
		return c == '0' || c == '1'
	case 16:
		return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f'
	}
	return isDigit(c)
}

// parseFloat parses a literal already checked against Ion's grammar. Ion
// rounds to the nearest float64; a magnitude beyond its range becomes ±inf.
func parseFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64) // the only possible error is ErrRange, with f = ±Inf or 0 as Ion wants
	return f
}
