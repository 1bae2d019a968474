package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// createSealingKeys stores keys in one transaction.
func createSealingKeys(t *testing.T, s appconfigd.Store, keys ...appconfigd.SealingKey) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		for _, k := range keys {
			if err := tx.CreateSealingKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// sealingKeys returns SealingKeys read in its own View.
func sealingKeys(t *testing.T, s appconfigd.Store) []appconfigd.SealingKey {
	t.Helper()
	var keys []appconfigd.SealingKey
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		keys, err = tx.SealingKeys(ctx)
		return err
	})
	return keys
}

func sealingKeySpecs() []spec {
	return []spec{
		{"NoKeysAtFirst", func(t *testing.T, s appconfigd.Store) {
			if got := sealingKeys(t, s); len(got) != 0 {
				t.Fatalf("SealingKeys of an empty store returned %d keys, want none", len(got))
			}
		}},
		{"KeysComeNewestFirst", func(t *testing.T, s appconfigd.Store) {
			oldest, older, newestLowID, newestHighID := newSealingKey(7, 1), newSealingKey(1, 2), newSealingKey(3, 3), newSealingKey(4000000000, 3)
			createSealingKeys(t, s, older, newestLowID, oldest, newestHighID)
			wantEqual(t, "SealingKeys", sealingKeys(t, s), []appconfigd.SealingKey{newestHighID, newestLowID, older, oldest})
		}},
		{"CreateDuplicateIDReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			createSealingKeys(t, s, newSealingKey(7, 1))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateSealingKey(ctx, newSealingKey(7, 2))
			})
			wantCode(t, err, appconfigd.EConflict)
			wantEqual(t, "SealingKeys", sealingKeys(t, s), []appconfigd.SealingKey{newSealingKey(7, 1)})
		}},
		{"DeleteRemovesOnlyThatKey", func(t *testing.T, s appconfigd.Store) {
			createSealingKeys(t, s, newSealingKey(1, 1), newSealingKey(2, 2))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteSealingKey(ctx, 1) })
			wantEqual(t, "SealingKeys", sealingKeys(t, s), []appconfigd.SealingKey{newSealingKey(2, 2)})
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteSealingKey(ctx, 9) })
			wantNotFound(t, err, appconfigd.ResourceSealingKey, "9")
		}},
	}
}
