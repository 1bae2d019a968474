// Package loadshed protects the server by load rather than by client: it
// bounds the requests being handled at once, lets the others wait for a
// slot for a bounded time, and answers those that waited too long with an
// AWS ThrottlingException, which the AWS SDKs retry with backoff. A fleet
// that shares one access key is never refused while the server keeps up,
// however many clients it has (docs/SECURITY.md, "Limits").
package loadshed

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/appconfigd/appconfigd/awsjson"
)

// DefaultMaxQueueWait is how long a request may wait for a slot by
// default: long enough to ride out a burst, short enough that a client
// hears "overloaded" well before its own timeout.
const DefaultMaxQueueWait = time.Second

// DefaultMaxInFlight returns the default bound on requests handled at once:
// 512 per CPU, at least 1024. A poll takes about 25 µs of CPU, so at this
// bound the requests in flight are tens of milliseconds of work, far more
// than the CPUs need to stay busy; it is not reached unless requests pile
// up, and then the queue wait, not this number, decides who is refused. It
// is set high because a request with a body holds its slot while the body
// arrives.
func DefaultMaxInFlight() int {
	return max(1024, 512*runtime.GOMAXPROCS(0))
}

// overloaded is the answer to a request that found no slot in time. Every
// wire surface maps its throttling error to this exception and status.
var overloaded = awsjson.Exception{Name: "ThrottlingException", Status: http.StatusTooManyRequests}

const msgOverloaded = "Rate exceeded: the server is overloaded; retry with backoff"

// Limiter is an http.Handler that runs next for at most maxInFlight
// requests without a body and, separately, at most maxInFlight requests
// with one. A request that finds every slot of its kind taken waits up to
// maxQueueWait (or until its client goes away) and is then answered with
// ThrottlingException (429) without running next. Requests for the exempt
// paths (health checks) always run.
//
// A request with a body holds its slot while the body arrives, which a
// client may drag out for up to the server's body read timeout; with pools
// of their own, such clients can hold back other requests with bodies
// (control-plane changes, new sessions) but never polls, which have none.
type Limiter struct {
	next http.Handler
	// slots are for requests without a body, bodySlots for the others.
	slots, bodySlots chan struct{}
	wait             time.Duration
	exempt           map[string]bool
	// refused counts the requests answered with ThrottlingException,
	// for the metrics.
	refused atomic.Uint64
}

// Refused returns how many requests l has refused.
func (l *Limiter) Refused() uint64 { return l.refused.Load() }

// New returns a Limiter in front of next; maxInFlight below 1 returns next
// itself, unlimited. exempt lists paths that are never queued or refused.
func New(next http.Handler, maxInFlight int, maxQueueWait time.Duration, exempt ...string) http.Handler {
	if maxInFlight < 1 {
		return next
	}
	l := &Limiter{
		next:      next,
		slots:     make(chan struct{}, maxInFlight),
		bodySlots: make(chan struct{}, maxInFlight),
		wait:      max(maxQueueWait, 0),
		exempt:    make(map[string]bool, len(exempt)),
	}
	for _, p := range exempt {
		l.exempt[p] = true
	}
	return l
}

// ServeHTTP implements http.Handler.
func (l *Limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.exempt[r.URL.Path] {
		l.next.ServeHTTP(w, r)
		return
	}
	slots := l.slots
	if r.ContentLength != 0 { // -1: a body of unknown length
		slots = l.bodySlots
	}
	select {
	case slots <- struct{}{}:
	default:
		if !l.queue(r, slots) {
			l.refused.Add(1)
			awsjson.WriteError(w, overloaded, map[string]any{"Message": msgOverloaded})
			return
		}
	}
	var once sync.Once
	release := func() { once.Do(func() { <-slots }) }
	defer release()
	l.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), releaseKey{}, release)))
}

type releaseKey struct{}

// Release gives back the slot the request of ctx holds, for a handler
// that will answer for long without working for long, such as a stream
// of server-sent events: held for the stream's life, slots would run out
// for polls. Such a handler bounds its streams itself. It does nothing for
// a request that holds no slot.
func Release(ctx context.Context) {
	if release, ok := ctx.Value(releaseKey{}).(func()); ok {
		release()
	}
}

// queue waits for one of slots and reports whether it got one. The Go
// runtime hands a freed channel slot to the sender that has waited
// longest, so the queue is in practice first come, first served.
func (l *Limiter) queue(r *http.Request, slots chan struct{}) bool {
	if l.wait == 0 {
		return false
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}
