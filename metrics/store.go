package metrics

import (
	"context"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/prometheus/client_golang/prometheus"
)

// The kind label values of appconfigd_store_transaction_seconds.
const (
	storeUpdate = "update"
	storeView   = "view"
)

// storeTimes is appconfigd_store_transaction_seconds.
type storeTimes struct {
	update, view prometheus.Observer
}

// init makes and registers the histogram.
func (s *storeTimes) init(reg prometheus.Registerer) {
	o := histogramSeries(reg, prometheus.HistogramOpts{
		Name:    "store_transaction_seconds",
		Help:    "Time to run a store transaction, from its start to its commit or rollback, by kind.",
		Buckets: latencyBuckets,
	}, "kind", storeUpdate, storeView)
	s.update, s.view = o[0], o[1]
}

// TimeStore returns store timing each transaction it runs, from the call
// to its return: waiting for the write lock or a connection, the
// statements, and the commit. Give it to the Service; keep store itself
// for what needs its concrete type or its change feed.
func (m *Metrics) TimeStore(store appconfigd.Store) appconfigd.Store {
	return timedStore{Store: store, times: m.store}
}

// timedStore is a Store whose transactions are timed.
type timedStore struct {
	appconfigd.Store
	times storeTimes
}

// Update implements appconfigd.Store.
func (s timedStore) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	defer observeSince(s.times.update, time.Now())
	return s.Store.Update(ctx, fn)
}

// View implements appconfigd.Store.
func (s timedStore) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	defer observeSince(s.times.view, time.Now())
	return s.Store.View(ctx, fn)
}

// CheckSpace implements appconfigd.SpaceChecker, so that timing the
// store keeps the Service's check of the disk: it asks the store it
// runs on, and without this method it would not find one.
func (s timedStore) CheckSpace(ctx context.Context) error {
	if c, ok := s.Store.(appconfigd.SpaceChecker); ok {
		return c.CheckSpace(ctx)
	}
	return nil
}

func observeSince(o prometheus.Observer, start time.Time) {
	o.Observe(time.Since(start).Seconds())
}
