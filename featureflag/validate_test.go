package featureflag_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/featureflag"
)

// wireExample is the deployment-time example of docs/WIRE.md §4.1.
const wireExample = `{
  "version": "1",
  "flags": {
    "ui_refresh": {
      "name": "UI Refresh",
      "attributes": { "dark_mode_support": { "constraints": { "type": "boolean" } } }
    },
    "logger_settings": {
      "name": "Logger",
      "attributes": { "level": { "constraints": { "type": "string", "enum": ["INFO","DEBUG"], "required": true } } }
    }
  },
  "values": {
    "ui_refresh": {
      "_variants": [
        { "name": "QA", "enabled": true, "rule": "(ends_with $email \"qa-testers.example.org\")", "attributeValues": { "dark_mode_support": true } },
        { "name": "Default Variant", "enabled": false }
      ]
    },
    "logger_settings": { "enabled": true, "level": "INFO" }
  }
}`

// everyConstraint declares one attribute of each constraint kind AWS
// documents, with a value that satisfies all of them.
const everyConstraint = `{
  "version": "1",
  "flags": {
    "checkout": {
      "name": "Checkout",
      "description": "New checkout flow",
      "_createdAt": "2024-05-01T12:00:00.000Z",
      "_updatedAt": "2024-05-01T12:00:00.000Z",
      "_deprecation": {"status": "planned", "date": "2026-12-31"},
      "attributes": {
        "retries": {"description": "attempts", "constraints": {"type": "number", "minimum": 0, "maximum": 5, "required": true}},
        "region": {"constraints": {"type": "string", "pattern": "^[a-z]{2}-[a-z]+-\\d$"}},
        "tier": {"constraints": {"type": "string", "enum": ["gold", "silver", 3]}},
        "tags": {"constraints": {"type": "array", "elements": {"type": "string", "enum": ["a", "b"]}}},
        "weights": {"constraints": {"type": "array", "elements": {"type": "number", "minimum": 1}}},
        "plain_list": {"constraints": {"type": "array"}},
        "beta": {"constraints": {"type": "boolean", "required": false}},
        "free": {"description": "no constraints at all"}
      }
    }
  },
  "values": {
    "checkout": {
      "enabled": true,
      "_createdAt": "2024-05-01T12:00:00.000Z",
      "_updatedAt": "2024-05-01T12:00:00.000Z",
      "retries": 5,
      "region": "eu-west-1",
      "tier": "3",
      "tags": ["a", "b", "a"],
      "weights": [1, 2.5, 1e3],
      "plain_list": [],
      "beta": false,
      "free": ["anything", "goes"]
    }
  }
}`

// oneFlag returns a document with one flag "a" declaring attrs (the members
// of its "attributes") and valued value.
func oneFlag(attrs, value string) string {
	return `{"version": "1", "flags": {"a": {"name": "A", "attributes": {` + attrs + `}}}, "values": {"a": ` + value + `}}`
}

// variants returns a document with flag "a" declaring attrs and valued
// by the given variants (the elements of "_variants").
func variants(attrs string, vs ...string) string {
	return oneFlag(attrs, `{"_variants": [`+strings.Join(vs, ", ")+`]}`)
}

const levelAttr = `"level": {"constraints": {"type": "string", "enum": ["INFO", "DEBUG"], "required": true}}`

func TestValidate_Valid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
	}{
		{"WireExample", wireExample},
		{"EveryConstraint", everyConstraint},
		{"VersionOnly", `{"version": "1"}`},
		{"EmptyFlagsAndValues", `{"version": "1", "flags": {}, "values": {}}`},
		{"FlagWithoutValue", `{"version": "1", "flags": {"beta": {"name": "Beta"}}}`},
		{"FlagWithoutName", `{"version": "1", "flags": {"beta": {}}, "values": {"beta": {"enabled": true}}}`},
		{"ValueWithoutEnabled", `{"version": "1", "flags": {"beta": {}}, "values": {"beta": {}}}`},
		{"KeyCharacters", `{"version": "1", "flags": {"a1_b-C": {}, "` + "z" + strings.Repeat("9", 63) + `": {}}}`},
		{"NameOf64Characters", `{"version": "1", "flags": {"a": {"name": "` + strings.Repeat("é", 64) + `"}}}`},
		{"RequiredMayBeMissingWhenDisabled", oneFlag(levelAttr, `{"enabled": false}`)},
		{"RequiredMayBeMissingWithoutValue", `{"version": "1", "flags": {"a": {"attributes": {` + levelAttr + `}}}}`},
		{"TwentyFiveAttributes", oneFlag(attrList(25), `{"enabled": true}`)},
		{"EnumMatchesAnIntegerItemByText", oneFlag(`"n": {"constraints": {"type": "string", "enum": [7]}}`, `{"enabled": true, "n": "7"}`)},
		// The shape Terraform users send (terraform-provider-aws #44847).
		{"DefaultVariantOnly", variants("", `{"enabled": true, "name": "Default"}`)},
		{"BlankRuleMarksTheDefault", variants("", `{"name": "QA", "enabled": true, "rule": "(eq $a \"b\")"}`, `{"name": "D", "enabled": false, "rule": " "}`)},
		{"DisabledVariantMayLackRequired", variants(levelAttr, `{"name": "D", "enabled": false}`)},
		{"EnabledVariantWithRequired", variants(levelAttr, `{"name": "D", "enabled": true, "attributeValues": {"level": "DEBUG"}}`)},
		{"VariantsAndFlagLevelValues", oneFlag(levelAttr, `{"enabled": true, "level": "INFO", "_variants": [{"name": "D", "enabled": false}]}`)},
		{"EmptyVariantsIsABasicFlag", oneFlag(levelAttr, `{"enabled": true, "level": "INFO", "_variants": []}`)},
		{"ThirtyTwoVariants", variants("", variantList(31, `{"name": "D", "enabled": false}`)...)},
		{"RuleOfMaxLength", variants("", `{"name": "QA", "enabled": true, "rule": "(eq $a \"`+strings.Repeat("x", 16384-len(`(eq $a "")`))+`\")"}`, `{"name": "D", "enabled": false}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := featureflag.Validate([]byte(tt.doc)); err != nil {
				t.Errorf("Validate = %v; want nil", err)
			}
		})
	}
}

// attrList returns n attribute definitions a0…a(n-1) without constraints.
func attrList(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"a%d": {}`, i)
	}
	return strings.Join(parts, ", ")
}

// variantList returns n enabled variants with rules, then the extra ones.
func variantList(n int, extra ...string) []string {
	vs := make([]string, 0, n+len(extra))
	for i := range n {
		vs = append(vs, fmt.Sprintf(`{"name": "v%d", "enabled": true, "rule": "(eq $n \"%d\")"}`, i, i))
	}
	return append(vs, extra...)
}

func TestValidate_Invalid(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("x", n) }
	def := `{"name": "D", "enabled": false}`
	tests := []struct {
		name, doc            string
		location, constraint string
		reason               string // a fragment of the first problem's reason
	}{
		// The document as a whole.
		{"NotJSON", `{"version":`, "", "syntax", "not valid JSON at offset"},
		{"TrailingData", `{"version": "1"} {}`, "", "syntax", "not valid JSON"},
		{"NotAnObject", `["version"]`, "", "type", "must be an object, got array"},
		{"MissingVersion", `{"flags": {}}`, "version", "required", `member "version" is required`},
		{"VersionNumber", `{"version": 1}`, "version", "enum", `must be the string "1", got number 1`},
		{"UnknownVersion", `{"version": "2"}`, "version", "enum", `got string "2"`},
		{"UnknownRootMember", `{"version": "1", "defaults": {}}`, "defaults", "additionalProperties", `unknown member "defaults"`},
		{"DuplicateRootMember", `{"version": "1", "version": "1"}`, "version", "duplicate", "appears more than once"},

		// Flag definitions.
		{"FlagsNotObject", `{"version": "1", "flags": []}`, "flags", "type", "must be an object"},
		{"BadFlagKey", `{"version": "1", "flags": {"Bad Key": {"name": "x"}}}`, "flags.Bad Key", "pattern", `flag key "Bad Key" does not match`},
		{"FlagKeyTooLong", `{"version": "1", "flags": {"a` + long(64) + `": {}}}`, "flags.a" + long(64), "pattern", "does not match"},
		{"FlagNotObject", `{"version": "1", "flags": {"a": true}}`, "flags.a", "type", "must be an object, got boolean true"},
		{"EmptyName", `{"version": "1", "flags": {"a": {"name": ""}}}`, "flags.a.name", "pattern", "must be 1 to 64 characters, got 0"},
		{"NameTooLong", `{"version": "1", "flags": {"a": {"name": "` + long(65) + `"}}}`, "flags.a.name", "pattern", "got 65"},
		{"NameWithLineFeed", `{"version": "1", "flags": {"a": {"name": "a\nb"}}}`, "flags.a.name", "pattern", "line feed"},
		{"DescriptionTooLong", `{"version": "1", "flags": {"a": {"description": "` + long(1025) + `"}}}`, "flags.a.description", "maxLength", "at most 1024 characters, got 1025"},
		{"EnabledInDefinition", `{"version": "1", "flags": {"a": {"enabled": true}}}`, "flags.a.enabled", "additionalProperties", `unknown member "enabled"`},
		{"CreatedAtNotString", `{"version": "1", "flags": {"a": {"_createdAt": 17}}}`, "flags.a._createdAt", "type", "must be a string, got number 17"},
		{"DeprecationStatus", `{"version": "1", "flags": {"a": {"_deprecation": {"status": "done"}}}}`, "flags.a._deprecation.status", "enum", `must be "planned"`},
		{"DeprecationDate", `{"version": "1", "flags": {"a": {"_deprecation": {"status": "planned", "date": "2024-02-30"}}}}`, "flags.a._deprecation.date", "format", "must be a date"},
		{"DeprecationMember", `{"version": "1", "flags": {"a": {"_deprecation": {"reason": "old"}}}}`, "flags.a._deprecation.reason", "additionalProperties", "allowed: status, date"},

		// Attribute definitions.
		{"TooManyAttributes", oneFlag(attrList(26), `{}`), "flags.a.attributes", "maxProperties", "has 26 attributes; at most 25"},
		{"AttributeNamedEnabled", oneFlag(`"enabled": {}`, `{}`), "flags.a.attributes.enabled", "reserved", `"enabled" is reserved`},
		{"BadAttributeKey", oneFlag(`"Level": {}`, `{}`), "flags.a.attributes.Level", "pattern", `attribute key "Level"`},
		{"AttributeMember", oneFlag(`"x": {"type": "string"}`, `{}`), "flags.a.attributes.x.type", "additionalProperties", "allowed: description, constraints"},
		{"ConstraintWithoutType", oneFlag(`"x": {"constraints": {"required": true}}`, `{}`), "flags.a.attributes.x.constraints.type", "required", `"type" is required`},
		{"ConstraintOfUnknownType", oneFlag(`"x": {"constraints": {"type": "object"}}`, `{}`), "flags.a.attributes.x.constraints.type", "enum", `got string "object"`},
		{"PatternOnNumber", oneFlag(`"x": {"constraints": {"type": "number", "pattern": "a"}}`, `{}`), "flags.a.attributes.x.constraints.pattern", "additionalProperties", "allowed: type, required, minimum, maximum"},
		{"PatternAndEnum", oneFlag(`"x": {"constraints": {"type": "string", "pattern": "a", "enum": ["a"]}}`, `{}`), "flags.a.attributes.x.constraints", "not", `"pattern" or "enum", not both`},
		{"PatternDoesNotCompile", oneFlag(`"x": {"constraints": {"type": "string", "pattern": "(a"}}`, `{}`), "flags.a.attributes.x.constraints.pattern", "pattern", "not a valid regular expression"},
		{"PatternWithLookahead", oneFlag(`"x": {"constraints": {"type": "string", "pattern": "a(?=b)"}}`, `{}`), "flags.a.attributes.x.constraints.pattern", "pattern", "not a valid regular expression"},
		{"PatternTooLong", oneFlag(`"x": {"constraints": {"type": "string", "pattern": "`+long(1025)+`"}}`, `{}`), "flags.a.attributes.x.constraints.pattern", "maxLength", "at most 1024"},
		{"EnumTooLong", oneFlag(`"x": {"constraints": {"type": "string", "enum": [`+strings.Repeat(`"a", `, 100)+`"a"]}}`, `{}`), "flags.a.attributes.x.constraints.enum", "maxItems", "has 101 items; at most 100"},
		{"EnumItemFraction", oneFlag(`"x": {"constraints": {"type": "string", "enum": [1.5]}}`, `{}`), "flags.a.attributes.x.constraints.enum[0]", "type", "must be an integer, got 1.5"},
		{"EnumItemBoolean", oneFlag(`"x": {"constraints": {"type": "string", "enum": ["a", true]}}`, `{}`), "flags.a.attributes.x.constraints.enum[1]", "type", "a string or an integer"},
		{"EnumItemTooLong", oneFlag(`"x": {"constraints": {"type": "string", "enum": ["`+long(1025)+`"]}}`, `{}`), "flags.a.attributes.x.constraints.enum[0]", "maxLength", "at most 1024"},
		{"MinimumFraction", oneFlag(`"x": {"constraints": {"type": "number", "minimum": 0.5}}`, `{}`), "flags.a.attributes.x.constraints.minimum", "type", "must be an integer"},
		{"RequiredNotBoolean", oneFlag(`"x": {"constraints": {"type": "boolean", "required": "yes"}}`, `{}`), "flags.a.attributes.x.constraints.required", "type", "must be a boolean"},
		{"ElementsOfBooleans", oneFlag(`"x": {"constraints": {"type": "array", "elements": {"type": "boolean"}}}`, `{}`), "flags.a.attributes.x.constraints.elements.type", "enum", `must be "number" or "string"`},

		// Flag values.
		{"ValuesNotObject", `{"version": "1", "values": []}`, "values", "type", "must be an object"},
		{"ValueOfUndefinedFlag", `{"version": "1", "flags": {}, "values": {"ghost": {"enabled": true}}}`, "values.ghost", "flags", `flag "ghost" has a value but is not defined in flags`},
		{"ValueWithoutFlags", `{"version": "1", "values": {"ghost": {"enabled": true}}}`, "values.ghost", "flags", "not defined in flags"},
		{"BadValueKey", `{"version": "1", "values": {"Ghost": {}}}`, "values.Ghost", "pattern", `flag key "Ghost"`},
		{"ValueNotObject", oneFlag("", `true`), "values.a", "type", "must be an object"},
		{"EnabledNotBoolean", oneFlag("", `{"enabled": "true"}`), "values.a.enabled", "type", `must be a boolean, got string "true"`},
		{"UnknownValueMember", oneFlag("", `{"_note": "x"}`), "values.a._note", "additionalProperties", `unknown member "_note"`},
		{"DuplicateValueMember", oneFlag("", `{"enabled": true, "enabled": false}`), "values.a.enabled", "duplicate", `member "enabled" appears more than once`},
		{"UndeclaredAttribute", oneFlag("", `{"enabled": true, "color": "red"}`), "values.a.color", "attributes", `attribute "color" is not defined for this flag`},
		{"TooManyAttributeValues", oneFlag(attrList(25), `{"a0": 1`+valueList(26)+`}`), "values.a", "maxProperties", "has 26 attribute values; at most 25"},
		{"ObjectAttributeValue", oneFlag(`"x": {}`, `{"x": {"y": 1}}`), "values.a.x", "type", `attribute "x" must be a string, number, boolean or array, got object`},
		{"NullAttributeValue", oneFlag(`"x": {}`, `{"x": null}`), "values.a.x", "type", "got null"},
		{"AttributeStringTooLong", oneFlag(`"x": {}`, `{"x": "`+long(1025)+`"}`), "values.a.x", "maxLength", "at most 1024 characters, got 1025"},
		{"MixedArray", oneFlag(`"x": {}`, `{"x": ["a", 1]}`), "values.a.x[1]", "type", "only strings or only numbers, got number 1 after a string"},
		{"ArrayOfBooleans", oneFlag(`"x": {}`, `{"x": [true]}`), "values.a.x[0]", "type", "must hold strings or numbers, got boolean true"},
		{"ArrayStringTooLong", oneFlag(`"x": {}`, `{"x": ["`+long(1025)+`"]}`), "values.a.x[0]", "maxLength", "at most 1024"},
		{"WrongType", oneFlag(`"x": {"constraints": {"type": "boolean"}}`, `{"x": "true"}`), "values.a.x", "type", `attribute "x" must be a boolean, got string "true"`},
		{"NumberForArray", oneFlag(`"x": {"constraints": {"type": "array"}}`, `{"x": 1}`), "values.a.x", "type", `attribute "x" must be an array, got number 1`},
		{"BelowMinimum", oneFlag(`"x": {"constraints": {"type": "number", "minimum": 1}}`, `{"x": 0.5}`), "values.a.x", "minimum", `attribute "x" must be at least 1, got 0.5`},
		{"AboveMaximum", oneFlag(`"x": {"constraints": {"type": "number", "maximum": 10}}`, `{"x": 1e2}`), "values.a.x", "maximum", "must be at most 10, got 1e2"},
		{"OutsideEnum", oneFlag(levelAttr, `{"enabled": true, "level": "TRACE"}`), "values.a.level", "enum", `attribute "level" must be one of ["INFO","DEBUG"], got "TRACE"`},
		{"PatternMismatch", oneFlag(`"x": {"constraints": {"type": "string", "pattern": "^[0-9]+$"}}`, `{"x": "12a"}`), "values.a.x", "pattern", `must match the pattern "^[0-9]+$", got "12a"`},
		{"ElementOutsideEnum", oneFlag(`"x": {"constraints": {"type": "array", "elements": {"type": "string", "enum": ["a"]}}}`, `{"x": ["a", "b"]}`), "values.a.x[1]", "enum", `element 1 of attribute "x" must be one of ["a"]`},
		{"ElementOfWrongType", oneFlag(`"x": {"constraints": {"type": "array", "elements": {"type": "number"}}}`, `{"x": ["1"]}`), "values.a.x[0]", "type", "must be a number"},
		{"RequiredMissingWhenEnabled", oneFlag(levelAttr, `{"enabled": true}`), "values.a.level", "required", `attribute "level" is required when the flag is enabled`},

		// Variants.
		{"VariantsNotArray", oneFlag("", `{"_variants": {}}`), "values.a._variants", "type", "must be an array, got object"},
		{"TooManyVariants", variants("", variantList(32, def)...), "values.a._variants", "maxItems", "has 33 variants; at most 32"},
		{"VariantNotObject", variants("", `"QA"`, def), "values.a._variants[0]", "type", "must be an object"},
		{"VariantWithoutName", variants("", `{"enabled": true, "rule": "(eq $a \"b\")"}`, def), "values.a._variants[0].name", "required", `member "name" is required`},
		{"VariantWithoutEnabled", variants("", `{"name": "D"}`), "values.a._variants[0].enabled", "required", `member "enabled" is required`},
		{"VariantNameTooLong", variants("", `{"name": "`+long(65)+`", "enabled": false}`), "values.a._variants[0].name", "pattern", "got 65"},
		{"DuplicateVariantName", variants("", `{"name": "D", "enabled": true, "rule": "(eq $a \"b\")"}`, def), "values.a._variants[1].name", "unique", `variant name "D" is already used by _variants[0]`},
		{"VariantMember", variants("", `{"name": "D", "enabled": false, "weight": 1}`), "values.a._variants[0].weight", "additionalProperties", "allowed: name, enabled, rule, attributeValues"},
		{"RuleNotString", variants("", `{"name": "QA", "enabled": true, "rule": 1}`, def), "values.a._variants[0].rule", "type", "must be a string"},
		{"RuleTooLong", variants("", `{"name": "QA", "enabled": true, "rule": "`+long(16385)+`"}`, def), "values.a._variants[0].rule", "maxLength", "at most 16384 characters, got 16385"},
		{"RuleDoesNotParse", variants("", `{"name": "QA", "enabled": true, "rule": "(ends_with $email"}`, def), "values.a._variants[0].rule", "rule", "rule does not parse"},
		{"DefaultVariantNotLast", variants("", def, `{"name": "QA", "enabled": true, "rule": "(eq $a \"b\")"}`), "values.a._variants[0]", "defaultVariant", "the default variant must be last"},
		{"NoDefaultVariant", variants("", `{"name": "QA", "enabled": true, "rule": "(eq $a \"b\")"}`), "values.a._variants", "defaultVariant", "the last variant must be the default variant"},
		{"VariantAttributesNotObject", variants(levelAttr, `{"name": "D", "enabled": true, "attributeValues": []}`), "values.a._variants[0].attributeValues", "type", "must be an object"},
		{"VariantUndeclaredAttribute", variants("", `{"name": "D", "enabled": true, "attributeValues": {"x": 1}}`), "values.a._variants[0].attributeValues.x", "attributes", `attribute "x" is not defined`},
		{"VariantAttributeKey", variants("", `{"name": "D", "enabled": true, "attributeValues": {"X": 1}}`), "values.a._variants[0].attributeValues.X", "pattern", `attribute key "X"`},
		{"VariantOutsideEnum", variants(levelAttr, `{"name": "D", "enabled": true, "attributeValues": {"level": "TRACE"}}`), "values.a._variants[0].attributeValues.level", "enum", `must be one of ["INFO","DEBUG"]`},
		{"VariantRequiredMissing", variants(levelAttr, `{"name": "D", "enabled": true}`), "values.a._variants[0].attributeValues.level", "required", "required when the variant is enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := problemsOf(t, featureflag.Validate([]byte(tt.doc)))
			got := ps[0]
			if got.Location != tt.location || got.Constraint != tt.constraint || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("first problem = %+v;\nwant Location %q, Constraint %q, a Reason containing %q", got, tt.location, tt.constraint, tt.reason)
			}
			if got.Type != featureflag.ProblemType {
				t.Errorf("Type = %q; want %q", got.Type, featureflag.ProblemType)
			}
		})
	}
}

// valueList returns attribute values a1…a(n-1), all 1.
func valueList(n int) string {
	var b strings.Builder
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, `, "a%d": 1`, i)
	}
	return b.String()
}

// problemsOf returns the problems of a *ValidationError, failing the test
// for any other error.
func problemsOf(t *testing.T, err error) []featureflag.Problem {
	t.Helper()
	var ve *featureflag.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Fatalf("err = %v; want a *ValidationError with problems", err)
	}
	return ve.Problems
}

func TestValidate_Problems(t *testing.T) {
	t.Parallel()
	t.Run("AllProblemsInDocumentOrder", func(t *testing.T) {
		t.Parallel()
		doc := `{"version": "2", "flags": {"a": {"name": ""}}, "values": {"a": {"enabled": 1}, "b": {}}}`
		var got []string
		for _, p := range problemsOf(t, featureflag.Validate([]byte(doc))) {
			got = append(got, p.Location)
		}
		want := []string{"version", "flags.a.name", "values.a.enabled", "values.b"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("problem locations = %q; want %q", got, want)
		}
	})
	t.Run("CappedAtMaxProblems", func(t *testing.T) {
		t.Parallel()
		var flags []string
		for i := range featureflag.MaxProblems + 5 {
			flags = append(flags, fmt.Sprintf(`"f%d": {"name": ""}`, i))
		}
		doc := `{"version": "1", "flags": {` + strings.Join(flags, ", ") + `}}`
		if got := len(problemsOf(t, featureflag.Validate([]byte(doc)))); got != featureflag.MaxProblems {
			t.Errorf("len(Problems) = %d; want %d", got, featureflag.MaxProblems)
		}
	})
	t.Run("ValueQuotesTheOffendingJSON", func(t *testing.T) {
		t.Parallel()
		p := problemsOf(t, featureflag.Validate([]byte(oneFlag(levelAttr, `{"enabled": true, "level": "TRACE"}`))))[0]
		if p.Value != `"TRACE"` {
			t.Errorf("Value = %q; want %q", p.Value, `"TRACE"`)
		}
	})
	t.Run("LongValuesAreShortened", func(t *testing.T) {
		t.Parallel()
		p := problemsOf(t, featureflag.Validate([]byte(oneFlag(`"x": {}`, `{"x": "`+strings.Repeat("é", 1100)+`"}`))))[0]
		if len(p.Value) > 300 || !strings.HasSuffix(p.Value, "…") {
			t.Errorf("Value is %d bytes, ending %q; want at most 300 bytes ending in …", len(p.Value), p.Value[len(p.Value)-8:])
		}
	})
	t.Run("ErrorNamesTheFirstProblem", func(t *testing.T) {
		t.Parallel()
		err := featureflag.Validate([]byte(`{"version": "1", "flags": {"a": {"name": ""}, "b": {"name": ""}}}`))
		want := `flags.a.name: must be 1 to 64 characters, got 0 (and 1 more problem)`
		if err == nil || err.Error() != want {
			t.Errorf("Error() = %v; want %q", err, want)
		}
	})
	t.Run("ErrorOfTheWholeDocument", func(t *testing.T) {
		t.Parallel()
		err := featureflag.Validate([]byte(`[]`))
		want := `must be an object, got array`
		if err == nil || err.Error() != want {
			t.Errorf("Error() = %v; want %q", err, want)
		}
	})
}
