package agent

import "time"

// Clock is the agent's source of time. Every wait of the poll scheduler
// goes through After, so a test can drive polling with a fake clock
// instead of sleeping.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// After waits on a runtime timer.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
