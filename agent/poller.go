package agent

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// maxSessionAge is when a session is replaced before its token can
// expire: tokens live up to 24 hours (docs/WIRE.md §1.3, §7.3), counted
// here from the session's start, the earlier of the two readings.
const maxSessionAge = 23 * time.Hour

// Bounds of RequiredMinimumPollIntervalInSeconds (docs/WIRE.md §1.2); outside them
// the session asks for no minimum.
const (
	minRequiredPollInterval = 15 * time.Second
	maxRequiredPollInterval = 86400 * time.Second
)

// firstRetry is the first wait after a failed poll; each further failure
// doubles it, up to the poll interval.
const firstRetry = time.Second

// maxWaitForChange is the longest wait a poll asks for: the service holds
// a waiting poll no longer (docs/WIRE.md §2.5).
const maxWaitForChange = 60 * time.Second

// firstFetchWait is the wait the first fetch of a configuration asks
// for: the shortest there is, what requests for a configuration with
// nothing deployed wait for their 404.
const firstFetchWait = time.Second

// quickAnswer is how soon an answer to a waiting poll that brought
// nothing new must come for the poller to distrust the wait (pushed).
const quickAnswer = time.Second

// poller keeps one entry fresh through one configuration session.
type poller struct {
	agent *Agent
	entry *entry
	// token is the next token to poll with, "" when there is no session;
	// started is when the session began; fresh says the next poll is the
	// session's first.
	token   string
	started time.Time
	fresh   bool
	// rollout is the rollout state of the last answer, nil for none, to
	// tell an answer that moved a deployment on from one that did not.
	rollout *Rollout
}

// run polls until the agent stops: once at once, then after every
// interval the service asks for, at once after the service waited for a
// change (poll), or with backoff after a failure. A first
// fetch the caller's names made fail ends the poller and forgets the
// entry, so the next request asks again.
func (p *poller) run(ctx context.Context) {
	a, e := p.agent, p.entry
	failures := 0
	for first := true; ; first = false {
		wait, err := p.poll(ctx, first)
		switch {
		case err == nil:
			failures = 0
		case ctx.Err() != nil:
			e.fail(err)
			e.markReady()
			return
		case first && callerError(err) && e.empty():
			// Not retried: the next request asks again (below).
			e.fail(err)
			a.stats.countPollFailure(err)
			a.logger.Info("configuration not available", "configuration", e.key.String(), "err", err)
		default:
			failures++
			wait = min(a.cfg.PollInterval, firstRetry<<min(failures-1, 20))
			e.fail(err)
			a.stats.countPollFailure(err)
			a.logger.Warn("poll failed", "configuration", e.key.String(), "err", err, "retry_in", wait, "serving_last_received", !e.empty())
		}
		if first {
			if err != nil && !callerError(err) && e.empty() {
				a.restoreBackup(e)
			}
			e.markReady()
			if err != nil && callerError(err) && e.empty() {
				a.forget(e)
				return
			}
		}
		if wait == 0 {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-a.clock.After(wait):
		}
	}
}

// poll polls once, starting a session when there is none, when the
// session is old, or when the service rejects its token, and returns how
// long to wait before the next poll: 0 when the service waited for a
// change (pushed). first says this is the poller's first poll.
//
// The poll asks the service to wait for a change (docs/WIRE.md §2.5). The
// first, when the entry is empty, asks for firstFetchWait only: requests
// wait for that one, and with nothing deployed yet the service would hold
// it, and them, for the whole wait instead of letting them hear soon that
// there is nothing (docs/WIRE.md §4.4). Asking at all lets the answer say
// whether the service waits, so that the next poll can wait at once
// rather than an interval later.
func (p *poller) poll(ctx context.Context, first bool) (time.Duration, error) {
	if p.token == "" || p.agent.clock.Now().Sub(p.started) >= maxSessionAge {
		if err := p.startSession(ctx); err != nil {
			return 0, err
		}
	}
	wait := p.waitForChange()
	if first && p.entry.empty() {
		wait = min(wait, firstFetchWait)
	}
	sent := p.agent.clock.Now()
	l, err := p.getLatest(ctx, wait)
	var badRequest *types.BadRequestException
	if errors.As(err, &badRequest) {
		// An expired, corrupted or reused token, or a poll the service
		// thinks too early: a new session's first poll is always
		// accepted (docs/WIRE.md §6 Q3, §7.2).
		p.agent.logger.Debug("token rejected; starting a new session", "configuration", p.entry.key.String(), "err", err)
		if err := p.startSession(ctx); err != nil {
			return 0, err
		}
		sent = p.agent.clock.Now()
		l, err = p.getLatest(ctx, wait)
	}
	if err != nil {
		return 0, err
	}
	took := p.agent.clock.Now().Sub(sent)
	waited := l
	news := p.record(l)
	if p.entry.awaitingRolloutTarget() {
		// appconfigd sent the baseline of a deployment in progress
		// first and lets the session fetch the target at once, so that
		// entities get what they should from the first request on. A
		// server that does not allow it refuses without using up the
		// token; the target then comes with the next poll. It does not
		// wait: the service has the target ready.
		if target, err := p.getLatest(ctx, 0); err == nil {
			news = p.record(target) || news
			l = target
		} else {
			p.agent.logger.Debug("target of the deployment in progress not fetched at once", "configuration", p.entry.key.String(), "err", err)
		}
	}
	if pushed(wait, waited, news, took) {
		return 0, nil
	}
	return p.nextWait(l.NextPollInterval), nil
}

// pushed reports whether the next poll may go out at once, after a poll
// that asked to wait and got l after took, news saying whether it
// brought a new configuration or moved a deployment on. The service must
// have waited (WaitOffered above 0). An answer without the header (AWS,
// an older appconfigd) or with 0 (a busy service) leaves the poller on
// its interval.
//
// A service that keeps its word answers early only with news, and
// otherwise when the wait ends. An answer that brought nothing new sooner
// than quickAnswer after it was asked for breaks that (a faulty server,
// or a replica answering its waiting polls as it shuts down), so that
// round counts as no wait and the poller waits its interval: a server that
// answers at once with the echo cannot make it poll in a loop. A new
// session's first answer, which repeats the version held, is no news
// either, so that a service that rejects every other token cannot make
// it loop through sessions.
func pushed(wait time.Duration, l *Latest, news bool, took time.Duration) bool {
	if wait <= 0 || !l.WaitAnswered || l.WaitOffered <= 0 {
		return false
	}
	return news || took >= quickAnswer
}

// record applies an answer to the entry, logging and backing up a new
// configuration, and reports whether the answer brought news: a new
// configuration, or a change in the deployment in progress.
func (p *poller) record(l *Latest) bool {
	news := !sameRollout(p.rollout, l.Rollout)
	p.rollout = nil
	if l.Rollout != nil {
		r := *l.Rollout
		p.rollout = &r
	}
	fresh := p.entry.apply(l, p.fresh, p.agent.clock.Now())
	if fresh != nil {
		p.agent.logger.Info("new configuration", "configuration", p.entry.key.String(), "version", fresh.version(), "content_type", fresh.contentType)
		if fresh.flagErr != nil {
			p.agent.logger.Warn("feature flags cannot be read; requests get 500", "configuration", p.entry.key.String(), "err", fresh.flagErr)
		}
		p.agent.saveBackup(p.entry.key, fresh)
	}
	p.fresh = false
	return news || fresh != nil
}

// sameRollout reports whether a and b describe the same state of a
// deployment, or both none.
func sameRollout(a, b *Rollout) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// waitForChange is how long each poll asks the service to wait for a
// change: POLL_INTERVAL, so that unchanged answers come as often as
// ordinary polls would, but at most the 60 s the service holds a poll (so
// every 60 s with a longer POLL_INTERVAL), in whole seconds and at least
// one (docs/WIRE.md §2.5).
func (p *poller) waitForChange() time.Duration {
	return max(min(p.agent.cfg.PollInterval, maxWaitForChange).Truncate(time.Second), time.Second)
}

// nextWait is how long to wait before the next poll: POLL_INTERVAL, or
// longer when the service asks. A session that asked for no minimum (a
// POLL_INTERVAL under 15 s) is not held to the service's default 60 s,
// which the service does not enforce then (docs/WIRE.md §7.7), so it polls every
// POLL_INTERVAL as docs/WIRE.md §4.4 says.
func (p *poller) nextWait(next time.Duration) time.Duration {
	interval := p.agent.cfg.PollInterval
	if requiredMinimumPollInterval(interval) == 0 {
		return interval
	}
	return max(interval, next)
}

func (p *poller) startSession(ctx context.Context) error {
	p.token = ""
	ctx, cancel := context.WithTimeout(ctx, p.agent.cfg.RequestTimeout)
	defer cancel()
	token, err := p.agent.client.StartSession(ctx, p.entry.key, requiredMinimumPollInterval(p.agent.cfg.PollInterval))
	if err != nil {
		return err
	}
	p.token, p.started, p.fresh = token, p.agent.clock.Now(), true
	return nil
}

// getLatest polls with the current token, asking the service to wait up
// to wait for a change, and moves on to the next token. The call may take
// REQUEST_TIMEOUT beyond the wait. On failure the token is kept: a call
// that never reached the service left it valid, and one that did is
// rejected on reuse, which starts a new session.
func (p *poller) getLatest(ctx context.Context, wait time.Duration) (*Latest, error) {
	ctx, cancel := context.WithTimeout(ctx, p.agent.cfg.RequestTimeout+wait)
	defer cancel()
	l, err := p.agent.client.GetLatest(ctx, p.token, wait)
	if err != nil {
		return nil, err
	}
	p.token = l.NextToken
	return l, nil
}

// requiredMinimumPollInterval is the RequiredMinimumPollIntervalInSeconds
// a session asks for: the poll interval when the service allows it, else
// none (0).
func requiredMinimumPollInterval(d time.Duration) int32 {
	if d < minRequiredPollInterval || d > maxRequiredPollInterval {
		return 0
	}
	return int32(d / time.Second)
}
