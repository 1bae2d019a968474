package metrics_test

import (
	"context"
	"errors"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/metrics"
)

// fakeStore runs every transaction with a nil Tx and returns err.
type fakeStore struct {
	err error
}

func (s fakeStore) Update(_ context.Context, fn func(appconfigd.Tx) error) error {
	return errors.Join(fn(nil), s.err)
}

func (s fakeStore) View(_ context.Context, fn func(appconfigd.Tx) error) error {
	return errors.Join(fn(nil), s.err)
}

func (fakeStore) Close() error { return nil }

// spaceStore is a fakeStore that checks its space.
type spaceStore struct {
	fakeStore
	spaceErr error
}

func (s spaceStore) CheckSpace(context.Context) error { return s.spaceErr }

func TestTimeStore(t *testing.T) {
	t.Parallel()

	t.Run("TimesEachTransactionByKind", func(t *testing.T) {
		t.Parallel()
		m := metrics.New()
		failed := errors.New("rolled back")
		store := m.TimeStore(fakeStore{})
		ran := 0
		count := func(appconfigd.Tx) error { ran++; return nil }
		for range 2 {
			if err := store.Update(t.Context(), count); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.View(t.Context(), count); err != nil {
			t.Fatal(err)
		}
		if err := m.TimeStore(fakeStore{err: failed}).Update(t.Context(), count); !errors.Is(err, failed) {
			t.Errorf("Update of a failing store: %v, want %v", err, failed)
		}
		if ran != 4 {
			t.Errorf("transactions run: %d, want 4", ran)
		}
		for kind, want := range map[string]uint64{"update": 3, "view": 1} {
			if got := histogramCount(t, m, "appconfigd_store_transaction_seconds", "kind", kind); got != want {
				t.Errorf("%s transactions timed: %d, want %d", kind, got, want)
			}
		}
	})

	t.Run("KeepsTheSpaceCheck", func(t *testing.T) {
		t.Parallel()
		m := metrics.New()
		full := appconfigd.Errorf(appconfigd.EUnavailable, "disk full")
		checker, ok := m.TimeStore(spaceStore{spaceErr: full}).(appconfigd.SpaceChecker)
		if !ok {
			t.Fatal("the timed store is no SpaceChecker")
		}
		if err := checker.CheckSpace(t.Context()); !errors.Is(err, full) {
			t.Errorf("CheckSpace: %v, want the inner store's %v", err, full)
		}
		// A store that cannot check its space has room as far as anyone
		// can tell.
		if err := m.TimeStore(fakeStore{}).(appconfigd.SpaceChecker).CheckSpace(t.Context()); err != nil {
			t.Errorf("CheckSpace of a store without the check: %v, want nil", err)
		}
	})
}

// histogramCount returns the observation count of the series of
// histogram name whose label is value.
func histogramCount(t *testing.T, m *metrics.Metrics, name, label, value string) uint64 {
	t.Helper()
	families, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return s.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}
