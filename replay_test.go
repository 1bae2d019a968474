package appconfigd_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

var replayNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// chainToken returns token seq of chain i, valid for a day from
// replayNow.
func chainToken(i uint64, seq uint32) *appconfigd.SessionToken {
	t := &appconfigd.SessionToken{Seq: seq, ExpiresAt: replayNow.Add(24 * time.Hour)}
	binary.BigEndian.PutUint64(t.SessionID[:], i)
	binary.BigEndian.PutUint64(t.Chain[:], i*0x9E3779B97F4A7C15+1)
	return t
}

// expiringAt returns t with its expiry set to at.
func expiringAt(t *appconfigd.SessionToken, at time.Time) *appconfigd.SessionToken {
	t.ExpiresAt = at
	return t
}

// consume consumes each token at replayNow and fails if one is refused.
func consume(t *testing.T, g *appconfigd.ReplayGuard, tokens ...*appconfigd.SessionToken) {
	t.Helper()
	for _, tok := range tokens {
		if !g.Consume(tok, replayNow) {
			t.Fatalf("first use of token %d of session %x refused", tok.Seq, tok.SessionID)
		}
	}
}

func TestReplayGuard(t *testing.T) {
	t.Parallel()

	t.Run("NextTokenWorksOnce", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		if g.Used(chainToken(1, 1)) {
			t.Fatal("fresh token reported used")
		}
		consume(t, g, chainToken(1, 1))
		if !g.Used(chainToken(1, 1)) {
			t.Error("Used = false after the token was consumed")
		}
		if g.Consume(chainToken(1, 1), replayNow) {
			t.Error("second use of the same token accepted")
		}
	})
	t.Run("OlderTokenOfChainRefused", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		consume(t, g, chainToken(1, 1), chainToken(1, 2))
		if g.Consume(chainToken(1, 1), replayNow) {
			t.Error("token 1 accepted after token 2 was used")
		}
		consume(t, g, chainToken(1, 3))
	})
	t.Run("InitialTokenMayBeReused", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		initial := chainToken(1, 0)
		for i := range 3 {
			if g.Used(initial) || !g.Consume(initial, replayNow) {
				t.Errorf("use %d of the initial token refused", i+1)
			}
		}
		if got := g.Len(replayNow); got != 0 {
			t.Errorf("Len = %d after initial tokens only; want 0", got)
		}
	})
	t.Run("ConcurrentUsesOfOneTokenOneSucceeds", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		for chain := range uint64(50) {
			var wins atomic.Int32
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					if g.Consume(chainToken(chain, 1), replayNow) {
						wins.Add(1)
					}
				})
			}
			wg.Wait()
			if got := wins.Load(); got != 1 {
				t.Fatalf("chain %d: %d of 8 concurrent uses succeeded; want 1", chain, got)
			}
		}
	})
	t.Run("ForgetsChainsWhenTheirTokensExpire", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		consume(t, g, expiringAt(chainToken(1, 1), replayNow.Add(time.Hour)), chainToken(2, 1))
		if got := g.Len(replayNow.Add(time.Hour)); got != 2 {
			t.Errorf("Len at the first chain's expiry = %d; want 2", got)
		}
		if got := g.Len(replayNow.Add(time.Hour + time.Second)); got != 1 {
			t.Errorf("Len a second after the first chain's expiry = %d; want 1", got)
		}
	})
	t.Run("ChainLastsUntilItsNewestUsedTokenExpires", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		// A shorter --token-ttl after a restart: token 2 expires before
		// token 1, which must stay refused until it expires.
		consume(t, g, expiringAt(chainToken(1, 1), replayNow.Add(2*time.Hour)), expiringAt(chainToken(1, 2), replayNow.Add(time.Hour)))
		if got := g.Len(replayNow.Add(2 * time.Hour)); got != 1 {
			t.Errorf("Len when token 1 expires = %d; want 1", got)
		}
	})
}

// TestReplayGuardBound checks the guard's fixed bound and what happens at
// it: it never refuses a new chain, forgets the chain closest to expiry,
// and expired chains make room without any clean-up pass.
func TestReplayGuardBound(t *testing.T) {
	t.Parallel()

	t.Run("CapacityNeverExceedsTheBound", func(t *testing.T) {
		t.Parallel()
		for _, bound := range []int{8, 100, 1000, 4097, 1 << 20} {
			if got := appconfigd.NewReplayGuard(bound).Capacity(); got > bound || got < bound*9/10 {
				t.Errorf("NewReplayGuard(%d).Capacity() = %d; want at most %d and at least 90%% of it", bound, got, bound)
			}
		}
		if got := appconfigd.NewReplayGuard(1).Capacity(); got != appconfigd.MinReplayCapacity {
			t.Errorf("NewReplayGuard(1).Capacity() = %d; want %d", got, appconfigd.MinReplayCapacity)
		}
	})
	t.Run("SizeStaysWithinTheBound", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(1000)
		for i := range uint64(5000) {
			consume(t, g, chainToken(i, 1))
			if n := g.Len(replayNow); n > g.Capacity() {
				t.Fatalf("after %d chains Len = %d; want at most Capacity %d", i+1, n, g.Capacity())
			}
		}
		if got, want := g.Len(replayNow), g.Capacity()*9/10; got < want {
			t.Errorf("Len = %d after 5000 chains; want the guard nearly full, at least %d", got, want)
		}
	})
	t.Run("RemembersEveryChainUpTo85PercentFull", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(1 << 16)
		rng := rand.New(rand.NewPCG(1, 2))
		n := g.Capacity() * 85 / 100
		chains := make([]uint64, n)
		for i := range chains {
			chains[i] = rng.Uint64()
			consume(t, g, chainToken(chains[i], 1))
		}
		forgotten := 0
		for _, c := range chains {
			if !g.Used(chainToken(c, 1)) {
				forgotten++
			}
		}
		if forgotten > 0 {
			t.Errorf("%d of %d chains forgotten in a guard of %d; want none", forgotten, n, g.Capacity())
		}
	})
	t.Run("FullGuardForgetsTheChainClosestToExpiry", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.MinReplayCapacity)
		for i := range uint64(8) {
			// Chain 0 expires last, chain 1 first.
			expires := replayNow.Add(time.Duration((i+7)%8+1) * time.Hour)
			consume(t, g, expiringAt(chainToken(i, 1), expires))
		}
		consume(t, g, chainToken(8, 1))
		for i := range uint64(9) {
			if got, want := g.Used(chainToken(i, 1)), i != 1; got != want {
				t.Errorf("chain %d: Used = %t; want %t", i, got, want)
			}
		}
	})
	t.Run("ExpiredChainsMakeRoom", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.MinReplayCapacity)
		for i := range uint64(4) {
			consume(t, g, expiringAt(chainToken(i, 1), replayNow.Add(time.Hour)))
		}
		for i := uint64(4); i < 8; i++ {
			consume(t, g, chainToken(i, 1))
		}
		later := replayNow.Add(2 * time.Hour)
		for i := uint64(8); i < 12; i++ {
			if !g.Consume(chainToken(i, 1), later) {
				t.Fatalf("chain %d refused", i)
			}
		}
		for i := uint64(4); i < 12; i++ {
			if !g.Used(chainToken(i, 1)) {
				t.Errorf("chain %d forgotten; want the expired chains 0-3 to make room", i)
			}
		}
	})
}

func TestReplayGuardSaveLoad(t *testing.T) {
	t.Parallel()
	// saved returns a guard's file after it consumed tokens 1 and 2 of
	// chains 0..n-1, chain 0 expiring within the hour.
	saved := func(t *testing.T, n uint64) []byte {
		t.Helper()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		consume(t, g, expiringAt(chainToken(0, 1), replayNow.Add(time.Hour)))
		for i := range n {
			consume(t, g, chainToken(i, 2))
		}
		var buf bytes.Buffer
		got, err := g.Save(&buf, replayNow)
		if err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got != int(n) {
			t.Fatalf("Save wrote %d chains; want %d", got, n)
		}
		return buf.Bytes()
	}

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		file := saved(t, 10000)
		g := appconfigd.NewReplayGuard(1 << 16)
		n, err := g.Load(bytes.NewReader(file), replayNow)
		if err != nil || n != 10000 {
			t.Fatalf("Load = %d, %v; want 10000, nil", n, err)
		}
		for i := range uint64(10000) {
			if !g.Used(chainToken(i, 2)) || g.Consume(chainToken(i, 2), replayNow) {
				t.Fatalf("chain %d: token 2 accepted after a save and load", i)
			}
		}
		consume(t, g, chainToken(0, 3), chainToken(10000, 1))
	})
	t.Run("SkipsExpiredChains", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		n, err := g.Load(bytes.NewReader(saved(t, 3)), replayNow.Add(24*time.Hour+time.Second))
		if err != nil || n != 0 {
			t.Errorf("Load after every chain expired = %d, %v; want 0, nil", n, err)
		}
	})
	t.Run("KeepsTheHigherSequenceNumber", func(t *testing.T) {
		t.Parallel()
		g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
		consume(t, g, chainToken(1, 5))
		if _, err := g.Load(bytes.NewReader(saved(t, 3)), replayNow); err != nil {
			t.Fatal(err)
		}
		if g.Consume(chainToken(1, 4), replayNow) {
			t.Error("token 4 accepted after token 5 was used and an older file loaded")
		}
	})
	t.Run("RefusesDamage", func(t *testing.T) {
		t.Parallel()
		const n = 20000 // several blocks
		file := saved(t, n)
		tests := []struct {
			name string
			file []byte
		}{
			{"Empty", nil},
			{"OtherHeader", append([]byte("appconfigd replay guard, format 9\n"), file[34:]...)},
			{"FlippedBit", func() []byte {
				f := bytes.Clone(file)
				f[len(f)/2] ^= 1
				return f
			}()},
			{"Truncated", file[:len(file)/2]},
			{"NoEndBlock", file[:len(file)-8]},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
				loaded, err := g.Load(bytes.NewReader(tt.file), replayNow)
				if !errors.Is(err, appconfigd.ErrReplayFile) {
					t.Errorf("Load = %v; want ErrReplayFile", err)
				}
				if got := g.Len(replayNow); got != loaded || loaded > n {
					t.Errorf("Load added %d and reported %d; want the same, at most %d", got, loaded, n)
				}
				// What was loaded came from intact blocks: no token that
				// was never used is refused.
				for i := range uint64(n) {
					if g.Used(chainToken(i, 3)) {
						t.Fatalf("chain %d: unused token 3 refused after a damaged load", i)
					}
				}
			})
		}
	})
}

// setChain makes t token seq of chain i, like chainToken without
// allocating.
func setChain(t *appconfigd.SessionToken, i uint64, seq uint32) {
	binary.BigEndian.PutUint64(t.SessionID[:], i)
	binary.BigEndian.PutUint64(t.Chain[:], i*0x9E3779B97F4A7C15+1)
	t.Seq = seq
}

// BenchmarkReplayGuard measures the guard at its documented size, 10
// million chains in a guard of the default capacity, and at 10,000, where
// the table fits in the CPU caches. Filling it logs the heap it takes
// (HeapInuse after a GC, before and after), how many chains it forgot
// early, and the slowest single Consume (which includes the growth of a
// shard, its longest hold of a lock, and whatever the runtime did
// meanwhile). Then each poll's calls are timed, on chains picked in an
// order unrelated to where they are stored.
func BenchmarkReplayGuard(b *testing.B) {
	for _, chains := range []uint64{10_000, 10_000_000} {
		b.Run(fmt.Sprintf("Chains=%d", chains), func(b *testing.B) {
			benchmarkReplayGuard(b, chains)
		})
	}
}

func benchmarkReplayGuard(b *testing.B, chains uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
	tok := chainToken(0, 1)
	var slowest time.Duration
	slow := 0
	start := time.Now()
	for i := range chains {
		setChain(tok, i, 1)
		t0 := time.Now()
		g.Consume(tok, replayNow)
		took := time.Since(t0)
		slowest = max(slowest, took)
		if took > 100*time.Microsecond {
			slow++
		}
	}
	fill := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapInuse - before.HeapInuse)
	b.Logf("%d chains in a guard of %d: heap in use %.1f MiB (%.1f bytes a chain), %d forgotten early, filled in %v, slowest Consume %v, %d slower than 100µs",
		chains, g.Capacity(), heap/(1<<20), heap/float64(chains), int(chains)-g.Len(replayNow), fill.Round(time.Millisecond), slowest, slow)

	// Each chain moves on to its next token, as a poll does; the
	// counters outlive the rounds of each benchmark.
	var consumed uint64
	b.Run("Used", func(b *testing.B) {
		tok := chainToken(0, 1)
		var i uint64
		for b.Loop() {
			setChain(tok, i%chains, 1)
			g.Used(tok)
			i++
		}
	})
	b.Run("Consume", func(b *testing.B) {
		tok := chainToken(0, 1)
		for b.Loop() {
			setChain(tok, consumed%chains, uint32(2+consumed/chains))
			if !g.Consume(tok, replayNow) {
				b.Fatal("a next token refused")
			}
			consumed++
		}
	})
	// A poll's two calls. Goroutine k of at most 64 polls chains k,
	// k+64, k+128…, so that each chain's tokens come in order.
	const stride = 64
	var polls [stride]uint64
	b.Run("UsedAndConsumeParallel", func(b *testing.B) {
		var ids atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			id := ids.Add(1) - 1
			tok := chainToken(0, 1)
			n := polls[id]
			for ; pb.Next(); n++ {
				setChain(tok, id+stride*(n%(chains/stride)), uint32(1_000_000+n/(chains/stride)))
				if g.Used(tok) || !g.Consume(tok, replayNow) {
					b.Fatal("a next token refused")
				}
			}
			polls[id] = n
		})
	})
	var file bytes.Buffer
	b.Run("Save", func(b *testing.B) {
		for b.Loop() {
			file.Reset()
			if _, err := g.Save(&file, replayNow); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(file.Len()), "file-bytes")
	})
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			fresh := appconfigd.NewReplayGuard(appconfigd.DefaultReplayCapacity)
			if _, err := fresh.Load(bytes.NewReader(file.Bytes()), replayNow); err != nil {
				b.Fatal(err)
			}
		}
	})
}
