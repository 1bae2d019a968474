package appconfigd

import (
	"context"
	"errors"
	"sync"
	"time"
)

// SpaceChecker is implemented by stores that can tell whether they have
// room to grow, which a successful small write does not prove: a database
// on a full disk may go on taking small writes in pages it already has
// while larger ones fail. The error is an EUnavailable *Error that says
// what is wrong.
type SpaceChecker interface {
	CheckSpace(ctx context.Context) error
}

// WriteState says whether the store takes writes, as far as this process
// has seen.
type WriteState struct {
	// Failing is true from a write that failed with EUnavailable until a
	// probe write succeeds.
	Failing bool
	// Reason is the message of the latest such failure, for the operator.
	Reason string
	// Since is when writes began to fail.
	Since time.Time
}

// writeProbeInterval is the least time between two probes while writes
// fail, so that neither a busy server nor a flood of /readyz requests
// turns the probe into load on a struggling disk.
const writeProbeInterval = time.Second

// writeProbeLease names the row the probe writes: a lease nobody holds,
// since it ends the moment it is taken.
const writeProbeLease = "write-probe"

// writeHealth is what the service knows of the store's writes.
type writeHealth struct {
	mu        sync.Mutex
	state     WriteState
	lastProbe time.Time
	probing   bool
}

// watchedStore is the Store the service uses once open: it passes every
// call through and notices the writes that fail for want of a working
// database, and those that succeed while writes are failing, which may
// mean the trouble is over. Watching the one door every write goes
// through means no operation can forget to report.
type watchedStore struct {
	Store
	s *Service
}

// Update implements Store.
func (w watchedStore) Update(ctx context.Context, fn func(tx Tx) error) error {
	err := w.Store.Update(ctx, fn)
	switch {
	case IsCode(err, EUnavailable):
		w.s.writeFailed(err)
	case err == nil:
		w.s.CheckWrites(ctx)
	}
	return err
}

// watchWrites makes s.Store a watchedStore, once.
func (s *Service) watchWrites() {
	if _, ok := s.Store.(watchedStore); !ok {
		s.Store = watchedStore{Store: s.Store, s: s}
	}
}

// writeFailed records a write that failed with the EUnavailable err. The
// first failure is logged at ERROR; the requests that fail after it are
// not, so a full disk gives one line, not one per request.
func (s *Service) writeFailed(err error) {
	var e *Error
	if !errors.As(err, &e) || e.Code != EUnavailable {
		return
	}
	h := &s.writes
	h.mu.Lock()
	defer h.mu.Unlock()
	h.state.Reason = e.Message
	if h.state.Failing {
		return
	}
	h.state.Failing, h.state.Since = true, s.Clock.Now()
	h.lastProbe = h.state.Since
	s.Logger.Error("database writes fail; reads go on from memory until they work again", "reason", e.Message, "err", e.Cause)
}

// WriteState returns what the service knows of the store's writes.
func (s *Service) WriteState() WriteState {
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	return s.writes.state
}

// CheckWrites returns the state of the store's writes after, when they
// are failing, probing whether they work again: at most once per
// writeProbeInterval it writes a row and asks the store whether it has
// room to grow (see SpaceChecker). When the probe succeeds, the audit
// entries kept while writes failed are written.
//
// Nothing needs to write for the service to notice recovery: every
// successful write while failing calls it (the deployment engine renews
// its lease every few seconds on every replica), and so does /readyz.
func (s *Service) CheckWrites(ctx context.Context) WriteState {
	h := &s.writes
	h.mu.Lock()
	if !h.state.Failing || h.probing || s.Clock.Now().Sub(h.lastProbe) < writeProbeInterval {
		defer h.mu.Unlock()
		return h.state
	}
	h.probing, h.lastProbe = true, s.Clock.Now()
	h.mu.Unlock()

	err := s.probeWrites(ctx)

	h.mu.Lock()
	h.probing = false
	recovered := err == nil && h.state.Failing
	if recovered {
		s.Logger.Info("database writes work again", "failed_for", s.Clock.Now().Sub(h.state.Since), "reason", h.state.Reason)
		h.state = WriteState{}
	}
	state := h.state
	h.mu.Unlock()
	if recovered {
		s.flushAudit(ctx)
	}
	return state
}

// probeWrites writes the probe row, then asks the store whether it has
// room to grow. A failure with EUnavailable updates the reason; any other
// (the caller gave up) leaves the state alone.
func (s *Service) probeWrites(ctx context.Context) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		now := s.now()
		_, err := tx.TryLease(ctx, writeProbeLease, s.InstanceID, now, now)
		return err
	})
	if err != nil {
		return err
	}
	store := s.Store
	if w, ok := store.(watchedStore); ok {
		store = w.Store
	}
	if c, ok := store.(SpaceChecker); ok {
		if err := c.CheckSpace(ctx); err != nil {
			s.writeFailed(err)
			return err
		}
	}
	return nil
}
