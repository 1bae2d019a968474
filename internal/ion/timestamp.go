package ion

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTimestamp parses text that is exactly one Ion timestamp literal, such
// as 2007T, 2007-02T, 2007-02-23, 2007-02-23T12:14Z or
// 2007-02-23T12:14:33.079-08:00, and returns its instant. A timestamp with
// less than minute precision, or with the unknown offset -00:00, is in UTC;
// a partial timestamp is the start of its period.
func ParseTimestamp(text string) (time.Time, error) {
	if !isTimestampStart(text) {
		return time.Time{}, fmt.Errorf("ion: invalid timestamp %q: expected a four-digit year then - or T", text)
	}
	t, msg := parseTimestamp(text)
	if msg != "" {
		return time.Time{}, fmt.Errorf("ion: invalid timestamp %q: %s", text, msg)
	}
	return t, nil
}

// parseTimestamp parses an Ion timestamp literal (Ion 1.0 "Timestamps"),
// or says what is wrong with it.
func parseTimestamp(text string) (time.Time, string) {
	s := timestampScanner{rest: text}
	year := s.field(4, 1, 9999, "year")
	if s.done("year") {
		return s.date(year, 1, 1)
	}
	s.expect('-')
	month := s.field(2, 1, 12, "month")
	if s.done("month") {
		return s.date(year, month, 1)
	}
	s.expect('-')
	day := s.field(2, 1, daysIn(year, month), "day")
	if s.rest == "" || s.rest == "T" {
		s.rest = ""
		return s.date(year, month, day)
	}
	s.expect('T')
	hour := s.field(2, 0, 23, "hour")
	s.expect(':')
	minute := s.field(2, 0, 59, "minute")
	second, nanos := 0, 0
	if strings.HasPrefix(s.rest, ":") {
		s.expect(':')
		second = s.field(2, 0, 59, "second")
		nanos = s.fraction()
	}
	loc := s.offset()
	if s.msg == "" && s.rest != "" {
		s.msg = "unexpected " + strconv.Quote(s.rest)
	}
	if s.msg != "" {
		return time.Time{}, s.msg
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, nanos, loc), ""
}

// timestampScanner consumes a timestamp from left to right, keeping the first
// problem it meets; once there is one, the remaining calls do nothing.
type timestampScanner struct {
	rest string
	msg  string
}

// field reads an n-digit number within [lo, hi].
func (s *timestampScanner) field(n, lo, hi int, name string) int {
	if s.msg != "" {
		return 0
	}
	if len(s.rest) < n || !isDigits(s.rest[:n]) {
		s.msg = fmt.Sprintf("%s must be %d digits", name, n)
		return 0
	}
	v, _ := strconv.Atoi(s.rest[:n])
	if v < lo || v > hi {
		s.msg = fmt.Sprintf("%s %s is out of range", name, s.rest[:n])
		return 0
	}
	s.rest = s.rest[n:]
	return v
}

func (s *timestampScanner) expect(c byte) {
	if s.msg != "" {
		return
	}
	if !strings.HasPrefix(s.rest, string(c)) {
		s.msg = fmt.Sprintf("expected %c", c)
		return
	}
	s.rest = s.rest[1:]
}

// done reports whether the timestamp ends after the year or month just
// read. Ion requires a T there (2007T, 2007-02T); 2007-02 alone is
// accepted too, because AWS's rule-language operand table writes
// timestamps that way (docs/WIRE.md §4.3), and Value.Text then adds the T so that
// what is written back is Ion. A bare year stays an error: 2007 is an int.
func (s *timestampScanner) done(precision string) bool {
	if s.msg != "" {
		return false
	}
	switch {
	case s.rest == "T", s.rest == "" && precision == "month":
		s.rest = ""
		return true
	case s.rest == "":
		s.msg = fmt.Sprintf("a timestamp of %s precision must end with T, as in 2007T or 2007-02T", precision)
	}
	return false
}

// ionTimestampText returns a timestamp literal as Ion writes it: with the
// T that the accepted month form 2007-02 leaves out.
func ionTimestampText(text string) string {
	if len(text) == len("2007-02") {
		return text + "T"
	}
	return text
}

// fraction reads optional fractional seconds, keeping nanoseconds.
func (s *timestampScanner) fraction() int {
	if s.msg != "" || !strings.HasPrefix(s.rest, ".") {
		return 0
	}
	digits := len(s.rest[1:]) - len(strings.TrimLeft(s.rest[1:], "0123456789"))
	if digits == 0 {
		s.msg = "fractional seconds need a digit after the ."
		return 0
	}
	frac := (s.rest[1:1+digits] + "000000000")[:9]
	s.rest = s.rest[1+digits:]
	n, _ := strconv.Atoi(frac)
	return n
}

// offset reads the local offset that Ion requires after a time: Z, or
// ±hh:mm, where -00:00 means the offset is unknown.
func (s *timestampScanner) offset() *time.Location {
	if s.msg != "" {
		return time.UTC
	}
	if s.rest == "" {
		s.msg = "a time needs an offset, Z or ±hh:mm"
		return time.UTC
	}
	sign := s.rest[0]
	s.rest = s.rest[1:]
	switch sign {
	case 'Z':
		return time.UTC
	case '+', '-':
	default:
		s.msg = "a time needs an offset, Z or ±hh:mm"
		return time.UTC
	}
	hours := s.field(2, 0, 23, "offset hour")
	s.expect(':')
	minutes := s.field(2, 0, 59, "offset minute")
	seconds := (hours*60 + minutes) * 60
	if seconds == 0 {
		return time.UTC
	}
	if sign == '-' {
		seconds = -seconds
	}
	return time.FixedZone("", seconds)
}

func (s *timestampScanner) date(year, month, day int) (time.Time, string) {
	if s.msg != "" {
		return time.Time{}, s.msg
	}
	if s.rest != "" {
		return time.Time{}, "unexpected " + strconv.Quote(s.rest)
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), ""
}

// daysIn returns the number of days in month of year, in the proleptic
// Gregorian calendar that Ion uses.
func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
