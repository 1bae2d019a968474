package featureflag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// kind is the JSON type of a node.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String names the kind the way reasons mention it ("got array").
func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// article returns the kind with its indefinite article ("an array").
func (k kind) article() string {
	if k == kindArray || k == kindObject {
		return "an " + k.String()
	}
	return "a " + k.String()
}

// node is one JSON value that remembers what encoding/json forgets: member
// order, duplicate member names, the exact text of numbers and where in the
// source it sits. Validation needs the first two for AWS-like problems,
// Stamp needs the offsets to edit a document without reformatting it.
type node struct {
	kind    kind
	boolean bool
	text    string // string contents, or the literal text of a number
	elems   []*node
	members []member
	// start and end delimit the value in the source, [start, end).
	start, end int
}

// member is one name/value pair of an object.
type member struct {
	name  string
	value *node
}

// get returns the value of the first member called name, or nil.
func (n *node) get(name string) *node {
	for _, m := range n.members {
		if m.name == name {
			return m.value
		}
	}
	return nil
}

// syntaxError is a document that is not JSON.
type syntaxError struct {
	offset int64
	msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("not valid JSON at offset %d: %s", e.offset, e.msg)
}

// parseJSON reads exactly one JSON value. It checks the syntax with
// encoding/json first, so the tree builder below only ever sees valid JSON.
func parseJSON(src []byte) (*node, error) {
	if err := checkSyntax(src); err != nil {
		return nil, err
	}
	p := treeParser{src: src}
	n := p.value()
	return n, nil
}

// checkSyntax reports the first syntax error of src with its offset.
func checkSyntax(src []byte) error {
	if json.Valid(src) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		// One value decoded, so something follows it.
		return &syntaxError{offset: dec.InputOffset(), msg: "data after the top-level value"}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &syntaxError{offset: se.Offset, msg: se.Error()}
	}
	return &syntaxError{offset: int64(len(src)), msg: "unexpected end of input"}
}

// treeParser builds a node tree from syntactically valid JSON.
type treeParser struct {
	src []byte
	pos int
}

func (p *treeParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *treeParser) value() *node {
	p.skipSpace()
	n := &node{start: p.pos}
	switch c := p.src[p.pos]; {
	case c == '{':
		n.kind = kindObject
		p.pos++
		p.skipSpace()
		for p.src[p.pos] != '}' {
			name := p.string()
			p.skipSpace()
			p.pos++ // ':'
			n.members = append(n.members, member{name: name, value: p.value()})
			p.skipSpace()
			if p.src[p.pos] == ',' {
				p.pos++
				p.skipSpace()
			}
		}
		p.pos++
	case c == '[':
		n.kind = kindArray
		p.pos++
		p.skipSpace()
		for p.src[p.pos] != ']' {
			n.elems = append(n.elems, p.value())
			p.skipSpace()
			if p.src[p.pos] == ',' {
				p.pos++
			}
		}
		p.pos++
	case c == '"':
		n.kind = kindString
		n.text = p.string()
	case c == 't':
		n.kind, n.boolean = kindBool, true
		p.pos += len("true")
	case c == 'f':
		n.kind = kindBool
		p.pos += len("false")
	case c == 'n':
		n.kind = kindNull
		p.pos += len("null")
	default:
		n.kind = kindNumber
		for p.pos < len(p.src) && strings.IndexByte("+-.0123456789eE", p.src[p.pos]) >= 0 {
			p.pos++
		}
		n.text = string(p.src[n.start:p.pos])
	}
	n.end = p.pos
	return n
}

// string reads a string literal at p.pos and returns its contents.
func (p *treeParser) string() string {
	start := p.pos
	p.pos++
	escaped := false
	for p.src[p.pos] != '"' {
		if p.src[p.pos] == '\\' {
			escaped = true
			p.pos++
		}
		p.pos++
	}
	p.pos++
	lit := p.src[start:p.pos]
	if !escaped && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1])
	}
	// Escapes and invalid UTF-8 (which becomes U+FFFD) are encoding/json's
	// business; the literal is known to be valid.
	var s string
	_ = json.Unmarshal(lit, &s)
	return s
}
