// Package auth decides who sent a request. Every wire surface (the control
// plane, the data plane and the admin API, through awsjson.Surface) calls
// an [Authenticator] before any operation runs; this is the one seam where
// signature verification (package sigv4) plugs in, and where the limits
// that apply before and after it wrap it: [RateLimited] per access key,
// [FailureLimited] per source address and key ID. [Operation] tells the
// authenticator what a request calls before it reads the body.
package auth

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"

	"github.com/appconfigd/appconfigd"
)

// Authenticator identifies the sender of a request, or returns an
// *appconfigd.Error (EMissingAuthentication, EUnrecognizedClient,
// EInvalidSignature, EAccessDenied) to refuse it.
type Authenticator interface {
	Authenticate(r *http.Request) (appconfigd.Principal, error)
}

// AcceptAll accepts every request as an admin without verifying its
// signature, for `--auth=off`. It takes the access key ID from a SigV4
// Authorization header when there is one, so logs can still say who called.
type AcceptAll struct{}

// Authenticate implements Authenticator.
func (AcceptAll) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	id := accessKeyID(r.Header.Get("Authorization"))
	return appconfigd.Principal{AccessKeyID: id, Name: id, Role: appconfigd.RoleAdmin}, nil
}

// accessKeyID extracts the access key ID from
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/appconfig/aws4_request, ...".
func accessKeyID(authorization string) string {
	_, cred, ok := strings.Cut(authorization, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(cred, "/")
	return id
}

// SecretVerifier checks an access key ID and its secret access key.
type SecretVerifier interface {
	VerifySecret(accessKeyID, secret string) (appconfigd.Principal, bool)
}

// BasicOr accepts HTTP Basic credentials, the access key ID as user name
// and the secret access key as password, for webhook senders that cannot
// sign requests (Prometheus Alertmanager), and hands every other request to
// Next. It is meant for appconfigd's admin API only, behind TLS.
type BasicOr struct {
	Keys SecretVerifier
	Next Authenticator
}

// Authenticate implements Authenticator.
func (b BasicOr) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		return b.Next.Authenticate(r)
	}
	p, ok := b.Keys.VerifySecret(id, secret)
	if !ok {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EUnrecognizedClient, "The security token included in the request is invalid.")
	}
	return p, nil
}

// RateLimited refuses requests of a principal beyond a steady rate with
// ThrottlingException, per access key, so that one misbehaving client
// cannot starve the others. It wraps the authenticator whose principals it
// counts; only authenticated keys get a bucket, so the set of buckets is
// bounded by the configured keys.
type RateLimited struct {
	Next Authenticator
	// PerSecond is the steady rate and Burst the bucket size.
	PerSecond float64
	Burst     int

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	// refused counts the requests refused, for the metrics.
	refused atomic.Uint64
}

// Refused returns how many requests l has refused.
func (l *RateLimited) Refused() uint64 { return l.refused.Load() }

// Authenticate implements Authenticator.
func (l *RateLimited) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	p, err := l.Next.Authenticate(r)
	if err != nil {
		return p, err
	}
	l.mu.Lock()
	lim := l.limiters[p.AccessKeyID]
	if lim == nil {
		if l.limiters == nil {
			l.limiters = make(map[string]*rate.Limiter)
		}
		lim = rate.NewLimiter(rate.Limit(l.PerSecond), l.Burst)
		l.limiters[p.AccessKeyID] = lim
	}
	l.mu.Unlock()
	if !lim.Allow() {
		l.refused.Add(1)
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EThrottling, "Rate exceeded")
	}
	return p, nil
}
