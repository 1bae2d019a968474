package auth

import (
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Defaults of a FailureLimiter, as `appconfigd serve` uses them.
const (
	// DefaultFailureRate and DefaultFailureBurst are the failure budget of
	// one source address and of one access key ID: 100 failures at once,
	// then 10 a second. A client with a wrong or stale secret fails at
	// its poll rate (at most one failure per session every few seconds;
	// the SDKs do not retry authentication errors), so a hundred such
	// processes behind one address fit in the burst, while guessing a
	// secret goes at 10 attempts a second instead of thousands.
	DefaultFailureRate  = 10
	DefaultFailureBurst = 100
	// DefaultMaxTracked bounds the source addresses, and separately the
	// access key IDs, whose failures are counted at one time.
	DefaultMaxTracked = 1 << 16
)

// maxKeyIDLen bounds the access key IDs counted when Known is nil, so that
// made-up IDs as long as the headers allow cannot fill memory. AWS's are
// at most 128 characters.
const maxKeyIDLen = 128

// FailureLimiter counts failed authentications, per source address and per
// access key ID, against a token bucket of failures each, so that secrets
// cannot be guessed at the speed the server verifies signatures. One
// FailureLimiter is shared by every [FailureLimited] authenticator of a
// server, so that an address has one budget on all surfaces.
//
// A request is refused with ThrottlingException before its signature is
// verified when:
//
//   - its source address has used up its budget, whatever key it names; or
//   - the access key ID it names has used up its budget and its source
//     address has failed recently itself. Counting every address against
//     the key stops guessing spread over many addresses; refusing only
//     failing addresses means that someone who knows a key ID (they are
//     not secret) cannot lock the key's clients out: addresses that never
//     failed are never refused for the key's sake.
//
// Only wrong credentials count (EUnrecognizedClient, EInvalidSignature):
// a request without credentials guesses nothing. Requests refused by the
// limiter count nothing, so an address gets exactly its budget of
// verifications. A request that authenticates costs one atomic load while
// no failure happened in the last two windows, and a lock and two map
// lookups otherwise; it never records anything.
//
// Buckets live in two generations of maps, swapped every window (the time
// an empty bucket takes to fill up): a bucket not charged during a whole
// window is full again, so dropping the older generation at each swap
// forgets exactly the idle buckets, without sweeping. Each kind of bucket
// is bounded by MaxTracked; when full, a random bucket of the older
// generation (else the newer) makes room, so an attacker with more
// addresses than the bound gets at most a fresh budget per eviction.
//
// Set the fields before the first request; the zero PerSecond disables
// the limiter.
type FailureLimiter struct {
	// PerSecond is how fast a budget refills, Burst its size; zero
	// PerSecond turns the limiter off, and Burst below 1 counts as 1.
	PerSecond float64
	Burst     int
	// MaxTracked bounds the addresses and the key IDs tracked, each; 0
	// means DefaultMaxTracked.
	MaxTracked int
	// Known reports whether an access key ID is configured. Failures
	// count against a key ID only when it is, so made-up IDs take no
	// room; nil counts every key ID of at most 128 characters.
	Known func(accessKeyID string) bool
	// Clock is the time budgets refill by; nil means the system clock.
	Clock appconfigd.Clock

	// active is false while both generations are empty, so that
	// authenticated requests need not take mu.
	active atomic.Bool
	mu     sync.Mutex
	// rotateAt is when the generations next swap (Unix nanoseconds).
	rotateAt int64
	addrs    generations[[16]byte]
	keys     generations[string]
	// refused counts the requests refused, for the metrics.
	refused atomic.Uint64
}

// Refused returns how many requests the limiter has refused unverified.
func (l *FailureLimiter) Refused() uint64 { return l.refused.Load() }

// FailureLimited refuses requests of addresses and key IDs whose
// authentications failed too often (see [FailureLimiter]) before handing
// the others to Next, and counts Next's authentication failures.
type FailureLimited struct {
	Next    Authenticator
	Limiter *FailureLimiter
}

// Authenticate implements Authenticator.
func (f FailureLimited) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	if err := f.Limiter.check(r); err != nil {
		f.Limiter.refused.Add(1)
		return appconfigd.Principal{}, err
	}
	p, err := f.Next.Authenticate(r)
	if err != nil {
		f.Limiter.fail(r, err)
	}
	return p, err
}

// Messages of the refusals. They start as AWS's throttling message does,
// which people and tools search for, and say why.
const (
	msgAddressOverBudget = "Rate exceeded: too many failed authentication attempts from this address; retry later"
	msgKeyOverBudget     = "Rate exceeded: too many failed authentication attempts with this access key ID from failing addresses; retry later"
)

// check returns a ThrottlingException error when r's address, or its key
// ID from a failing address, is over budget.
func (l *FailureLimiter) check(r *http.Request) error {
	if l.PerSecond <= 0 || !l.active.Load() {
		return nil
	}
	now := l.now()
	addr := sourceAddress(r.RemoteAddr)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rotate(now)
	a, failing := l.addrs.get(addr)
	if !failing {
		return nil
	}
	if a.tokensAt(now, l.PerSecond, l.burst()) < 1 {
		return appconfigd.Errorf(appconfigd.EThrottling, msgAddressOverBudget)
	}
	if id := keyID(r); id != "" {
		if k, ok := l.keys.get(id); ok && k.tokensAt(now, l.PerSecond, l.burst()) < 1 {
			return appconfigd.Errorf(appconfigd.EThrottling, msgKeyOverBudget)
		}
	}
	return nil
}

// fail charges r's address and key ID with err when err says the
// credentials were wrong.
func (l *FailureLimiter) fail(r *http.Request, err error) {
	if l.PerSecond <= 0 {
		return
	}
	switch appconfigd.ErrorCodeOf(err) {
	case appconfigd.EUnrecognizedClient, appconfigd.EInvalidSignature:
	default:
		return
	}
	now := l.now()
	addr := sourceAddress(r.RemoteAddr)
	id := keyID(r)
	if l.Known != nil {
		if id != "" && !l.Known(id) {
			id = ""
		}
	} else if len(id) > maxKeyIDLen {
		id = ""
	}
	limit := l.MaxTracked
	if limit <= 0 {
		limit = DefaultMaxTracked
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rotate(now)
	l.addrs.charge(addr, now, l.PerSecond, l.burst(), limit)
	if id != "" {
		l.keys.charge(id, now, l.PerSecond, l.burst(), limit)
	}
	l.active.Store(true)
}

func (l *FailureLimiter) now() int64 {
	if l.Clock == nil {
		return time.Now().UnixNano()
	}
	return l.Clock.Now().UnixNano()
}

func (l *FailureLimiter) burst() float64 { return float64(max(l.Burst, 1)) }

// window is how long an empty bucket takes to fill up, at least a second.
func (l *FailureLimiter) window() int64 {
	return max(int64(l.burst()/l.PerSecond*float64(time.Second)), int64(time.Second))
}

// rotate swaps the generations when a window has passed since the last
// swap, and drops both when two have. l.mu must be held.
func (l *FailureLimiter) rotate(now int64) {
	if now < l.rotateAt {
		return
	}
	w := l.window()
	if now >= l.rotateAt+w {
		// Every bucket was last charged at least a window ago.
		l.addrs.clear()
		l.keys.clear()
	} else {
		l.addrs.swap()
		l.keys.swap()
	}
	l.rotateAt = now + w
	if l.addrs.empty() && l.keys.empty() {
		l.active.Store(false)
	}
}

// sourceAddress is the map key of a client address: the IPv4 address, or
// the /64 of an IPv6 address, since one host usually holds a whole /64.
// A RemoteAddr that is not ip:port counts as one address, the zero key.
func sourceAddress(remoteAddr string) [16]byte {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return [16]byte{}
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		a = netip.PrefixFrom(a.WithZone(""), 64).Masked().Addr()
	}
	return a.As16()
}

// keyID is the access key ID a request names: the SigV4 Credential's, or
// the user of HTTP Basic credentials.
func keyID(r *http.Request) string {
	authorization := r.Header.Get("Authorization")
	if strings.HasPrefix(authorization, "Basic ") {
		user, _, _ := r.BasicAuth()
		return user
	}
	if id := r.PostForm.Get(FormAccessKeyID); id != "" {
		// The console's sign-in form, parsed before authentication.
		return id
	}
	return accessKeyID(authorization)
}

// bucket is a token bucket of failures: tokens as of at (Unix
// nanoseconds). It is a plain value so that maps of buckets hold no
// pointers for the garbage collector to follow.
type bucket struct {
	tokens float64
	at     int64
}

func (b bucket) tokensAt(now int64, perSecond, burst float64) float64 {
	return min(burst, b.tokens+perSecond*float64(now-b.at)/float64(time.Second))
}

// generations holds the buckets charged in the current window and in the
// one before.
type generations[K comparable] struct {
	cur, prev map[K]bucket
}

func (g *generations[K]) get(k K) (bucket, bool) {
	if b, ok := g.cur[k]; ok {
		return b, true
	}
	b, ok := g.prev[k]
	return b, ok
}

// charge takes one token from k's bucket, making a full one for a new k
// (evicting another when limit buckets are tracked), and moves it to the
// current generation.
func (g *generations[K]) charge(k K, now int64, perSecond, burst float64, limit int) {
	b, ok := g.cur[k]
	if !ok {
		if b, ok = g.prev[k]; ok {
			delete(g.prev, k)
		} else {
			b = bucket{tokens: burst, at: now}
			for len(g.cur)+len(g.prev) >= limit {
				g.evictOne()
			}
		}
	}
	if g.cur == nil {
		g.cur = make(map[K]bucket)
	}
	g.cur[k] = bucket{tokens: max(b.tokensAt(now, perSecond, burst)-1, 0), at: now}
}

// evictOne deletes a bucket, of the older generation when it has any; map
// iteration starts at a random entry, so the choice is random.
func (g *generations[K]) evictOne() {
	m := g.prev
	if len(m) == 0 {
		m = g.cur
	}
	for k := range m {
		delete(m, k)
		return
	}
}

func (g *generations[K]) swap()       { g.prev, g.cur = g.cur, nil }
func (g *generations[K]) clear()      { g.prev, g.cur = nil, nil }
func (g *generations[K]) empty() bool { return len(g.cur) == 0 && len(g.prev) == 0 }
