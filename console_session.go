package appconfigd

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"
)

// ConsoleSession is a signed-in web console user: the access key they
// signed in with and the secret that proves a form came from the console's
// own pages (docs/CONSOLE.md, "Sign-in and sessions"). It travels sealed in
// a cookie, as configuration tokens travel sealed (docs/WIRE.md §2.3), so
// any replica serves any user and nothing is stored per sign-in.
type ConsoleSession struct {
	AccessKeyID string
	// CSRF is the session's anti-forgery secret; every form the console
	// serves carries it and every change must send it back.
	CSRF [16]byte
	// SecretCheck is ConsoleSecretCheck of the key's secret at sign-in.
	// Every request compares it with the key's secret now, so that
	// rotating a key's secret ends the sessions signed in with the old
	// one, as removing the key does.
	SecretCheck [8]byte
	IssuedAt    time.Time
	ExpiresAt   time.Time
}

// consoleSecretCheckPrefix separates ConsoleSecretCheck's hashes from any
// other hash of a secret.
const consoleSecretCheckPrefix = "appconfigd console session secret check\x00"

// ConsoleSecretCheck returns the short check of an access key's secret a
// console session carries: the first 8 bytes of SHA-256 over a fixed
// prefix and the secret. It tells whether the secret changed since
// sign-in; it is sealed in the cookie and too short to help guess the
// secret.
func ConsoleSecretCheck(secret string) [8]byte {
	sum := sha256.Sum256([]byte(consoleSecretCheckPrefix + secret))
	var c [8]byte
	copy(c[:], sum[:])
	return c
}

// consoleSessionFormat is the first byte of a sealed console session. It
// differs from sessionTokenFormat, so that a console cookie is never a
// configuration token and a configuration token never a console cookie,
// although both are sealed with the same keys.
const consoleSessionFormat = 2

// ConsoleSessionTTL is how long a console sign-in lasts. A sealed cookie
// cannot be revoked, so it is kept to a working day; removing the access
// key ends it at once, since every request looks the key up again.
const ConsoleSessionTTL = 8 * time.Hour

var errMalformedConsoleSession = errors.New("malformed console session")

// MarshalBinary encodes c for sealing.
func (c *ConsoleSession) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, consoleSessionFormat)
	b = append(b, c.CSRF[:]...)
	b = append(b, c.SecretCheck[:]...)
	b = binary.AppendUvarint(b, uint64(len(c.AccessKeyID)))
	b = append(b, c.AccessKeyID...)
	b = binary.AppendVarint(b, c.IssuedAt.UnixMilli())
	return binary.AppendVarint(b, c.ExpiresAt.UnixMilli()), nil
}

// UnmarshalBinary decodes what MarshalBinary produced, and nothing else.
func (c *ConsoleSession) UnmarshalBinary(b []byte) error {
	original := b
	if len(b) < 1+16+8 || b[0] != consoleSessionFormat {
		return errMalformedConsoleSession
	}
	copy(c.CSRF[:], b[1:17])
	copy(c.SecretCheck[:], b[17:25])
	b = b[25:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) || n > 1024 {
		return errMalformedConsoleSession
	}
	c.AccessKeyID = string(b[k : k+int(n)])
	b = b[k+int(n):]
	issued, k1 := binary.Varint(b)
	if k1 <= 0 {
		return errMalformedConsoleSession
	}
	expires, k2 := binary.Varint(b[k1:])
	if k2 <= 0 || len(b) != k1+k2 {
		return errMalformedConsoleSession
	}
	c.IssuedAt = time.UnixMilli(issued).UTC()
	c.ExpiresAt = time.UnixMilli(expires).UTC()
	if again, _ := c.MarshalBinary(); !bytes.Equal(again, original) {
		return errMalformedConsoleSession
	}
	return nil
}

// StartConsoleSession returns a new sealed console session for the access
// key accessKeyID, which the caller has just verified, and the session
// itself. secretCheck is ConsoleSecretCheck of the key's secret.
func (s *Service) StartConsoleSession(accessKeyID string, secretCheck [8]byte) (string, *ConsoleSession, error) {
	now := s.now()
	c := &ConsoleSession{AccessKeyID: accessKeyID, SecretCheck: secretCheck, IssuedAt: now, ExpiresAt: now.Add(ConsoleSessionTTL)}
	secret, err := RandomBytes(s.Rand, len(c.CSRF))
	if err != nil {
		return "", nil, err
	}
	copy(c.CSRF[:], secret)
	plain, _ := c.MarshalBinary()
	sealed, err := s.keys.state.Load().sealer.Seal(plain)
	if err != nil {
		return "", nil, errors.Join(errors.New("seal console session"), err)
	}
	return sealed, c, nil
}

// OpenConsoleSession opens a sealed console session. It fails, with an
// EUnrecognizedClient error, for anything this service did not seal as a
// console session, and for an expired one.
func (s *Service) OpenConsoleSession(sealed string) (*ConsoleSession, error) {
	refused := Errorf(EUnrecognizedClient, "The console session is not valid; sign in again")
	if sealed == "" || len(sealed) > 1024 {
		return nil, refused
	}
	plain, err := s.keys.state.Load().sealer.Open(sealed)
	if err != nil {
		return nil, refused
	}
	var c ConsoleSession
	if err := c.UnmarshalBinary(plain); err != nil {
		return nil, refused
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, Errorf(EUnrecognizedClient, "The console session has expired; sign in again")
	}
	return &c, nil
}
