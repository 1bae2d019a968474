package ion_test

import (
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd/internal/ion"
	"github.com/google/go-cmp/cmp"
)

func TestAppendValue(t *testing.T) {
	t.Parallel()
	lmt := time.FixedZone("LMT", -(4*3600 + 56*60 + 2))
	tests := []struct {
		name string
		v    ion.Value
		want string
		same bool // Parse(want) gives v back
	}{
		{"Null", ion.Value{Kind: ion.Null}, "null", true},
		{"UnknownKind", ion.Value{Kind: ion.Kind(99)}, "null", false},
		{"Bool", ion.Value{Kind: ion.Bool, Bool: true}, "true", true},
		{"MinInt", integer(math.MinInt64), "-9223372036854775808", true},
		{"DecimalText", decimal("1_0.5d-3", 0.0105), "1_0.5d-3", true},
		{"DecimalFromFloat", ion.Value{Kind: ion.Decimal, Float: 1.5}, "1.5", false},
		{"DecimalWhole", ion.Value{Kind: ion.Decimal, Float: 100}, "100d0", false},
		{"DecimalLarge", ion.Value{Kind: ion.Decimal, Float: 1e21}, "1d+21", false},
		{"DecimalIntText", decimal("15", 15), "15d0", false},
		{"DecimalBogusText", decimal("1.5; drop", 2.5), "2.5", false},
		{"DecimalNaN", ion.Value{Kind: ion.Decimal, Float: math.NaN()}, "null.decimal", false},
		{"Float", float(1.5), "1.5e0", true},
		{"FloatNegativeZero", float(math.Copysign(0, -1)), "-0e0", true},
		{"FloatLarge", float(1e21), "1e21", true},
		{"FloatSmall", float(1.234e-5), "1.234e-5", true},
		{"FloatPlain", float(12), "12e0", true},
		{"FloatScientific", float(100000), "1e5", true},
		{"FloatFraction", float(123.456), "123.456e0", true},
		{"NaN", float(math.NaN()), "nan", true},
		{"Infinities", sexp(float(math.Inf(1)), float(math.Inf(-1))), "(+inf -inf)", true},
		{"TimestampText", timestamp("2007-02T", time.Date(2007, 2, 1, 0, 0, 0, 0, time.UTC)), "2007-02T", true},
		{"TimestampFromTime", ion.Value{Kind: ion.Timestamp, Time: time.Date(2024, 5, 1, 12, 0, 0, 5e6, time.FixedZone("", 3600))}, "2024-05-01T12:00:00.005+01:00", false},
		{"TimestampSecondsOffset", ion.Value{Kind: ion.Timestamp, Time: time.Date(1880, 1, 1, 0, 0, 0, 0, lmt)}, "1880-01-01T04:56:02Z", false},
		{"TimestampOutOfRange", ion.Value{Kind: ion.Timestamp, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "null.timestamp", false},
		{"String", str("say \"hi\"\n\t\\ é\x00\a\b\f\v\r\x1f"), `"say \"hi\"\n\t\\ é\0\a\b\f\v\r\x1f"`, true},
		{"StringInvalidUTF8", str("a\xffb"), "\"a\uFFFDb\"", false},
		{"Symbols", list(sym("a"), sym("$userId"), sym("two words"), sym("null"), sym("$10"), sym("$ion_1_0"), sym("it's"), sym("")),
			`[a,$userId,'two words','null','$10','$ion_1_0','it\'s','']`, true},
		{"Annotations", annotated(integer(1), "a", "b c", "true"), `a::'b c'::'true'::1`, true},
		{"SExpOperatorsBare", sexp(sym("a"), sym("<="), sym("+-"), annotated(sym("+"), "x"), sym("//"), sym("/*")),
			`(a <= +- x::'+' '//' '/*')`, true},
		{"OperatorOutsideSExpQuoted", list(sym("<=")), `['<=']`, true},
		{"Struct", ion.Value{Kind: ion.Struct, Fields: []ion.Field{{Name: "a", Value: integer(1)}, {Name: "b c", Value: ion.Value{Kind: ion.Struct}}, {Name: "", Value: list()}}},
			`{a:1,'b c':{},'':[]}`, true},
		{"Empty", list(sexp(), list()), "[(),[]]", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := string(ion.AppendValue([]byte("prefix "), tc.v))
			if got != "prefix "+tc.want {
				t.Fatalf("AppendValue = %q, want %q", got, "prefix "+tc.want)
			}
			back, err := ion.Parse(tc.want)
			if err != nil || len(back) != 1 {
				t.Fatalf("Parse(%q) = %v, %v; want one value", tc.want, back, err)
			}
			if diff := cmp.Diff(back[0], tc.v, ignoreOffsets); (diff == "") != tc.same {
				t.Errorf("Parse(AppendValue(v)) == v is %v, want %v (-got +want):\n%s", diff == "", tc.same, diff)
			}
		})
	}
}

func TestAppendStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		append func([]byte, string) []byte
		kind   ion.Kind
		s      string
		want   string
	}{
		{"SymbolIdentifier", ion.AppendSymbol, ion.Symbol, "tiered_release", "tiered_release"},
		{"SymbolQuoted", ion.AppendSymbol, ion.Symbol, "ui-refresh", "'ui-refresh'"},
		{"SymbolLeadingDigit", ion.AppendSymbol, ion.Symbol, "1a", "'1a'"},
		{"SymbolKeyword", ion.AppendSymbol, ion.Symbol, "nan", "'nan'"},
		{"SymbolEscapes", ion.AppendSymbol, ion.Symbol, "a'b\\c\nd", `'a\'b\\c\nd'`},
		{"LongStringJSON", ion.AppendLongString, ion.String, `{"_variant": "QA", "enabled": true}`, `'''{"_variant": "QA", "enabled": true}'''`},
		{"LongStringQuotes", ion.AppendLongString, ion.String, "it's '''here'''", `'''it\'s \'\'\'here\'\'\''''`},
		{"LongStringTrailingQuote", ion.AppendLongString, ion.String, "end'", `'''end\''''`},
		{"LongStringControls", ion.AppendLongString, ion.String, "a\r\nb\x7f\x01\\", `'''a\r\nb` + "\x7f" + `\x01\\'''`},
		{"String", ion.AppendString, ion.String, `"quoted" 'single'`, `"\"quoted\" 'single'"`},
		{"StringUnicode", ion.AppendString, ion.String, "Ḽơᶉëᶆ 😀", `"Ḽơᶉëᶆ 😀"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := string(tc.append(nil, tc.s))
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			back, err := ion.Parse(got)
			if err != nil || len(back) != 1 || back[0].Kind != tc.kind || back[0].Text != tc.s {
				t.Errorf("Parse(%s) = %+v, %v; want one %v %q", got, back, err, tc.kind, tc.s)
			}
		})
	}
}

// TestAppendValue_RoundTrip writes every value of the parse table and reads
// it back.
func TestAppendValue_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkRoundTrip(t, tc.src)
		})
	}
}

// checkRoundTrip parses src and checks that each value it holds reads back
// from its canonical text unchanged. Invalid src is not its business.
func checkRoundTrip(t *testing.T, src string) {
	t.Helper()
	vals, err := ion.Parse(src)
	if err != nil {
		return
	}
	for _, v := range vals {
		text := ion.AppendValue(nil, v)
		if !utf8.Valid(text) {
			t.Fatalf("AppendValue(%+v) = %q, not UTF-8", v, text)
		}
		back, err := ion.Parse(string(text))
		if err != nil || len(back) != 1 {
			t.Fatalf("Parse(%q) = %v, %v; want one value", text, back, err)
		}
		if diff := cmp.Diff(back[0], v, ignoreOffsets); diff != "" {
			t.Fatalf("Parse(AppendValue(v)) != v for %q (-got +want):\n%s", text, diff)
		}
	}
}
