package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/jackc/pgx/v5"
)

var _ appconfigd.ChangeFeed = (*DB)(nil)

// channel is the LISTEN/NOTIFY channel of the store. It is keyed by the
// schema, like the locks, so stores in different schemas do not hear each
// other.
func (db *DB) channel() string {
	return "appconfigd_changes_" + strconv.FormatUint(uint64(uint32(db.lockKey)), 10)
}

func (db *DB) logger() *slog.Logger {
	if db.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return db.Logger
}

// reconnectDelay is how long Listen waits before reconnecting after its
// connection failed.
const reconnectDelay = time.Second

// Listen calls changed after every committed Update of any process sharing
// the store, with what it changed, until ctx is done. Every Update sends a
// NOTIFY on the store's channel in its transaction, which PostgreSQL
// delivers only on commit, with a payload that says what changed
// (notifyPayload). Listen holds a connection of its own, outside the pool.
// It calls changed with StoreChange{All: true} as soon as it listens,
// because whatever was committed before that (since the caller last read
// the store, or while a failed connection was replaced) sent
// notifications nobody heard.
func (db *DB) Listen(ctx context.Context, changed func(appconfigd.StoreChange)) error {
	for {
		err := db.listenOnce(ctx, changed)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		db.logger().Warn("store change feed lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(reconnectDelay):
		}
	}
}

// listenOnce listens on one connection until it fails or ctx is done.
func (db *DB) listenOnce(ctx context.Context, changed func(appconfigd.StoreChange)) error {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("postgres: listen: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{db.channel()}.Sanitize()); err != nil {
		return fmt.Errorf("postgres: listen: %w", err)
	}
	changed(appconfigd.StoreChange{All: true})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("postgres: listen: %w", err)
		}
		changed(parsePayload(n.Payload))
	}
}
