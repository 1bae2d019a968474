package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// FindTags returns the tags of arn: an empty map, and no error, when it has
// none.
func (t *tx) FindTags(ctx context.Context, arn string) (map[string]string, error) {
	type tag struct{ key, value string }
	rows, err := queryAll(ctx, t, `SELECT key, value FROM tags WHERE arn = $1`, []any{arn},
		func(s scanner) (tag, int64, error) {
			var tg tag
			err := s.Scan(&tg.key, &tg.value)
			return tg, 0, err
		})
	if err != nil {
		return nil, wrap(err, "find tags")
	}
	tags := make(map[string]string, len(rows))
	for _, tg := range rows {
		tags[tg.key] = tg.value
	}
	return tags, nil
}

// ReplaceTags replaces all tags of arn; an empty map removes them. The
// statements travel in one round trip.
func (t *tx) ReplaceTags(ctx context.Context, arn string, tags map[string]string) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM tags WHERE arn = $1`, arn)
	for k, v := range tags {
		b.Queue(`INSERT INTO tags (arn, key, value) VALUES ($1, $2, $3)`, arn, k, v)
	}
	return wrap(t.execBatch(ctx, b), "replace tags")
}
