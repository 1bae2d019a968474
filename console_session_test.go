package appconfigd_test

import (
	"errors"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
)

func TestConsoleSessionBinary(t *testing.T) {
	t.Parallel()
	in := appconfigd.ConsoleSession{
		AccessKeyID: "AKIDEXAMPLE",
		CSRF:        [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SecretCheck: appconfigd.ConsoleSecretCheck("secret"),
		IssuedAt:    time.UnixMilli(1_700_000_000_123).UTC(),
		ExpiresAt:   time.UnixMilli(1_700_028_800_123).UTC(),
	}
	b, err := in.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out appconfigd.ConsoleSession
	if err := out.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}

	t.Run("RejectsEveryTruncation", func(t *testing.T) {
		for n := range len(b) {
			var c appconfigd.ConsoleSession
			if err := c.UnmarshalBinary(b[:n]); err == nil {
				t.Errorf("UnmarshalBinary accepted the first %d of %d bytes", n, len(b))
			}
		}
	})
	t.Run("RejectsTrailingBytes", func(t *testing.T) {
		var c appconfigd.ConsoleSession
		if err := c.UnmarshalBinary(append(b[:len(b):len(b)], 0)); err == nil {
			t.Error("UnmarshalBinary accepted a trailing byte")
		}
	})
}

func TestConsoleSecretCheck(t *testing.T) {
	t.Parallel()
	if appconfigd.ConsoleSecretCheck("one") == appconfigd.ConsoleSecretCheck("two") {
		t.Error("two secrets have the same check")
	}
	if got, want := appconfigd.ConsoleSecretCheck("one"), appconfigd.ConsoleSecretCheck("one"); got != want {
		t.Errorf("the check of one secret changed: %x, then %x", want, got)
	}
}

// TestConsoleSessionIsNoConfigurationToken: both are sealed with the same
// keys, yet neither opens as the other.
func TestConsoleSessionIsNoConfigurationToken(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)

	t.Run("ConsoleSessionPolled", func(t *testing.T) {
		sealed, _, err := f.svc.StartConsoleSession("AKIDEXAMPLE", appconfigd.ConsoleSecretCheck("secret"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.GetLatestConfiguration(ctx, sealed, appconfigd.PollOptions{})
		var e *appconfigd.Error
		if !errors.As(err, &e) || e.Problem != appconfigd.ProblemCorrupted {
			t.Errorf("GetLatestConfiguration with a console session: err %v, want a corrupted token error", err)
		}
	})
	t.Run("ConfigurationTokenOpened", func(t *testing.T) {
		token := must(f.svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
			ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
		}))
		if _, err := f.svc.OpenConsoleSession(token); !appconfigd.IsCode(err, appconfigd.EUnrecognizedClient) {
			t.Errorf("OpenConsoleSession with a configuration token: err %v, want EUnrecognizedClient", err)
		}
	})
}
