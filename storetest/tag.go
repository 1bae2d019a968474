package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

const (
	appARN = "arn:aws:appconfig:us-east-1:111122223333:application/app0001"
	envARN = "arn:aws:appconfig:us-east-1:111122223333:application/app0001/environment/env0001"
)

// replaceTags runs ReplaceTags in its own Update.
func replaceTags(t *testing.T, s appconfigd.Store, arn string, tags map[string]string) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.ReplaceTags(ctx, arn, tags) })
}

// wantTags fails the test unless arn has exactly want.
func wantTags(t *testing.T, s appconfigd.Store, arn string, want map[string]string) {
	t.Helper()
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		got, err := tx.FindTags(ctx, arn)
		if err != nil {
			return err
		}
		wantEqual(t, "FindTags("+arn+")", got, want)
		return nil
	})
}

func tagSpecs() []spec {
	return []spec{
		{"FindWithoutTagsReturnsNoTagsAndNoError", func(t *testing.T, s appconfigd.Store) {
			wantTags(t, s, appARN, map[string]string{})
		}},
		{"ReplaceThenFindReturnsTheTags", func(t *testing.T, s appconfigd.Store) {
			tags := map[string]string{"team": "payments", "empty": "", "Ünïcode key": "välue"}
			replaceTags(t, s, appARN, tags)
			wantTags(t, s, appARN, tags)
		}},
		{"ReplaceReplacesEveryTag", func(t *testing.T, s appconfigd.Store) {
			replaceTags(t, s, appARN, map[string]string{"team": "payments", "stage": "prod"})
			replaceTags(t, s, appARN, map[string]string{"team": "billing", "owner": "ana"})
			wantTags(t, s, appARN, map[string]string{"team": "billing", "owner": "ana"})
		}},
		{"ReplaceWithNoTagsRemovesThem", func(t *testing.T, s appconfigd.Store) {
			replaceTags(t, s, appARN, map[string]string{"team": "payments"})
			replaceTags(t, s, appARN, map[string]string{})
			wantTags(t, s, appARN, map[string]string{})
			replaceTags(t, s, appARN, map[string]string{"team": "payments"})
			replaceTags(t, s, appARN, nil)
			wantTags(t, s, appARN, map[string]string{})
		}},
		{"TagsBelongToOneARN", func(t *testing.T, s appconfigd.Store) {
			replaceTags(t, s, appARN, map[string]string{"team": "payments"})
			replaceTags(t, s, envARN, map[string]string{"team": "ops", "stage": "prod"})
			replaceTags(t, s, appARN, map[string]string{"team": "billing"})
			wantTags(t, s, appARN, map[string]string{"team": "billing"})
			wantTags(t, s, envARN, map[string]string{"team": "ops", "stage": "prod"})
		}},
	}
}
