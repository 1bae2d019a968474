package daemon

import (
	"context"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/fleet"
)

// countFleet turns svc's fleet view on and reports it as metrics
// (docs/COMPATIBILITY.md, "Fleet view"). Call it before svc opens.
func (d *Daemon) countFleet(svc *appconfigd.Service) {
	svc.Fleet = fleet.New()
	d.metrics.WatchFleet(svc.CurrentFleet)
}

// startFleetFlush writes this process's fleet sketches to the store and
// merges every replica's (appconfigd.Service.FlushFleet) every
// appconfigd.FleetFlushInterval.
func (d *Daemon) startFleetFlush() {
	d.fleet.start(appconfigd.FleetFlushInterval, func(ctx context.Context) {
		if err := d.service.FlushFleet(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Error("flush fleet sketches", "err", err)
		}
	})
}

// closeFleetFlush stops the periodic flushes and flushes a last time, so
// that the other replicas keep counting the sessions this process served
// last. Call it once no request is in flight and before the store closes.
func (d *Daemon) closeFleetFlush() error {
	if !d.fleet.stopTask() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return d.service.FlushFleet(ctx)
}
