package sigv4_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sigv4"
)

// The example credentials of AWS's documentation and test suite.
const (
	exampleKeyID  = "AKIDEXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var exampleTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func exampleKeys() sigv4.KeyLookup {
	return sigv4.KeyLookupFunc(func(id string) (string, appconfigd.Principal, bool) {
		if id != exampleKeyID {
			return "", appconfigd.Principal{}, false
		}
		return exampleSecret, appconfigd.Principal{AccessKeyID: id, Name: "example", Role: appconfigd.RoleAdmin}, true
	})
}

// readVector parses a raw HTTP request from testdata/vectors, the way a
// server reads one off the wire.
func readVector(t *testing.T, name string) *http.Request {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// TestSigningKeyExample is the key derivation example of the AWS General
// Reference ("Examples of how to derive a signing key for Signature
// Version 4").
func TestSigningKeyExample(t *testing.T) {
	got := hex.EncodeToString(sigv4.SigningKey(exampleSecret, sigv4.Scope{Date: "20120215", Region: "us-east-1", Service: "iam", Terminator: "aws4_request"}))
	if want := "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; got != want {
		t.Errorf("SigningKey = %s, want %s", got, want)
	}
}

// TestIAMListUsersExample walks every step of the General Reference's
// worked example (GET ?Action=ListUsers&Version=2010-05-08).
func TestIAMListUsersExample(t *testing.T) {
	r := readVector(t, "iam-list-users.req")
	a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	canonical := sigv4.CanonicalRequest(r, a.SignedHeaders, sigv4.EmptyPayloadHash)
	wantCanonical := strings.Join([]string{
		"GET",
		"/",
		"Action=ListUsers&Version=2010-05-08",
		"content-type:application/x-www-form-urlencoded; charset=utf-8",
		"host:iam.amazonaws.com",
		"x-amz-date:20150830T123600Z",
		"",
		"content-type;host;x-amz-date",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}, "\n")
	if canonical != wantCanonical {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", canonical, wantCanonical)
	}
	sts := sigv4.StringToSign(exampleTime, a.Scope, canonical)
	wantSTS := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
	if sts != wantSTS {
		t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, wantSTS)
	}
	key := sigv4.SigningKey(exampleSecret, a.Scope)
	if got, want := hex.EncodeToString(key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"; got != want {
		t.Errorf("signing key = %s, want %s", got, want)
	}
	if got, want := sigv4.Signature(key, sts), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

// TestPublishedVectors verifies every request of testdata/vectors (see
// its README) with a Verifier whose clock is the examples' time.
func TestPublishedVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.req"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".req"), func(t *testing.T) {
			r := readVector(t, name)
			v := &sigv4.Verifier{
				Keys:  exampleKeys(),
				Clock: appconfigd.ClockFunc(func() time.Time { return exampleTime }),
				// The suite signs for the service "service".
				Service: "service",
			}
			if name == "iam-list-users.req" {
				v.Service = "iam"
			}
			p, err := v.Authenticate(r)
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != "example" || p.AccessKeyID != exampleKeyID {
				t.Errorf("principal = %+v", p)
			}

			// The same request with one byte of the signature changed
			// must fail.
			r = readVector(t, name)
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			flipped := byte('0')
			if last == '0' {
				flipped = '1'
			}
			r.Header.Set("Authorization", h[:len(h)-1]+string(flipped))
			if _, err := v.Authenticate(r); !appconfigd.IsCode(err, appconfigd.EInvalidSignature) {
				t.Errorf("altered signature: err = %v, want EInvalidSignature", err)
			}
		})
	}
}
