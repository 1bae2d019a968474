package sigv4

import (
	"context"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
)

// DefaultBodyWait is how long a verification waits for room in a
// [BodyBudget] before it refuses the request.
const DefaultBodyWait = time.Second

// SmallBody is the largest reservation that may use the eighth of a
// [BodyBudget] kept for small bodies.
const SmallBody = 64 << 10

// BodyBudget bounds the bytes of request bodies that verifications hold in
// memory at once, across all requests of a server. A body must be read to
// check a signature, before anyone knows who sent it, so without a
// server-wide bound a client that knows only a key ID could make the
// server hold one body per connection.
//
// A verification reserves what its body may grow to before reading it
// (the Content-Length, or the operation's bound when the client sent
// none) and gives it back when its request ends, so that the bytes handed
// to the handler stay counted while it uses them. When the budget is
// spent, it waits up to Wait for another request to end, then refuses its
// request with ThrottlingException: clients retry that, and it is never a
// server error. Requests without a body never reserve or wait.
//
// The budget is not fair: a small body that fits is let through ahead of a
// large one that waits. And bodies over SmallBody may fill only seven
// eighths of it: the rest is kept for small ones (every JSON request of
// the SDKs), so that clients stalling maximal uploads cannot keep ordinary
// requests out.
type BodyBudget struct {
	// Wait is how long a reservation waits for room; 0 means
	// DefaultBodyWait.
	Wait time.Duration
	// Drained, when set, is called (on a goroutine of its own) when the
	// reserved bytes fall back to zero after having reached half the
	// budget: the moment to give the memory of a burst of bodies, such
	// as an attack's, back to the operating system.
	Drained func()

	capacity int64
	mu       sync.Mutex
	used     int64
	// pressed records that used reached half the capacity since Drained
	// was last called.
	pressed bool
	// released is closed, and replaced, each time bytes are given back,
	// to wake the reservations waiting for room.
	released chan struct{}
}

// NewBodyBudget returns a budget of capacity bytes.
func NewBodyBudget(capacity int64) *BodyBudget {
	return &BodyBudget{capacity: capacity, released: make(chan struct{})}
}

// Capacity returns the budget's size in bytes.
func (b *BodyBudget) Capacity() int64 { return b.capacity }

// InUse returns the bytes reserved now.
func (b *BodyBudget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// reserve takes n bytes, waiting for room until Wait has passed or ctx is
// done, and returns the function that gives them back (once). A
// reservation larger than the share it may use takes the whole share, so
// that it can still go through alone.
func (b *BodyBudget) reserve(ctx context.Context, n int64) (release func(), err error) {
	share := b.capacity
	if n > SmallBody {
		share -= b.capacity / 8
	}
	n = min(n, share)
	var timeout <-chan time.Time
	for {
		b.mu.Lock()
		if b.used+n <= share {
			b.used += n
			b.pressed = b.pressed || b.used >= b.capacity/2
			b.mu.Unlock()
			return sync.OnceFunc(func() { b.give(n) }), nil
		}
		released := b.released
		b.mu.Unlock()
		if timeout == nil {
			wait := b.Wait
			if wait <= 0 {
				wait = DefaultBodyWait
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-released:
		case <-timeout:
			return nil, appconfigd.Errorf(appconfigd.EThrottling, "Rate exceeded: the server is receiving as many request bodies as it holds at once; retry shortly")
		case <-ctx.Done():
			return nil, appconfigd.Errorf(appconfigd.EThrottling, "Rate exceeded: the request ended while waiting for room to receive its body")
		}
	}
}

func (b *BodyBudget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	close(b.released)
	b.released = make(chan struct{})
	if b.used == 0 && b.pressed && b.Drained != nil {
		b.pressed = false
		go b.Drained()
	}
}
