package appconfigd

import "time"

// Clock tells the time. It is injected everywhere time matters so that
// tests can control it; production code uses [SystemClock].
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// ClockFunc adapts a function to the [Clock] interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }
