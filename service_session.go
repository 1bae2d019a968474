package appconfigd

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// StartSessionInput is what StartConfigurationSession takes (docs/WIRE.md §1.2).
type StartSessionInput struct {
	ApplicationIdentifier          string
	EnvironmentIdentifier          string
	ConfigurationProfileIdentifier string
	// RequiredMinimumPollIntervalInSeconds is 15..86400, or 0 when the
	// client requested none.
	RequiredMinimumPollIntervalInSeconds int
}

func (in *StartSessionInput) validate() error {
	for _, f := range []struct{ name, v string }{
		{"ApplicationIdentifier", in.ApplicationIdentifier},
		{"EnvironmentIdentifier", in.EnvironmentIdentifier},
		{"ConfigurationProfileIdentifier", in.ConfigurationProfileIdentifier},
	} {
		if err := checkLength(f.name, f.v, 1, maxLongNameLength); err != nil {
			return err
		}
	}
	if in.RequiredMinimumPollIntervalInSeconds != 0 {
		return checkRange("RequiredMinimumPollIntervalInSeconds", in.RequiredMinimumPollIntervalInSeconds, MinPollInterval, MaxPollInterval)
	}
	return nil
}

// StartConfigurationSession starts a session for an application,
// environment and configuration profile, each given by ID or name, and
// returns its initial configuration token. The session needs no server
// state: everything is in the sealed token.
//
// A profile that was never deployed to the environment still gets a
// session; its polls return an empty configuration until a deployment
// arrives (see docs/COMPATIBILITY.md).
func (s *Service) StartConfigurationSession(ctx context.Context, in StartSessionInput) (string, error) {
	if err := in.validate(); err != nil {
		return "", err
	}
	r, err := s.catalog.resolve(in.ApplicationIdentifier, in.EnvironmentIdentifier, in.ConfigurationProfileIdentifier)
	if err != nil {
		return "", err
	}
	if err := authorizeRead(ctx, "StartConfigurationSession", r.ApplicationID, r.ApplicationName); err != nil {
		return "", err
	}
	id, err := RandomBytes(s.Rand, 16)
	if err != nil {
		return "", err
	}
	now := s.now()
	t := SessionToken{
		ApplicationID:          r.ApplicationID,
		EnvironmentID:          r.EnvironmentID,
		ConfigurationProfileID: r.ConfigurationProfileID,
		MinPollInterval:        in.RequiredMinimumPollIntervalInSeconds,
		IssuedAt:               now,
		ExpiresAt:              now.Add(s.TokenTTL),
	}
	copy(t.SessionID[:], id)
	token, err := s.seal(&t)
	if err == nil {
		s.dataPlane.sessions.Add(1)
	}
	return token, err
}

// LatestConfiguration is what GetLatestConfiguration returns (docs/WIRE.md §1.3).
type LatestConfiguration struct {
	// Content is empty when the client already has the latest version.
	Content []byte
	// ContentType is the stored type, verbatim; it is kept on empty
	// responses too (docs/WIRE.md §7.4). It is empty only while nothing was ever
	// deployed.
	ContentType string
	// VersionLabel is empty when Content is.
	VersionLabel               string
	NextPollConfigurationToken string
	NextPollIntervalInSeconds  int
	// VersionNumber is the hosted version the session has after this poll,
	// 0 while nothing was ever deployed. AWS keeps it to itself; the agent
	// reports it as Configuration-Version (docs/WIRE.md §4.4, §6 Q6).
	VersionNumber int
	// Rollout describes the deployment in progress, when the poll asked for
	// entity rollout and one is.
	Rollout *RolloutState
	// Waited says whether the poll asked to wait for a change and was
	// allowed to (docs/WIRE.md §2.5).
	Waited WaitOutcome
}

// PollOptions are the choices of a poller beyond the token.
type PollOptions struct {
	// EntityRollout asks for what an agent needs to roll a deployment out
	// by entity rather than by session (docs/WIRE.md §4.4 Entity-Id): during a
	// deployment the poll answers with the version being deployed and
	// reports the deployment's progress in Rollout.
	EntityRollout bool
	// Wait, when positive, asks the poll to wait up to that long for the
	// session's answer to change (docs/WIRE.md §2.5); MaxWaitForChange
	// bounds it.
	Wait time.Duration
	// MustWait refuses the poll with EThrottling, its token unused, when
	// it may not wait because too many polls wait already, rather than
	// answer it at once: a stream of changes cannot fall back to polling.
	MustWait bool
	// Waiting, when set, is called once the poll's checks have passed
	// and it starts to wait, so that the caller can release what a
	// working request holds (or begin a stream).
	Waiting func()
}

// RolloutState is the progress of a deployment as an entity-rollout agent
// sees it.
type RolloutState struct {
	// ID identifies the deployment; agents hash entity IDs with it.
	ID string
	// Percentage is the share of entities that get TargetVersion now.
	Percentage float64
	// TargetVersion is the hosted version being deployed; BaselineVersion
	// the one everybody else keeps (0 for none).
	TargetVersion, BaselineVersion int
	// SessionVersion is the version this session would get without entity
	// rollout.
	SessionVersion int
}

// Token errors (docs/WIRE.md §2.3, §7.1–7.2). Reuse of a consumed next token
// reports Problem Expired with the message the real service sends.
func tokenError(problem TokenProblem, message string) *Error {
	return &Error{Code: EBadRequest, Message: message, InvalidParameter: "ConfigurationToken", Problem: problem}
}

// GetLatestConfiguration answers a poll. It does no database work: the
// token carries the session and the catalog holds what is deployed.
//
// Checks, in order: the token must open (Corrupted), be unexpired
// (Expired), not be a next token that was already used (Expired, "Token not
// valid"), and respect the poll interval the session requested
// (PollIntervalNotSatisfied, "Request too early"; without a requested
// interval early polls are allowed, docs/WIRE.md §7.7). A rejected poll does not
// use up its token. A poll with opts.Wait is never too early: after the
// first checks it waits for its answer to change (docs/WIRE.md §2.5;
// waitForChange in push.go).
//
// With opts.EntityRollout, a session first gets the deployment's baseline
// (so the agent holds both versions) and then the version being deployed,
// whatever its own rollout bucket; Rollout reports the deployment. The
// poll that fetches the version being deployed may come at once, so that
// an agent starting mid-deployment holds both before it answers anyone.
//
// Each poll is counted by its outcome (DataPlaneCounts).
func (s *Service) GetLatestConfiguration(ctx context.Context, token string, opts PollOptions) (*LatestConfiguration, error) {
	out, outcome, err := s.poll(ctx, token, opts)
	s.dataPlane.polls[outcome].Add(1)
	return out, err
}

// poll is GetLatestConfiguration, which counts the outcome it returns.
func (s *Service) poll(ctx context.Context, token string, opts PollOptions) (*LatestConfiguration, PollOutcome, error) {
	if token == "" || len(token) > 8192 {
		return nil, PollCorrupted, tokenError(ProblemCorrupted, "Token not valid")
	}
	plain, err := s.keys.state.Load().sealer.Open(token)
	if errors.Is(err, ErrUnknownSealingKey) && s.reloadKeysForUnknown(ctx) {
		// Another replica may have made a key this one has not loaded.
		plain, err = s.keys.state.Load().sealer.Open(token)
	}
	if err != nil {
		return nil, PollCorrupted, tokenError(ProblemCorrupted, "Token not valid")
	}
	var t SessionToken
	if err := t.UnmarshalBinary(plain); err != nil {
		return nil, PollCorrupted, tokenError(ProblemCorrupted, "Token not valid")
	}
	if err := authorizeRead(ctx, "GetLatestConfiguration", t.ApplicationID, s.catalog.applicationName(t.ApplicationID)); err != nil {
		return nil, PollDenied, err
	}
	now := s.now()
	if now.After(t.ExpiresAt) {
		return nil, PollExpired, tokenError(ProblemExpired, "Token expired")
	}
	if s.replay.Used(&t) {
		return nil, PollReused, tokenError(ProblemExpired, "Token not valid")
	}
	waited := WaitNotAsked
	if opts.Wait > 0 {
		// A waiting poll is never too early: it answers no sooner than
		// the interval allows unless its answer changes.
		if waited, err = s.waitForChange(ctx, &t, opts, now); err != nil {
			if waited == WaitRefused {
				return nil, PollWaitRefused, err
			}
			return nil, PollAbandoned, err
		}
		now = s.now()
	} else if !t.Initial() && t.MinPollInterval > 0 {
		due := t.IssuedAt.Add(secondsDuration(t.MinPollInterval) - PollIntervalTolerance)
		if now.Before(due) {
			return nil, PollTooEarly, tokenError(ProblemPollIntervalNotSatisfied, "Request too early")
		}
	}
	app, plan, err := s.catalog.plan(&t)
	if err != nil {
		if IsCode(err, ENotFound) {
			return nil, PollNotFound, err
		}
		return nil, PollFailed, err
	}
	if !s.replay.Consume(&t, now) {
		return nil, PollReused, tokenError(ProblemExpired, "Token not valid")
	}
	s.recordPoll(t.ApplicationID, t.EnvironmentID, t.ConfigurationProfileID, now)

	out := &LatestConfiguration{NextPollIntervalInSeconds: t.PollInterval(), Waited: waited}
	var v *ServedVersion
	if plan != nil {
		if opts.EntityRollout && plan.Rollout != 0 {
			out.Rollout = &RolloutState{
				ID:              fmt.Sprintf("%s/%d", t.EnvironmentID, plan.RolloutDeployment),
				Percentage:      plan.Percentage,
				TargetVersion:   plan.Rollout,
				BaselineVersion: plan.Baseline,
				SessionVersion:  plan.servedTo(&t, false),
			}
		}
		v = app.version(&t, plan.servedTo(&t, opts.EntityRollout))
	}
	next := t
	if t.Initial() {
		chain, err := RandomBytes(s.Rand, len(next.Chain))
		if err != nil {
			return nil, PollFailed, err
		}
		copy(next.Chain[:], chain)
	}
	next.Seq++
	next.IssuedAt = now
	if out.Rollout != nil && v != nil && v.VersionNumber != out.Rollout.TargetVersion {
		// Baseline first: the poll for the target is due at once.
		next.IssuedAt = now.Add(-secondsDuration(t.MinPollInterval))
	}
	next.ExpiresAt = now.Add(s.TokenTTL)
	outcome := PollUnchanged
	if v != nil {
		out.ContentType = v.ContentType
		out.VersionNumber = v.VersionNumber
		if v.VersionNumber != t.LastVersion {
			outcome = PollFull
			out.Content = v.Content
			out.VersionLabel = v.VersionLabel
			next.LastVersion = v.VersionNumber
		}
	}
	if out.NextPollConfigurationToken, err = s.seal(&next); err != nil {
		return nil, PollFailed, err
	}
	s.observeFleet(&t, out.VersionNumber, now)
	return out, outcome, nil
}

func (s *Service) seal(t *SessionToken) (string, error) {
	plain, err := t.MarshalBinary()
	if err != nil {
		return "", err
	}
	token, err := s.keys.state.Load().sealer.Seal(plain)
	if err != nil {
		return "", errors.Join(errors.New("seal configuration token"), err)
	}
	return token, nil
}
