package main

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/sigv4"
)

// TestStallHeaderSigning: the head a stalling connection sends is a real
// signed request: with the reader key it verifies, with the whole body it
// declares; with the wrong secret it does not.
func TestStallHeaderSigning(t *testing.T) {
	keys := sigv4.KeyLookupFunc(func(id string) (string, appconfigd.Principal, bool) {
		switch id {
		case stallAdminKeyID:
			return stallAdminSecret, appconfigd.Principal{Name: "admin", Role: appconfigd.RoleAdmin}, true
		case stallReaderKeyID:
			return stallReaderKey, appconfigd.Principal{Name: "reader", Role: appconfigd.RoleReader}, true
		}
		return "", appconfigd.Principal{}, false
	})
	for key, wantCode := range map[string]appconfigd.ErrorCode{stallKeyReader: "", stallKeyWrongSecret: appconfigd.EInvalidSignature} {
		o := &stallOptions{key: key, op: "create-application", contentLength: 100}
		head, err := stallHeader(t.Context(), o, "127.0.0.1:2771")
		if err != nil {
			t.Fatal(err)
		}
		full := append(head, bytes.Repeat([]byte("x"), 100)...)
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(full)))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		v := sigv4.NewVerifier(keys)
		v.Clock = appconfigd.ClockFunc(time.Now)
		_, err = v.Authenticate(r)
		if wantCode == "" && err != nil || wantCode != "" && !appconfigd.IsCode(err, wantCode) {
			t.Errorf("%s: Authenticate = %v, want code %q", key, err, wantCode)
		}
	}
}

func TestStallFlags(t *testing.T) {
	var stderr strings.Builder
	o, err := parseStallFlags([]string{"--server-bin", "x", "--content-length", "1000"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.send != 999 || o.conns != 300 || o.key != stallKeyWrongSecret {
		t.Errorf("defaults: send %d, conns %d, key %s; want all but the last byte, 300, %s", o.send, o.conns, o.key, stallKeyWrongSecret)
	}
	for _, args := range [][]string{{}, {"--server-bin", "x", "--key", "admin"}, {"--server-bin", "x", "--op", "poll"}, {"--server-bin", "x", "--send", "10", "--content-length", "5"}} {
		if _, err := parseStallFlags(args, &stderr); err == nil {
			t.Errorf("parseStallFlags(%q) succeeded", args)
		}
	}
}
