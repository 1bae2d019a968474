package ion

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDepth is how deeply lists, s-expressions and structs may nest. Deeper
// input is a SyntaxError, so that hostile input cannot exhaust the stack of
// the reader or of anything that walks the values it returns.
const MaxDepth = 64

// Parse reads a stream of top-level Ion text values. Errors are
// *SyntaxError.
func Parse(src string) ([]Value, error) {
	if !utf8.ValidString(src) {
		return nil, newSyntaxError(src, invalidUTF8Offset(src), "invalid UTF-8")
	}
	p := &parser{src: src}
	var vals []Value
	for {
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.eof() {
			return vals, nil
		}
		v, form, err := p.value(false)
		if err != nil {
			return nil, err
		}
		// Only an unannotated identifier at top level is a version marker;
		// '$ion_1_0' and a::$ion_1_0 are ordinary symbols (Ion 1.0 §IVM).
		if form == identifierForm && len(v.Annotations) == 0 && isVersionMarker(v.Text) {
			if v.Text != "$ion_1_0" {
				return nil, p.errAt(v.Offset, "unsupported Ion version marker %s", v.Text)
			}
			continue
		}
		vals = append(vals, v)
	}
}

// parser is the state of one Parse call.
type parser struct {
	src   string
	pos   int
	depth int
}

// symbolForm tells how a value was written when that changes its meaning:
// identifiers and quoted symbols may annotate the next value, and only an
// identifier can be a version marker.
type symbolForm int

const (
	notSymbol symbolForm = iota
	identifierForm
	quotedForm
	operatorForm
)

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) rest() string { return p.src[p.pos:] }

func (p *parser) errAt(offset int, format string, args ...any) *SyntaxError {
	return newSyntaxError(p.src, offset, format, args...)
}

// unexpected reports the character at p.pos.
func (p *parser) unexpected(context string) *SyntaxError {
	if p.eof() {
		return p.errAt(p.pos, "unexpected end of input %s", context)
	}
	r, _ := utf8.DecodeRuneInString(p.rest())
	return p.errAt(p.pos, "unexpected character %q %s", r, context)
}

// skipSpace skips white space and comments.
func (p *parser) skipSpace() error {
	for !p.eof() {
		switch c := p.src[p.pos]; {
		case isSpace(c):
			p.pos++
		case strings.HasPrefix(p.rest(), "//"):
			end := strings.IndexByte(p.rest(), '\n')
			if end < 0 {
				p.pos = len(p.src)
			} else {
				p.pos += end + 1
			}
		case strings.HasPrefix(p.rest(), "/*"):
			end := strings.Index(p.rest()[2:], "*/")
			if end < 0 {
				return p.errAt(p.pos, "unterminated /* comment")
			}
			p.pos += 2 + end + 2
		default:
			return nil
		}
	}
	return nil
}

// value reads one value with its annotations. p.pos is at its first
// character.
func (p *parser) value(inSExp bool) (Value, symbolForm, error) {
	start := p.pos
	var annotations []string
	for {
		v, form, err := p.atom(inSExp)
		if err != nil {
			return Value{}, notSymbol, err
		}
		if (form == identifierForm || form == quotedForm) && p.annotationFollows() {
			annotations = append(annotations, v.Text)
			if err := p.skipSpace(); err != nil {
				return Value{}, notSymbol, err
			}
			if p.eof() {
				return Value{}, notSymbol, p.errAt(p.pos, "expected a value after annotation %q", v.Text)
			}
			continue
		}
		v.Annotations = annotations
		v.Offset = start
		return v, form, nil
	}
}

// annotationFollows consumes the "::" that makes the symbol just read an
// annotation, with any space or comments before it, and reports whether it
// was there.
func (p *parser) annotationFollows() bool {
	save := p.pos
	if p.skipSpace() == nil && strings.HasPrefix(p.rest(), "::") {
		p.pos += 2
		return true
	}
	p.pos = save
	return false
}

// atom reads one unannotated value.
func (p *parser) atom(inSExp bool) (Value, symbolForm, error) {
	rest := p.rest()
	c := rest[0]
	switch {
	case c == '[':
		v, err := p.sequence(List)
		return v, notSymbol, err
	case c == '(':
		v, err := p.sequence(SExp)
		return v, notSymbol, err
	case strings.HasPrefix(rest, "{{"):
		return Value{}, notSymbol, p.errAt(p.pos, "blobs and clobs are not supported")
	case c == '{':
		v, err := p.structure()
		return v, notSymbol, err
	case c == '"':
		s, err := p.quoted('"', "string")
		return Value{Kind: String, Text: s}, notSymbol, err
	case strings.HasPrefix(rest, "'''"):
		s, err := p.longStrings()
		return Value{Kind: String, Text: s}, notSymbol, err
	case c == '\'':
		s, err := p.quoted('\'', "quoted symbol")
		return Value{Kind: Symbol, Text: s}, quotedForm, err
	case isDigit(c) || c == '-' && len(rest) > 1 && isDigit(rest[1]):
		v, err := p.number()
		return v, notSymbol, err
	case (c == '+' || c == '-') && strings.HasPrefix(rest[1:], "inf") && p.numericStopAt(p.pos+4):
		p.pos += 4
		return Value{Kind: Float, Float: infinity(c)}, notSymbol, nil
	case isIdentifierStart(c):
		return p.keywordOrIdentifier()
	case isOperatorChar(c) && inSExp:
		return Value{Kind: Symbol, Text: p.operator()}, operatorForm, nil
	case isOperatorChar(c): // comments were skipped before the value
		return Value{}, notSymbol, p.errAt(p.pos, "operator symbols such as %q are allowed only inside s-expressions", c)
	}
	return Value{}, notSymbol, p.unexpected("where a value was expected")
}

// enter counts one more level of nesting and refuses to go past MaxDepth.
func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(p.pos, "containers nested more than %d deep", MaxDepth)
	}
	return nil
}

// sequence reads a list, [a, b, …], or an s-expression, (a b …), in which
// operator symbols such as + and <= are values.
func (p *parser) sequence(kind Kind) (Value, error) {
	closer, what := byte(']'), "list"
	if kind == SExp {
		closer, what = ')', "s-expression"
	}
	v := Value{Kind: kind}
	err := p.container(closer, what, kind == List, func() error {
		elem, _, err := p.value(kind == SExp)
		v.Elems = append(v.Elems, elem)
		return err
	})
	return v, err
}

// structure reads {name: value, …}.
func (p *parser) structure() (Value, error) {
	v := Value{Kind: Struct}
	err := p.container('}', "struct", true, func() error {
		name, err := p.fieldName()
		if err != nil {
			return err
		}
		if err := p.skipSpace(); err != nil {
			return err
		}
		if strings.HasPrefix(p.rest(), "::") {
			return p.errAt(p.pos, "field names cannot be annotated")
		}
		if p.eof() || p.src[p.pos] != ':' {
			return p.unexpected("after a field name: expected :")
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.eof() {
			return p.unexpected("after a field name: expected a value")
		}
		fv, _, err := p.value(false)
		v.Fields = append(v.Fields, Field{Name: name, Value: fv})
		return err
	})
	return v, err
}

// container reads the elements of a list, s-expression or struct, calling
// element for each; p.pos is at the opening delimiter. In lists and structs
// a comma separates elements, and may follow the last one, as in Ion.
func (p *parser) container(closer byte, what string, commas bool, element func() error) error {
	open := p.pos
	if err := p.enter(); err != nil {
		return err
	}
	p.pos++
	for {
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.eof() {
			return p.errAt(open, "unterminated %s: missing %c", what, closer)
		}
		if p.src[p.pos] == closer {
			break
		}
		if err := element(); err != nil {
			return err
		}
		if !commas {
			continue
		}
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.eof() {
			return p.errAt(open, "unterminated %s: missing %c", what, closer)
		}
		if c := p.src[p.pos]; c == closer {
			break
		} else if c != ',' {
			return p.unexpected(fmt.Sprintf("after an element of a %s: expected , or %c", what, closer))
		}
		p.pos++
	}
	p.pos++
	p.depth--
	return nil
}

// fieldName reads a struct field name: an identifier, a quoted symbol or a
// string.
func (p *parser) fieldName() (string, error) {
	rest := p.rest()
	switch c := rest[0]; {
	case c == '"':
		return p.quoted('"', "string")
	case strings.HasPrefix(rest, "'''"):
		return p.longStrings()
	case c == '\'':
		return p.quoted('\'', "quoted symbol")
	case isIdentifierStart(c):
		start := p.pos
		w := p.word()
		if isKeyword(w) || isSymbolID(w) {
			return "", p.errAt(start, "%s cannot be a field name unless quoted: '%s'", w, w)
		}
		return w, nil
	}
	return "", p.unexpected("where a field name was expected")
}

// numericStopAt reports whether a number or ±inf may end just before i:
// at the end, white space, a delimiter, a quote or a comment (Ion 1.0
// "numeric stop characters").
func (p *parser) numericStopAt(i int) bool {
	if i >= len(p.src) {
		return true
	}
	switch c := p.src[i]; c {
	case '{', '}', '[', ']', '(', ')', ',', '"', '\'':
		return true
	case '/':
		return strings.HasPrefix(p.src[i:], "//") || strings.HasPrefix(p.src[i:], "/*")
	default:
		return isSpace(c)
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
