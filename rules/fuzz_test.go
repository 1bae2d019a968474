package rules_test

import (
	"errors"
	"testing"

	"github.com/appconfigd/appconfigd/rules"
)

// fuzzInputs are the inputs a fuzzed rule and its canonical twin must agree
// on.
var fuzzInputs = []rules.Input{
	{},
	{FlagKey: "flag", Context: map[string]string{"a": "1", "b": "x", "state": "Virginia", "age": "70", "userId": "123", "t": "2024-01-01T00:00Z"}},
	{FlagKey: "other", Context: map[string]string{"a": "true", "b": "", "email": "qa@qa-testers.example.org", "greeting": "hey", "country": "US"}},
}

// FuzzParse: Parse never panics; it returns a rule or an *Error pointing
// inside the source; and a rule's canonical text parses to a rule with the
// same text that evaluates the same.
func FuzzParse(f *testing.F) {
	for _, tc := range validRules {
		f.Add(tc.src)
	}
	for _, tc := range invalidRules {
		f.Add(tc.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		r, err := rules.Parse(src)
		if err != nil {
			var re *rules.Error
			if !errors.As(err, &re) {
				t.Fatalf("Parse error %T %v, want *rules.Error", err, err)
			}
			if re.Offset < 0 || re.Offset > len(src) {
				t.Fatalf("Error offset %d outside the %d-byte rule", re.Offset, len(src))
			}
			return
		}
		canonical := r.String()
		again, err := rules.Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) of the canonical text of %q: %v", canonical, src, err)
		}
		if got := again.String(); got != canonical {
			t.Fatalf("canonical text of %q is not stable: %q, then %q", src, canonical, got)
		}
		for _, in := range fuzzInputs {
			if a, b := r.Eval(in), again.Eval(in); a != b {
				t.Fatalf("%q and its canonical text %q disagree on %+v: %v, %v", src, canonical, in, a, b)
			}
		}
	})
}
