// Package ion reads and writes the subset of the Amazon Ion 1.0 text format
// that AWS AppConfig uses: the rule language of multi-variant feature flags
// is written as Ion s-expressions (docs/WIRE.md §4.3), and the retrieval-time format
// of a flag configuration with a multi-variant flag is an Ion text document
// (docs/WIRE.md §4.2).
//
// The Amazon Ion Go library is not available to this module, so this is a
// small, strict implementation of the text grammar with the standard library
// only. It reads null and typed nulls, booleans, integers (decimal, 0x hex,
// 0b binary, with _ digit separators), decimals, floats (including nan and
// ±inf), timestamps, strings (short and long, with every Ion escape), symbols
// (identifiers, quoted symbols, and operator symbols inside s-expressions),
// annotations, lists, s-expressions and structs, with // and /* */ comments.
// A leading $ion_1_0 version marker is skipped.
//
// It refuses what it does not model rather than guessing: blobs and clobs,
// symbol IDs such as $10 (there are no symbol tables here), integers outside
// int64, surrogate code points in escapes, invalid UTF-8, and containers
// nested deeper than 64 levels. Every refusal is a *SyntaxError that says
// where the problem is. Parse never panics, whatever its input.
//
// The writer emits one canonical text for a Value that Parse reads back to an
// equal Value.
package ion
