// Package token seals data-plane configuration tokens with AES-256-GCM, so
// that any process holding the sealing keys can open any token and nobody
// without them can read or forge one.
//
// A sealed token is the base64url encoding (no padding, so it is safe in a
// query string and matches \S{1,8192}) of
//
//	key ID (uvarint) | nonce (12 bytes) | ciphertext and tag
//
// The key ID is bound into the authentication tag as additional data. New
// tokens use the newest key; older keys still open the tokens they sealed,
// which is how keys rotate.
package token

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/appconfigd/appconfigd"
)

// ErrInvalid is returned for any token that does not open.
var ErrInvalid = errors.New("token: invalid")

// Sealer seals and opens tokens. It implements [appconfigd.TokenSealer].
type Sealer struct {
	newest uint32
	aeads  map[uint32]cipher.AEAD
	rand   io.Reader
	// buffers pools Seal's working buffers (*[]byte).
	buffers sync.Pool
}

// NewSealer returns a Sealer for keys; the first one seals new tokens and
// every one opens tokens. Each secret must be 32 bytes. rand supplies nonces; nil means
// crypto/rand.
func NewSealer(keys []appconfigd.SealingKey, rand io.Reader) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("token: no sealing keys")
	}
	s := &Sealer{newest: keys[0].ID, aeads: make(map[uint32]cipher.AEAD, len(keys)), rand: rand}
	for _, k := range keys {
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("token: sealing key %d is %d bytes, want 32", k.ID, len(k.Secret))
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("token: sealing key %d: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("token: sealing key %d: %w", k.ID, err)
		}
		s.aeads[k.ID] = aead
	}
	return s, nil
}

// Seal encrypts and authenticates plaintext with the newest key.
//
// The sealed bytes and their base64 text are built in one pooled buffer,
// so that the token string is the only allocation.
func (s *Sealer) Seal(plaintext []byte) (string, error) {
	aead := s.aeads[s.newest]
	bp := s.getBuffer()
	defer s.putBuffer(bp)
	raw := binary.AppendUvarint((*bp)[:0], uint64(s.newest))
	header := len(raw)
	raw = slices.Grow(raw, aead.NonceSize()+len(plaintext)+aead.Overhead())
	raw = raw[:header+aead.NonceSize()]
	nonce := raw[header:]
	r := s.rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, nonce); err != nil {
		return "", fmt.Errorf("token: nonce: %w", err)
	}
	// The ciphertext goes after the nonce; dst must not overlap the
	// additional data, so it starts empty there.
	sealed := aead.Seal(raw[len(raw):], nonce, plaintext, raw[:header])
	raw = raw[:len(raw)+len(sealed)]
	out := base64.RawURLEncoding.AppendEncode(raw, raw)
	*bp = out
	return string(out[len(raw):]), nil
}

// getBuffer returns a buffer from the pool, or a new one.
func (s *Sealer) getBuffer() *[]byte {
	if bp, ok := s.buffers.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, 512)
	return &b
}

// putBuffer returns a buffer to the pool unless it grew past what a token
// (at most 8192 characters, appconfigd.TokenSealer) needs.
func (s *Sealer) putBuffer(bp *[]byte) {
	if cap(*bp) <= 16<<10 {
		s.buffers.Put(bp)
	}
}

// Open authenticates and decrypts a token sealed with any known key. A
// token naming a key the sealer lacks gets appconfigd.ErrUnknownSealingKey,
// any other failure ErrInvalid.
func (s *Sealer) Open(token string) ([]byte, error) {
	// Decoded into one buffer, which the plaintext then reuses.
	raw, err := base64.RawURLEncoding.AppendDecode(make([]byte, 0, base64.RawURLEncoding.DecodedLen(len(token))), []byte(token))
	if err != nil {
		return nil, ErrInvalid
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id > 1<<32-1 {
		return nil, ErrInvalid
	}
	aead, ok := s.aeads[uint32(id)]
	if !ok {
		return nil, appconfigd.ErrUnknownSealingKey
	}
	if len(raw) < n+aead.NonceSize()+aead.Overhead() {
		return nil, ErrInvalid
	}
	header, nonce, sealed := raw[:n], raw[n:n+aead.NonceSize()], raw[n+aead.NonceSize():]
	plain, err := aead.Open(sealed[:0], nonce, sealed, header)
	if err != nil {
		return nil, ErrInvalid
	}
	return plain, nil
}
