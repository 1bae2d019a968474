package appconfigd

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sync"
	"time"
)

// DefaultReplayCapacity is how many token chains a [ReplayGuard] remembers
// by default: 12·2²⁰, room for 10 million polling sessions at 80% fill,
// below the 86% up to which no chain was forgotten early, in at most
// 192 MiB (see docs/PERFORMANCE.md, "Replay guard").
const DefaultReplayCapacity = 12 << 20

// MinReplayCapacity is the smallest capacity a [ReplayGuard] has: one
// bucket.
const MinReplayCapacity = replayBucketSlots

const (
	// replayBucketSlots is the number of entries in a bucket: 128 bytes,
	// two cache lines.
	replayBucketSlots = 8
	// replayMaxShards bounds the shards, each with its own mutex: enough
	// that polls rarely wait for one another, and small enough shards
	// that growing one (a rehash under its lock) takes tens of
	// microseconds.
	replayMaxShards = 4096
	// replayMinShardBuckets keeps shards large: the fewer chains a shard
	// holds, the more its fill strays from the guard's, and a small
	// guard needs few locks anyway.
	replayMinShardBuckets = 64
)

// ReplayGuard remembers which next tokens have been used, so that each
// works once: a reused next token gets "Token not valid", as on AWS. It
// keeps one 16-byte entry per token chain, (fingerprint of session and
// chain, highest sequence number used, expiry in Unix seconds), in a
// table of fixed capacity; see docs/ARCHITECTURE.md, "The data plane".
//
// The table is split into shards, each a mutex and an array of 8-entry
// buckets that grows by doubling up to the shard's share of the capacity.
// A chain may live in one of two buckets of its shard (two-choice hashing;
// a full pair moves one entry to its other bucket before giving up). An
// entry whose tokens have all expired is a free slot, reused by the next
// chain that needs one, so there is no clean-up pass at all. When a
// shard is at its bound and a chain finds no free slot, the chain's entry
// replaces the one of its 16 candidates closest to expiry, whose reuse is
// from then on no longer detected: a full guard never refuses a poll.
//
// The fingerprint is 64 bits of the session identity and chain, random
// values the server generated and sealed. Two chains with the same
// fingerprint would share an entry, and the later one's polls would be
// refused as reuses; with N chains remembered, a new chain meets that with
// probability N/2⁶⁴ (5·10⁻¹³ at 10 million).
//
// It is per process; [ReplayGuard.Save] and [ReplayGuard.Load] carry it
// across a restart.
type ReplayGuard struct {
	shards []replayShard
	// shardBuckets is the most buckets one shard may have.
	shardBuckets int
}

type replayShard struct {
	mu sync.Mutex
	// buckets is nil until the shard's first chain, then grows by
	// doubling; its length is at most ReplayGuard.shardBuckets.
	buckets []replayBucket
}

// replayBucket holds 8 chains: their keys in one cache line, the only one
// a lookup scans, and what is remembered of them in the next. A slot is
// free when its chain has expired.
type replayBucket struct {
	keys [replayBucketSlots]uint64
	vals [replayBucketSlots]replayValue
}

// replayValue is what the guard remembers of a chain.
type replayValue struct {
	seq uint32
	// expires is the Unix second after which every token of the chain up
	// to seq has expired; 0 marks a slot never used.
	expires uint32
}

// live reports whether v is of a chain whose tokens may still be valid at
// Unix second now.
func (v *replayValue) live(now uint32) bool { return v.expires >= now && v.expires != 0 }

// replayEntry is a chain on its way between slots, or to or from a file.
type replayEntry struct {
	key uint64
	replayValue
}

func (b *replayBucket) entry(j int) replayEntry { return replayEntry{b.keys[j], b.vals[j]} }

func (b *replayBucket) set(j int, e replayEntry) { b.keys[j], b.vals[j] = e.key, e.replayValue }

// NewReplayGuard returns a guard that remembers at most capacity chains
// (rounded down to whole buckets per shard; never below
// [MinReplayCapacity]). Memory is taken as chains arrive: a shard doubles
// its buckets when a chain finds no room, up to 16 bytes a chain when
// full.
func NewReplayGuard(capacity int) *ReplayGuard {
	buckets := max(capacity/replayBucketSlots, 1)
	shards := 1
	for shards*2 <= replayMaxShards && shards*2*replayMinShardBuckets <= buckets {
		shards *= 2
	}
	return &ReplayGuard{shards: make([]replayShard, shards), shardBuckets: buckets / shards}
}

// Capacity returns the most chains g remembers.
func (g *ReplayGuard) Capacity() int {
	return len(g.shards) * g.shardBuckets * replayBucketSlots
}

// Len returns how many chains g remembers whose tokens may still be valid
// at now. It locks one shard at a time.
func (g *ReplayGuard) Len(now time.Time) int {
	sec := replayNow(now)
	n := 0
	for i := range g.shards {
		sh := &g.shards[i]
		sh.mu.Lock()
		for b := range sh.buckets {
			for j := range sh.buckets[b].vals {
				if sh.buckets[b].vals[j].live(sec) {
					n++
				}
			}
		}
		sh.mu.Unlock()
	}
	return n
}

// Used reports whether t, a next token, was already used.
func (g *ReplayGuard) Used(t *SessionToken) bool {
	if t.Initial() {
		return false
	}
	key := replayKey(t)
	sh := g.shard(key)
	sh.mu.Lock()
	v := sh.find(key)
	used := v != nil && v.seq >= t.Seq
	sh.mu.Unlock()
	return used
}

// Consume marks t as used and reports whether it was unused until now, so
// of two concurrent polls with the same token only one succeeds. The
// initial token may be used again; each use starts a new chain. The entry
// lasts until t expires: the chain's older tokens expire no later.
func (g *ReplayGuard) Consume(t *SessionToken, now time.Time) bool {
	if t.Initial() {
		return true
	}
	key := replayKey(t)
	sh := g.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	expires := replayExpiry(t.ExpiresAt)
	if v := sh.find(key); v != nil {
		if v.seq >= t.Seq {
			return false
		}
		v.seq, v.expires = t.Seq, max(v.expires, expires)
		return true
	}
	sh.insert(replayEntry{key, replayValue{seq: t.Seq, expires: expires}}, replayNow(now), g.shardBuckets)
	return true
}

func (g *ReplayGuard) shard(key uint64) *replayShard {
	return &g.shards[key&uint64(len(g.shards)-1)]
}

// replayKey is the fingerprint of t's chain: a fold of its session
// identity and chain through a bijective mixer, so distinct chains share
// a fingerprint only by chance. The shard takes the low bits, the bucket
// choices two other ranges (replayChoices).
func replayKey(t *SessionToken) uint64 {
	h := mix64(binary.LittleEndian.Uint64(t.Chain[:]))
	h = mix64(h ^ binary.LittleEndian.Uint64(t.SessionID[:8]))
	return mix64(h ^ binary.LittleEndian.Uint64(t.SessionID[8:]))
}

// replayChoices returns the two buckets, of n, that may hold key.
func replayChoices(key uint64, n int) (int, int) {
	// Multiply-shift maps 32 bits onto [0, n) without a division.
	a := (key >> 32) * uint64(n) >> 32
	b := (key >> 16 & math.MaxUint32) * uint64(n) >> 32
	return int(a), int(b)
}

// replayExpiry returns t in whole Unix seconds, rounded up.
func replayExpiry(t time.Time) uint32 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return uint32(min(max(s, 1), math.MaxUint32))
}

// replayNow returns t in whole Unix seconds, rounded down.
func replayNow(t time.Time) uint32 {
	return uint32(min(max(t.Unix(), 0), math.MaxUint32))
}

// find returns what is remembered of key, or nil. An expired chain is
// still returned: its seq matters no more, since every token it refuses
// has expired too, and updating it in place keeps one slot per chain.
func (sh *replayShard) find(key uint64) *replayValue {
	if sh.buckets == nil {
		return nil
	}
	a, b := replayChoices(key, len(sh.buckets))
	for _, i := range [2]int{a, b} {
		bucket := &sh.buckets[i]
		for j := range bucket.keys {
			if bucket.keys[j] == key && bucket.vals[j].expires != 0 {
				return &bucket.vals[j]
			}
		}
	}
	return nil
}

// insert stores e, which sh does not hold: in a free slot, after growing
// the shard if it may still grow, or in place of the candidate closest to
// expiry.
func (sh *replayShard) insert(e replayEntry, now uint32, maxBuckets int) {
	if sh.buckets == nil {
		sh.buckets = make([]replayBucket, 1)
	}
	for !sh.place(e, now) {
		if len(sh.buckets) >= maxBuckets {
			sh.evict(e)
			return
		}
		sh.grow(now, maxBuckets)
	}
}

// place stores e in a free slot of its two buckets, the emptier one, or
// else moves one of their entries to its other bucket to make room. It
// reports false when both buckets and their entries' other buckets are
// full.
func (sh *replayShard) place(e replayEntry, now uint32) bool {
	a, b := replayChoices(e.key, len(sh.buckets))
	freeA, liveA := sh.buckets[a].free(now)
	freeB, liveB := sh.buckets[b].free(now)
	switch {
	case freeA >= 0 && (freeB < 0 || liveA <= liveB):
		sh.buckets[a].set(freeA, e)
		return true
	case freeB >= 0:
		sh.buckets[b].set(freeB, e)
		return true
	}
	for _, i := range [2]int{a, b} {
		for j := range sh.buckets[i].keys {
			x, y := replayChoices(sh.buckets[i].keys[j], len(sh.buckets))
			other := x
			if other == i {
				other = y
			}
			if other == i {
				continue
			}
			if k, _ := sh.buckets[other].free(now); k >= 0 {
				sh.buckets[other].set(k, sh.buckets[i].entry(j))
				sh.buckets[i].set(j, e)
				return true
			}
		}
	}
	return false
}

// free returns the index of a free slot in b, or -1, and how many slots
// hold live chains.
func (b *replayBucket) free(now uint32) (free, live int) {
	free = -1
	for j := range b.vals {
		if b.vals[j].live(now) {
			live++
		} else if free < 0 {
			free = j
		}
	}
	return free, live
}

// evict puts e in place of the entry closest to expiry among its two
// buckets, all of which hold live chains.
func (sh *replayShard) evict(e replayEntry) {
	a, b := replayChoices(e.key, len(sh.buckets))
	victim, slot := &sh.buckets[a], 0
	for _, i := range [2]int{a, b} {
		for j := range sh.buckets[i].vals {
			if sh.buckets[i].vals[j].expires < victim.vals[slot].expires {
				victim, slot = &sh.buckets[i], j
			}
		}
	}
	victim.set(slot, e)
}

// grow doubles the shard's buckets, up to maxBuckets, and moves its live
// entries over; expired ones are dropped.
func (sh *replayShard) grow(now uint32, maxBuckets int) {
	old := sh.buckets
	sh.buckets = make([]replayBucket, min(2*len(old), maxBuckets))
	for i := range old {
		for j := range old[i].keys {
			if e := old[i].entry(j); e.live(now) && !sh.place(e, now) {
				sh.evict(e)
			}
		}
	}
}

// The file format of Save, version 1: this header, then blocks of at most
// replayBlockEntries entries, each its entry count (uint32), the entries
// (key uint64, seq uint32, expires uint32) and the CRC-32C of count and
// entries, then an empty block. All little-endian. Blocks are checked
// before their entries are used, so a damaged file never refuses a valid
// token, and a truncated one keeps the blocks before the damage.
const (
	replayFileHeader   = "appconfigd replay guard, format 1\n"
	replayBlockEntries = 4096
	replayEntrySize    = 16
)

var replayCRC = crc32.MakeTable(crc32.Castagnoli)

// ErrReplayFile reports a replay guard file that is damaged, truncated or
// of an unknown format.
var ErrReplayFile = errors.New("replay guard file is damaged or of an unknown format")

// Save writes the chains g remembers whose tokens may still be valid at
// now, and returns how many. It locks one shard at a time, for as long
// as copying that shard's entries takes, so polls go on while it runs.
func (g *ReplayGuard) Save(w io.Writer, now time.Time) (int, error) {
	sec := replayNow(now)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(replayFileHeader)
	var entries []replayEntry
	block := make([]byte, 0, 8+replayBlockEntries*replayEntrySize)
	total := 0
	for i := range g.shards {
		entries = g.shards[i].appendLive(entries[:0], sec)
		total += len(entries)
		for rest := entries; len(rest) > 0; {
			n := min(len(rest), replayBlockEntries)
			bw.Write(appendReplayBlock(block[:0], rest[:n]))
			rest = rest[n:]
		}
	}
	bw.Write(appendReplayBlock(block[:0], nil))
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("save replay guard: %w", err)
	}
	return total, nil
}

// appendLive appends the shard's live entries to dst, holding its lock
// for as long as that takes.
func (sh *replayShard) appendLive(dst []replayEntry, now uint32) []replayEntry {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for b := range sh.buckets {
		for j := range sh.buckets[b].keys {
			if e := sh.buckets[b].entry(j); e.live(now) {
				dst = append(dst, e)
			}
		}
	}
	return dst
}

func appendReplayBlock(b []byte, entries []replayEntry) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(entries)))
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint64(b, e.key)
		b = binary.LittleEndian.AppendUint32(b, e.seq)
		b = binary.LittleEndian.AppendUint32(b, e.expires)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, replayCRC))
}

// Load adds the chains of a file Save wrote, skipping those expired at
// now, and returns how many it added. A chain g already remembers keeps
// the higher sequence number. On a damaged or truncated file it returns
// an error wrapping [ErrReplayFile], having added the chains of the
// blocks before the damage, which are intact.
func (g *ReplayGuard) Load(r io.Reader, now time.Time) (int, error) {
	sec := replayNow(now)
	br := bufio.NewReaderSize(r, 64<<10)
	header := make([]byte, len(replayFileHeader))
	if _, err := io.ReadFull(br, header); err != nil || !bytes.Equal(header, []byte(replayFileHeader)) {
		return 0, fmt.Errorf("%w: bad header", ErrReplayFile)
	}
	block := make([]byte, 4+replayBlockEntries*replayEntrySize+4)
	added := 0
	for {
		if _, err := io.ReadFull(br, block[:4]); err != nil {
			return added, fmt.Errorf("%w: %v", ErrReplayFile, err)
		}
		n := int(binary.LittleEndian.Uint32(block))
		if n > replayBlockEntries {
			return added, fmt.Errorf("%w: a block of %d entries", ErrReplayFile, n)
		}
		body := block[:4+n*replayEntrySize+4]
		if _, err := io.ReadFull(br, body[4:]); err != nil {
			return added, fmt.Errorf("%w: %v", ErrReplayFile, err)
		}
		end := len(body) - 4
		if crc32.Checksum(body[:end], replayCRC) != binary.LittleEndian.Uint32(body[end:]) {
			return added, fmt.Errorf("%w: checksum mismatch", ErrReplayFile)
		}
		if n == 0 {
			return added, nil
		}
		for p := body[4:end]; len(p) > 0; p = p[replayEntrySize:] {
			e := replayEntry{binary.LittleEndian.Uint64(p), replayValue{
				seq:     binary.LittleEndian.Uint32(p[8:]),
				expires: binary.LittleEndian.Uint32(p[12:]),
			}}
			if e.live(sec) {
				g.restore(e, sec)
				added++
			}
		}
	}
}

// restore adds e, keeping the higher sequence number and the later expiry
// of a chain already remembered.
func (g *ReplayGuard) restore(e replayEntry, now uint32) {
	sh := g.shard(e.key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old := sh.find(e.key); old != nil {
		old.seq, old.expires = max(old.seq, e.seq), max(old.expires, e.expires)
		return
	}
	sh.insert(e, now, g.shardBuckets)
}

// SaveReplayGuard writes which next tokens were used, for
// LoadReplayGuard after a restart, and returns how many chains it wrote.
// The daemon does this on shutdown and periodically (see
// docs/COMPATIBILITY.md, "The data plane").
func (s *Service) SaveReplayGuard(w io.Writer) (int, error) {
	return s.replay.Save(w, s.now())
}

// LoadReplayGuard reads what SaveReplayGuard wrote, so that next tokens
// used before a restart stay used; call it after Open, before serving.
// It returns how many chains it added.
func (s *Service) LoadReplayGuard(r io.Reader) (int, error) {
	return s.replay.Load(r, s.now())
}
