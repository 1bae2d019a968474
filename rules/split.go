package rules

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/appconfigd/appconfigd/internal/ion"
)

// Buckets is how finely split divides the values of its key: 10000 buckets
// give pct a resolution of 0.01 percentage points.
const Buckets = 10000

// division is (split by::$key pct::n seed::"s"): true for pct percent of the
// values of the context key, by a consistent hash (docs/WIRE.md §4.3). The hash is
// ours; see the package documentation.
type division struct {
	by      string    // context key
	pct     ion.Value // the percentage as written, 0..100
	seed    string
	hasSeed bool // without seed::, the flag key seeds the hash
}

func (d division) eval(in Input) bool {
	value, ok := in.Context[d.by]
	if !ok {
		return false
	}
	seed := in.FlagKey
	if d.hasSeed {
		seed = d.seed
	}
	return float64(Bucket(seed, value)) < number(d.pct)*Buckets/100
}

func (d division) ion() ion.Value {
	elems := []ion.Value{
		symbol("split"),
		named("by", symbol("$"+d.by)),
		named("pct", d.pct),
	}
	if d.hasSeed {
		elems = append(elems, named("seed", ion.Value{Kind: ion.String, Text: d.seed}))
	}
	return sexp(elems...)
}

// Bucket places value in one of Buckets buckets for seed: the first 8
// bytes, big-endian, of SHA-256(seed + "\x00" + value), modulo Buckets. The
// NUL keeps ("ab", "c") and ("a", "bc") apart. split uses it, and so does
// the agent's Entity-Id rollout, so that one hash decides every share.
func Bucket(seed, value string) uint64 {
	sum := sha256.Sum256([]byte(seed + "\x00" + value))
	return binary.BigEndian.Uint64(sum[:8]) % Buckets
}
