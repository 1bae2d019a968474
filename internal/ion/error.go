package ion

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError reports input that is not Ion text of the supported subset.
type SyntaxError struct {
	Offset int    // byte offset of the problem in the source
	Line   int    // 1-based line of Offset
	Column int    // 1-based column of Offset, in characters
	Msg    string // what is wrong
}

// Error returns "line L, column C: msg".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// newSyntaxError locates offset in src as a line and column.
func newSyntaxError(src string, offset int, format string, args ...any) *SyntaxError {
	offset = min(max(offset, 0), len(src))
	before := src[:offset]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return &SyntaxError{
		Offset: offset,
		Line:   strings.Count(before, "\n") + 1,
		Column: utf8.RuneCountInString(before[lineStart:]) + 1,
		Msg:    fmt.Sprintf(format, args...),
	}
}

// invalidUTF8Offset returns the offset of the first byte of src that is not
// part of a valid UTF-8 sequence.
func invalidUTF8Offset(src string) int {
	for i, r := range src {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(src[i:]); size == 1 {
				return i
			}
		}
	}
	return len(src)
}
