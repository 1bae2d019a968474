package ion_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/ion"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreOffsets compares values as Ion does: NaN equals NaN, instants
// compare with time.Time.Equal, and source offsets do not matter.
var ignoreOffsets = cmp.Options{cmpopts.IgnoreFields(ion.Value{}, "Offset"), cmpopts.EquateNaNs(), cmpopts.EquateEmpty()}

func sym(text string) ion.Value         { return ion.Value{Kind: ion.Symbol, Text: text} }
func str(text string) ion.Value         { return ion.Value{Kind: ion.String, Text: text} }
func integer(n int64) ion.Value         { return ion.Value{Kind: ion.Int, Int: n} }
func float(f float64) ion.Value         { return ion.Value{Kind: ion.Float, Float: f} }
func sexp(elems ...ion.Value) ion.Value { return ion.Value{Kind: ion.SExp, Elems: elems} }
func list(elems ...ion.Value) ion.Value { return ion.Value{Kind: ion.List, Elems: elems} }
func annotated(v ion.Value, annotations ...string) ion.Value {
	v.Annotations = annotations
	return v
}
func decimal(text string, f float64) ion.Value {
	return ion.Value{Kind: ion.Decimal, Text: text, Float: f}
}
func timestamp(text string, t time.Time) ion.Value {
	return ion.Value{Kind: ion.Timestamp, Text: text, Time: t}
}

// parseCases are valid Ion texts and what they read as. FuzzParse and the
// writer's round-trip test start from them too.
var parseCases = []struct {
	name string
	src  string
	want []ion.Value
}{
	{"Empty", "", nil},
	{"OnlySpaceAndComments", " \t\r\n\v\f// line\n/* block */", nil},
	{"Null", "null", []ion.Value{{Kind: ion.Null}}},
	{"TypedNulls", "null.null null.string null.sexp", []ion.Value{{Kind: ion.Null}, {Kind: ion.Null}, {Kind: ion.Null}}},
	{"Bools", "true false", []ion.Value{{Kind: ion.Bool, Bool: true}, {Kind: ion.Bool}}},
	{"Ints", "0 -0 42 -7 1_000_000", []ion.Value{integer(0), integer(0), integer(42), integer(-7), integer(1000000)}},
	{"HexAndBinary", "0x1F -0X1f 0b101 -0B1_0", []ion.Value{integer(31), integer(-31), integer(5), integer(-2)}},
	{"IntLimits", "9223372036854775807 -9223372036854775808 -0x8000000000000000",
		[]ion.Value{integer(math.MaxInt64), integer(math.MinInt64), integer(math.MinInt64)}},
	{"Decimals", "1.5 -0.25 1. 1.5d-3 15D1 1_0.0_1", []ion.Value{
		decimal("1.5", 1.5), decimal("-0.25", -0.25), decimal("1.", 1), decimal("1.5d-3", 0.0015),
		decimal("15D1", 150), decimal("1_0.0_1", 10.01)}},
	{"Floats", "1.5e0 1.234e-5 -2E+3 1e400", []ion.Value{float(1.5), float(1.234e-5), float(-2000), float(math.Inf(1))}},
	{"SpecialFloats", "nan +inf -inf", []ion.Value{float(math.NaN()), float(math.Inf(1)), float(math.Inf(-1))}},
	{"Timestamps", "2007T 2007-02T 2007-02-23 2007-02-23T 2007-02-23T12:14Z 2007-02-23T12:14:33.079-08:00 2024-02-29T00:00:00.123456789123+00:00 2007-02-23T12:14-00:00",
		[]ion.Value{
			timestamp("2007T", time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC)),
			timestamp("2007-02T", time.Date(2007, 2, 1, 0, 0, 0, 0, time.UTC)),
			timestamp("2007-02-23", time.Date(2007, 2, 23, 0, 0, 0, 0, time.UTC)),
			timestamp("2007-02-23T", time.Date(2007, 2, 23, 0, 0, 0, 0, time.UTC)),
			timestamp("2007-02-23T12:14Z", time.Date(2007, 2, 23, 12, 14, 0, 0, time.UTC)),
			timestamp("2007-02-23T12:14:33.079-08:00", time.Date(2007, 2, 23, 20, 14, 33, 79e6, time.UTC)),
			timestamp("2024-02-29T00:00:00.123456789123+00:00", time.Date(2024, 2, 29, 0, 0, 0, 123456789, time.UTC)),
			timestamp("2007-02-23T12:14-00:00", time.Date(2007, 2, 23, 12, 14, 0, 0, time.UTC)),
		}},
	// Not Ion, but how AWS's operand table writes a month (docs/WIRE.md §4.3).
	{"MonthWithoutT", "(gte $d 2024-01)", []ion.Value{{Kind: ion.SExp, Elems: []ion.Value{
		{Kind: ion.Symbol, Text: "gte"}, {Kind: ion.Symbol, Text: "$d"}, timestamp("2024-01T", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))}}}},
	{"Strings", `"" "apple" "Ḽơᶉëᶆ ȋṕšᶙṁ" "tab	inside"`, []ion.Value{str(""), str("apple"), str("Ḽơᶉëᶆ ȋṕšᶙṁ"), str("tab\tinside")}},
	{"StringEscapes", `"\a\b\t\n\f\r\v\?\0\'\"\/\\ \x41\u00e9\U0001F600 line\
continues"`, []ion.Value{str("\a\b\t\n\f\r\v?\x00'\"/\\ Aé😀 linecontinues")}},
	{"LongString", "'''{\"a\": 'x'}\nnext line'''", []ion.Value{str("{\"a\": 'x'}\nnext line")}},
	{"LongStringsConcatenate", "'''a''' /* c */ '''b'''\n// c\n'''c''' 'd'", []ion.Value{str("abc"), sym("d")}},
	{"LongStringQuotes", `'''it''s \''''`, []ion.Value{str("it''s '")}},
	{"Symbols", "a $userId _x9 'quoted symbol' '' 'null' '$10' '$ion_1_0'", []ion.Value{
		sym("a"), sym("$userId"), sym("_x9"), sym("quoted symbol"), sym(""), sym("null"), sym("$10"), sym("$ion_1_0")}},
	{"VersionMarkerSkipped", "$ion_1_0 a $ion_1_0", []ion.Value{sym("a")}},
	{"Annotations", "a::b::1 'x y' /* c */ :: 'z'", []ion.Value{annotated(integer(1), "a", "b"), annotated(sym("z"), "x y")}},
	{"AnnotatedContainersAndNull", "x::[] y::() z::{} n::null.int", []ion.Value{
		annotated(list(), "x"), annotated(sexp(), "y"), annotated(ion.Value{Kind: ion.Struct}, "z"), annotated(ion.Value{Kind: ion.Null}, "n")}},
	{"Lists", "[] [1] [1, a, \"s\"] [1,] [[]]", []ion.Value{
		list(), list(integer(1)), list(integer(1), sym("a"), str("s")), list(integer(1)), list(list())}},
	{"SExpOperators", "(a + b <= -1 -inf +inf - 2 !=) (x.y) (+-*/) ((a)(b))", []ion.Value{
		sexp(sym("a"), sym("+"), sym("b"), sym("<="), integer(-1), float(math.Inf(-1)), float(math.Inf(1)), sym("-"), integer(2), sym("!=")),
		sexp(sym("x"), sym("."), sym("y")),
		sexp(sym("+-*/")),
		sexp(sexp(sym("a")), sexp(sym("b")))}},
	{"SExpOperatorStopsAtComment", "(+// c\n-/* c */)", []ion.Value{sexp(sym("+"), sym("-"))}},
	{"SExpNoSpaceNeeded", `(a"s"'b'(c)[1])`, []ion.Value{sexp(sym("a"), str("s"), sym("b"), sexp(sym("c")), list(integer(1)))}},
	{"Structs", `{a: 1, "b c": x::2, 'd': [], '''e''' '''f''': {}, a: 3,}`, []ion.Value{{Kind: ion.Struct, Fields: []ion.Field{
		{Name: "a", Value: integer(1)},
		{Name: "b c", Value: annotated(integer(2), "x")},
		{Name: "d", Value: list()},
		{Name: "ef", Value: ion.Value{Kind: ion.Struct}},
		{Name: "a", Value: integer(3)},
	}}}},
	{"NumbersStopAtDelimiters", `[1,2](3)"a"{a:4}`, []ion.Value{
		list(integer(1), integer(2)), sexp(integer(3)), str("a"), {Kind: ion.Struct, Fields: []ion.Field{{Name: "a", Value: integer(4)}}}}},
	{"AWSRetrievalSample", `'tiered_release'::[
  [
    (or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01"))),
    '''{"_variant": "ShowFeature", "enabled": true}'''
  ],
  '''{"_variant": "HideFeature", "enabled": false}'''
]
'button_color'::'''{"enabled": true, "color": "orange"}'''`, []ion.Value{
		annotated(list(
			list(
				sexp(sym("or"), sexp(sym("and"),
					sexp(sym("eq"), sym("$group"), str("Tier1")),
					sexp(sym("split"), annotated(sym("$userId"), "by"), annotated(integer(1), "pct"), annotated(str("2025.01.01"), "seed")))),
				str(`{"_variant": "ShowFeature", "enabled": true}`)),
			str(`{"_variant": "HideFeature", "enabled": false}`)), "tiered_release"),
		annotated(str(`{"enabled": true, "color": "orange"}`), "button_color"),
	}},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ion.Parse(tc.src)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.src, err)
			}
			if diff := cmp.Diff(got, tc.want, ignoreOffsets); diff != "" {
				t.Errorf("Parse(%q) mismatch (-got +want):\n%s", tc.src, diff)
			}
		})
	}
}

// parseErrorCases are invalid texts, where Parse must point and what it must
// say.
var parseErrorCases = []struct {
	name         string
	src          string
	line, column int
	msg          string
}{
	{"InvalidUTF8", "\"ok\" \"\xff\"", 1, 7, "invalid UTF-8"},
	{"UnterminatedComment", "1 /* never closed", 1, 3, "unterminated /* comment"},
	{"UnterminatedString", `"abc`, 1, 1, "unterminated string"},
	{"LineBreakInString", "\"a\nb\"", 1, 3, "line break in a string"},
	{"ControlCharInString", "\"a\x01\"", 1, 3, "control character U+0001"},
	{"ControlCharInLongString", "'''a\x00'''", 1, 5, "control character U+0000"},
	{"UnterminatedLongString", "'''abc''", 1, 1, "unterminated long string"},
	{"UnterminatedQuotedSymbol", "'abc", 1, 1, "unterminated quoted symbol"},
	{"InvalidEscape", `"\q"`, 1, 2, `invalid escape sequence \q`},
	{"ShortHexEscape", `"\x4"`, 1, 2, "escape sequence needs 2 hex digits"},
	{"SurrogateEscape", `"\uD83D\uDE00"`, 1, 2, "surrogate code point U+D83D"},
	{"EscapeBeyondUnicode", `"\U00110000"`, 1, 2, "beyond the last Unicode code point"},
	{"IntOutOfRange", "9223372036854775808", 1, 1, "integer out of range"},
	{"HexOutOfRange", "0x8000000000000000", 1, 1, "integer out of range"},
	{"LeadingZero", "007", 1, 1, "leading zeros are not allowed"},
	{"PlusSignOnInt", "[+1]", 1, 2, "allowed only inside s-expressions"},
	{"DoubledUnderscore", "1__0", 1, 1, "_ must separate two digits"},
	{"TrailingUnderscore", "10_", 1, 1, "_ must separate two digits"},
	{"EmptyExponent", "1e", 1, 1, "exponent: expected a digit"},
	{"BadHexDigit", "0x1G", 1, 1, `unexpected "G"`},
	{"LetterAfterNumber", "12abc", 1, 1, `unexpected "abc"`},
	{"SymbolAfterNumber", "12$a", 1, 3, `unexpected character '$' after a number`},
	{"TruncatedTimestamp", "(gt $d 2024-)", 1, 8, "month must be 2 digits"},
	{"BadDay", "2023-02-29", 1, 1, "day 29 is out of range"},
	{"BadMonth", "2023-13T", 1, 1, "month 13 is out of range"},
	{"YearZero", "0000T", 1, 1, "year 0000 is out of range"},
	{"TimeWithoutOffset", "2007-02-23T12:14", 1, 1, "a time needs an offset"},
	{"BadHour", "2007-02-23T24:00Z", 1, 1, "hour 24 is out of range"},
	{"BadSecond", "2007-02-23T12:00:60Z", 1, 1, "second 60 is out of range"},
	{"EmptyFraction", "2007-02-23T12:00:00.Z", 1, 1, "fractional seconds need a digit"},
	{"BadOffset", "2007-02-23T12:00+24:00", 1, 1, "offset hour 24 is out of range"},
	{"TrailingTimestampText", "2007-02-23T12:00Zx", 1, 1, `unexpected "x"`},
	{"UnknownTypedNull", "null.nothing", 1, 1, "unknown typed null null.nothing"},
	{"SymbolID", "$10", 1, 1, "symbol IDs such as $10 are not supported"},
	{"OtherVersionMarker", "$ion_2_0", 1, 1, "unsupported Ion version marker $ion_2_0"},
	{"Blob", "{{ aGVsbG8= }}", 1, 1, "blobs and clobs are not supported"},
	{"OperatorOutsideSExp", "[a, <]", 1, 5, "allowed only inside s-expressions"},
	{"TopLevelComma", "1, 2", 1, 2, "unexpected character ','"},
	{"UnterminatedList", "[1, 2", 1, 1, "unterminated list"},
	{"MissingComma", "[1 2]", 1, 4, "expected , or ]"},
	{"DoubleComma", "[1,,2]", 1, 4, "unexpected character ','"},
	{"LoneComma", "[,]", 1, 2, "unexpected character ','"},
	{"UnterminatedSExp", "(a (b)", 1, 1, "unterminated s-expression"},
	{"CommaInSExp", "(a, b)", 1, 3, "unexpected character ','"},
	{"UnterminatedStruct", "{a: 1", 1, 1, "unterminated struct"},
	{"MissingColon", "{a 1}", 1, 4, "expected :"},
	{"AnnotatedFieldName", "{a::b: 1}", 1, 3, "field names cannot be annotated"},
	{"KeywordFieldName", "{true: 1}", 1, 2, "true cannot be a field name unless quoted"},
	{"NumberFieldName", "{1: 1}", 1, 2, "where a field name was expected"},
	{"MissingFieldValue", "{a: }", 1, 5, "unexpected character '}' where a value was expected"},
	{"FieldValueAtEnd", "{a:", 1, 4, "unexpected end of input after a field name: expected a value"},
	{"FieldNameAtEnd", "{a", 1, 3, "unexpected end of input after a field name: expected :"},
	{"DanglingAnnotation", "a::", 1, 4, `expected a value after annotation "a"`},
	{"UnexpectedCloser", "]", 1, 1, "unexpected character ']'"},
	{"ErrorOnLaterLine", "a\nb\n  [\"é\", \x01]", 3, 9, "unexpected character '\\x01'"},
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range parseErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vals, err := ion.Parse(tc.src)
			var se *ion.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tc.src, vals, err)
			}
			if se.Line != tc.line || se.Column != tc.column {
				t.Errorf("Parse(%q) error at line %d, column %d; want line %d, column %d (%v)", tc.src, se.Line, se.Column, tc.line, tc.column, se)
			}
			if !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q) error %q; want it to contain %q", tc.src, se.Msg, tc.msg)
			}
			if want := fmt.Sprintf("line %d, column %d: %s", se.Line, se.Column, se.Msg); se.Error() != want {
				t.Errorf("Error() = %q, want %q", se.Error(), want)
			}
		})
	}
}
