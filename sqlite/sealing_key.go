package sqlite

import (
	"context"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/storerow"
)

// SealingKeys returns the token sealing keys, newest first: by descending
// CreatedAt, then descending ID.
func (t *tx) SealingKeys(ctx context.Context) ([]appconfigd.SealingKey, error) {
	const q = `SELECT id, secret, created_at FROM sealing_keys ORDER BY created_at DESC, id DESC`
	keys, err := queryAll(ctx, t, q, nil, func(s scanner) (appconfigd.SealingKey, int64, error) {
		var k appconfigd.SealingKey
		err := s.Scan(&k.ID, &k.Secret, storerow.Time(&k.CreatedAt))
		return k, int64(k.ID), err
	})
	return keys, wrap(err, "sealing keys")
}

// CreateSealingKey stores k; EConflict when its ID exists.
func (t *tx) CreateSealingKey(ctx context.Context, k appconfigd.SealingKey) error {
	secret := k.Secret
	if secret == nil {
		secret = []byte{}
	}
	const q = `INSERT INTO sealing_keys (id, secret, created_at) VALUES (?, ?, ?)`
	if _, err := t.exec(ctx, q, k.ID, secret, storerow.Nanos(k.CreatedAt)); err != nil {
		return createError(err, "create sealing key", func() error {
			return appconfigd.Errorf(appconfigd.EConflict, "SealingKey %d already exists", k.ID)
		}, nil)
	}
	return nil
}

// DeleteSealingKey deletes a key; ENotFound when there is none with id.
func (t *tx) DeleteSealingKey(ctx context.Context, id uint32) error {
	err := t.execOne(ctx, func() error { return storerow.SealingKeyNotFound(id) }, `DELETE FROM sealing_keys WHERE id = ?`, id)
	return wrap(err, "delete sealing key")
}
