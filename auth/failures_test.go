package auth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// secretCheck authenticates a request whose X-Secret is "right" as the key
// its Authorization names, refuses any other with InvalidSignature, and
// counts the calls that reached it.
type secretCheck struct {
	mu    sync.Mutex
	calls int
}

func (s *secretCheck) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if r.Header.Get("X-Secret") != "right" {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EInvalidSignature, "signature does not match")
	}
	return appconfigd.Principal{AccessKeyID: "from-next"}, nil
}

func (s *secretCheck) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// signed returns a request from addr ("ip:port") naming key in a SigV4
// Authorization header, with the right secret or a wrong one.
func signed(addr, key string, right bool) *http.Request {
	r := httptest.NewRequest("GET", "/configuration", nil)
	r.RemoteAddr = addr
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20260101/us-east-1/appconfig/aws4_request, SignedHeaders=host, Signature=00")
	if right {
		r.Header.Set("X-Secret", "right")
	} else {
		r.Header.Set("X-Secret", "wrong")
	}
	return r
}

// newFailureLimited returns an authenticator limited to burst failures
// refilling at one a second, on a manual clock, over a secretCheck.
func newFailureLimited(burst int) (auth.FailureLimited, *secretCheck, *apptest.Clock) {
	clock := apptest.NewClock(apptest.Start)
	next := &secretCheck{}
	l := &auth.FailureLimiter{PerSecond: 1, Burst: burst, Clock: clock}
	return auth.FailureLimited{Next: next, Limiter: l}, next, clock
}

// fail sends n wrong-secret requests and fails the test unless each
// reaches Next and is refused by it.
func fail(t *testing.T, a auth.Authenticator, n int, addr, key string) {
	t.Helper()
	for i := range n {
		if _, err := a.Authenticate(signed(addr, key, false)); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
			t.Fatalf("wrong secret %d of %d from %s with %s: %v, want InvalidSignature", i+1, n, addr, key, err)
		}
	}
}

func checkThrottled(t *testing.T, err error, want string) {
	t.Helper()
	if !appconfigd.IsCode(err, appconfigd.EThrottling) || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want Throttling saying %q", err, want)
	}
}

func TestFailureLimited(t *testing.T) {
	t.Parallel()

	t.Run("AnAddressOverBudgetIsRefusedBeforeVerification", func(t *testing.T) {
		t.Parallel()
		a, next, _ := newFailureLimited(3)
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
		calls := next.Calls()
		_, err := a.Authenticate(signed("192.0.2.1:1001", "AKIDREADER", true))
		checkThrottled(t, err, "from this address")
		_, err = a.Authenticate(signed("192.0.2.1:1002", "AKIDOTHER", true))
		checkThrottled(t, err, "from this address")
		if got := next.Calls(); got != calls {
			t.Errorf("Next was called %d times for refused requests, want 0", got-calls)
		}
	})

	t.Run("OtherAddressesAndKeysAreUnaffected", func(t *testing.T) {
		t.Parallel()
		a, _, _ := newFailureLimited(3)
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
		for range 10 {
			_, _ = a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", false)) // refused: over budget
		}
		for _, r := range []*http.Request{
			signed("192.0.2.2:1000", "AKIDOTHER", true),
			signed("192.0.2.2:1000", "AKIDREADER", true),
			signed("[2001:db8:1::1]:1000", "AKIDREADER", true),
		} {
			if p, err := a.Authenticate(r); err != nil || p.AccessKeyID != "from-next" {
				t.Errorf("right secret from %s: %+v, %v; want Next's principal", r.RemoteAddr, p, err)
			}
		}
	})

	t.Run("BudgetRefills", func(t *testing.T) {
		t.Parallel()
		a, _, clock := newFailureLimited(3)
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
		clock.Advance(999 * time.Millisecond)
		_, err := a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", true))
		checkThrottled(t, err, "from this address")
		clock.Advance(time.Millisecond)
		if _, err := a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", true)); err != nil {
			t.Errorf("right secret after one failure's refill: %v", err)
		}
		fail(t, a, 1, "192.0.2.1:1000", "AKIDREADER")
		_, err = a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", false))
		checkThrottled(t, err, "from this address")
		clock.Advance(time.Hour)
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
	})

	t.Run("AKeyOverBudgetRefusesOnlyFailingAddresses", func(t *testing.T) {
		t.Parallel()
		a, _, _ := newFailureLimited(3)
		// Three addresses guess once each: the key's budget is spent,
		// no address's is.
		for i := range 3 {
			fail(t, a, 1, fmt.Sprintf("192.0.2.%d:1000", i+1), "AKIDREADER")
		}
		_, err := a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", false))
		checkThrottled(t, err, "with this access key ID")
		_, err = a.Authenticate(signed("192.0.2.2:1000", "AKIDREADER", true))
		checkThrottled(t, err, "with this access key ID")
		if _, err := a.Authenticate(signed("192.0.2.2:1000", "AKIDOTHER", true)); err != nil {
			t.Errorf("another key from a failing address under its own budget: %v", err)
		}
		if _, err := a.Authenticate(signed("198.51.100.7:1000", "AKIDREADER", true)); err != nil {
			t.Errorf("the key from an address that never failed: %v; want it served", err)
		}
	})

	t.Run("IPv6CountsPer64", func(t *testing.T) {
		t.Parallel()
		a, _, _ := newFailureLimited(2)
		fail(t, a, 1, "[2001:db8:1:2::1]:1000", "AKIDA")
		fail(t, a, 1, "[2001:db8:1:2:ffff::9]:1000", "AKIDB")
		_, err := a.Authenticate(signed("[2001:db8:1:2::77]:1000", "AKIDC", true))
		checkThrottled(t, err, "from this address")
		if _, err := a.Authenticate(signed("[2001:db8:1:3::1]:1000", "AKIDC", true)); err != nil {
			t.Errorf("the next /64: %v", err)
		}
	})

	t.Run("MissingCredentialsCountNothing", func(t *testing.T) {
		t.Parallel()
		clock := apptest.NewClock(time.Unix(0, 0))
		a := auth.FailureLimited{Next: missing{}, Limiter: &auth.FailureLimiter{PerSecond: 1, Burst: 1, Clock: clock}}
		for i := range 5 {
			r := httptest.NewRequest("GET", "/configuration", nil)
			if _, err := a.Authenticate(r); !appconfigd.IsCode(err, appconfigd.EMissingAuthentication) {
				t.Fatalf("unsigned request %d: %v, want MissingAuthentication", i+1, err)
			}
		}
	})

	t.Run("BasicFailuresCount", func(t *testing.T) {
		t.Parallel()
		clock := apptest.NewClock(time.Unix(0, 0))
		l := &auth.FailureLimiter{PerSecond: 1, Burst: 2, Clock: clock}
		a := auth.FailureLimited{Next: auth.BasicOr{Keys: oneKey{"AKIDOPS", "s3cret-s3cret-s3cret"}, Next: auth.AcceptAll{}}, Limiter: l}
		basic := func(secret string) *http.Request {
			r := httptest.NewRequest("POST", "/admin/alertmanager", nil)
			r.SetBasicAuth("AKIDOPS", secret)
			return r
		}
		for range 2 {
			if _, err := a.Authenticate(basic("guess")); !appconfigd.IsCode(err, appconfigd.EUnrecognizedClient) {
				t.Fatalf("wrong Basic secret: %v, want UnrecognizedClient", err)
			}
		}
		_, err := a.Authenticate(basic("s3cret-s3cret-s3cret"))
		checkThrottled(t, err, "from this address")
	})

	t.Run("DisabledWithZeroRate", func(t *testing.T) {
		t.Parallel()
		next := &secretCheck{}
		a := auth.FailureLimited{Next: next, Limiter: &auth.FailureLimiter{}}
		fail(t, a, 50, "192.0.2.1:1000", "AKIDREADER")
	})
}

// missing refuses every request as unsigned.
type missing struct{}

func (missing) Authenticate(*http.Request) (appconfigd.Principal, error) {
	return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EMissingAuthentication, "Missing Authentication Token")
}

func TestFailureLimiterBounds(t *testing.T) {
	t.Parallel()

	t.Run("TracksAtMostMaxTrackedAddresses", func(t *testing.T) {
		t.Parallel()
		clock := apptest.NewClock(time.Unix(0, 0))
		a := auth.FailureLimited{Next: &secretCheck{}, Limiter: &auth.FailureLimiter{PerSecond: 1, Burst: 1, MaxTracked: 4, Clock: clock}}
		for i := range 100 {
			fail(t, a, 1, fmt.Sprintf("192.0.2.%d:1000", i), "AKIDREADER")
		}
		refused := 0
		for i := range 100 {
			if _, err := a.Authenticate(signed(fmt.Sprintf("192.0.2.%d:1000", i), "AKIDNOBODY", true)); err != nil {
				refused++
			}
		}
		if refused != 4 {
			t.Errorf("%d of 100 addresses refused after one failure each, want 4 (the ones still tracked)", refused)
		}
	})

	t.Run("CountsOnlyKnownKeyIDs", func(t *testing.T) {
		t.Parallel()
		clock := apptest.NewClock(time.Unix(0, 0))
		known := func(id string) bool { return id == "AKIDREADER" }
		a := auth.FailureLimited{Next: &secretCheck{}, Limiter: &auth.FailureLimiter{PerSecond: 1, Burst: 2, Known: known, Clock: clock}}
		fail(t, a, 1, "192.0.2.1:1000", "AKIDMADEUP")
		fail(t, a, 1, "192.0.2.2:1000", "AKIDMADEUP")
		if _, err := a.Authenticate(signed("192.0.2.1:1000", "AKIDMADEUP", false)); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
			t.Errorf("an unknown key ID's third failure from a failing address: %v, want it verified (unknown IDs have no budget)", err)
		}
		fail(t, a, 1, "192.0.2.3:1000", "AKIDREADER")
		fail(t, a, 1, "192.0.2.4:1000", "AKIDREADER")
		_, err := a.Authenticate(signed("192.0.2.3:1000", "AKIDREADER", false))
		checkThrottled(t, err, "with this access key ID")
	})

	t.Run("ForgetsIdleAddresses", func(t *testing.T) {
		t.Parallel()
		a, next, clock := newFailureLimited(3)
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
		clock.Advance(7 * time.Second) // two windows of 3 s: both generations dropped
		calls := next.Calls()
		if _, err := a.Authenticate(signed("192.0.2.1:1000", "AKIDREADER", true)); err != nil {
			t.Fatalf("right secret after the budget refilled: %v", err)
		}
		// The address is forgotten, not merely refilled: it has a full
		// budget of 3 again, and a key lock would not apply to it.
		fail(t, a, 3, "192.0.2.1:1000", "AKIDREADER")
		if got := next.Calls() - calls; got != 4 {
			t.Errorf("Next saw %d requests, want 4", got)
		}
	})
}

func BenchmarkFailureLimited(b *testing.B) {
	b.Run("Unwrapped", func(b *testing.B) {
		var a auth.Authenticator = &secretCheck{}
		r := signed("192.0.2.1:1000", "AKIDREADER", true)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Authenticate(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NoFailures", func(b *testing.B) {
		a := auth.FailureLimited{Next: &secretCheck{}, Limiter: &auth.FailureLimiter{PerSecond: 10, Burst: 100}}
		r := signed("192.0.2.1:1000", "AKIDREADER", true)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Authenticate(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UnderAttack", func(b *testing.B) {
		a := auth.FailureLimited{Next: &secretCheck{}, Limiter: &auth.FailureLimiter{PerSecond: 10, Burst: 100}}
		for i := range 1000 {
			_, _ = a.Authenticate(signed(fmt.Sprintf("198.51.100.%d:%d", i%256, i), "AKIDREADER", false))
		}
		r := signed("192.0.2.1:1000", "AKIDREADER", true)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Authenticate(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
