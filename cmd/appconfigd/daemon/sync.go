package daemon

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/appconfigd/appconfigd"
)

// startSync keeps this process's in-memory view (the data plane's catalog
// and the sealing keys) in step with the store when other processes change
// it: on every change the store's feed reports (PostgreSQL LISTEN/NOTIFY),
// and every ResyncInterval as a safety net. A change also wakes the
// deployment engine, which may be this replica's job.
func (d *Daemon) startSync() {
	ctx, cancel := context.WithCancel(context.Background())
	d.stopSync = cancel
	// kick holds at most one pending refresh, so a burst of changes
	// costs one reload.
	kick := make(chan struct{}, 1)
	// heard is when the oldest change not yet refreshed for was heard of,
	// in Unix nanoseconds; 0 for none.
	var heard atomic.Int64
	if feed, ok := d.store.(appconfigd.ChangeFeed); ok {
		d.syncDone.Add(1)
		go func() {
			defer d.syncDone.Done()
			_ = feed.Listen(ctx, func() {
				heard.CompareAndSwap(0, d.Clock.Now().UnixNano())
				select {
				case kick <- struct{}{}:
				default:
				}
			})
		}()
	}
	d.syncDone.Add(1)
	go func() {
		defer d.syncDone.Done()
		ticker := time.NewTicker(d.Config.ResyncInterval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
				d.engine.Wake()
			case <-ticker.C:
			}
			since := heard.Swap(0)
			if err := d.service.Refresh(ctx); err != nil {
				if ctx.Err() == nil {
					d.Logger.Error("refresh from the store", "err", err)
				}
				// The change is still not served: the next refresh
				// that succeeds measures from when it was heard of.
				heard.CompareAndSwap(0, since)
			} else if since != 0 {
				d.metrics.ObserveNotifiedChange(d.Clock.Now().Sub(time.Unix(0, since)))
			}
		}
	}()
}
