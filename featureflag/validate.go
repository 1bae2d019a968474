package featureflag

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the deployment-time format (docs/WIRE.md §4.1, §5).
const (
	maxNameLength        = 64
	maxDescriptionLength = 1024
	maxStringLength      = 1024 // string attribute values, patterns, enum items
	maxAttributes        = 25   // attribute definitions, and attribute values
	maxVariants          = 32
	maxEnumItems         = 100
)

// keyPattern is the pattern of flag keys, attribute keys and the keys of
// "values" (docs/WIRE.md §4.1). \d is ASCII-only in both ECMAScript and RE2.
var keyPattern = regexp.MustCompile(`^[a-z][a-zA-Z\d_-]{0,63}$`)

// keyRule says keyPattern in words for reasons.
const keyRule = `^[a-z][a-zA-Z\d_-]{0,63}$ (a lowercase letter, then up to 63 letters, digits, "_" or "-")`

// Validate checks a deployment-time document (docs/WIRE.md §4.1): the
// AWS.AppConfig.FeatureFlags JSON schema, every attribute value against
// the constraints of its flag's attribute definition, and the variant rules
// the schema leaves to the service (rules parse, the default variant is
// last). It returns a *ValidationError listing the problems, or nil.
func Validate(doc []byte) error {
	_, err := parseDocument(doc)
	return err
}

// parseDocument validates doc and returns what the retrieval-time format
// needs of it.
func parseDocument(src []byte) (*document, error) {
	root, err := parseJSON(src)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			ps := problems{}
			ps.add("", nil, src, "syntax", "%s", se.Error())
			return nil, ps.err()
		}
		return nil, err
	}
	v := validator{src: src, defs: map[string]*flagDef{}, doc: &document{values: map[string]*flagValue{}}}
	v.root(root)
	if err := v.ps.err(); err != nil {
		return nil, err
	}
	return v.doc, nil
}

// validator walks a document tree, collecting problems and building the
// document model.
type validator struct {
	src  []byte
	ps   problems
	defs map[string]*flagDef
	doc  *document
}

func (v *validator) add(path string, n *node, constraint, format string, args ...any) {
	v.ps.add(path, n, v.src, constraint, format, args...)
}

// object checks that n is an object and returns its members, reporting
// and leaving out repeated member names.
func (v *validator) object(path string, n *node) ([]member, bool) {
	if n.kind != kindObject {
		v.add(path, n, "type", "must be an object, got %s", describe(n, v.src))
		return nil, false
	}
	ms := make([]member, 0, len(n.members))
	seen := make(map[string]bool, len(n.members))
	for _, m := range n.members {
		if seen[m.name] {
			v.add(memberPath(path, m.name), m.value, "duplicate", "member %q appears more than once", m.name)
			continue
		}
		seen[m.name] = true
		ms = append(ms, m)
	}
	return ms, true
}

// unknown reports a member the schema does not allow at path.
func (v *validator) unknown(path string, m member, allowed string) {
	v.add(memberPath(path, m.name), m.value, "additionalProperties", "unknown member %q (allowed: %s)", m.name, allowed)
}

// key checks a flag or attribute key against keyPattern.
func (v *validator) key(path string, m member, what string) bool {
	if keyPattern.MatchString(m.name) {
		return true
	}
	v.add(memberPath(path, m.name), nil, "pattern", "%s key %q does not match %s", what, m.name, keyRule)
	return false
}

// kindOf checks that n has kind k.
func (v *validator) kindOf(path string, n *node, k kind) bool {
	if n.kind == k {
		return true
	}
	v.add(path, n, "type", "must be %s, got %s", k.article(), describe(n, v.src))
	return false
}

// text checks that n is a string of at most max characters (code points,
// as JSON Schema's maxLength counts them).
func (v *validator) text(path string, n *node, max int) bool {
	if !v.kindOf(path, n, kindString) {
		return false
	}
	if l := utf8.RuneCountInString(n.text); l > max {
		v.add(path, n, "maxLength", "must be at most %d characters, got %d", max, l)
		return false
	}
	return true
}

// name checks a customerDefinedName: 1 to 64 characters, no line feed.
func (v *validator) name(path string, n *node) bool {
	if !v.kindOf(path, n, kindString) {
		return false
	}
	l := utf8.RuneCountInString(n.text)
	switch {
	case l == 0 || l > maxNameLength:
		v.add(path, n, "pattern", "must be 1 to %d characters, got %d", maxNameLength, l)
	case strings.Contains(n.text, "\n"):
		v.add(path, n, "pattern", "must not contain a line feed")
	default:
		return true
	}
	return false
}

// root checks the flagSetDefinition: version "1", flags, values and nothing
// else. Flags are read before values, wherever they appear, because values
// are checked against the definitions.
func (v *validator) root(n *node) {
	ms, ok := v.object("", n)
	if !ok {
		return
	}
	var version, flags, values *node
	for _, m := range ms {
		switch m.name {
		case "version":
			version = m.value
		case "flags":
			flags = m.value
		case "values":
			values = m.value
		default:
			v.unknown("", m, "version, flags, values")
		}
	}
	switch {
	case version == nil:
		v.add("version", nil, "required", `member "version" is required`)
	case version.kind != kindString || version.text != "1":
		v.add("version", version, "enum", `must be the string "1", got %s`, describe(version, v.src))
	}
	if flags != nil {
		v.flags(flags)
	}
	if values != nil {
		v.values(values)
	}
}

// flags checks flagDefinitions.
func (v *validator) flags(n *node) {
	ms, ok := v.object("flags", n)
	if !ok {
		return
	}
	for _, m := range ms {
		if v.ps.full() {
			return
		}
		if !v.key("flags", m, "flag") {
			continue
		}
		v.doc.flags = append(v.doc.flags, m.name)
		v.defs[m.name] = v.flag(memberPath("flags", m.name), m.value)
	}
}

// flag checks one flagDefinition.
func (v *validator) flag(path string, n *node) *flagDef {
	def := &flagDef{}
	ms, ok := v.object(path, n)
	if !ok {
		return def
	}
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch m.name {
		case "name":
			v.name(p, m.value)
		case "description":
			v.text(p, m.value, maxDescriptionLength)
		case "_createdAt", "_updatedAt":
			v.kindOf(p, m.value, kindString)
		case "_deprecation":
			v.deprecation(p, m.value)
		case "attributes":
			def.attrs = v.attributes(p, m.value)
			def.byName = make(map[string]*attribute, len(def.attrs))
			for _, a := range def.attrs {
				def.byName[a.name] = a
			}
		default:
			v.unknown(path, m, "name, description, attributes, _deprecation, _createdAt, _updatedAt")
		}
	}
	return def
}

// deprecation checks {status: "planned", date: <date>}.
func (v *validator) deprecation(path string, n *node) {
	ms, ok := v.object(path, n)
	if !ok {
		return
	}
	for _, m := range ms {
		p := memberPath(path, m.name)
		switch m.name {
		case "status":
			if m.value.kind != kindString || m.value.text != "planned" {
				v.add(p, m.value, "enum", `must be "planned", got %s`, describe(m.value, v.src))
			}
		case "date":
			if v.kindOf(p, m.value, kindString) && !isDate(m.value.text) {
				v.add(p, m.value, "format", "must be a date like 2025-12-31, got %q", m.value.text)
			}
		default:
			v.unknown(path, m, "status, date")
		}
	}
}
