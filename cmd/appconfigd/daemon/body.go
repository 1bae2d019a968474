package daemon

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of the limits on connections and request bodies
// (docs/SECURITY.md, "Memory before authentication").
const (
	// DefaultMaxConnections leaves room for 5,000 keep-alive clients
	// twice over; each open connection costs a goroutine and a few
	// kilobytes of buffers.
	DefaultMaxConnections = 10000
	// DefaultMaxBodyMemory is 64 of the largest bodies (1 MB hosted
	// configurations) received at once.
	DefaultMaxBodyMemory = 64 << 20
	// DefaultBodyReadTimeout lets a 1 MB configuration arrive at 64 KB/s.
	DefaultBodyReadTimeout = 20 * time.Second
)

// checkBodyLimits refuses limits on connections and bodies that cannot
// work.
func (c Config) checkBodyLimits() error {
	switch {
	case c.MaxConnections < 0:
		return errors.New("max connections must not be negative")
	case c.MaxBodyMemory < 0:
		return errors.New("max body memory must not be negative")
	case c.MaxBodyMemory > 0 && c.MaxBodyMemory < int64(c.Limits.HostedConfigurationSizeBytes):
		return fmt.Errorf("max body memory (%d bytes) must be at least the hosted configuration size limit (%d bytes)", c.MaxBodyMemory, c.Limits.HostedConfigurationSizeBytes)
	case c.BodyReadTimeout < 0:
		return errors.New("body read timeout must not be negative")
	}
	return nil
}

// limitBodyTime gives a request with a body d to deliver it, counted from
// when its headers arrived: a client that stalls its body is cut off then
// rather than at the server's ReadTimeout, giving back what its body
// reserved in the body budget. A handler may still take longer than d
// (StartDeployment waits for webhook validators): net/http clears the
// deadline once the body has been read to its end. The deadline is the
// connection's, so it is wall-clock time, never the daemon's Clock.
// Requests without a body (polls) are passed on untouched.
func limitBodyTime(next http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			// Only HTTP/1 and HTTP/2 connections support deadlines; on
			// anything else the server's ReadTimeout still applies.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		next.ServeHTTP(w, r)
	})
}

// minReturnMemoryInterval spaces out the collections returnMemory forces.
const minReturnMemoryInterval = 10 * time.Second

// returnMemory returns the function the body budget calls when a burst of
// bodies has drained: it collects the garbage and returns free memory to
// the operating system at once, at most every minReturnMemoryInterval. An
// idle server would otherwise keep the burst's memory until the runtime's
// forced collection two minutes later. Two collections, because the
// verifier's pooled chunks survive the first (sync.Pool keeps a victim
// cache for one cycle).
func (d *Daemon) returnMemory() func() {
	var mu sync.Mutex
	var last time.Time
	return func() {
		mu.Lock()
		now := d.Clock.Now()
		due := last.IsZero() || now.Sub(last) >= minReturnMemoryInterval
		if due {
			last = now
		}
		mu.Unlock()
		if due {
			runtime.GC()
			debug.FreeOSMemory()
		}
	}
}

// byteSize is a flag.Value for a size in bytes, written as a number of
// bytes or with a KiB, MiB or GiB suffix.
type byteSize struct{ n *int64 }

var byteUnits = []struct {
	suffix string
	size   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

func (b byteSize) String() string {
	if b.n == nil {
		return ""
	}
	for _, u := range byteUnits {
		if *b.n != 0 && *b.n%u.size == 0 {
			return strconv.FormatInt(*b.n/u.size, 10) + u.suffix
		}
	}
	return "0"
}

func (b byteSize) Set(text string) error {
	s := strings.TrimSpace(text)
	unit := int64(1)
	for _, u := range byteUnits {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, unit = strings.TrimSpace(rest), u.size
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/unit {
		return fmt.Errorf("%q is not a size such as 67108864, 64MiB or 1GiB", text)
	}
	*b.n = n * unit
	return nil
}
