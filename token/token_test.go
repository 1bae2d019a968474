package token_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/token"
)

func key(id uint32, fill byte) appconfigd.SealingKey {
	return appconfigd.SealingKey{ID: id, Secret: bytes.Repeat([]byte{fill}, 32)}
}

func mustSealer(t *testing.T, keys ...appconfigd.SealingKey) *token.Sealer {
	t.Helper()
	s, err := token.NewSealer(keys, nil)
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	return s
}

// tokenPattern is the model's Token shape plus URL safety: no character
// needs percent-encoding in a query string.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func TestSealer(t *testing.T) {
	t.Parallel()
	plain := []byte("session state")

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		s := mustSealer(t, key(1, 1))
		tok, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !tokenPattern.MatchString(tok) || len(tok) > 8192 {
			t.Errorf("token %q is not URL-safe or too long", tok)
		}
		got, err := s.Open(tok)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open = %q, %v; want %q", got, err, plain)
		}
	})

	t.Run("TamperedTokenRefused", func(t *testing.T) {
		t.Parallel()
		s := mustSealer(t, key(1, 1))
		tok, _ := s.Seal(plain)
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		for i := range raw {
			mod := bytes.Clone(raw)
			mod[i] ^= 0x01
			if _, err := s.Open(base64.RawURLEncoding.EncodeToString(mod)); err == nil {
				t.Errorf("token with byte %d flipped opened", i)
			}
		}
	})

	t.Run("TruncatedAndGarbageRefused", func(t *testing.T) {
		t.Parallel()
		s := mustSealer(t, key(1, 1))
		tok, _ := s.Seal(plain)
		for _, bad := range []string{"", "x", tok[:len(tok)-1], tok[:10], tok + "A", strings.Repeat("A", 100), "not base64!"} {
			if _, err := s.Open(bad); err == nil {
				t.Errorf("Open(%q) succeeded", bad)
			}
		}
	})

	t.Run("ForeignKeyRefused", func(t *testing.T) {
		t.Parallel()
		tok, _ := mustSealer(t, key(1, 1)).Seal(plain)
		if _, err := mustSealer(t, key(1, 2)).Open(tok); err == nil {
			t.Error("token sealed with another secret under the same key ID opened")
		}
	})

	t.Run("UnknownKeyIDIsToldApart", func(t *testing.T) {
		t.Parallel()
		tok, _ := mustSealer(t, key(2, 2)).Seal(plain)
		if _, err := mustSealer(t, key(1, 1)).Open(tok); !errors.Is(err, appconfigd.ErrUnknownSealingKey) {
			t.Errorf("Open of a token of key 2 with only key 1 = %v, want ErrUnknownSealingKey", err)
		}
	})

	t.Run("RotationKeepsOldTokensValid", func(t *testing.T) {
		t.Parallel()
		old := mustSealer(t, key(1, 1))
		oldTok, _ := old.Seal(plain)
		rotated := mustSealer(t, key(2, 2), key(1, 1))
		if _, err := rotated.Open(oldTok); err != nil {
			t.Errorf("token of the previous key refused after rotation: %v", err)
		}
		newTok, _ := rotated.Seal(plain)
		if _, err := old.Open(newTok); err == nil {
			t.Error("a sealer without the new key opened a token sealed with it")
		}
	})

	t.Run("LayoutIsKeyIDNonceCiphertext", func(t *testing.T) {
		t.Parallel()
		// Tokens outlive processes and cross replicas, so the layout of
		// the package comment is pinned: built here from crypto/aes.
		const id = 300 // two bytes of uvarint
		nonce := bytes.Repeat([]byte{0x5a}, 12)
		s, err := token.NewSealer([]appconfigd.SealingKey{key(id, 3)}, bytes.NewReader(nonce))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		block, _ := aes.NewCipher(key(id, 3).Secret)
		aead, _ := cipher.NewGCM(block)
		header := binary.AppendUvarint(nil, id)
		want := append(append(bytes.Clone(header), nonce...), aead.Seal(nil, nonce, plain, header)...)
		if got != base64.RawURLEncoding.EncodeToString(want) {
			t.Errorf("Seal = %s, want %s", got, base64.RawURLEncoding.EncodeToString(want))
		}
	})

	t.Run("ConcurrentSealsAreIndependent", func(t *testing.T) {
		t.Parallel()
		s := mustSealer(t, key(1, 1))
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 200 {
					p := []byte(strings.Repeat(strconv.Itoa(g), i%50))
					tok, err := s.Seal(p)
					if err != nil {
						t.Error(err)
						return
					}
					if got, err := s.Open(tok); err != nil || !bytes.Equal(got, p) {
						t.Errorf("Open(Seal(%q)) = %q, %v", p, got, err)
						return
					}
				}
			})
		}
		wg.Wait()
	})

	t.Run("RejectsBadKeys", func(t *testing.T) {
		t.Parallel()
		if _, err := token.NewSealer(nil, nil); err == nil {
			t.Error("NewSealer accepted no keys")
		}
		if _, err := token.NewSealer([]appconfigd.SealingKey{{ID: 1, Secret: []byte("short")}}, nil); err == nil {
			t.Error("NewSealer accepted a 5-byte secret")
		}
	})
}
