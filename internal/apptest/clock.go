package apptest

import (
	"sync"
	"time"
)

// Start is where a Clock made by NewClock(time.Time{}) starts. A fixed
// instant keeps timestamps in tests predictable.
var Start = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

// Clock is an appconfigd.Clock that moves only when a test moves it. It is
// safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at start, or at Start when start is zero.
func NewClock(start time.Time) *Clock {
	if start.IsZero() {
		start = Start
	}
	return &Clock{now: start}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
