package appconfigd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"time"
)

// Data-plane session rules (docs/WIRE.md §2.1–2.3, §7.1, §7.7).
const (
	// DefaultPollInterval is NextPollIntervalInSeconds when the session did
	// not request a minimum.
	DefaultPollInterval = 60
	// MinPollInterval and MaxPollInterval bound
	// RequiredMinimumPollIntervalInSeconds.
	MinPollInterval = 15
	MaxPollInterval = 86400
	// PollIntervalTolerance forgives a client that polls this much before
	// its interval has passed: clients sleep exactly
	// NextPollIntervalInSeconds, and clocks and timers are not exact.
	PollIntervalTolerance = time.Second
	// DefaultTokenTTL is how long a configuration token stays valid.
	DefaultTokenTTL = 24 * time.Hour
)

// SessionToken is what a configuration token says. Tokens are sealed, so
// any process holding the sealing key can serve any session without shared
// session state.
type SessionToken struct {
	// SessionID is the session's identity, fixed for its lifetime; it
	// places the session in a rollout bucket.
	SessionID [16]byte
	// Chain is zero on the initial token and random on the tokens that
	// follow from one use of it; with Seq it lets a next token be used
	// only once.
	Chain [8]byte
	Seq   uint32

	ApplicationID          string
	EnvironmentID          string
	ConfigurationProfileID string

	// LastVersion is the hosted version number last served to the
	// session, 0 when it has none.
	LastVersion int
	// MinPollInterval is the interval the session requested in seconds,
	// 0 when it requested none.
	MinPollInterval int
	IssuedAt        time.Time
	ExpiresAt       time.Time
}

// Initial reports whether t is a session's initial token.
func (t *SessionToken) Initial() bool { return t.Seq == 0 }

// PollInterval returns NextPollIntervalInSeconds for the session.
func (t *SessionToken) PollInterval() int {
	if t.MinPollInterval > 0 {
		return t.MinPollInterval
	}
	return DefaultPollInterval
}

const sessionTokenFormat = 1

// MarshalBinary encodes t compactly for sealing.
func (t *SessionToken) MarshalBinary() ([]byte, error) {
	return t.appendBinary(make([]byte, 0, 96)), nil
}

// appendBinary appends what MarshalBinary returns to b.
func (t *SessionToken) appendBinary(b []byte) []byte {
	b = append(b, sessionTokenFormat)
	b = append(b, t.SessionID[:]...)
	b = append(b, t.Chain[:]...)
	b = binary.AppendUvarint(b, uint64(t.Seq))
	for _, s := range []string{t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(t.LastVersion))
	b = binary.AppendUvarint(b, uint64(t.MinPollInterval))
	b = binary.AppendVarint(b, t.IssuedAt.UnixMilli())
	return binary.AppendVarint(b, t.ExpiresAt.UnixMilli())
}

var errMalformedToken = errors.New("malformed session token")

// UnmarshalBinary decodes what MarshalBinary produced.
func (t *SessionToken) UnmarshalBinary(b []byte) error {
	original := b
	if len(b) < 1+16+8 || b[0] != sessionTokenFormat {
		return errMalformedToken
	}
	b = b[1:]
	copy(t.SessionID[:], b[:16])
	copy(t.Chain[:], b[16:24])
	b = b[24:]
	uvarint := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	varint := func() (int64, bool) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	seq, ok := uvarint()
	if !ok || seq > 1<<32-1 {
		return errMalformedToken
	}
	t.Seq = uint32(seq)
	for _, dst := range []*string{&t.ApplicationID, &t.EnvironmentID, &t.ConfigurationProfileID} {
		n, ok := uvarint()
		if !ok || n > uint64(len(b)) || n > maxLongNameLength {
			return errMalformedToken
		}
		*dst = string(b[:n])
		b = b[n:]
	}
	last, ok1 := uvarint()
	interval, ok2 := uvarint()
	issued, ok3 := varint()
	expires, ok4 := varint()
	if !ok1 || !ok2 || !ok3 || !ok4 || len(b) != 0 || last > 1<<31 || interval > MaxPollInterval {
		return errMalformedToken
	}
	t.LastVersion = int(last)
	t.MinPollInterval = int(interval)
	t.IssuedAt = time.UnixMilli(issued).UTC()
	t.ExpiresAt = time.UnixMilli(expires).UTC()
	// Only the canonical encoding is a token: varints padded with extra
	// bytes decode to the same values but are not what Marshal writes.
	// Re-encoded on the stack: a typical token fits in buf.
	var buf [128]byte
	if again := t.appendBinary(buf[:0]); !bytes.Equal(again, original) {
		return errMalformedToken
	}
	return nil
}

// TokenSealer turns token plaintext into an opaque, URL-safe string of at
// most 8192 characters and back, detecting any tampering.
type TokenSealer interface {
	Seal(plaintext []byte) (string, error)
	// Open returns an error for any token it did not seal.
	Open(token string) ([]byte, error)
}

// RolloutBucket places a session in one of 10,000 buckets for a
// deployment. The hash is stable, so a session stays on its side of a
// rollout as the percentage grows (docs/WIRE.md §2.4).
func RolloutBucket(sessionID [16]byte, environmentID string, deploymentNumber int) int {
	h := fnv.New64a()
	h.Write(sessionID[:])
	h.Write([]byte(environmentID))
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(deploymentNumber))
	h.Write(n[:])
	return int(mix64(h.Sum64()) % 10000)
}

// mix64 is the splitmix64 finalizer; it spreads FNV's weak low bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func secondsDuration(n int) time.Duration { return time.Duration(n) * time.Second }
