package rules_test

import (
	"testing"

	"github.com/appconfigd/appconfigd/rules"
)

func TestEval(t *testing.T) {
	t.Parallel()
	type ctx = map[string]string
	tests := []struct {
		name    string
		rule    string
		context ctx
		want    bool
	}{
		{"Eq/Equal", `(eq $state "Virginia")`, ctx{"state": "Virginia"}, true},
		{"Eq/Other", `(eq $state "Virginia")`, ctx{"state": "Ohio"}, false},
		{"Eq/CaseSensitive", `(eq $state "Virginia")`, ctx{"state": "virginia"}, false},
		{"Eq/Missing", `(eq $state "Virginia")`, ctx{}, false},
		{"Eq/NilContext", `(eq $state "Virginia")`, nil, false},
		{"Eq/QuotedKey", `(eq '$user-id' "u1")`, ctx{"user-id": "u1"}, true},

		{"Gt/Greater", `(gt $age 65)`, ctx{"age": "66"}, true},
		{"Gt/Equal", `(gt $age 65)`, ctx{"age": "65"}, false},
		{"Gt/Fraction", `(gt $age 65)`, ctx{"age": "65.5"}, true},
		{"Gt/PlusSign", `(gt $age 65)`, ctx{"age": "+66"}, true},
		{"Gt/Exponent", `(gt $age 65)`, ctx{"age": "6.6e1"}, true},
		{"Gt/NotANumber", `(gt $age 65)`, ctx{"age": "old"}, false},
		{"Gt/Empty", `(gt $age 65)`, ctx{"age": ""}, false},
		{"Gt/HexRefused", `(gt $age 65)`, ctx{"age": "0x42"}, false},
		{"Gt/InfRefused", `(gt $age 65)`, ctx{"age": "inf"}, false},
		{"Gt/UnderscoreRefused", `(gt $age 65)`, ctx{"age": "1_000"}, false},
		{"Gt/SpaceRefused", `(gt $age 65)`, ctx{"age": " 66"}, false},
		{"Gte/Equal", `(gte $age 65)`, ctx{"age": "65"}, true},
		{"Gte/Less", `(gte $age 65)`, ctx{"age": "64.99"}, false},
		{"Lt/Less", `(lt $age 65)`, ctx{"age": "-7"}, true},
		{"Lt/Equal", `(lt $age 65)`, ctx{"age": "65.0"}, false},
		{"Lte/Equal", `(lte $age 65)`, ctx{"age": "65"}, true},
		{"Lte/Greater", `(lte $age 65)`, ctx{"age": "65.01"}, false},
		{"Lt/LiteralFirst", `(lt 18 $age)`, ctx{"age": "20"}, true},
		{"Eq/IntegersExact", `(eq $n 9007199254740993)`, ctx{"n": "9007199254740992"}, false},
		{"Eq/IntegersExactEqual", `(eq $n 9007199254740993)`, ctx{"n": "9007199254740993"}, true},
		{"Eq/IntAndFloat", `(eq $n 1)`, ctx{"n": "1.0"}, true},
		{"Lt/Decimal", `(lt $f 3.14)`, ctx{"f": "3"}, true},
		{"Lt/Float", `(lt $f 1.234e-5)`, ctx{"f": "0.00001"}, true},
		{"Eq/NaNNeverEqual", `(eq $f nan)`, ctx{"f": "nan"}, false},
		{"Not/NaN", `(not (eq $f nan))`, ctx{"f": "1"}, true},
		{"Gt/MinusInf", `(gt $f -inf)`, ctx{"f": "-1e308"}, true},

		{"Timestamp/SameInstant", `(eq $t 2012-03-04T05:06:07-08:00)`, ctx{"t": "2012-03-04T13:06:07Z"}, true},
		{"Timestamp/Later", `(gt $t 2012-03-04T05:06:07-08:00)`, ctx{"t": "2012-03-04T13:06:07.001Z"}, true},
		{"Timestamp/Earlier", `(gt $t 2012-03-04T05:06:07-08:00)`, ctx{"t": "2012-03-04T05:06:07-07:00"}, false},
		{"Timestamp/PartialIsStart", `(gte $d 2024-01T)`, ctx{"d": "2024-01-01T00:00Z"}, true},
		{"Timestamp/BeforePartial", `(gte $d 2024-01T)`, ctx{"d": "2023-12-31T23:59:59.999Z"}, false},
		{"Timestamp/ContextDate", `(lt $d 2024-01T)`, ctx{"d": "2023-12-31"}, true},
		{"Timestamp/ContextYearMonth", `(lt $d 2024-01T)`, ctx{"d": "2023-12"}, true},
		{"Timestamp/ContextYear", `(lt $d 2024-01T)`, ctx{"d": "2023"}, true},
		{"Timestamp/ContextIonPartial", `(eq $d 2024-01T)`, ctx{"d": "2024-01T"}, true},
		{"Timestamp/NotATimestamp", `(lt $d 2024-01T)`, ctx{"d": "yesterday"}, false},
		{"Timestamp/NoOffsetRefused", `(lt $d 2024-01T)`, ctx{"d": "2023-06-01T10:00"}, false},

		{"Bool/True", `(eq $beta true)`, ctx{"beta": "true"}, true},
		{"Bool/AnyCase", `(eq $beta true)`, ctx{"beta": "TRUE"}, true},
		{"Bool/False", `(eq $beta true)`, ctx{"beta": "false"}, false},
		{"Bool/FalseLiteral", `(eq $beta false)`, ctx{"beta": "False"}, true},
		{"Bool/NotBoolean", `(eq $beta true)`, ctx{"beta": "1"}, false},

		{"Strings/Lexicographic", `(gt $v "2.0")`, ctx{"v": "10.0"}, false},
		{"Strings/LexicographicGreater", `(gt $v "2.0")`, ctx{"v": "3.0"}, true},
		{"Strings/TwoContextValues", `(eq $a $b)`, ctx{"a": "x", "b": "x"}, true},
		{"Strings/TwoContextValuesAsStrings", `(lt $a $b)`, ctx{"a": "10", "b": "9"}, true},
		{"Strings/ConstantComparison", `(gt "b" "a")`, nil, true},

		{"And/Both", `(and (eq $state "Virginia") (gt $age 65))`, ctx{"state": "Virginia", "age": "70"}, true},
		{"And/One", `(and (eq $state "Virginia") (gt $age 65))`, ctx{"state": "Virginia", "age": "60"}, false},
		{"And/Three", `(and (exists key::"a") (exists key::"b") (exists key::"c"))`, ctx{"a": "", "b": "", "c": ""}, true},
		{"Or/One", `(or (eq $state "Virginia") (gt $age 65))`, ctx{"state": "Ohio", "age": "70"}, true},
		{"Or/None", `(or (eq $state "Virginia") (gt $age 65))`, ctx{"state": "Ohio"}, false},
		{"Not/Negates", `(not (eq $state "Virginia"))`, ctx{"state": "Virginia"}, false},
		{"Not/MissingKey", `(not (eq $plan "free"))`, ctx{}, true},
		{"Constants", `(or false (not true))`, nil, false},
		{"ConstantAnd", `(and true (exists key::"a"))`, ctx{"a": "1"}, true},

		{"BeginsWith/Yes", `(begins_with $state "A")`, ctx{"state": "Alabama"}, true},
		{"BeginsWith/CaseSensitive", `(begins_with $state "A")`, ctx{"state": "alabama"}, false},
		{"BeginsWith/EmptyPrefix", `(begins_with $state "")`, ctx{"state": "Ohio"}, true},
		{"BeginsWith/Missing", `(begins_with $state "")`, ctx{}, false},
		{"EndsWith/Yes", `(ends_with $email "amazon.com")`, ctx{"email": "jeff@amazon.com"}, true},
		{"EndsWith/No", `(ends_with $email "amazon.com")`, ctx{"email": "jeff@amazon.com.evil"}, false},
		{"EndsWith/ContextAffix", `(ends_with $email $domain)`, ctx{"email": "a@b.org", "domain": "b.org"}, true},
		{"Contains/Yes", `(contains $promoCode "WIN")`, ctx{"promoCode": "BIGWINTER"}, true},
		{"Contains/CaseSensitive", `(contains $promoCode "WIN")`, ctx{"promoCode": "bigwinter"}, false},

		{"In/Member", `(in $userId ["123", "456"])`, ctx{"userId": "456"}, true},
		{"In/NotMember", `(in $userId ["123", "456"])`, ctx{"userId": "789"}, false},
		{"In/Missing", `(in $userId ["123", "456"])`, ctx{}, false},
		{"In/NumbersConvert", `(in $n [1, 2.5])`, ctx{"n": "2.50"}, true},
		{"In/NumbersNotAString", `(in $n [1, 2.5])`, ctx{"n": "one"}, false},
		{"In/MixedKinds", `(in $v [true, "x"])`, ctx{"v": "TRUE"}, true},
		{"In/Empty", `(in $v [])`, ctx{"v": "x"}, false},
		{"In/Literal", `(in "b" ["a", "b"])`, nil, true},

		{"Matches/Prefix", `(matches in::$greeting pattern::"h.*y")`, ctx{"greeting": "happy"}, true},
		{"Matches/Anywhere", `(matches in::$greeting pattern::"h.*y")`, ctx{"greeting": "oh hey there"}, true},
		{"Matches/No", `(matches in::$greeting pattern::"h.*y")`, ctx{"greeting": "hello"}, false},
		{"Matches/Anchored", `(matches in::$greeting pattern::"^h.*y$")`, ctx{"greeting": "oh hey"}, false},
		{"Matches/Missing", `(matches in::$greeting pattern::"")`, ctx{}, false},
		{"Matches/Literal", `(matches pattern::"^a" in::"abc")`, nil, true},

		{"Exists/Present", `(exists key::"country")`, ctx{"country": "US"}, true},
		{"Exists/EmptyValue", `(exists key::"country")`, ctx{"country": ""}, true},
		{"Exists/Missing", `(exists key::"country")`, ctx{"state": "Ohio"}, false},

		{"Split/All", `(split by::$u pct::100)`, ctx{"u": "anyone"}, true},
		{"Split/None", `(split by::$u pct::0)`, ctx{"u": "anyone"}, false},
		{"Split/MissingKey", `(split by::$u pct::100)`, ctx{}, false},

		{"Wire/QATesters", `(ends_with $email "qa-testers.example.org")`, ctx{"email": "kim@qa-testers.example.org"}, true},
		{"Wire/TieredReleaseOtherGroup", `(or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01")) (and (eq $group "Tier2") (split by::$userId pct::7 seed::"2025.01.01")))`,
			ctx{"group": "Tier3", "userId": "u1"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := rules.Parse(tc.rule)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.rule, err)
			}
			if got := r.Eval(rules.Input{Context: tc.context, FlagKey: "flag"}); got != tc.want {
				t.Errorf("%s with context %v = %v, want %v", tc.rule, tc.context, got, tc.want)
			}
		})
	}
}
