package featureflag

import (
	"regexp"

	"github.com/appconfigd/appconfigd/rules"
)

// document is a validated deployment-time document reduced to what the
// retrieval-time format serves (docs/WIRE.md §4.2).
type document struct {
	// flags lists the keys of "flags" in document order; every defined
	// flag is served, valued or not.
	flags  []string
	values map[string]*flagValue
}

// flagValue is the entry of "values" for one flag.
type flagValue struct {
	enabled bool
	// attrs are the attribute values in document order.
	attrs []member
	// variants, when not empty, make the flag multi-variant; enabled and
	// attrs are then not served.
	variants []*variant
}

// variant is one element of a flag value's "_variants".
type variant struct {
	name    string
	enabled bool
	// rule is nil for the default variant, which is always last.
	rule  *rules.Rule
	attrs []member
}

// flagDef is what validation of "values" needs to know about a flag
// definition.
type flagDef struct {
	// attrs are the declared attributes in document order, byName the
	// same by name.
	attrs  []*attribute
	byName map[string]*attribute
}

// attribute is one entry of a flag definition's "attributes".
type attribute struct {
	name string
	// constraint is nil when the definition has no usable "constraints":
	// then any attribute value is accepted.
	constraint *constraint
}

// constraint is a parsed numberConstraints, stringConstraints,
// arrayConstraints or boolConstraints object (docs/WIRE.md §4.1).
type constraint struct {
	typ      string // "number", "string", "array" or "boolean"
	required bool
	minimum  *node
	maximum  *node
	pattern  *regexp.Regexp
	enum     []*node
	elements *constraint
}
