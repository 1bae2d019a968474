package appconfigd

import (
	"crypto/rand"
	"fmt"
	"io"
)

// idAlphabet and idLength follow the Id shape of the model: every AWS example
// is seven characters of [a-z0-9] (docs/WIRE.md §3.3).
const (
	idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	idLength   = 7
)

// IDGenerator makes resource IDs. Randomness is injected so tests can make
// IDs deterministic.
type IDGenerator struct {
	// Rand is the source of randomness; nil means crypto/rand.
	Rand io.Reader
}

// NewID returns a fresh seven-character resource ID.
func (g IDGenerator) NewID() (string, error) {
	r := g.Rand
	if r == nil {
		r = rand.Reader
	}
	// Rejection sampling keeps the distribution uniform over the alphabet.
	const limit = 256 - 256%len(idAlphabet)
	out := make([]byte, 0, idLength)
	buf := make([]byte, 16)
	for len(out) < idLength {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("generate id: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < idLength {
				out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			}
		}
	}
	return string(out), nil
}

// RandomBytes returns n bytes from r, or from crypto/rand when r is nil.
func RandomBytes(r io.Reader, n int) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("read random bytes: %w", err)
	}
	return b, nil
}
