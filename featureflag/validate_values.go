package featureflag

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd/rules"
)

// values checks flagValues. A value needs a flag definition: its attribute
// values are checked against that definition's constraints, so a value of
// an undefined flag is refused.
func (v *validator) values(n *node) {
	ms, ok := v.object("values", n)
	if !ok {
		return
	}
	for _, m := range ms {
		if v.ps.full() {
			return
		}
		if !v.key("values", m, "flag") {
			continue
		}
		p := memberPath("values", m.name)
		def, ok := v.defs[m.name]
		if !ok {
			v.add(p, nil, "flags", "flag %q has a value but is not defined in flags", m.name)
			continue
		}
		v.doc.values[m.name] = v.value(p, m.value, def)
	}
}

// value checks one flagValue: enabled, attribute values and _variants.
// A flag with variants is served by its variants only (docs/WIRE.md §4.2), but its
// own attribute values are still checked, as AWS checks every attribute
// value.
func (v *validator) value(path string, n *node, def *flagDef) *flagValue {
	fv := &flagValue{}
	ms, ok := v.object(path, n)
	if !ok {
		return fv
	}
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch {
		case m.name == "enabled":
			if v.kindOf(p, m.value, kindBool) {
				fv.enabled = m.value.boolean
			}
		case m.name == "_createdAt" || m.name == "_updatedAt":
			v.kindOf(p, m.value, kindString)
		case m.name == "_variants":
			fv.variants = v.variants(p, m.value, def)
		case keyPattern.MatchString(m.name):
			fv.attrs = append(fv.attrs, m)
		default:
			v.unknown(path, m, "enabled, _variants, _createdAt, _updatedAt and attribute values")
		}
	}
	v.attributeValues(path, fv.attrs, def, fv.enabled && len(fv.variants) == 0, "flag")
	return fv
}

// attributeValues checks the attribute values of a flag value or variant
// at path: at most 25, each declared by the flag and satisfying its
// constraints, and, when the flag or variant is enabled, every required
// attribute present.
func (v *validator) attributeValues(path string, attrs []member, def *flagDef, enabled bool, owner string) {
	if len(attrs) > maxAttributes {
		v.add(path, nil, "maxProperties", "has %d attribute values; at most %d are allowed", len(attrs), maxAttributes)
	}
	present := make(map[string]bool, len(attrs))
	for _, m := range attrs {
		present[m.name] = true
		p := memberPath(path, m.name)
		a := def.byName[m.name]
		if a == nil {
			v.add(p, m.value, "attributes", "attribute %q is not defined for this flag", m.name)
			continue
		}
		v.attributeValue(p, fmt.Sprintf("attribute %q", m.name), m.value, a.constraint)
	}
	if !enabled {
		return
	}
	for _, a := range def.attrs {
		if a.constraint == nil || !a.constraint.required || present[a.name] {
			continue
		}
		v.add(memberPath(path, a.name), nil, "required", "attribute %q is required when the %s is enabled", a.name, owner)
	}
}

// attributeValue checks an attributeValue (a string of at most 1024
// characters, a number, a boolean, or an array of such strings or of
// numbers) and then its constraint, if the attribute has one.
func (v *validator) attributeValue(path, label string, n *node, c *constraint) {
	switch n.kind {
	case kindString:
		if l := utf8.RuneCountInString(n.text); l > maxStringLength {
			v.add(path, n, "maxLength", "%s must be at most %d characters, got %d", label, maxStringLength, l)
			return
		}
	case kindNumber, kindBool:
	case kindArray:
		if !v.homogeneous(path, label, n) {
			return
		}
	default:
		v.add(path, n, "type", "%s must be a string, number, boolean or array, got %s", label, describe(n, v.src))
		return
	}
	if c != nil {
		v.satisfies(path, label, n, c)
	}
}

// homogeneous checks that an array attribute value holds only strings of
// at most 1024 characters or only numbers.
func (v *validator) homogeneous(path, label string, n *node) bool {
	if len(n.elems) == 0 {
		return true
	}
	want := n.elems[0].kind
	for i, e := range n.elems {
		p := elemPath(path, i)
		switch {
		case e.kind != kindString && e.kind != kindNumber:
			v.add(p, e, "type", "%s must hold strings or numbers, got %s", label, describe(e, v.src))
			return false
		case e.kind != want:
			v.add(p, e, "type", "%s must hold only strings or only numbers, got %s after a %s", label, describe(e, v.src), want)
			return false
		case e.kind == kindString && utf8.RuneCountInString(e.text) > maxStringLength:
			v.add(p, e, "maxLength", "elements of %s must be at most %d characters", label, maxStringLength)
			return false
		}
	}
	return true
}

// satisfies checks a well-typed attribute value against its constraint.
func (v *validator) satisfies(path, label string, n *node, c *constraint) {
	if want := constraintKinds[c.typ]; n.kind != want {
		v.add(path, n, "type", "%s must be %s, got %s", label, want.article(), describe(n, v.src))
		return
	}
	switch c.typ {
	case "number":
		if c.minimum != nil && number(n) < number(c.minimum) {
			v.add(path, n, "minimum", "%s must be at least %s, got %s", label, c.minimum.text, n.text)
		}
		if c.maximum != nil && number(n) > number(c.maximum) {
			v.add(path, n, "maximum", "%s must be at most %s, got %s", label, c.maximum.text, n.text)
		}
	case "string":
		if c.pattern != nil && !c.pattern.MatchString(n.text) {
			v.add(path, n, "pattern", "%s must match the pattern %q, got %s", label, c.pattern.String(), quoteValue(v.src[n.start:n.end]))
		}
		if c.enum != nil && !inEnum(n.text, c.enum) {
			v.add(path, n, "enum", "%s must be one of %s, got %s", label, v.list(c.enum), quoteValue(v.src[n.start:n.end]))
		}
	case "array":
		if c.elements == nil {
			return
		}
		for i, e := range n.elems {
			v.satisfies(elemPath(path, i), fmt.Sprintf("element %d of %s", i, label), e, c.elements)
		}
	}
}

// constraintKinds maps constraint types to the JSON kind of their values.
var constraintKinds = map[string]kind{"number": kindNumber, "string": kindString, "array": kindArray, "boolean": kindBool}

// inEnum reports whether s is one of the enum items. Integer items match
// their decimal text: the schema allows them in a string constraint, where
// nothing else could match them.
func inEnum(s string, items []*node) bool {
	for _, it := range items {
		if it.text == s {
			return true
		}
	}
	return false
}

// list renders enum items as compact JSON for a reason, shortened like a
// problem value.
func (v *validator) list(items []*node) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(v.src[it.start:it.end])
	}
	b.WriteByte(']')
	return quoteValue([]byte(b.String()))
}

// variants checks _variants: at most 32 variants with unique names, whose
// rules parse, and exactly one default variant (no rule), which is last:
// "the default variant must be last in your ordering of variants, and it
// can't have rules associated with it" (docs/WIRE.md §4.1).
func (v *validator) variants(path string, n *node, def *flagDef) []*variant {
	if !v.kindOf(path, n, kindArray) {
		return nil
	}
	if len(n.elems) > maxVariants {
		v.add(path, nil, "maxItems", "has %d variants; at most %d are allowed", len(n.elems), maxVariants)
	}
	var vs []*variant
	names := map[string]int{}
	for i, e := range n.elems {
		p := elemPath(path, i)
		vr := v.variant(p, e, def)
		if vr == nil {
			continue
		}
		if first, dup := names[vr.name]; dup {
			v.add(memberPath(p, "name"), e.get("name"), "unique", "variant name %q is already used by _variants[%d]", vr.name, first)
		} else if vr.name != "" {
			names[vr.name] = i
		}
		if i != len(n.elems)-1 && !hasRule(e) {
			v.add(p, e, "defaultVariant", "only the last variant may have no rule: the default variant must be last")
		}
		vs = append(vs, vr)
	}
	if last := len(n.elems) - 1; last >= 0 && hasRule(n.elems[last]) {
		v.add(path, nil, "defaultVariant", "the last variant must be the default variant, which has no rule")
	}
	return vs
}

// hasRule reports whether a variant object has a non-blank rule. A blank
// rule marks the default variant like a missing one.
func hasRule(n *node) bool {
	r := n.get("rule")
	return r != nil && (r.kind != kindString || strings.TrimSpace(r.text) != "")
}

// variant checks one variant and returns it, or nil when it is not an
// object.
func (v *validator) variant(path string, n *node, def *flagDef) *variant {
	ms, ok := v.object(path, n)
	if !ok {
		return nil
	}
	vr := &variant{}
	var attrs *node
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch m.name {
		case "name":
			if v.name(p, m.value) {
				vr.name = m.value.text
			}
		case "enabled":
			if v.kindOf(p, m.value, kindBool) {
				vr.enabled = m.value.boolean
			}
		case "rule":
			vr.rule = v.rule(p, m.value)
		case "attributeValues":
			attrs = m.value
		default:
			v.unknown(path, m, "name, enabled, rule, attributeValues")
		}
	}
	for _, required := range []string{"name", "enabled"} {
		if n.get(required) == nil {
			v.add(memberPath(path, required), nil, "required", "member %q is required", required)
		}
	}
	p := memberPath(path, "attributeValues")
	if attrs != nil {
		ams, ok := v.object(p, attrs)
		for _, m := range ams {
			if v.key(p, m, "attribute") {
				vr.attrs = append(vr.attrs, m)
			}
		}
		if !ok {
			return vr
		}
	}
	v.attributeValues(p, vr.attrs, def, vr.enabled, "variant")
	return vr
}

// rule checks a variant rule: at most rules.MaxLength characters and
// parsed by the rule language (docs/WIRE.md §4.3). It returns nil for a blank rule.
func (v *validator) rule(path string, n *node) *rules.Rule {
	if !v.text(path, n, rules.MaxLength) || strings.TrimSpace(n.text) == "" {
		return nil
	}
	r, err := rules.Parse(n.text)
	if err != nil {
		v.add(path, n, "rule", "rule does not parse: %v", err)
		return nil
	}
	return r
}
