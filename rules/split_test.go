package rules_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/appconfigd/appconfigd/rules"
)

const population = 10_000

// ids is the population the distribution tests split.
func ids() []string {
	out := make([]string, population)
	for i := range out {
		out[i] = fmt.Sprintf("user-%d", i)
	}
	return out
}

func mustParse(t *testing.T, src string) *rules.Rule {
	t.Helper()
	r, err := rules.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return r
}

// firstMatch returns, for each variant rule (evaluated in order, the first
// true one winning, as AWS evaluates variants), the percentage of ids it
// gets; the last element is the default's share.
func firstMatch(t *testing.T, flagKey string, variants ...string) []float64 {
	t.Helper()
	parsed := make([]*rules.Rule, len(variants))
	for i, v := range variants {
		parsed[i] = mustParse(t, v)
	}
	counts := make([]int, len(variants)+1)
	for _, id := range ids() {
		chosen := len(variants)
		for i, r := range parsed {
			if r.Eval(rules.Input{Context: map[string]string{"id": id}, FlagKey: flagKey}) {
				chosen = i
				break
			}
		}
		counts[chosen]++
	}
	shares := make([]float64, len(counts))
	for i, c := range counts {
		shares[i] = 100 * float64(c) / population
	}
	return shares
}

func within(got, want, tolerance float64) bool { return math.Abs(got-want) <= tolerance }

func TestSplit_Distribution(t *testing.T) {
	t.Parallel()
	for _, pct := range []string{"1", "10", "20", "50", "12.5", "99", "33.33"} {
		t.Run(pct, func(t *testing.T) {
			t.Parallel()
			want, err := strconv.ParseFloat(pct, 64)
			if err != nil {
				t.Fatal(err)
			}
			got := firstMatch(t, "flag", `(split by::$id pct::`+pct+`)`)[0]
			if !within(got, want, 2) {
				t.Errorf("split pct::%s selected %.2f%% of %d ids, want %s%% ± 2", pct, got, population, pct)
			}
		})
	}
}

// TestSplit_Nesting follows AWS's examples (docs/WIRE.md §4.3): variants whose
// splits share a seed nest, so a later variant gets only the difference.
func TestSplit_Nesting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		variants []string
		want     []float64 // shares of the variants, then of the default
	}{
		{"SameSeedSamePct", []string{`(split by::$id pct::20 seed::"s")`, `(split by::$id pct::20 seed::"s")`}, []float64{20, 0, 80}},
		{"SameSeed20Then25", []string{`(split by::$id pct::20 seed::"s")`, `(split by::$id pct::25 seed::"s")`}, []float64{20, 5, 75}},
		{"FlagKeySeedsBoth", []string{`(split by::$id pct::20)`, `(split by::$id pct::25)`}, []float64{20, 5, 75}},
		{"DifferentSeedsIndependent", []string{`(split by::$id pct::20 seed::"a")`, `(split by::$id pct::20 seed::"b")`}, []float64{20, 16, 64}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := firstMatch(t, "flag", tc.variants...)
			for i := range got {
				if !within(got[i], tc.want[i], 2) {
					t.Errorf("shares = %.2f, want %.0f ± 2 each", got, tc.want)
					break
				}
			}
		})
	}
	t.Run("SameSeedSamePctLeavesNothing", func(t *testing.T) {
		t.Parallel()
		if got := firstMatch(t, "flag", `(split by::$id pct::20 seed::"s")`, `(split by::$id pct::20 seed::"s")`)[1]; got != 0 {
			t.Errorf("second variant got %.2f%%, want exactly 0", got)
		}
	})
}

// TestSplit_Hash pins the documented hash: bucket = first 8 bytes,
// big-endian, of SHA-256(seed + "\x00" + value) mod 10000; split is true
// when bucket < pct×100; the seed defaults to the flag key.
func TestSplit_Hash(t *testing.T) {
	t.Parallel()
	bucket := func(seed, value string) uint64 {
		sum := sha256.Sum256([]byte(seed + "\x00" + value))
		return binary.BigEndian.Uint64(sum[:8]) % 10000
	}
	tests := []struct {
		name    string
		rule    string
		flagKey string
		seed    string
		pct     float64
	}{
		{"ExplicitSeed", `(split by::$id pct::37 seed::"2025.01.01")`, "flag", "2025.01.01", 37},
		{"FlagKeySeed", `(split by::$id pct::37)`, "ui_refresh", "ui_refresh", 37},
		{"EmptySeedIsASeed", `(split by::$id pct::50 seed::"")`, "ui_refresh", "", 50},
		{"HundredthsOfAPercent", `(split by::$id pct::0.05)`, "f", "f", 0.05},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tc.rule)
			for _, id := range ids() {
				want := float64(bucket(tc.seed, id)) < tc.pct*100
				if got := r.Eval(rules.Input{Context: map[string]string{"id": id}, FlagKey: tc.flagKey}); got != want {
					t.Fatalf("%s for id %q, flag %q = %v, want %v (bucket %d)", tc.rule, id, tc.flagKey, got, want, bucket(tc.seed, id))
				}
			}
		})
	}
}

// TestSplit_FlagKeyMatters: without seed::, two flags split the same ids
// differently; with a seed, they agree.
func TestSplit_FlagKeyMatters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		rule     string
		wantSame bool
	}{
		{"NoSeed", `(split by::$id pct::50)`, false},
		{"Seed", `(split by::$id pct::50 seed::"shared")`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tc.rule)
			same := true
			for _, id := range ids()[:200] {
				ctx := map[string]string{"id": id}
				if r.Eval(rules.Input{Context: ctx, FlagKey: "flag_a"}) != r.Eval(rules.Input{Context: ctx, FlagKey: "flag_b"}) {
					same = false
					break
				}
			}
			if same != tc.wantSame {
				t.Errorf("flags flag_a and flag_b split 200 ids the same: %v, want %v", same, tc.wantSame)
			}
		})
	}
}

// TestBucketIsPinned pins Bucket's output for fixed seeds and values,
// where TestSplit_Hash checks it against the formula. Flags are evaluated
// by every agent of a fleet, and an Entity-Id rollout decides with the
// same hash; agents are upgraded a few at a time, so a changed hash would
// give one entity a variant on one host and another variant on the next
// until the last agent is upgraded. A change to these numbers is a change
// of behaviour, not a table to update.
func TestBucketIsPinned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seed, value string
		want        uint64
	}{
		{"", "", 3192},
		{"flag", "user-1", 2091},
		{"flag", "user-2", 1235},
		{"ui_refresh", "user-1", 1232},
		{"2025.01.01", "user-1", 3908},
		{"ab", "c", 5165},
		{"a", "bc", 7297},
		{"rollout-7", "host-42.example", 248},
		{"é", "ü", 1799},
	}
	for _, tc := range tests {
		if got := rules.Bucket(tc.seed, tc.value); got != tc.want {
			t.Errorf("Bucket(%q, %q) = %d, want %d", tc.seed, tc.value, got, tc.want)
		}
	}
}
