package rules_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd/internal/ion"
	"github.com/appconfigd/appconfigd/rules"
)

// validRules are rules that parse, with their canonical text. The first
// group are the examples of AWS's user guide (operands and operators pages)
// and of docs/WIRE.md §4.3; FuzzParse starts from them.
var validRules = []struct {
	name string
	src  string
	want string // Rule.String()
}{
	{"AWS/Eq", `(eq $state "Virginia")`, `(eq $state "Virginia")`},
	{"AWS/Gt", `(gt $age 65)`, `(gt $age 65)`},
	{"AWS/Gte", `(gte $age 65)`, `(gte $age 65)`},
	{"AWS/Lt", `(lt $age 65)`, `(lt $age 65)`},
	{"AWS/Lte", `(lte $age 65)`, `(lte $age 65)`},
	{"AWS/And", `(and (eq $state "Virginia") (gt $age 65) )`, `(and (eq $state "Virginia") (gt $age 65))`},
	{"AWS/Or", `(or (eq $state "Virginia") (gt $age 65) )`, `(or (eq $state "Virginia") (gt $age 65))`},
	{"AWS/Not", `(not (eq $state "Virginia"))`, `(not (eq $state "Virginia"))`},
	{"AWS/BeginsWith", `(begins_with $state "A")`, `(begins_with $state "A")`},
	{"AWS/EndsWith", `(ends_with $email "amazon.com")`, `(ends_with $email "amazon.com")`},
	{"AWS/Contains", `(contains $promoCode "WIN")`, `(contains $promoCode "WIN")`},
	{"AWS/In", `(in $userId ["123", "456"])`, `(in $userId ["123","456"])`},
	{"AWS/Matches", `(matches in::$greeting pattern::"h.*y")`, `(matches in::$greeting pattern::"h.*y")`},
	{"AWS/Exists", `(exists key::"country")`, `(exists key::"country")`},
	{"AWS/Split", `(split pct::10 by::$userId seed::"abc")`, `(split by::$userId pct::10 seed::"abc")`},
	{"AWS/SplitNoSeed", `(split by::$uniqueId pct::20)`, `(split by::$uniqueId pct::20)`},
	{"AWS/StringOperand", `(eq $name "Ḽơᶉëᶆ ȋṕšᶙṁ")`, `(eq $name "Ḽơᶉëᶆ ȋṕšᶙṁ")`},
	{"AWS/IntOperand", `(gt $n -7)`, `(gt $n -7)`},
	{"AWS/DecimalOperand", `(lt $f 3.14)`, `(lt $f 3.14)`},
	{"AWS/FloatOperand", `(lt $f 1.234e-5)`, `(lt $f 1.234e-5)`},
	{"AWS/TimestampOperand", `(gt $t 2012-03-04T05:06:07-08:00)`, `(gt $t 2012-03-04T05:06:07-08:00)`},
	{"AWS/BoolOperand", `(eq $beta true)`, `(eq $beta true)`},
	{"Wire/QATesters", `(ends_with $email "qa-testers.example.org")`, `(ends_with $email "qa-testers.example.org")`},
	{"Wire/TieredRelease",
		`(or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01")) (and (eq $group "Tier2") (split by::$userId pct::7 seed::"2025.01.01")))`,
		`(or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01")) (and (eq $group "Tier2") (split by::$userId pct::7 seed::"2025.01.01")))`},

	{"PartialTimestamp", `(gte $signup 2024-01T)`, `(gte $signup 2024-01T)`},
	{"MonthAsAWSWritesIt", `(gte $signup 2024-01)`, `(gte $signup 2024-01T)`},
	{"CommentsAndSpace", "( eq /* state */ $state\n// the name\n\"Virginia\" )", `(eq $state "Virginia")`},
	{"QuotedContextKey", `(eq '$user-id' "u1")`, `(eq '$user-id' "u1")`},
	{"LiteralFirst", `(lt 18 $age)`, `(lt 18 $age)`},
	{"TwoContextValues", `(eq $a $b)`, `(eq $a $b)`},
	{"ConstantComparison", `(gt "b" "a")`, `(gt "b" "a")`},
	{"ThreeWayAnd", `(and (exists key::"a") (exists key::"b") (exists key::"c"))`, `(and (exists key::"a") (exists key::"b") (exists key::"c"))`},
	{"BooleanConstants", `(or false (not true))`, `(or false (not true))`},
	{"InMixedConstants", `(in $v [1, 2.5, 3e0, "x", true, 2024T,])`, `(in $v [1,2.5,3e0,"x",true,2024T])`},
	{"InEmpty", `(in $v [])`, `(in $v [])`},
	{"InLiteralSubject", `(in "b" ["a", "b"])`, `(in "b" ["a","b"])`},
	{"MatchesReordered", `(matches pattern::"^a" in::"abc")`, `(matches in::"abc" pattern::"^a")`},
	{"SplitDecimalPct", `(split seed::"s" pct::12.5 by::$u)`, `(split by::$u pct::12.5 seed::"s")`},
	{"SplitBounds", `(or (split by::$u pct::0) (split by::$u pct::100))`, `(or (split by::$u pct::0) (split by::$u pct::100))`},
	{"StringEscapes", `(eq $s "tab\there \"q\" \u00e9")`, `(eq $s "tab\there \"q\" é")`},
	{"LongString", `(eq $s '''a''' '''b''')`, `(eq $s "ab")`},
	{"HexInt", `(gt $n 0x1F)`, `(gt $n 31)`},
	{"VersionMarker", `$ion_1_0 (eq $a 1)`, `(eq $a 1)`},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range validRules {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := rules.Parse(tc.src)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.src, err)
			}
			if got := r.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.src, got, tc.want)
			}
			again, err := rules.Parse(r.String())
			if err != nil {
				t.Fatalf("Parse(%q) of the canonical text: %v", r.String(), err)
			}
			if got := again.String(); got != tc.want {
				t.Errorf("canonical text is not stable: %q, then %q", tc.want, got)
			}
		})
	}
}

// invalidRules are rules Parse refuses, where it points and a fragment of
// what it says.
var invalidRules = []struct {
	name   string
	src    string
	offset int
	msg    string
}{
	{"Empty", "", 0, "rule is empty"},
	{"OnlyComment", "// nothing", 0, "rule is empty"},
	{"SyntaxError", `(eq $a "open`, 7, "unterminated string"},
	{"UnbalancedParen", `(and (eq $a 1) (eq $b 2)`, 0, "unterminated s-expression"},
	{"TimestampDayOutOfRange", `(lt $d 2024-01-32)`, 7, "day 32 is out of range"},
	{"TwoValues", `(eq $a 1) (eq $b 2)`, 10, "another value follows"},
	{"NotSExp", `"Virginia"`, 0, `a rule is an s-expression such as (eq $country "US"), not a string "Virginia"`},
	{"BareTrue", `true`, 0, "not a bool true"},
	{"AnnotatedRule", `x::(eq $a 1)`, 0, "cannot be annotated (x::)"},
	{"EmptySExp", `()`, 0, "empty s-expression"},
	{"HeadNotSymbol", `(1 2)`, 1, "starts with an operator such as eq, not an int 1"},
	{"AnnotatedOperator", `(x::eq $a 1)`, 1, "starts with an operator such as eq, not a symbol x::eq"},
	{"UnknownOperator", `(equals $a 1)`, 1, `unknown operator "equals"; the operators are eq, gt`},
	{"UppercaseOperator", `(EQ $a 1)`, 1, `unknown operator "EQ"`},
	{"TooManyOperands", `(gt $age 65 1)`, 0, `operator "gt" takes 2 operands, got 3`},
	{"TooFewOperands", `(eq $a)`, 0, `operator "eq" takes 2 operands, got 1`},
	{"NotTwoOperands", `(not (eq $a 1) (eq $b 1))`, 0, `operator "not" takes 1 operand, got 2`},
	{"AndOneOperand", `(and (eq $a 1))`, 0, `operator "and" takes 2 or more operands, got 1`},
	{"OrNoOperands", `(or)`, 0, `operator "or" takes 2 or more operands, got 0`},
	{"BareSymbolOperand", `(eq $state Virginia)`, 11, `unexpected symbol Virginia; write strings in double quotes and context values with $, as in "Virginia" or $Virginia`},
	{"DollarAlone", `(eq $ 1)`, 4, "needs a key after the $"},
	{"NullOperand", `(eq $a null)`, 7, `operand 2 of "eq" must be a value or a context value such as $country, not null`},
	{"TypedNullOperand", `(eq $a null.string)`, 7, "not null"},
	{"StructOperand", `(eq $a {a: 1})`, 7, "not a struct {a:1}"},
	{"ExpressionOperand", `(eq $a (exists key::"a"))`, 7, `not an expression (exists key::"a")`},
	{"ListOperand", `(eq $a [1])`, 7, `a list is allowed only as the second operand of "in"`},
	{"AnnotatedOperand", `(eq x::$a 1)`, 4, `operator "eq" takes no named arguments, but got x::`},
	{"LiteralKindMismatch", `(eq "a" 1)`, 0, `operator "eq" cannot compare a string with a number`},
	{"TimestampWithNumber", `(lt 2024T 5)`, 0, "cannot compare a timestamp with a number"},
	{"OrderBooleans", `(gt $a true)`, 0, `operator "gt" cannot order booleans; use eq`},
	{"LogicalOperandNotExpression", `(not $a)`, 5, `operand 1 of "not" must be an expression such as (eq $country "US"), or true or false, not a symbol $a`},
	{"LogicalOperandString", `(and (eq $a 1) "yes")`, 15, `operand 2 of "and" must be an expression`},
	{"AnnotatedSubExpression", `(and x::(eq $a 1) (eq $b 1))`, 5, "cannot be annotated (x::)"},
	{"NestedError", `(or (eq $a 1) (and (eq $b 2) (frob)))`, 30, `unknown operator "frob"`},
	{"StringTestNumber", `(begins_with $zip 123)`, 18, `operand 2 of "begins_with" must be a string or a context value, not an int 123`},
	{"StringTestSubject", `(contains 5 "a")`, 10, `operand 1 of "contains" must be a string`},
	{"InNotList", `(in $a "abc")`, 7, `operand 2 of "in" must be a list of constants such as ["a", "b"], not a string "abc"`},
	{"InAnnotatedList", `(in $a x::["abc"])`, 7, `operator "in" takes no named arguments, but got x::`},
	{"InContextValueInList", `(in $a ["x", $b])`, 13, `holds constants only, not context values ($b)`},
	{"InNestedList", `(in $a [[1]])`, 8, `a list is allowed only as the second operand of "in"`},
	{"InAnnotatedElement", `(in $a [x::1])`, 8, "annotation x:: is not allowed here"},
	{"InLiteralMismatch", `(in 1 ["a"])`, 7, `operator "in" cannot compare a number with a string`},
	{"InArity", `(in $a)`, 0, `operator "in" takes 2 operands, got 1`},
	{"MatchesUnnamed", `(matches $a "x")`, 9, `operator "matches" takes the named arguments in:: pattern::, as in name::value; got a symbol $a`},
	{"MatchesMissingPattern", `(matches in::$a)`, 0, `operator "matches" needs pattern::`},
	{"MatchesUnknownArgument", `(matches in::$a pattern::"x" flags::"i")`, 29, `operator "matches" has no argument flags::; it takes in:: pattern::`},
	{"MatchesTwoAnnotations", `(matches in::pattern::$a)`, 9, "takes the named arguments"},
	{"MatchesPatternNotString", `(matches in::$a pattern::$p)`, 16, `pattern:: of "matches" must be a string, not a symbol $p`},
	{"MatchesSubjectNumber", `(matches in::5 pattern::"5")`, 9, `in:: of "matches" must be a string or a context value, not an int 5`},
	{"MatchesLookAhead", `(matches in::$a pattern::"a(?=b)")`, 16, "invalid or unsupported Perl syntax: `(?=`"},
	{"MatchesBackReference", `(matches in::$a pattern::"(a)\\1")`, 16, "not a valid regular expression"},
	{"MatchesBadPattern", `(matches in::$a pattern::"(")`, 16, "missing closing )"},
	{"ExistsUnnamed", `(exists "country")`, 8, `operator "exists" takes the named arguments key::`},
	{"ExistsContextValue", `(exists key::$country)`, 8, `key:: of "exists" must be a string naming a context key`},
	{"ExistsDuplicate", `(exists key::"a" key::"b")`, 17, `operator "exists" got key:: twice`},
	{"ExistsMissingKey", `(exists)`, 0, `operator "exists" needs key::`},
	{"SplitMissingBy", `(split pct::10)`, 0, `operator "split" needs by::`},
	{"SplitMissingPct", `(split by::$u)`, 0, `operator "split" needs pct::`},
	{"SplitByString", `(split by::"userId" pct::10)`, 7, `by:: of "split" must be a context value such as $userId, not a string "userId"`},
	{"SplitPctTooLarge", `(split by::$u pct::101)`, 14, `pct:: of "split" must be a number from 0 to 100, not an int 101`},
	{"SplitPctNegative", `(split by::$u pct::-0.5)`, 14, "not a decimal -0.5"},
	{"SplitPctNaN", `(split by::$u pct::nan)`, 14, "not a float nan"},
	{"SplitPctString", `(split by::$u pct::"10")`, 14, `not a string "10"`},
	{"SplitSeedNumber", `(split by::$u pct::10 seed::2025)`, 22, `seed:: of "split" must be a string such as seed::"2025.01.01", not an int 2025`},
	{"SplitUnknownArgument", `(split by::$u pct::10 salt::"x")`, 22, `operator "split" has no argument salt::; it takes by:: pct:: seed::`},
	{"SplitDuplicate", `(split by::$u pct::10 pct::20)`, 22, "got pct:: twice"},
	{"TooLong", `(eq $a "` + strings.Repeat("é", rules.MaxLength) + `")`, 8 + 2*(rules.MaxLength-8), "rule is 16394 characters long; the limit is 16384"},
	{"CanonicalTooLong", `(in $n [` + strings.Repeat("0x7FFFFFFFFFFFFFFF,", 850) + `])`, 0, "characters long in canonical form; the limit is 16384"},
}

func TestParse_Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range invalidRules {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := rules.Parse(tc.src)
			var re *rules.Error
			if !errors.As(err, &re) {
				t.Fatalf("Parse = %v, %v; want a *rules.Error", r, err)
			}
			if re.Offset != tc.offset {
				t.Errorf("Offset = %d, want %d (%v)", re.Offset, tc.offset, re)
			}
			if !strings.Contains(re.Msg, tc.msg) {
				t.Errorf("Msg = %q, want it to contain %q", re.Msg, tc.msg)
			}
			if want := "at offset " + strconv.Itoa(re.Offset) + ": " + re.Msg; re.Error() != want {
				t.Errorf("Error() = %q, want %q", re.Error(), want)
			}
		})
	}
}

func TestParse_MaxLength(t *testing.T) {
	t.Parallel()
	const frame = `(eq $a "")` // 10 characters around the padding
	tests := []struct {
		name    string
		padding string // repeated to fill the rule up to its length
		length  int
		wantErr bool
	}{
		{"ASCIIAtLimit", "a", rules.MaxLength, false},
		{"ASCIIOverLimit", "a", rules.MaxLength + 1, true},
		{"MultibyteAtLimit", "Ḽ", rules.MaxLength, false}, // the limit counts characters, not bytes
		{"MultibyteOverLimit", "Ḽ", rules.MaxLength + 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := `(eq $a "` + strings.Repeat(tc.padding, tc.length-len(frame)) + `")`
			if n := utf8.RuneCountInString(src); n != tc.length {
				t.Fatalf("test rule has %d characters, want %d", n, tc.length)
			}
			_, err := rules.Parse(src)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Errorf("Parse of a %d-character rule: error = %v, want error: %v", tc.length, err, tc.wantErr)
			}
		})
	}
}

// TestParse_MaxDepth: a rule may nest MaxDepth levels, and no more, so
// that the retrieval-time document, which puts it two lists deeper, can
// be read back.
func TestParse_MaxDepth(t *testing.T) {
	t.Parallel()
	nested := func(depth int) string {
		return strings.Repeat("(not ", depth-1) + "(exists key::\"a\")" + strings.Repeat(")", depth-1)
	}
	r, err := rules.Parse(nested(rules.MaxDepth))
	if err != nil {
		t.Fatalf("Parse of a rule %d deep: %v", rules.MaxDepth, err)
	}
	if _, err := ion.Parse("[[" + r.String() + "]]"); err != nil {
		t.Errorf("the rule inside two lists does not parse as Ion: %v", err)
	}
	_, err = rules.Parse(nested(rules.MaxDepth + 1))
	var re *rules.Error
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "nests more than 62 levels deep") {
		t.Errorf("Parse of a rule %d deep = %v; want a *rules.Error about its depth", rules.MaxDepth+1, err)
	}
}
