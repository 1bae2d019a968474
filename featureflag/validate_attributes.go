package featureflag

import (
	"math"
	"regexp"
	"strconv"
	"time"
)

// isDate reports whether s is an RFC 3339 full-date, JSON Schema's "date"
// format (the _deprecation date, docs/WIRE.md §4.1).
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// attributes checks attributeDefinitions: at most 25, keys like flag keys,
// and not "enabled", which AWS reserves because it sits next to the
// attribute values in the retrieval-time format.
func (v *validator) attributes(path string, n *node) []*attribute {
	ms, ok := v.object(path, n)
	if !ok {
		return nil
	}
	if len(ms) > maxAttributes {
		v.add(path, nil, "maxProperties", "has %d attributes; at most %d are allowed", len(ms), maxAttributes)
	}
	var attrs []*attribute
	for _, m := range ms {
		if !v.key(path, m, "attribute") {
			continue
		}
		p := memberPath(path, m.name)
		if m.name == "enabled" {
			v.add(p, nil, "reserved", `"enabled" is reserved and cannot be an attribute name`)
			continue
		}
		attrs = append(attrs, &attribute{name: m.name, constraint: v.attribute(p, m.value)})
	}
	return attrs
}

// attribute checks one attributeDefinition and returns its constraint.
func (v *validator) attribute(path string, n *node) *constraint {
	ms, ok := v.object(path, n)
	if !ok {
		return nil
	}
	var c *constraint
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch m.name {
		case "description":
			v.text(p, m.value, maxDescriptionLength)
		case "constraints":
			c = v.constraint(p, m.value, false)
		default:
			v.unknown(path, m, "description, constraints")
		}
	}
	return c
}

// constraintMembers lists the members each constraint type allows.
var constraintMembers = map[string]string{
	"number":  "type, required, minimum, maximum",
	"string":  "type, required, pattern, enum",
	"array":   "type, required, elements",
	"boolean": "type, required",
}

// constraint checks a constraints object: one of number, string, array and
// boolean constraints, or for array elements one of number and string.
func (v *validator) constraint(path string, n *node, element bool) *constraint {
	ms, ok := v.object(path, n)
	if !ok {
		return nil
	}
	c := &constraint{}
	typ := n.get("type")
	switch {
	case typ == nil:
		v.add(memberPath(path, "type"), nil, "required", `member "type" is required`)
		return nil
	case element && (typ.kind != kindString || (typ.text != "number" && typ.text != "string")):
		v.add(memberPath(path, "type"), typ, "enum", `must be "number" or "string", got %s`, describe(typ, v.src))
		return nil
	case typ.kind != kindString || constraintMembers[typ.text] == "":
		v.add(memberPath(path, "type"), typ, "enum", `must be "number", "string", "array" or "boolean", got %s`, describe(typ, v.src))
		return nil
	}
	c.typ = typ.text
	allowed := constraintMembers[c.typ]
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch {
		case m.name == "type":
		case m.name == "required":
			if v.kindOf(p, m.value, kindBool) {
				c.required = m.value.boolean
			}
		case m.name == "minimum" && c.typ == "number":
			if v.integer(p, m.value) {
				c.minimum = m.value
			}
		case m.name == "maximum" && c.typ == "number":
			if v.integer(p, m.value) {
				c.maximum = m.value
			}
		case m.name == "pattern" && c.typ == "string":
			c.pattern = v.pattern(p, m.value)
		case m.name == "enum" && c.typ == "string":
			c.enum = v.enum(p, m.value)
		case m.name == "elements" && c.typ == "array":
			c.elements = v.constraint(p, m.value, true)
		default:
			v.unknown(path, m, allowed)
		}
	}
	if n.get("pattern") != nil && n.get("enum") != nil && c.typ == "string" {
		v.add(path, nil, "not", `a string constraint may have "pattern" or "enum", not both`)
	}
	return c
}

// integer checks that n is a number without a fractional part, JSON
// Schema's "integer".
func (v *validator) integer(path string, n *node) bool {
	if !v.kindOf(path, n, kindNumber) {
		return false
	}
	if f := number(n); f != math.Trunc(f) {
		v.add(path, n, "type", "must be an integer, got %s", n.text)
		return false
	}
	return true
}

// pattern checks and compiles a string constraint's pattern. Patterns are
// Go (RE2) regular expressions: look-around and back-references, which
// ECMAScript has, do not compile and are refused here.
func (v *validator) pattern(path string, n *node) *regexp.Regexp {
	if !v.text(path, n, maxStringLength) {
		return nil
	}
	re, err := regexp.Compile(n.text)
	if err != nil {
		v.add(path, n, "pattern", "is not a valid regular expression: %v", err)
		return nil
	}
	return re
}

// enum checks a string constraint's enum: at most 100 items, each a string
// of at most 1024 characters or an integer.
func (v *validator) enum(path string, n *node) []*node {
	if !v.kindOf(path, n, kindArray) {
		return nil
	}
	if len(n.elems) > maxEnumItems {
		v.add(path, nil, "maxItems", "has %d items; at most %d are allowed", len(n.elems), maxEnumItems)
	}
	for i, e := range n.elems {
		p := elemPath(path, i)
		switch e.kind {
		case kindString:
			v.text(p, e, maxStringLength)
		case kindNumber:
			v.integer(p, e)
		default:
			v.add(p, e, "type", "must be a string or an integer, got %s", describe(e, v.src))
		}
	}
	return n.elems
}

// number returns the value of a number node. Numbers beyond float64 become
// ±Inf, which still compare correctly with any bound.
func number(n *node) float64 {
	f, _ := strconv.ParseFloat(n.text, 64)
	return f
}
