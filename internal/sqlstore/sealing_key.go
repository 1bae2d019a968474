package sqlstore

import (
	"context"

	"github.com/appconfigd/appconfigd"
)

// SealingKeys returns the token sealing keys, newest first: by descending
// CreatedAt, then descending ID. A key without CreatedAt comes last
// (PostgreSQL would put it first without NULLS LAST).
func (t *tx) SealingKeys(ctx context.Context) ([]appconfigd.SealingKey, error) {
	const q = `SELECT id, secret, created_at FROM sealing_keys ORDER BY created_at DESC NULLS LAST, id DESC`
	keys, err := queryAll(ctx, t, q, nil, func(s Row) (appconfigd.SealingKey, int64, error) {
		var k appconfigd.SealingKey
		err := s.Scan(&k.ID, &k.Secret, timeColumn(&k.CreatedAt))
		return k, int64(k.ID), err
	})
	return keys, t.wrap(err, "sealing keys")
}

// CreateSealingKey stores k; EConflict when its ID exists.
func (t *tx) CreateSealingKey(ctx context.Context, k appconfigd.SealingKey) error {
	secret := k.Secret
	if secret == nil {
		secret = []byte{}
	}
	const q = `INSERT INTO sealing_keys (id, secret, created_at) VALUES ($1, $2, $3)`
	if err := t.insert(ctx, q, int64(k.ID), secret, nanos(k.CreatedAt)); err != nil {
		return t.createError(err, "create sealing key", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "SealingKey %d already exists", k.ID)
		}, nil)
	}
	return nil
}

// DeleteSealingKey deletes a key; ENotFound when there is none with id.
func (t *tx) DeleteSealingKey(ctx context.Context, id uint32) error {
	err := t.execOne(ctx, func() error { return sealingKeyNotFound(id) }, `DELETE FROM sealing_keys WHERE id = $1`, int64(id))
	return t.wrap(err, "delete sealing key")
}
