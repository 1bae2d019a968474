package ion

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// quoted reads a "string" or a 'quoted symbol'; p.pos is at the opening
// quote q. Line breaks must be escaped, as in Ion; what may appear raw is any
// character but q, \ and control characters other than tab, vertical tab and
// form feed.
func (p *parser) quoted(q byte, what string) (string, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errAt(open, "unterminated %s: missing %c", what, q)
		}
		switch c := p.src[p.pos]; {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		case c == '\n' || c == '\r':
			return "", p.errAt(p.pos, "line break in a %s: write it as \\n, or use a long string '''…'''", what)
		case c < 0x20 && c != '\t' && c != '\v' && c != '\f':
			return "", p.errAt(p.pos, "control character U+%04X in a %s must be escaped", c, what)
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// longStrings reads a long string (text between triple single quotes) and
// the long strings that follow it across white space and comments: Ion
// concatenates them into one value.
func (p *parser) longStrings() (string, error) {
	var b strings.Builder
	for {
		if err := p.longString(&b); err != nil {
			return "", err
		}
		save := p.pos
		if p.skipSpace() != nil || !strings.HasPrefix(p.rest(), "'''") {
			p.pos = save
			return b.String(), nil
		}
	}
}

// longString appends the text of one long string to b. Raw line breaks are
// allowed; other control characters must be escaped.
func (p *parser) longString(b *strings.Builder) error {
	open := p.pos
	p.pos += 3
	for {
		if p.eof() {
			return p.errAt(open, "unterminated long string: missing '''")
		}
		switch c := p.src[p.pos]; {
		case strings.HasPrefix(p.rest(), "'''"):
			p.pos += 3
			return nil
		case c == '\\':
			if err := p.escape(b); err != nil {
				return err
			}
		case c < 0x20 && !isSpace(c):
			return p.errAt(p.pos, "control character U+%04X in a long string must be escaped", c)
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// escape decodes the escape sequence at p.pos into b (Ion 1.0 text escapes).
// A backslash before a line break continues the text on the next line.
func (p *parser) escape(b *strings.Builder) error {
	start := p.pos
	p.pos++
	if p.eof() {
		return p.errAt(start, "unterminated escape sequence")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'a':
		b.WriteByte('\a')
	case 'b':
		b.WriteByte('\b')
	case 't':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'f':
		b.WriteByte('\f')
	case 'r':
		b.WriteByte('\r')
	case 'v':
		b.WriteByte('\v')
	case '0':
		b.WriteByte(0)
	case '?', '\'', '"', '/', '\\':
		b.WriteByte(c)
	case '\r':
		if !p.eof() && p.src[p.pos] == '\n' {
			p.pos++
		}
	case '\n':
	case 'x':
		return p.hexEscape(b, start, 2)
	case 'u':
		return p.hexEscape(b, start, 4)
	case 'U':
		return p.hexEscape(b, start, 8)
	default:
		p.pos--
		r, size := utf8.DecodeRuneInString(p.rest())
		p.pos += size
		return p.errAt(start, "invalid escape sequence \\%c", r)
	}
	return nil
}

// hexEscape decodes the n hex digits of \x, \u or \U as a code point. Ion
// refuses surrogate code points, so a UTF-16 surrogate pair written as two
// \u escapes is an error too.
func (p *parser) hexEscape(b *strings.Builder, start, n int) error {
	if len(p.rest()) < n {
		return p.errAt(start, "escape sequence needs %d hex digits", n)
	}
	digits := p.src[p.pos : p.pos+n]
	cp, err := strconv.ParseUint(digits, 16, 32)
	if err != nil {
		return p.errAt(start, "escape sequence needs %d hex digits, got %q", n, digits)
	}
	switch {
	case 0xD800 <= cp && cp <= 0xDFFF:
		return p.errAt(start, "escape of surrogate code point U+%04X is not allowed", cp)
	case cp > utf8.MaxRune:
		return p.errAt(start, "escape of U+%X is beyond the last Unicode code point", cp)
	}
	p.pos += n
	b.WriteRune(rune(cp))
	return nil
}

// keywordOrIdentifier reads an identifier, which may be one of Ion's
// keywords: null (and typed nulls such as null.string), true, false, nan.
func (p *parser) keywordOrIdentifier() (Value, symbolForm, error) {
	start := p.pos
	w := p.word()
	switch w {
	case "null":
		if p.eof() || p.src[p.pos] != '.' {
			return Value{Kind: Null}, notSymbol, nil
		}
		p.pos++
		if t := p.word(); !isNullType(t) {
			return Value{}, notSymbol, p.errAt(start, "unknown typed null null.%s", t)
		}
		return Value{Kind: Null}, notSymbol, nil
	case "true", "false":
		return Value{Kind: Bool, Bool: w == "true"}, notSymbol, nil
	case "nan":
		return Value{Kind: Float, Float: math.NaN()}, notSymbol, nil
	}
	if isSymbolID(w) {
		return Value{}, notSymbol, p.errAt(start, "symbol IDs such as %s are not supported; quote the symbol: '%s'", w, w)
	}
	return Value{Kind: Symbol, Text: w}, identifierForm, nil
}

// word reads the identifier characters at p.pos.
func (p *parser) word() string {
	start := p.pos
	for !p.eof() && isIdentifierPart(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// operator reads a run of operator characters, stopping before a comment.
func (p *parser) operator() string {
	start := p.pos
	for !p.eof() && isOperatorChar(p.src[p.pos]) &&
		!strings.HasPrefix(p.rest(), "//") && !strings.HasPrefix(p.rest(), "/*") {
		p.pos++
	}
	return p.src[start:p.pos]
}

func isIdentifierStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$'
}

func isIdentifierPart(c byte) bool { return isIdentifierStart(c) || isDigit(c) }

func isOperatorChar(c byte) bool { return strings.IndexByte("!#%&*+-./;<=>?@^`|~", c) >= 0 }

// isOperator reports whether s can be written as a bare operator symbol in
// an s-expression: operator characters only, and no comment start.
func isOperator(s string) bool {
	if s == "" || strings.Contains(s, "//") || strings.Contains(s, "/*") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isOperatorChar(s[i]) {
			return false
		}
	}
	return true
}

// isIdentifier reports whether s can be written as a bare symbol.
func isIdentifier(s string) bool {
	if s == "" || !isIdentifierStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentifierPart(s[i]) {
			return false
		}
	}
	return !isKeyword(s) && !isSymbolID(s) && !isVersionMarker(s)
}

func isKeyword(s string) bool {
	return s == "null" || s == "true" || s == "false" || s == "nan"
}

// isSymbolID reports whether s is $ followed by digits, which Ion reads as
// a symbol-table reference rather than as text.
func isSymbolID(s string) bool {
	return strings.HasPrefix(s, "$") && isDigits(s[1:])
}

// isVersionMarker reports whether s has the form $ion_<major>_<minor>.
func isVersionMarker(s string) bool {
	major, minor, ok := strings.Cut(strings.TrimPrefix(s, "$ion_"), "_")
	return ok && strings.HasPrefix(s, "$ion_") && isDigits(major) && isDigits(minor)
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func isNullType(t string) bool {
	switch t {
	case "null", "bool", "int", "float", "decimal", "timestamp", "string",
		"symbol", "blob", "clob", "struct", "list", "sexp":
		return true
	}
	return false
}

func infinity(sign byte) float64 {
	if sign == '-' {
		return math.Inf(-1)
	}
	return math.Inf(1)
}
