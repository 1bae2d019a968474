package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/metrics"
)

func TestOperation(t *testing.T) {
	t.Parallel()

	t.Run("ResolvedOnce", func(t *testing.T) {
		t.Parallel()
		m := metrics.New()
		if a, b := m.Operation("data", "GetLatestConfiguration"), m.Operation("data", "GetLatestConfiguration"); a != b {
			t.Error("Operation returned two series for one operation")
		}
		if a, b := m.Operation("data", "GetLatestConfiguration"), m.Operation("control", "GetLatestConfiguration"); a == b {
			t.Error("Operation returned one series for two surfaces")
		}
	})

	t.Run("CountsByCode", func(t *testing.T) {
		t.Parallel()
		m := metrics.New()
		op := m.Operation("control", "ListApplications")
		op.Observe(200, time.Millisecond)
		op.Observe(200, time.Millisecond)
		op.Observe(403, time.Millisecond)
		want := `
# HELP appconfigd_http_requests_total HTTP requests answered, by surface, operation and status code.
# TYPE appconfigd_http_requests_total counter
appconfigd_http_requests_total{code="200",operation="ListApplications",surface="control"} 2
appconfigd_http_requests_total{code="403",operation="ListApplications",surface="control"} 1
`
		if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "appconfigd_http_requests_total"); err != nil {
			t.Error(err)
		}
	})

	t.Run("ThrottledPollIsAPollOutcome", func(t *testing.T) {
		t.Parallel()
		m := metrics.New()
		m.WatchDataPlane(new(appconfigd.DataPlaneCounts))
		m.Operation("data", "GetLatestConfiguration").Observe(http.StatusTooManyRequests, time.Millisecond)
		m.Operation("control", "ListApplications").Observe(http.StatusTooManyRequests, time.Millisecond)
		want := `
# HELP appconfigd_polls_total GetLatestConfiguration requests, by outcome.
# TYPE appconfigd_polls_total counter
appconfigd_polls_total{outcome="abandoned"} 0
appconfigd_polls_total{outcome="corrupted"} 0
appconfigd_polls_total{outcome="denied"} 0
appconfigd_polls_total{outcome="expired"} 0
appconfigd_polls_total{outcome="failed"} 0
appconfigd_polls_total{outcome="full"} 0
appconfigd_polls_total{outcome="not_found"} 0
appconfigd_polls_total{outcome="reused"} 0
appconfigd_polls_total{outcome="throttled"} 1
appconfigd_polls_total{outcome="too_early"} 0
appconfigd_polls_total{outcome="unchanged"} 0
appconfigd_polls_total{outcome="wait_refused"} 0
`
		if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "appconfigd_polls_total"); err != nil {
			t.Error(err)
		}
	})
}

// failingAuthenticator refuses every request with err.
type failingAuthenticator struct{ err error }

func (f failingAuthenticator) Authenticate(*http.Request) (appconfigd.Principal, error) {
	return appconfigd.Principal{}, f.err
}

func TestCountAuthFailures(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	r := httptest.NewRequest(http.MethodGet, "/applications", nil)
	for _, err := range []error{
		appconfigd.Errorf(appconfigd.EMissingAuthentication, "Missing Authentication Token"),
		appconfigd.Errorf(appconfigd.EUnrecognizedClient, "The security token included in the request is invalid."),
		appconfigd.Errorf(appconfigd.EInvalidSignature, "Signature expired"),
		appconfigd.Errorf(appconfigd.EInvalidSignature, "The request signature we calculated does not match"),
		// Not a failure of the credentials: not counted.
		appconfigd.Errorf(appconfigd.EPayloadTooLarge, "too large"),
	} {
		_, _ = m.CountAuthFailures(failingAuthenticator{err}).Authenticate(r)
	}
	want := `
# HELP appconfigd_auth_failures_total Requests whose credentials were refused, by reason.
# TYPE appconfigd_auth_failures_total counter
appconfigd_auth_failures_total{reason="bad_signature"} 2
appconfigd_auth_failures_total{reason="missing_authentication"} 1
appconfigd_auth_failures_total{reason="unknown_key"} 1
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "appconfigd_auth_failures_total"); err != nil {
		t.Error(err)
	}
}

func TestWatchRefusals(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	refused := uint64(3)
	m.WatchRefusals(metrics.LimiterRate, func() uint64 { return refused })
	m.WatchRefusals(metrics.LimiterLoadShed, func() uint64 { return 0 })
	refused = 4
	want := `
# HELP appconfigd_requests_refused_total Requests refused with ThrottlingException, by limiter.
# TYPE appconfigd_requests_refused_total counter
appconfigd_requests_refused_total{limiter="load_shed"} 0
appconfigd_requests_refused_total{limiter="rate_limit"} 4
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "appconfigd_requests_refused_total"); err != nil {
		t.Error(err)
	}
}

// BenchmarkObserveRequest is what the metrics add to every request: the
// lookup of the operation's series and the count of one answer.
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New()
	for _, name := range []string{"StartConfigurationSession", "GetLatestConfiguration"} {
		m.Operation("data", name).Observe(http.StatusOK, time.Millisecond)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Operation("data", "GetLatestConfiguration").Observe(http.StatusOK, 30*time.Microsecond)
		}
	})
}
