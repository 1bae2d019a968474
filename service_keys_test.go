package appconfigd_test

import (
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// sessionFixture creates an application, environment and profile and
// returns the StartSessionInput for them.
func sessionFixture(t *testing.T, svc *appconfigd.Service) appconfigd.StartSessionInput {
	t.Helper()
	ctx := t.Context()
	app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil))
	env := must(svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "env"}, nil))
	p := must(svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	return appconfigd.StartSessionInput{ApplicationIdentifier: app.ID, EnvironmentIdentifier: env.ID, ConfigurationProfileIdentifier: p.ID}
}

func sealingKeyIDs(t *testing.T, svc *appconfigd.Service) []uint32 {
	t.Helper()
	var ids []uint32
	err := svc.Store.View(t.Context(), func(tx appconfigd.Tx) error {
		keys, err := tx.SealingKeys(t.Context())
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSealingKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, clock := newService(t)
	svc.TokenTTL = time.Hour
	in := sessionFixture(t, svc)
	t0 := clock.Now()
	poll := func(what, tok string) {
		t.Helper()
		if _, err := svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}

	if err := svc.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sealingKeyIDs(t, svc); len(got) != 1 {
		t.Fatalf("keys after a rotation check at start = %v, want one", got)
	}

	// A day later a new key is made; tokens of the old one still open.
	clock.Set(t0.Add(24 * time.Hour))
	oldToken := must(svc.StartConfigurationSession(ctx, in))
	if err := svc.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sealingKeyIDs(t, svc); len(got) != 2 || got[0] != 2 {
		t.Fatalf("keys after rotation = %v, want [2 1]", got)
	}
	poll("a token of the previous key after rotation", oldToken)

	// Once key 2 has been active long enough for every token of key 1 to
	// expire, key 1 goes; tokens sealed since then keep working.
	clock.Set(t0.Add(24*time.Hour + appconfigd.KeyActivationDelay))
	if err := svc.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(24*time.Hour + appconfigd.KeyActivationDelay + time.Hour + time.Second))
	newToken := must(svc.StartConfigurationSession(ctx, in))
	if err := svc.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sealingKeyIDs(t, svc); len(got) != 1 || got[0] != 2 {
		t.Fatalf("keys after retiring = %v, want [2]", got)
	}
	poll("a token of the active key after the previous one was retired", newToken)
}

// openReplica opens a Service on the SQLite database at path, as one
// replica of several sharing it.
func openReplica(t *testing.T, path string, clock *apptest.Clock) *appconfigd.Service {
	t.Helper()
	store, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return apptest.NewService(t, store, clock, nil, nil)
}

func TestReplicaOpensTokensOfAKeyItHasNotLoaded(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := t.TempDir() + "/db"
	clock := apptest.NewClock(time.Time{})
	a := openReplica(t, path, clock)
	in := sessionFixture(t, a)
	b := openReplica(t, path, clock)

	clock.Advance(24*time.Hour + appconfigd.KeyActivationDelay)
	if err := a.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	// Replica a seals with key 2 once it is active; b only has key 1.
	clock.Advance(appconfigd.KeyActivationDelay)
	if err := a.RotateSealingKeys(ctx); err != nil {
		t.Fatal(err)
	}
	tok := must(a.StartConfigurationSession(ctx, in))
	if _, err := b.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil {
		t.Errorf("replica b refused a token of a's new key: %v", err)
	}
}

// TestEngineLeaseRelease: a replica that gives up the engine's lease lets
// another take it at once, and one that does not hold it cannot end it.
func TestEngineLeaseRelease(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := t.TempDir() + "/db"
	clock := apptest.NewClock(time.Time{})
	a, b := openReplica(t, path, clock), openReplica(t, path, clock)
	const ttl = 10 * time.Second
	if !must(a.TryEngineLease(ctx, ttl)) {
		t.Fatal("a could not take the free lease")
	}
	if err := b.ReleaseEngineLease(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if must(b.TryEngineLease(ctx, ttl)) {
		t.Fatal("b took the lease after releasing one it did not hold")
	}
	if err := a.ReleaseEngineLease(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Millisecond)
	if !must(b.TryEngineLease(ctx, ttl)) {
		t.Error("b could not take the lease a released")
	}
}
