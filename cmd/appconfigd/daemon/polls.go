package daemon

import (
	"context"
	"time"

	"github.com/appconfigd/appconfigd"
)

// startPollFlush writes the poll times deletion protection needs to the
// store (appconfigd.Service.FlushPolls) every appconfigd.PollFlushInterval,
// so that other replicas sharing the store see them
// (docs/COMPATIBILITY.md, "Deletion protection").
func (d *Daemon) startPollFlush() {
	d.polls.start(appconfigd.PollFlushInterval, func(ctx context.Context) {
		if err := d.service.FlushPolls(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Error("flush poll times", "err", err)
		}
	})
}

// closePollFlush stops the periodic flushes and flushes a last time, so
// that a restart forgets no poll. Call it once no request is in flight and
// before the store closes.
func (d *Daemon) closePollFlush() error {
	if !d.polls.stopTask() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return d.service.FlushPolls(ctx)
}
