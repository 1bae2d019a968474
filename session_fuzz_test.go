package appconfigd_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
)

// FuzzSessionTokenUnmarshal: UnmarshalBinary never panics whatever bytes it
// gets; whatever it accepts re-encodes to exactly the same bytes (one
// encoding per token, so nothing but MarshalBinary's output decodes) and
// decodes again to the same token; and it keeps the bounds the data plane
// relies on.
func FuzzSessionTokenUnmarshal(f *testing.F) {
	base := sampleToken()
	seeds := []appconfigd.SessionToken{
		base,
		{}, // zero: the initial token of nothing, at the Unix epoch
		{ // an initial token: Seq and Chain zero, no version yet
			SessionID: [16]byte{0xff}, ApplicationID: "a", EnvironmentID: "e", ConfigurationProfileID: "p",
			IssuedAt: time.UnixMilli(1_772_366_400_000).UTC(), ExpiresAt: time.UnixMilli(1_772_452_800_000).UTC(),
		},
		{ // the largest values each field may hold
			Seq:                    1<<32 - 1,
			ApplicationID:          strings.Repeat("a", 128),
			EnvironmentID:          strings.Repeat("é", 64),
			ConfigurationProfileID: strings.Repeat("p", 128),
			LastVersion:            1 << 31,
			MinPollInterval:        appconfigd.MaxPollInterval,
			IssuedAt:               time.UnixMilli(-1).UTC(),
			ExpiresAt:              time.UnixMilli(1 << 62).UTC(),
		},
	}
	for _, tok := range seeds {
		b, err := tok.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(append(bytes.Clone(b), 0))
	}
	b, _ := base.MarshalBinary()
	// Hand-made near misses: another format byte, a length running past
	// the end, a 129-byte identifier, a Seq of 2^32, an interval over
	// 86400, a 10-byte varint.
	f.Add(append([]byte{2}, b[1:]...))
	f.Add([]byte(nil))
	f.Add(make([]byte, 25))
	long := append([]byte{1}, make([]byte, 24)...)
	long = binary.AppendUvarint(long, 1)
	long = binary.AppendUvarint(long, 129)
	long = append(long, bytes.Repeat([]byte("a"), 129)...)
	f.Add(long)
	seq := append([]byte{1}, make([]byte, 24)...)
	seq = binary.AppendUvarint(seq, 1<<32)
	f.Add(append(seq, 0, 0, 0, 0, 0, 0, 0))
	interval := append([]byte{1}, make([]byte, 24)...)
	interval = append(interval, 1, 0, 0, 0, 0)
	interval = binary.AppendUvarint(interval, appconfigd.MaxPollInterval+1)
	f.Add(append(interval, 0, 0))
	f.Add(append(append([]byte{1}, make([]byte, 24)...), bytes.Repeat([]byte{0xff}, 10)...))

	f.Fuzz(func(t *testing.T, b []byte) {
		var tok appconfigd.SessionToken
		if err := tok.UnmarshalBinary(b); err != nil {
			return
		}
		again, err := tok.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary of a decoded token: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("UnmarshalBinary accepted %x, which re-encodes as %x: a token has more than one encoding", b, again)
		}
		var tok2 appconfigd.SessionToken
		if err := tok2.UnmarshalBinary(again); err != nil {
			t.Fatalf("UnmarshalBinary(MarshalBinary(t)) = %v", err)
		}
		if diff := cmp.Diff(tok, tok2); diff != "" {
			t.Fatalf("second decode differs (-first +second):\n%s", diff)
		}
		for _, s := range []string{tok.ApplicationID, tok.EnvironmentID, tok.ConfigurationProfileID} {
			if len(s) > 128 {
				t.Fatalf("decoded an identifier of %d bytes", len(s))
			}
		}
		if tok.LastVersion < 0 || tok.MinPollInterval < 0 || tok.MinPollInterval > appconfigd.MaxPollInterval {
			t.Fatalf("decoded LastVersion %d, MinPollInterval %d", tok.LastVersion, tok.MinPollInterval)
		}
		if tok.PollInterval() < 1 {
			t.Fatalf("PollInterval() = %d", tok.PollInterval())
		}
	})
}
