package metrics

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/prometheus/client_golang/prometheus"
)

// The reasons of appconfigd_auth_failures_total, one per error code an
// authenticator refuses credentials with. Expired and skewed signatures
// are bad signatures: the verifier reports them with the same code, as
// AWS does.
var authFailureReasons = map[appconfigd.ErrorCode]string{
	appconfigd.EMissingAuthentication: "missing_authentication",
	appconfigd.EUnrecognizedClient:    "unknown_key",
	appconfigd.EInvalidSignature:      "bad_signature",
}

// authFailures counts failed authentications by reason.
type authFailures struct {
	byCode map[appconfigd.ErrorCode]prometheus.Counter
}

// init makes and registers the counters, every reason's at once, so that
// a failure adds to a counter and creates nothing.
func (a *authFailures) init(reg prometheus.Registerer) {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace,
		Name:      "auth_failures_total",
		Help:      "Requests whose credentials were refused, by reason.",
	}, []string{"reason"})
	reg.MustRegister(vec)
	a.byCode = make(map[appconfigd.ErrorCode]prometheus.Counter, len(authFailureReasons))
	for code, reason := range authFailureReasons {
		a.byCode[code] = vec.WithLabelValues(reason)
	}
}

// CountAuthFailures returns next counting the credentials it refuses by
// reason. Wrap the authenticator that checks credentials, inside any rate
// limiter, so that requests the limiters refuse unchecked are not counted
// as failures (WatchRefusals counts those).
func (m *Metrics) CountAuthFailures(next auth.Authenticator) auth.Authenticator {
	return countingAuthenticator{next: next, failures: m.auth.byCode}
}

type countingAuthenticator struct {
	next     auth.Authenticator
	failures map[appconfigd.ErrorCode]prometheus.Counter
}

// Authenticate implements auth.Authenticator.
func (c countingAuthenticator) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	p, err := c.next.Authenticate(r)
	if err != nil {
		for code, counter := range c.failures {
			if appconfigd.IsCode(err, code) {
				counter.Inc()
				break
			}
		}
	}
	return p, err
}

// Limiters whose refusals appconfigd_requests_refused_total counts.
const (
	// LimiterRate is the per-key rate limit (--rate-limit).
	LimiterRate = "rate_limit"
	// LimiterAuthFailures is the failed-authentication limiter
	// (--auth-failure-rate).
	LimiterAuthFailures = "auth_failures"
	// LimiterLoadShed is the bound on requests in flight
	// (--max-in-flight, --max-queue-wait).
	LimiterLoadShed = "load_shed"
)

// WatchRefusals reports refused, read at each scrape, as the requests
// limiter refused. Call it once per limiter, with one of the Limiter
// constants.
func (m *Metrics) WatchRefusals(limiter string, refused func() uint64) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace:   namespace,
		Name:        "requests_refused_total",
		Help:        "Requests refused with ThrottlingException, by limiter.",
		ConstLabels: prometheus.Labels{"limiter": limiter},
	}, func() float64 { return float64(refused()) }))
}
