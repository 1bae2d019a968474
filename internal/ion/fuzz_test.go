package ion_test

import (
	"errors"
	"testing"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// FuzzParse: Parse never panics; it either returns values, each of which
// reads back unchanged from its canonical text, or a *SyntaxError pointing
// inside the input.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.src)
	}
	for _, tc := range parseErrorCases {
		f.Add(tc.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := ion.Parse(src)
		if err != nil {
			var se *ion.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %T %v, want *SyntaxError", err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("SyntaxError %+v points outside the %d-byte input", se, len(src))
			}
			return
		}
		checkRoundTrip(t, src)
	})
}
