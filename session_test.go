package appconfigd_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
)

// sampleToken is a session token with every field set.
func sampleToken() appconfigd.SessionToken {
	return appconfigd.SessionToken{
		SessionID:              [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Chain:                  [8]byte{9, 9, 9},
		Seq:                    42,
		ApplicationID:          "abc1234",
		EnvironmentID:          "def5678",
		ConfigurationProfileID: "ghi9012",
		LastVersion:            7,
		MinPollInterval:        15,
		IssuedAt:               time.UnixMilli(1_700_000_000_123).UTC(),
		ExpiresAt:              time.UnixMilli(1_700_086_400_123).UTC(),
	}
}

func TestSessionTokenBinary(t *testing.T) {
	t.Parallel()
	in := sampleToken()
	b, err := in.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out appconfigd.SessionToken
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}

	t.Run("RejectsEveryTruncation", func(t *testing.T) {
		for n := range len(b) {
			var tok appconfigd.SessionToken
			if err := tok.UnmarshalBinary(b[:n]); err == nil {
				t.Errorf("UnmarshalBinary accepted the first %d of %d bytes", n, len(b))
			}
		}
	})
	t.Run("RejectsTrailingBytes", func(t *testing.T) {
		var tok appconfigd.SessionToken
		if err := tok.UnmarshalBinary(append(b[:len(b):len(b)], 0)); err == nil {
			t.Error("UnmarshalBinary accepted a trailing byte")
		}
	})
}

// TestRolloutShare measures the share of 10,000 sessions that a rollout
// reaches at each percentage: it must be within 2 points of the
// percentage, and a session that is in stays in as the percentage grows.
func TestRolloutShare(t *testing.T) {
	t.Parallel()
	const sessions = 10000
	ids := make([][16]byte, sessions)
	for i := range ids {
		binary.BigEndian.PutUint64(ids[i][:8], uint64(i)*0x9E3779B97F4A7C15)
		binary.BigEndian.PutUint64(ids[i][8:], uint64(i))
	}
	for _, env := range []string{"env0001", "prod123"} {
		for deployment := 1; deployment <= 3; deployment++ {
			in := make([]bool, sessions)
			for _, pct := range []float64{1, 2, 4, 8, 10, 16, 20, 25, 32, 40, 50, 60, 64, 75, 80, 90, 99, 100} {
				n := 0
				for i, id := range ids {
					got := float64(appconfigd.RolloutBucket(id, env, deployment)) < pct*100
					if in[i] && !got {
						t.Fatalf("%s deployment %d: session %d left the rollout when it grew to %g%%", env, deployment, i, pct)
					}
					in[i] = got
					if got {
						n++
					}
				}
				share := 100 * float64(n) / sessions
				if share < pct-2 || share > pct+2 {
					t.Errorf("%s deployment %d at %g%%: %.2f%% of sessions have the new version, want within ±2 points", env, deployment, pct, share)
				}
			}
		}
	}
}

// TestRolloutBucketIsPinned pins RolloutBucket's output for fixed inputs,
// where TestRolloutShare only checks its spread. Which side of a rollout
// a session is on is not stored: each poll recomputes it on whichever
// replica serves it. During a rolling upgrade old and new replicas serve
// the same fleet, so if the hash changed a session could have the new
// version on one replica and the old one on the next, flipping for the
// rest of the rollout. A change to these numbers is a change of
// behaviour that needs a plan for mixed versions, not a table to update.
// (The values were computed once with the hash as shipped: FNV-1a 64 of
// the session ID, the environment ID and the big-endian deployment
// number, the splitmix64 finalizer, modulo 10,000.)
func TestRolloutBucketIsPinned(t *testing.T) {
	t.Parallel()
	counting := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	ones := [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	uuid := [16]byte{0x3f, 0x2c, 0x9a, 0x41, 0x7d, 0x0e, 0x4b, 0x6a, 0x8c, 0x15, 0xe2, 0x90, 0x5b, 0xd7, 0x33, 0xa8}
	tests := []struct {
		session     [16]byte
		environment string
		deployment  int
		want        int
	}{
		{[16]byte{}, "", 0, 2055},
		{[16]byte{}, "abc1234", 1, 6771},
		{counting, "abc1234", 1, 6930},
		{counting, "abc1234", 2, 3663},
		{counting, "def5678", 1, 8712},
		{ones, "abc1234", 1, 8097},
		{ones, "prod123", 1000, 4704},
		{uuid, "x9k2m4p", 7, 2000},
		{uuid, "x9k2m4p", 8, 450},
		{uuid, "x9k2m4q", 7, 9057},
	}
	for _, tc := range tests {
		if got := appconfigd.RolloutBucket(tc.session, tc.environment, tc.deployment); got != tc.want {
			t.Errorf("RolloutBucket(%x, %q, %d) = %d, want %d", tc.session, tc.environment, tc.deployment, got, tc.want)
		}
	}
}
