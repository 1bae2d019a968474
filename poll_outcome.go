package appconfigd

import "sync/atomic"

// PollOutcome is how GetLatestConfiguration answered one poll. The
// outcomes are a fixed set, so that what watches them (the metrics) has a
// bounded number of series whatever clients send.
type PollOutcome uint8

// The outcomes of a poll, in the order GetLatestConfiguration decides
// them.
const (
	// PollCorrupted: the token did not open (docs/WIRE.md §7.1).
	PollCorrupted PollOutcome = iota
	// PollDenied: the key may not read the token's application.
	PollDenied
	// PollExpired: the token's lifetime is over (docs/WIRE.md §7.2).
	PollExpired
	// PollReused: the token was already used once (docs/WIRE.md §7.2).
	PollReused
	// PollTooEarly: the session's poll interval has not passed
	// (docs/WIRE.md §7.7).
	PollTooEarly
	// PollNotFound: the session's application, environment or profile
	// is gone.
	PollNotFound
	// PollFull: the answer carries a configuration the session did not
	// have.
	PollFull
	// PollUnchanged: the session already has the latest version, or
	// nothing was ever deployed; the answer has no content.
	PollUnchanged
	// PollFailed: the server failed (an internal error).
	PollFailed
	// PollAbandoned: the client went away while its poll waited for a
	// change (docs/WIRE.md §2.5).
	PollAbandoned
	// PollWaitRefused: a stream's poll could not wait, as many polls as
	// the server allows waiting already (docs/WIRE.md §2.5).
	PollWaitRefused

	numPollOutcomes
)

// pollOutcomeNames are the outcomes' names, in snake case as metric
// label values are.
var pollOutcomeNames = [numPollOutcomes]string{
	PollCorrupted:   "corrupted",
	PollDenied:      "denied",
	PollExpired:     "expired",
	PollReused:      "reused",
	PollTooEarly:    "too_early",
	PollNotFound:    "not_found",
	PollFull:        "full",
	PollUnchanged:   "unchanged",
	PollFailed:      "failed",
	PollAbandoned:   "abandoned",
	PollWaitRefused: "wait_refused",
}

// String returns the outcome's name, such as "too_early".
func (o PollOutcome) String() string {
	if o >= numPollOutcomes {
		return "invalid"
	}
	return pollOutcomeNames[o]
}

// PollOutcomes returns every outcome, for reading all the counts.
func PollOutcomes() []PollOutcome {
	out := make([]PollOutcome, numPollOutcomes)
	for i := range out {
		out[i] = PollOutcome(i)
	}
	return out
}

// DataPlaneCounts counts what this process's data plane answered since it
// started. Counting is an atomic add, so the poll path stays as fast as
// before; readers (the metrics) load the counts when they need them.
type DataPlaneCounts struct {
	polls    [numPollOutcomes]atomic.Uint64
	sessions atomic.Uint64
}

// Polls returns how many polls had outcome o.
func (c *DataPlaneCounts) Polls(o PollOutcome) uint64 {
	if o >= numPollOutcomes {
		return 0
	}
	return c.polls[o].Load()
}

// SessionsStarted returns how many StartConfigurationSession calls
// succeeded.
func (c *DataPlaneCounts) SessionsStarted() uint64 { return c.sessions.Load() }

// DataPlaneCounts returns the service's data-plane counts.
func (s *Service) DataPlaneCounts() *DataPlaneCounts { return &s.dataPlane }
