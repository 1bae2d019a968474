// Package rules parses and evaluates the rule language of AWS AppConfig
// multi-variant feature flags (docs/WIRE.md §4.3; AWS user guide "Defining rules for
// multi-variant feature flags").
//
// A rule is one Ion s-expression that yields true or false:
//
//	(and (eq $state "Virginia") (gt $age 65))
//	(or (ends_with $email "@example.org") (in $userId ["123", "456"]))
//	(matches in::$greeting pattern::"h.*y")
//	(exists key::"country")
//	(split by::$userId pct::10 seed::"2025.01.01")
//
// Operands are strings, 64-bit integers, decimals and floats, timestamps,
// true and false, and context values written $key ('$user-id' when the key is
// not an identifier); lists of constants appear only as the second operand of
// in. Literals are Ion text, with one exception: a month may be written
// 2024-01, as AWS's operand table does, although Ion wants 2024-01T; the
// canonical form adds the T. Parse checks operand counts and kinds, so a
// rule that parses always evaluates: two literals of different types (a
// string and a number), an ordering of booleans, a non-string operand of
// begins_with, ends_with or contains, a regular expression that does not
// compile, and everything the language lacks (unknown operators, nulls,
// structs, annotations other than the named arguments of matches, exists
// and split, rules longer than MaxLength or nested deeper than MaxDepth)
// are an *Error that says what is wrong and at which byte offset.
//
// # Evaluation
//
// AWS documents the operators but not every corner of their semantics.
// Where it is silent this package does what follows, and docs/COMPATIBILITY.md
// lists the same choices.
//
//   - Context values are strings, as the Agent receives them in Context
//     headers. Compared with a number, timestamp or boolean literal, a context
//     value is converted to that type first: numbers in decimal notation
//     (42, -7, 3.14, 1.234e-5), timestamps as Ion or W3C date-times
//     (2024-05-01T10:00:00Z, 2024-05-01, 2024-05, 2024), booleans as true or
//     false in any letter case. A value that does not convert makes the
//     comparison false.
//   - A missing context key makes every operator that reads it false (so
//     (not (eq $plan "free")) is true when there is no plan); exists is the
//     way to test presence.
//   - Two strings compare by their bytes: eq is exact and case-sensitive, and
//     gt, gte, lt and lte order lexicographically. Two context values compare
//     as strings.
//   - Integers compare exactly; an integer and a float or decimal compare as
//     float64. Timestamps compare as instants, and a partial timestamp such as
//     2024-01T stands for the start of its period.
//   - begins_with, ends_with and contains test strings, case-sensitively.
//   - in is true when the value equals (as eq) an element of the list.
//   - matches uses Go's RE2 syntax and is true when the pattern matches
//     anywhere in the value; anchor it with ^ and $ to match the whole value.
//     RE2 has no look-around or back-references, so patterns using them are
//     refused when the rule is parsed; in exchange matching takes linear time.
//   - and and or take two or more operands ("both operands" in AWS's
//     documentation), which may be true or false as well as expressions, and
//     stop at the first operand that decides the result; not takes one.
//   - Comparison operands may come in either order, (lt 18 $age) as well as
//     (gt $age 18); they are values or context values, not expressions.
//
// # Split
//
// split is true for pct percent of the values of its by:: context key, by a
// consistent hash. AWS does not publish its hash (docs/WIRE.md §6 Q14), so this one is
// ours: the bucket of a value is the first 8 bytes, big-endian, of
// SHA-256(seed + "\x00" + value), modulo 10000, and split is true when
// bucket < pct×100. pct may have up to two decimals that matter (12.5 is
// 12.50%). Without seed:: the seed is the key of the flag being evaluated
// (Input.FlagKey), so a split is consistent within a flag, as AWS documents;
// with the same seed, splits agree across flags, profiles and accounts.
// Because the bucket depends only on the seed and the value, variants that
// share a seed nest: with A (split … pct::20) before B (split … pct::25), A
// gets 20% and B the next 5%, as in AWS's examples. A missing by:: value makes
// split false.
package rules
