package rules

import "fmt"

// Error reports a rule that does not parse or does not type-check.
type Error struct {
	Offset int    // byte offset in the rule of the part that is wrong
	Msg    string // what is wrong
}

// Error returns "at offset N: msg".
func (e *Error) Error() string {
	return fmt.Sprintf("at offset %d: %s", e.Offset, e.Msg)
}

func errorf(offset int, format string, args ...any) *Error {
	return &Error{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}
