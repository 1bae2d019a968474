package appconfigd

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkReplayShardLockHold measures the longest a shard's lock is held
// at the default capacity, outside a single chain's lookup: the last
// growth of a shard (moving a full half-size table into the full-size
// one) and the copy of a full shard that Save makes.
func BenchmarkReplayShardLockHold(b *testing.B) {
	g := NewReplayGuard(DefaultReplayCapacity)
	rng := rand.New(rand.NewPCG(1, 2))
	// fill returns a shard of n buckets, 7 of 8 slots live.
	fill := func(n int) *replayShard {
		sh := &replayShard{buckets: make([]replayBucket, n)}
		for range n * replayBucketSlots * 7 / 8 {
			sh.insert(replayEntry{rng.Uint64(), replayValue{seq: 1, expires: 2}}, 1, n)
		}
		return sh
	}
	b.Logf("%d shards of at most %d buckets", len(g.shards), g.shardBuckets)

	b.Run("LastGrowth", func(b *testing.B) {
		half := fill(g.shardBuckets / 2)
		for b.Loop() {
			sh := &replayShard{buckets: half.buckets}
			sh.mu.Lock()
			sh.grow(1, g.shardBuckets)
			sh.mu.Unlock()
		}
	})
	b.Run("SaveCopy", func(b *testing.B) {
		sh := fill(g.shardBuckets)
		dst := make([]replayEntry, 0, g.shardBuckets*replayBucketSlots)
		for b.Loop() {
			dst = sh.appendLive(dst[:0], 1)
		}
	})
}
