package sqlstore

import (
	"context"
)

// FindTags returns the tags of arn: an empty map, and no error, when it has
// none.
func (t *tx) FindTags(ctx context.Context, arn string) (map[string]string, error) {
	type tag struct{ key, value string }
	rows, err := queryAll(ctx, t, `SELECT key, value FROM tags WHERE arn = $1`, []any{arn},
		func(s Row) (tag, int64, error) {
			var tg tag
			err := s.Scan(&tg.key, &tg.value)
			return tg, 0, err
		})
	if err != nil {
		return nil, t.wrap(err, "find tags")
	}
	tags := make(map[string]string, len(rows))
	for _, tg := range rows {
		tags[tg.key] = tg.value
	}
	return tags, nil
}

// ReplaceTags replaces all tags of arn; an empty map removes them. The
// statements run as one batch (one round trip on PostgreSQL).
func (t *tx) ReplaceTags(ctx context.Context, arn string, tags map[string]string) error {
	defer t.touching("")()
	batch := make([]Statement, 0, 1+len(tags))
	batch = append(batch, Statement{`DELETE FROM tags WHERE arn = $1`, []any{arn}})
	for k, v := range tags {
		batch = append(batch, Statement{`INSERT INTO tags (arn, key, value) VALUES ($1, $2, $3)`, []any{arn, k, v}})
	}
	return t.wrap(t.execBatch(ctx, batch), "replace tags")
}
