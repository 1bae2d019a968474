package sqlite

import (
	"context"
	"fmt"
)

// FindTags returns the tags of arn: an empty map, and no error, when it has
// none.
func (t *tx) FindTags(ctx context.Context, arn string) (map[string]string, error) {
	rows, err := t.sqlTx.QueryContext(ctx, `SELECT key, value FROM tags WHERE arn = ?`, arn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find tags: %w", err)
	}
	defer rows.Close()
	tags := make(map[string]string)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("sqlite: find tags: %w", err)
		}
		tags[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: find tags: %w", err)
	}
	return tags, nil
}

// ReplaceTags replaces all tags of arn; an empty map removes them.
func (t *tx) ReplaceTags(ctx context.Context, arn string, tags map[string]string) error {
	if _, err := t.exec(ctx, `DELETE FROM tags WHERE arn = ?`, arn); err != nil {
		return fmt.Errorf("sqlite: replace tags: %w", err)
	}
	for k, v := range tags {
		if _, err := t.exec(ctx, `INSERT INTO tags (arn, key, value) VALUES (?, ?, ?)`, arn, k, v); err != nil {
			return fmt.Errorf("sqlite: replace tags: %w", err)
		}
	}
	return nil
}
