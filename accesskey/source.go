package accesskey

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/appconfigd/appconfigd"
)

// Environment variables that define an admin key, and the name it gets.
const (
	EnvAccessKeyID     = "APPCONFIGD_ADMIN_ACCESS_KEY_ID"
	EnvSecretAccessKey = "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY"
	EnvKeyName         = "env-admin"
)

// FromEnv returns the admin key defined by APPCONFIGD_ADMIN_ACCESS_KEY_ID
// and APPCONFIGD_ADMIN_SECRET_ACCESS_KEY, read with getenv (os.Getenv when
// nil). ok is false when neither is set; setting only one is an error,
// since the operator clearly meant to configure a key.
func FromEnv(getenv func(string) string) (k Key, ok bool, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	id, secret := getenv(EnvAccessKeyID), getenv(EnvSecretAccessKey)
	switch {
	case id == "" && secret == "":
		return Key{}, false, nil
	case id == "":
		return Key{}, false, fmt.Errorf("%s is set but %s is not; set both or neither", EnvSecretAccessKey, EnvAccessKeyID)
	case secret == "":
		return Key{}, false, fmt.Errorf("%s is set but %s is not; set both or neither", EnvAccessKeyID, EnvSecretAccessKey)
	}
	k = Key{Name: EnvKeyName, AccessKeyID: id, SecretAccessKey: secret, Role: appconfigd.RoleAdmin}
	if err := k.Validate(); err != nil {
		return Key{}, false, fmt.Errorf("%s/%s: %w", EnvAccessKeyID, EnvSecretAccessKey, err)
	}
	return k, true, nil
}

// File is the format of a key file and of DATA/admin-key.json:
//
//	{
//	  "keys": [
//	    {"name": "ops", "accessKeyId": "AKOPS0000000000001", "secretAccessKey": "…", "role": "admin"},
//	    {"name": "web", "accessKeyId": "AKWEB0000000000001", "secretAccessKey": "…", "role": "reader",
//	     "applications": ["web", "abc1234"]}
//	  ]
//	}
//
// Unknown members are errors, so that a misspelt "aplications" cannot
// silently widen a reader to every application.
type File struct {
	Keys []Key `json:"keys"`
}

// ParseFile decodes a key file strictly (no unknown members, nothing after
// the object) and validates its keys, alone and together. A file without
// keys is an error: whoever points the server at it meant to configure
// some.
func ParseFile(data []byte) ([]Key, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("decode: unexpected data after the top-level object")
	}
	if len(f.Keys) == 0 {
		return nil, errors.New(`no keys: the file must define at least one key in "keys"`)
	}
	if _, err := NewSet(f.Keys...); err != nil {
		return nil, err
	}
	return f.Keys, nil
}

// ReadFile reads and parses a key file. The file holds secrets, so it is
// refused when its group or others may read or write it.
func ReadFile(path string) ([]Key, error) {
	data, err := readPrivateFile(path)
	if err != nil {
		return nil, err
	}
	keys, err := ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return keys, nil
}

// readPrivateFile reads a file that must be private to its owner. The
// mode is checked on the open file, so it is the mode of what is read
// (after any symlink). Windows has no such mode bits; there the check is
// skipped.
func readPrivateFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%s holds secret keys but its mode %04o lets group or others access it; run chmod 600 %s (on Kubernetes, mount the secret with defaultMode 0400)", path, perm, path)
	}
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// GeneratedFileName is the file in the data directory that holds the
// generated admin key.
const GeneratedFileName = "admin-key.json"

// GeneratedKeyName is the name of the generated admin key.
const GeneratedKeyName = "generated-admin"

// EnsureGeneratedAdmin returns the admin key kept in
// dataDir/admin-key.json, creating it (and dataDir) first if it does not
// exist; created reports whether it did. The server calls it only when no
// key comes from the environment or a key file, so that a fresh install
// is never open to anyone: whoever can read the data directory holds the
// key. The file has the key file format and mode 0600, and is reused on
// every later start.
func EnsureGeneratedAdmin(dataDir string) (k Key, created bool, err error) {
	return ensureGeneratedAdmin(dataDir, rand.Reader)
}

func ensureGeneratedAdmin(dataDir string, random io.Reader) (Key, bool, error) {
	path := filepath.Join(dataDir, GeneratedFileName)
	k, err := readGenerated(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Key{}, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return Key{}, false, fmt.Errorf("create data directory: %w", err)
	}
	k, err = Generate(GeneratedKeyName, random)
	if err != nil {
		return Key{}, false, err
	}
	data, err := json.MarshalIndent(File{Keys: []Key{k}}, "", "  ")
	if err != nil {
		return Key{}, false, err
	}
	// O_EXCL: if another process created the file since we looked, use
	// its key rather than replace it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		k, err := readGenerated(path)
		return k, false, err
	}
	if err != nil {
		return Key{}, false, fmt.Errorf("create %s: %w", path, err)
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return Key{}, false, fmt.Errorf("write %s: %w", path, err)
	}
	return k, true, nil
}

// readGenerated reads the generated admin key file: exactly one admin key.
func readGenerated(path string) (Key, error) {
	data, err := readPrivateFile(path)
	if err != nil {
		return Key{}, err
	}
	keys, err := ParseFile(data)
	if err == nil && (len(keys) != 1 || keys[0].Role != appconfigd.RoleAdmin) {
		err = errors.New("must hold exactly one admin key")
	}
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w (delete it to have a new admin key generated)", path, err)
	}
	return keys[0], nil
}

// Generated key shapes: an access key ID like AWS's (20 characters of
// [A-Z0-9]) with the prefix "AKAC" so that an appconfigd key is
// recognisable, and a 40-character secret like AWS's, of letters and
// digits only so that it needs no quoting anywhere (about 238 bits).
const (
	generatedIDPrefix = "AKAC"
	idAlphabet        = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlphabet    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// Generate returns a new admin key named name, drawing randomness from
// random (crypto/rand.Reader in production).
func Generate(name string, random io.Reader) (Key, error) {
	id, err := randomString(random, idAlphabet, 16)
	if err != nil {
		return Key{}, err
	}
	secret, err := randomString(random, secretAlphabet, 40)
	if err != nil {
		return Key{}, err
	}
	return Key{Name: name, AccessKeyID: generatedIDPrefix + id, SecretAccessKey: secret, Role: appconfigd.RoleAdmin}, nil
}

// randomString returns n characters drawn uniformly from alphabet: bytes
// that would bias the draw (those at or above the largest multiple of
// len(alphabet)) are rejected. It reads only as many bytes as it still
// needs, so a test's fixed source is consumed predictably.
func randomString(random io.Reader, alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	for len(out) < n {
		buf := make([]byte, n-len(out))
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("generate key: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
