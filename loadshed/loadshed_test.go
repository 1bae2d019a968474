package loadshed_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/loadshed"
)

// blocking is a handler that answers 200 once release is closed.
type blocking struct{ release chan struct{} }

func (b blocking) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	<-b.release
	w.WriteHeader(http.StatusOK)
}

// serve runs h for a GET of path in a goroutine and returns the recorder,
// complete once done is closed.
func serve(h http.Handler, path string) (*httptest.ResponseRecorder, chan struct{}) {
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	}()
	return rec, done
}

func TestLimiter(t *testing.T) {
	t.Parallel()

	t.Run("ARequestThatFindsNoSlotInTimeIsThrottled", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			b := blocking{release: make(chan struct{})}
			h := awsjson.WithRequestID(loadshed.New(b, 2, time.Second))
			_, first := serve(h, "/configuration")
			_, second := serve(h, "/configuration")
			synctest.Wait()
			start := time.Now()
			rec, third := serve(h, "/configuration")
			synctest.Wait()
			select {
			case <-third:
				t.Fatal("the third request was answered before its queue wait was over")
			default:
			}
			<-third
			if waited := time.Since(start); waited != time.Second {
				t.Errorf("refused after %v in the queue, want 1s", waited)
			}
			checkThrottled(t, rec)
			if rec.Header().Get("X-Amzn-Requestid") == "" {
				t.Error("no x-amzn-RequestId on the refusal")
			}
			close(b.release)
			<-first
			<-second
		})
	})

	t.Run("AReleasedSlotServesAnotherRequest", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			streaming := make(chan struct{})
			// The first request streams until the end of the test, but
			// gives its slot back first, as a console event stream does;
			// a second release does nothing.
			h := loadshed.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/stream" {
					loadshed.Release(r.Context())
					loadshed.Release(r.Context())
					<-streaming
				}
				w.WriteHeader(http.StatusOK)
			}), 1, 0)
			_, stream := serve(h, "/stream")
			synctest.Wait()
			rec, done := serve(h, "/configuration")
			<-done
			if rec.Code != http.StatusOK {
				t.Errorf("status %d while the stream runs, want 200: its slot was released", rec.Code)
			}
			close(streaming)
			<-stream
			rec, done = serve(h, "/configuration")
			<-done
			if rec.Code != http.StatusOK {
				t.Errorf("status %d after the stream, want 200: the slot was given back once", rec.Code)
			}
		})
	})

	t.Run("RequestsWithBodiesCannotHoldBackPolls", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			release := make(chan struct{})
			// Requests with a body block until release, as one whose
			// body is still arriving does; the others answer at once.
			h := loadshed.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.ContentLength != 0 {
					<-release
				}
				w.WriteHeader(http.StatusOK)
			}), 1, time.Second)
			slow := httptest.NewRecorder()
			slowDone := make(chan struct{})
			go func() {
				defer close(slowDone)
				h.ServeHTTP(slow, httptest.NewRequest("POST", "/configurationsessions", strings.NewReader("{}")))
			}()
			synctest.Wait()
			start := time.Now()
			rec, poll := serve(h, "/configuration")
			<-poll
			if rec.Code != http.StatusOK || time.Since(start) != 0 {
				t.Errorf("poll beside a request with a body holding the only slot: %d after %v; want 200 at once", rec.Code, time.Since(start))
			}
			close(release)
			<-slowDone
		})
	})

	t.Run("AQueuedRequestRunsWhenASlotFrees", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			b := blocking{release: make(chan struct{})}
			h := loadshed.New(b, 1, time.Second)
			_, first := serve(h, "/applications")
			synctest.Wait()
			rec, second := serve(h, "/applications")
			time.Sleep(999 * time.Millisecond)
			close(b.release)
			<-first
			<-second
			if rec.Code != http.StatusOK {
				t.Errorf("queued request: status %d, want 200", rec.Code)
			}
		})
	})

	t.Run("HealthChecksAreNeverQueued", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			b := blocking{release: make(chan struct{})}
			health := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/configuration" {
					b.ServeHTTP(w, r)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			h := loadshed.New(health, 1, time.Second, "/healthz", "/readyz")
			_, busy := serve(h, "/configuration")
			synctest.Wait()
			for _, path := range []string{"/healthz", "/readyz"} {
				rec, done := serve(h, path)
				synctest.Wait()
				select {
				case <-done:
				default:
					t.Fatalf("%s waited for a slot", path)
				}
				if rec.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200", path, rec.Code)
				}
			}
			close(b.release)
			<-busy
		})
	})

	t.Run("ZeroQueueWaitRefusesAtOnce", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			b := blocking{release: make(chan struct{})}
			h := loadshed.New(b, 1, 0)
			_, first := serve(h, "/configuration")
			synctest.Wait()
			rec, second := serve(h, "/configuration")
			synctest.Wait()
			select {
			case <-second:
			default:
				t.Fatal("the request waited although the queue wait is 0")
			}
			checkThrottled(t, rec)
			close(b.release)
			<-first
		})
	})

	t.Run("ZeroMaxInFlightLimitsNothing", func(t *testing.T) {
		t.Parallel()
		next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
		if h := loadshed.New(next, 0, time.Second); h == nil {
			t.Fatal("New returned nil")
		} else if _, ok := h.(*loadshed.Limiter); ok {
			t.Error("New(next, 0, …) returned a Limiter, want next itself")
		}
	})
}

// checkThrottled checks that rec holds the AWS JSON ThrottlingException
// the SDKs decode.
func checkThrottled(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("X-Amzn-ErrorType"); got != "ThrottlingException" {
		t.Errorf("X-Amzn-ErrorType %q, want ThrottlingException", got)
	}
	var body struct {
		Type    string `json:"__type"`
		Message string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if body.Type != "ThrottlingException" || body.Message != "Rate exceeded: the server is overloaded; retry with backoff" {
		t.Errorf("body %+v, want ThrottlingException saying the server is overloaded", body)
	}
}

// BenchmarkLimiter measures what a slot costs a request that finds one
// free, against the same handler unwrapped.
func BenchmarkLimiter(b *testing.B) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"Unwrapped", ok},
		{"Limited", loadshed.New(ok, loadshed.DefaultMaxInFlight(), loadshed.DefaultMaxQueueWait, "/healthz")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/configuration", nil)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := httptest.NewRecorder()
				for pb.Next() {
					bc.h.ServeHTTP(w, r)
				}
			})
		})
	}
}
