package daemon

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
)

// startSync keeps this process's in-memory view (the data plane's catalog
// and the sealing keys) in step with the store when other processes change
// it: on every change the store's feed reports (PostgreSQL LISTEN/NOTIFY),
// and every ResyncInterval as a safety net. A reported change re-reads only
// the applications it names; one the feed cannot describe, the first one
// after (re)connecting, and the periodic resync reload everything. Changes
// heard while a refresh runs are gathered and refreshed together, so a
// burst costs one refresh of the union. A change also wakes the deployment
// engine, which may be this replica's job.
func (d *Daemon) startSync() {
	ctx, cancel := context.WithCancel(context.Background())
	d.stopSync = cancel
	// kick holds at most one pending refresh; pending what it is for.
	kick := make(chan struct{}, 1)
	var pending pendingChanges
	if feed, ok := d.store.(appconfigd.ChangeFeed); ok {
		d.syncDone.Add(1)
		go func() {
			defer d.syncDone.Done()
			_ = feed.Listen(ctx, func(c appconfigd.StoreChange) {
				pending.add(c, d.Clock.Now())
				select {
				case kick <- struct{}{}:
				default:
				}
			})
		}()
	}
	loop := &syncLoop{
		pending: &pending, kick: kick, resync: d.Config.ResyncInterval,
		refresh: d.service.Refresh, refreshApplications: d.service.RefreshApplications,
		wake:   d.engine.Wake,
		served: func(heard time.Time) { d.metrics.ObserveNotifiedChange(d.Clock.Now().Sub(heard)) },
		logger: d.Logger,
	}
	d.syncDone.Go(func() { loop.run(ctx) })
}

// Retries of a failed refresh wait syncRetryMin, doubling with each
// failure in a row up to syncRetryMax: soon enough that a change is not
// left unserved until the next notification or resync, rarely enough not
// to hammer a store that is down.
const (
	syncRetryMin = time.Second
	syncRetryMax = 30 * time.Second
)

// syncLoop refreshes what the feed reported (pending, announced on kick),
// everything every resync, and again what a failed refresh kept after a
// back-off. It is apart from the Daemon so that tests can drive it.
type syncLoop struct {
	pending *pendingChanges
	kick    <-chan struct{}
	resync  time.Duration
	// refresh reloads everything, refreshApplications the named
	// applications.
	refresh             func(context.Context) error
	refreshApplications func(context.Context, []string) error
	// wake is called for every kick, served with when a change was heard
	// of once a refresh served it.
	wake   func()
	served func(heard time.Time)
	logger *slog.Logger
}

// run refreshes until ctx is done.
func (l *syncLoop) run(ctx context.Context) {
	ticker := time.NewTicker(l.resync)
	defer ticker.Stop()
	// retry fires when a failed refresh's back-off ends; nil while none
	// waits. backoff is the wait after the last failure, 0 after a success.
	var retry <-chan time.Time
	var backoff time.Duration
	for {
		resync := false
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
			l.wake()
		case <-ticker.C:
			resync = true
		case <-retry:
			retry = nil
		}
		all, apps, heard := l.pending.take()
		all = all || resync
		var err error
		switch {
		case all:
			err = l.refresh(ctx)
		case len(apps) > 0:
			err = l.refreshApplications(ctx, apps)
		default:
			continue
		}
		if err == nil {
			retry, backoff = nil, 0
			if !heard.IsZero() {
				l.served(heard)
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		l.logger.Error("refresh from the store", "err", err)
		// The change is still not served: a full resync stays one, the
		// retry covers it, and it measures from when it was heard of.
		l.pending.putBack(all, apps, heard)
		backoff = min(max(2*backoff, syncRetryMin), syncRetryMax)
		retry = time.After(backoff)
	}
}

// pendingChanges gathers the changes the feed reported that no refresh
// has served yet.
type pendingChanges struct {
	mu   sync.Mutex
	all  bool
	apps map[string]struct{}
	// heard is when the oldest change not yet served was heard of; zero
	// for none.
	heard time.Time
}

// add notes change c, heard of at now. A change to nothing the catalog
// holds only wakes the engine.
func (p *pendingChanges) add(c appconfigd.StoreChange, now time.Time) {
	if !c.All && len(c.Applications) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = p.all || c.All
	if p.apps == nil {
		p.apps = make(map[string]struct{})
	}
	for _, id := range c.Applications {
		p.apps[id] = struct{}{}
	}
	if p.heard.IsZero() {
		p.heard = now
	}
}

// take returns what is pending, sorted, and forgets it.
func (p *pendingChanges) take() (all bool, apps []string, heard time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.apps {
		apps = append(apps, id)
	}
	slices.Sort(apps)
	all, heard = p.all, p.heard
	p.all, p.apps, p.heard = false, nil, time.Time{}
	return all, apps, heard
}

// putBack returns what a failed refresh took, keeping the older time.
func (p *pendingChanges) putBack(all bool, apps []string, heard time.Time) {
	p.add(appconfigd.StoreChange{All: all, Applications: apps}, heard)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !heard.IsZero() && heard.Before(p.heard) {
		p.heard = heard
	}
}
