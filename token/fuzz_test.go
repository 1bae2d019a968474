package token_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/token"
)

// fuzzPlaintexts are what the fuzz sealer seals for the seed corpus: a real
// session token's encoding, an empty plaintext and a long one. Nobody
// without the keys can make a token that opens to anything else.
var fuzzPlaintexts = [][]byte{
	mustMarshal(&appconfigd.SessionToken{
		SessionID:              [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Chain:                  [8]byte{9, 9, 9},
		Seq:                    3,
		ApplicationID:          "abc1234",
		EnvironmentID:          "def5678",
		ConfigurationProfileID: "ghi9012",
		LastVersion:            2,
		MinPollInterval:        15,
	}),
	{},
	bytes.Repeat([]byte("x"), 600),
}

func mustMarshal(t *appconfigd.SessionToken) []byte {
	b, err := t.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return b
}

// zeroReader makes nonces deterministic, so that the seed corpus (and every
// worker of the fuzzer) sees the same tokens.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// FuzzOpen: Open never panics whatever string it gets, refuses only with
// ErrInvalid or appconfigd.ErrUnknownSealingKey, and opens nothing but what
// the sealer sealed; a sealed token always opens to its plaintext, the
// fuzzed string sealed as a plaintext included. Key 1
// seals; key 7 is an older key that still opens; key 2 is unknown.
func FuzzOpen(f *testing.F) {
	keys := []appconfigd.SealingKey{key(1, 0x11), key(7, 0x77)}
	s, err := token.NewSealer(keys, zeroReader{})
	if err != nil {
		f.Fatal(err)
	}
	old, err := token.NewSealer([]appconfigd.SealingKey{key(7, 0x77)}, zeroReader{})
	if err != nil {
		f.Fatal(err)
	}
	unknown, err := token.NewSealer([]appconfigd.SealingKey{key(2, 0x22)}, zeroReader{})
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range fuzzPlaintexts {
		for _, sealer := range []*token.Sealer{s, old, unknown} {
			tok, err := sealer.Seal(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(tok)
			f.Add(tok[:len(tok)-1])        // truncated
			f.Add(tok + "A")               // one character more
			f.Add(tok + "=")               // padding the encoding does not use
			f.Add(strings.ToUpper(tok))    // same length, other bytes
			f.Add(strings.Repeat(tok, 3))  // much longer
			f.Add(tok[:len(tok)/2] + "/+") // standard-alphabet characters
		}
	}
	for _, seed := range []string{
		"", "A", "AA", "AAA", "AAAA", "_-_-", "////", "====", "\x00", "\xff\xfe", "Token not valid",
		base64.RawURLEncoding.EncodeToString([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}),             // key ID 2^32-1
		base64.RawURLEncoding.EncodeToString([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}), // unterminated uvarint
		base64.RawURLEncoding.EncodeToString(append([]byte{0x01}, make([]byte, 28)...)),        // key 1, all-zero nonce and tag
		base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 11)),                   // varint overflow
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		// The input as a plaintext: whatever is sealed opens to itself.
		sealed, err := s.Seal([]byte(tok))
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if back, err := s.Open(sealed); err != nil || string(back) != tok {
			t.Fatalf("Open(Seal(%q)) = %q, %v", tok, back, err)
		}

		// The input as a token.
		plain, err := s.Open(tok)
		if err != nil {
			if !errors.Is(err, token.ErrInvalid) && !errors.Is(err, appconfigd.ErrUnknownSealingKey) {
				t.Fatalf("Open(%q) = %v; want ErrInvalid or ErrUnknownSealingKey", tok, err)
			}
			if plain != nil {
				t.Fatalf("Open(%q) returned %q with error %v", tok, plain, err)
			}
			return
		}
		// Forging a GCM tag by chance is out of reach: whatever opens
		// was sealed by us, under key 1 or key 7.
		found := false
		for _, p := range fuzzPlaintexts {
			if bytes.Equal(plain, p) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("Open(%q) = %q: a plaintext nobody sealed", tok, plain)
		}

		// Every plaintext seals to a token that opens to it again, and
		// that is URL-safe.
		again, err := s.Seal(plain)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if !tokenPattern.MatchString(again) || len(again) > 8192 {
			t.Fatalf("Seal(%q) = %q: not URL-safe or longer than 8192", plain, again)
		}
		back, err := s.Open(again)
		if err != nil || !bytes.Equal(back, plain) {
			t.Fatalf("Open(Seal(%q)) = %q, %v", plain, back, err)
		}
	})
}
