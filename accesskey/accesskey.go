// Package accesskey holds the access keys appconfigd accepts: who may sign
// requests, with which secret, and what each key may do.
//
// Keys come from up to three sources (see [Load]):
//
//  1. The environment: APPCONFIGD_ADMIN_ACCESS_KEY_ID and
//     APPCONFIGD_ADMIN_SECRET_ACCESS_KEY define one admin key named
//     "env-admin" (both or neither).
//  2. A key file (--keys-file), JSON, read strictly (see [ParseFile]).
//  3. Neither: the server is secure by default and generates one admin key
//     on first start, kept in DATA/admin-key.json and reused afterwards
//     (see [EnsureGeneratedAdmin]).
//
// A [Set] looks keys up by access key ID for the SigV4 verifier
// (sigv4.KeyLookup).
package accesskey

import (
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// Key is one access key pair and what it may do.
type Key struct {
	// Name identifies the key in logs, the audit trail and access-denied
	// messages. It is not secret.
	Name string `json:"name"`
	// AccessKeyID is sent by clients in every request (the Credential of
	// the Authorization header). It is not secret.
	AccessKeyID string `json:"accessKeyId"`
	// SecretAccessKey signs requests; only the client and the server know
	// it.
	SecretAccessKey string `json:"secretAccessKey"`
	// Role is admin (every operation) or reader (data plane only).
	Role appconfigd.Role `json:"role"`
	// Applications limits a reader to these applications, by ID or name;
	// empty means every application. Admin keys may not have it.
	Applications []string `json:"applications,omitempty"`
}

// Principal returns who requests signed with k act as.
func (k Key) Principal() appconfigd.Principal {
	return appconfigd.Principal{
		AccessKeyID:  k.AccessKeyID,
		Name:         k.Name,
		Role:         k.Role,
		Applications: append([]string(nil), k.Applications...),
	}
}

// Limits of the fields of a key. The access key ID is more lenient than
// AWS's (16-128 of [A-Z0-9]) so that people may pick readable IDs, but it
// keeps to characters that need no escaping anywhere a SigV4 credential
// travels. Names follow IAM user names ([\w+=,.@-], 1-64).
const (
	MinAccessKeyIDLen = 3
	MaxAccessKeyIDLen = 128
	MinSecretLen      = 16
	MaxSecretLen      = 1024
	MaxNameLen        = 64
)

// Validate checks one key on its own: the shape of its name, ID and secret,
// its role, and that only readers list applications.
func (k Key) Validate() error {
	if k.Name == "" || len(k.Name) > MaxNameLen || !allBytes(k.Name, nameByte) {
		return fmt.Errorf("key name %q must be 1-%d characters of letters, digits and +=,.@_-", k.Name, MaxNameLen)
	}
	if n := len(k.AccessKeyID); n < MinAccessKeyIDLen || n > MaxAccessKeyIDLen || !allBytes(k.AccessKeyID, idByte) {
		return fmt.Errorf("key %q: access key ID %q must be %d-%d characters of letters, digits, '_' and '-'", k.Name, k.AccessKeyID, MinAccessKeyIDLen, MaxAccessKeyIDLen)
	}
	if n := len(k.SecretAccessKey); n < MinSecretLen || n > MaxSecretLen {
		return fmt.Errorf("key %q: secret access key must be %d-%d characters, has %d", k.Name, MinSecretLen, MaxSecretLen, n)
	}
	if !allBytes(k.SecretAccessKey, secretByte) {
		return fmt.Errorf("key %q: secret access key must be printable ASCII without spaces", k.Name)
	}
	switch k.Role {
	case appconfigd.RoleAdmin:
		if len(k.Applications) > 0 {
			return fmt.Errorf("key %q: applications may only limit a reader key; an admin key may call every operation", k.Name)
		}
	case appconfigd.RoleReader:
		for _, app := range k.Applications {
			if strings.TrimSpace(app) == "" {
				return fmt.Errorf("key %q: applications must not contain an empty name", k.Name)
			}
		}
	case "":
		return fmt.Errorf("key %q: role is required: %q or %q", k.Name, appconfigd.RoleAdmin, appconfigd.RoleReader)
	default:
		return fmt.Errorf("key %q: role %q is not %q or %q", k.Name, k.Role, appconfigd.RoleAdmin, appconfigd.RoleReader)
	}
	return nil
}

func nameByte(c byte) bool { return idByte(c) || strings.IndexByte("+=,.@", c) >= 0 }

func idByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// secretByte allows what AWS secrets use (base64: letters, digits, '/',
// '+') and any other visible ASCII; white space would not survive config
// files and shells intact.
func secretByte(c byte) bool { return '!' <= c && c <= '~' }

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// Set is a validated set of keys, looked up by access key ID. It is
// immutable and safe for concurrent use.
type Set struct {
	keys []Key
	byID map[string]Key
}

// NewSet validates keys, each on its own and together (names and access
// key IDs must be unique), and returns them as a Set.
func NewSet(keys ...Key) (*Set, error) {
	s := &Set{byID: make(map[string]Key, len(keys))}
	names := make(map[string]bool, len(keys))
	for _, k := range keys {
		if err := k.Validate(); err != nil {
			return nil, err
		}
		if names[k.Name] {
			return nil, fmt.Errorf("two keys are named %q; names must be unique", k.Name)
		}
		names[k.Name] = true
		if other, dup := s.byID[k.AccessKeyID]; dup {
			return nil, fmt.Errorf("keys %q and %q have the same access key ID %q", other.Name, k.Name, k.AccessKeyID)
		}
		k.Applications = append([]string(nil), k.Applications...)
		s.byID[k.AccessKeyID] = k
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// LookupAccessKey returns the secret and principal of the key with the
// given access key ID. It implements sigv4.KeyLookup.
func (s *Set) LookupAccessKey(accessKeyID string) (secret string, p appconfigd.Principal, ok bool) {
	k, ok := s.byID[accessKeyID]
	if !ok {
		return "", appconfigd.Principal{}, false
	}
	return k.SecretAccessKey, k.Principal(), true
}

// VerifySecret returns the principal of the key with the given access key
// ID if secret is its secret, compared in constant time. It is for
// callers that cannot sign with SigV4 but can send a key pair as HTTP
// Basic credentials, such as Prometheus Alertmanager's webhook calling the
// admin API; the secret then crosses the wire, so only over TLS or a
// trusted network.
func (s *Set) VerifySecret(accessKeyID, secret string) (appconfigd.Principal, bool) {
	k, ok := s.byID[accessKeyID]
	if !ok || subtle.ConstantTimeCompare([]byte(k.SecretAccessKey), []byte(secret)) != 1 {
		return appconfigd.Principal{}, false
	}
	return k.Principal(), true
}

// Keys returns the keys in the order they were given.
func (s *Set) Keys() []Key {
	out := make([]Key, len(s.keys))
	for i, k := range s.keys {
		k.Applications = append([]string(nil), k.Applications...)
		out[i] = k
	}
	return out
}

// Len returns the number of keys.
func (s *Set) Len() int { return len(s.keys) }
