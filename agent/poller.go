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
}

// run polls until the agent stops: once at once, then after every
// interval the service asks for, or with backoff after a failure. A first
// fetch the caller's names made fail ends the poller and forgets the
// entry, so the next request asks again.
func (p *poller) run(ctx context.Context) {
	a, e := p.agent, p.entry
	failures := 0
	for first := true; ; first = false {
		wait, err := p.poll(ctx)
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
		select {
		case <-ctx.Done():
			return
		case <-a.clock.After(wait):
		}
	}
}

// poll polls once, starting a session when there is none, when the
// session is old, or when the service rejects its token, and returns how
// long to wait before the next poll.
func (p *poller) poll(ctx context.Context) (time.Duration, error) {
	if p.token == "" || p.agent.clock.Now().Sub(p.started) >= maxSessionAge {
		if err := p.startSession(ctx); err != nil {
			return 0, err
		}
	}
	l, err := p.getLatest(ctx)
	var badRequest *types.BadRequestException
	if errors.As(err, &badRequest) {
		// An expired, corrupted or reused token, or a poll the service
		// thinks too early: a new session's first poll is always
		// accepted (docs/WIRE.md §6 Q3, §7.2).
		p.agent.logger.Debug("token rejected; starting a new session", "configuration", p.entry.key.String(), "err", err)
		if err := p.startSession(ctx); err != nil {
			return 0, err
		}
		l, err = p.getLatest(ctx)
	}
	if err != nil {
		return 0, err
	}
	p.record(l)
	if p.entry.awaitingRolloutTarget() {
		// appconfigd sent the baseline of a deployment in progress
		// first and lets the session fetch the target at once, so that
		// entities get what they should from the first request on. A
		// server that does not allow it refuses without using up the
		// token; the target then comes with the next poll.
		if target, err := p.getLatest(ctx); err == nil {
			p.record(target)
			l = target
		} else {
			p.agent.logger.Debug("target of the deployment in progress not fetched at once", "configuration", p.entry.key.String(), "err", err)
		}
	}
	return p.nextWait(l.NextPollInterval), nil
}

// record applies an answer to the entry, logging and backing up a new
// configuration.
func (p *poller) record(l *Latest) {
	if fresh := p.entry.apply(l, p.fresh, p.agent.clock.Now()); fresh != nil {
		p.agent.logger.Info("new configuration", "configuration", p.entry.key.String(), "version", fresh.version(), "content_type", fresh.contentType)
		if fresh.flagErr != nil {
			p.agent.logger.Warn("feature flags cannot be read; requests get 500", "configuration", p.entry.key.String(), "err", fresh.flagErr)
		}
		p.agent.saveBackup(p.entry.key, fresh)
	}
	p.fresh = false
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

// getLatest polls with the current token and moves on to the next one. On
// failure the token is kept: a call that never reached the service left
// it valid, and one that did is rejected on reuse, which starts a new
// session.
func (p *poller) getLatest(ctx context.Context) (*Latest, error) {
	ctx, cancel := context.WithTimeout(ctx, p.agent.cfg.RequestTimeout)
	defer cancel()
	l, err := p.agent.client.GetLatest(ctx, p.token)
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
