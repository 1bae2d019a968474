package daemon

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	dto "github.com/prometheus/client_model/go"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// series returns the series of name d has with labels.
func series(t *testing.T, d *Daemon, name string, labels map[string]string) []*dto.Metric {
	t.Helper()
	families, err := d.metrics.Gatherer().Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	var out []*dto.Metric
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				out = append(out, m)
			}
		}
	}
	return out
}

// metricValue returns the value of the series name{labels} of d: a
// counter's or gauge's value, a histogram's count; 0 while there is no
// such series.
func metricValue(t *testing.T, d *Daemon, name string, labels map[string]string) float64 {
	t.Helper()
	for _, m := range series(t, d, name, labels) {
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// appconfigdSeries returns the number of appconfigd's own series on d.
func appconfigdSeries(t *testing.T, d *Daemon) int {
	t.Helper()
	families, err := d.metrics.Gatherer().Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	n := 0
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "appconfigd_") {
			n += len(f.GetMetric())
		}
	}
	return n
}

// waitForRequests waits until d has counted n requests in all, and fails
// the test if it counts another number. A request is counted once its
// handler has returned, which may be after its client has the answer.
func waitForRequests(t *testing.T, d *Daemon, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		families, err := d.metrics.Gatherer().Gather()
		if err != nil {
			t.Fatalf("gather metrics: %v", err)
		}
		var got float64
		for _, f := range families {
			if f.GetName() == "appconfigd_http_requests_total" {
				for _, m := range f.GetMetric() {
					got += m.GetCounter().GetValue()
				}
			}
		}
		if got == float64(n) {
			return
		}
		if got > float64(n) || time.Now().After(deadline) {
			t.Fatalf("requests counted: %v, want %d", got, n)
		}
	}
}

// scrape returns what GET url answers, unsigned, as a scraper asks.
func scrape(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// hostileRequestsEach is how many requests hostileRequests sends each
// time over.
const hostileRequestsEach = 8

// hostileRequests sends d what a hostile or broken client might, n times
// over: unsigned requests and requests with unknown keys to made-up
// paths, sessions for applications that do not exist, polls with garbage
// tokens, made-up console pages and console sign-ins with wrong secrets. Every request differs, so that any label taken from a request
// would add a series.
func hostileRequests(t *testing.T, d *Daemon, n int) {
	t.Helper()
	strangers := appconfigdata.New(appconfigdata.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSTRANGER", "not-a-secret", ""),
		BaseEndpoint: aws.String(d.URL()),
		Retryer:      aws.NopRetryer{},
	})
	for i := range n {
		for _, method := range []string{http.MethodGet, http.MethodPost, "BREW"} {
			req, err := http.NewRequestWithContext(t.Context(), method, fmt.Sprintf("%s/no-such-path-%d/%x", d.URL(), i, i*7919), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s made-up path: %v", method, err)
			}
			resp.Body.Close()
		}
		// Not following the redirect to the sign-in page: one request.
		noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirects.Get(fmt.Sprintf("%s/console/applications/no-such-app-%d/environments/%x", d.URL(), i, i*7919))
		if err != nil {
			t.Fatalf("made-up console page: %v", err)
		}
		resp.Body.Close()
		resp, err = http.PostForm(d.URL()+"/console/signin", url.Values{"access_key_id": {fmt.Sprintf("AKIDGUESS%d", i)}, "secret_access_key": {"guessed-secret-0123456789"}})
		if err != nil {
			t.Fatalf("console sign-in: %v", err)
		}
		resp.Body.Close()
		if _, err := dataClient(d.URL()).StartConfigurationSession(t.Context(), &appconfigdata.StartConfigurationSessionInput{
			ApplicationIdentifier:          aws.String(fmt.Sprintf("no-such-app-%d", i)),
			EnvironmentIdentifier:          aws.String(fmt.Sprintf("env-%d", i)),
			ConfigurationProfileIdentifier: aws.String(fmt.Sprintf("profile-%d", i)),
		}); err == nil {
			t.Fatal("StartConfigurationSession for an application that does not exist succeeded")
		}
		if _, err := dataClient(d.URL()).GetLatestConfiguration(t.Context(), &appconfigdata.GetLatestConfigurationInput{
			ConfigurationToken: aws.String(fmt.Sprintf("garbage-token-%d", i)),
		}); err == nil {
			t.Fatal("GetLatestConfiguration with a garbage token succeeded")
		}
		if _, err := strangers.GetLatestConfiguration(t.Context(), &appconfigdata.GetLatestConfigurationInput{
			ConfigurationToken: aws.String(fmt.Sprintf("stranger-token-%d", i)),
		}); err == nil {
			t.Fatal("GetLatestConfiguration signed with an unknown key succeeded")
		}
	}
}

func TestMetricsCountRealRequests(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	token := startSession(t, d)
	next := poll(t, d, token)
	poll(t, d, next)
	checkReused(t, d, next)
	unsigned, err := http.Get(d.URL() + "/applications")
	if err != nil {
		t.Fatal(err)
	}
	unsigned.Body.Close()
	wrongSecret := appconfig.New(appconfig.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, "the-wrong-secret", ""),
		BaseEndpoint: aws.String(d.URL()),
		Retryer:      aws.NopRetryer{},
	})
	if _, err := wrongSecret.ListApplications(t.Context(), &appconfig.ListApplicationsInput{}); err == nil {
		t.Fatal("ListApplications signed with the wrong secret succeeded")
	}
	hostileRequests(t, d, 1)
	// Four to start the session, three polls, two refused requests, eight
	// hostile ones.
	waitForRequests(t, d, 17)

	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"appconfigd_http_requests_total", map[string]string{"surface": "control", "operation": "CreateApplication", "code": "201"}, 1},
		{"appconfigd_http_requests_total", map[string]string{"surface": "data", "operation": "StartConfigurationSession", "code": "201"}, 1},
		{"appconfigd_http_requests_total", map[string]string{"surface": "data", "operation": "StartConfigurationSession", "code": "404"}, 1},
		{"appconfigd_http_requests_total", map[string]string{"surface": "data", "operation": "GetLatestConfiguration", "code": "200"}, 2},
		{"appconfigd_http_requests_total", map[string]string{"surface": "data", "operation": "GetLatestConfiguration", "code": "400"}, 2},
		{"appconfigd_http_requests_total", map[string]string{"surface": "data", "operation": "GetLatestConfiguration", "code": "403"}, 1},
		{"appconfigd_http_requests_total", map[string]string{"surface": "control", "operation": "ListApplications", "code": "403"}, 2},
		{"appconfigd_http_requests_total", map[string]string{"surface": "unknown", "operation": "unknown", "code": "404"}, 3},
		{"appconfigd_http_requests_total", map[string]string{"surface": "console", "operation": "console", "code": "303"}, 1},
		{"appconfigd_http_requests_total", map[string]string{"surface": "console", "operation": "console", "code": "401"}, 1},
		{"appconfigd_http_request_duration_seconds", map[string]string{"surface": "data", "operation": "GetLatestConfiguration"}, 5},
		{"appconfigd_polls_total", map[string]string{"outcome": "unchanged"}, 2},
		{"appconfigd_polls_total", map[string]string{"outcome": "reused"}, 1},
		{"appconfigd_polls_total", map[string]string{"outcome": "corrupted"}, 1},
		{"appconfigd_polls_total", map[string]string{"outcome": "full"}, 0},
		{"appconfigd_sessions_started_total", nil, 1},
		{"appconfigd_auth_failures_total", map[string]string{"reason": "missing_authentication"}, 1},
		{"appconfigd_auth_failures_total", map[string]string{"reason": "bad_signature"}, 1},
		// The stranger's poll and the console sign-in with a made-up key.
		{"appconfigd_auth_failures_total", map[string]string{"reason": "unknown_key"}, 2},
		{"appconfigd_requests_refused_total", map[string]string{"limiter": "auth_failures"}, 0},
		{"appconfigd_build_info", nil, 1},
	} {
		if got := metricValue(t, d, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
}

func TestMetricsCountThrottledPolls(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 5 })
	token := startSession(t, d) // four requests of the burst
	poll(t, d, token)
	if _, err := dataClient(d.URL()).GetLatestConfiguration(t.Context(), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)}); err == nil {
		t.Fatal("poll beyond the burst succeeded")
	}
	waitForRequests(t, d, 6)
	if got := metricValue(t, d, "appconfigd_polls_total", map[string]string{"outcome": "throttled"}); got != 1 {
		t.Errorf("throttled polls = %v, want 1", got)
	}
	if got := metricValue(t, d, "appconfigd_requests_refused_total", map[string]string{"limiter": "rate_limit"}); got != 1 {
		t.Errorf("requests refused by the rate limit = %v, want 1", got)
	}
}

// TestMetricsCountLoadShedding holds the only slot for requests with a
// body with one whose body never arrives, and sends more: those refused
// are counted as refused by load shedding, under the unknown labels (they
// are refused before their path is matched).
func TestMetricsCountLoadShedding(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.MaxInFlight, c.MaxQueueWait = 1, time.Millisecond })
	c := client(d.URL(), http.DefaultClient)
	waitFor(t, "a request refused by load shedding", func() bool {
		stallRequest(t, d.URL())
		_, _ = c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("behind-a-stalled-one")})
		return metricValue(t, d, "appconfigd_requests_refused_total", map[string]string{"limiter": "load_shed"}) > 0
	})
	// A refusal is counted before its answer is sent and the request
	// after: read the requests first, and wait for the answers to catch
	// up with the refusals.
	waitFor(t, "the refused requests counted as answered 429 under unknown labels", func() bool {
		answered := metricValue(t, d, "appconfigd_http_requests_total", map[string]string{"surface": "unknown", "operation": "unknown", "code": "429"})
		return answered == metricValue(t, d, "appconfigd_requests_refused_total", map[string]string{"limiter": "load_shed"})
	})
}

func TestMetricsHostileInputAddsNoSeries(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	// The first request of each kind may add the series of its status
	// code; the next ones may not.
	hostileRequests(t, d, 1)
	waitForRequests(t, d, hostileRequestsEach)
	before := appconfigdSeries(t, d)
	hostileRequests(t, d, 20)
	waitForRequests(t, d, 21*hostileRequestsEach)
	if after := appconfigdSeries(t, d); after != before {
		t.Errorf("appconfigd series: %d after hostile requests, want %d as before them", after, before)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()

	t.Run("MainListenerWithoutSignature", func(t *testing.T) {
		t.Parallel()
		d := openDaemon(t, func(c *Config) {})
		status, body := scrape(t, d.URL()+metricsPath)
		if status != http.StatusOK || !strings.Contains(body, "appconfigd_build_info{") {
			t.Fatalf("GET /metrics: %d\n%s\nwant 200 with appconfigd_build_info", status, body)
		}
		if !strings.Contains(body, "go_goroutines ") || !strings.Contains(body, "process_cpu_seconds_total ") {
			t.Errorf("GET /metrics lacks the Go or process collectors:\n%s", body)
		}
	})

	t.Run("SeparateListener", func(t *testing.T) {
		t.Parallel()
		d := openDaemon(t, func(c *Config) { c.MetricsListen = "127.0.0.1:0" })
		status, body := scrape(t, "http://"+d.MetricsAddr()+metricsPath)
		if status != http.StatusOK || !strings.Contains(body, "appconfigd_build_info{") {
			t.Fatalf("GET /metrics on --metrics-listen: %d\n%s\nwant 200 with appconfigd_build_info", status, body)
		}
		if status, body := scrape(t, d.URL()+metricsPath); status != http.StatusNotFound {
			t.Errorf("GET /metrics on --listen with --metrics-listen: %d %s, want 404", status, body)
		}
	})
}

func TestMetricsPassPromtool(t *testing.T) {
	t.Parallel()
	promtool := apptest.NeedCommand(t, "promtool", "install Debian's prometheus package (.ci/deps does)")
	d := openDaemon(t, func(c *Config) {})
	deployProfile(t, d)
	poll(t, d, startSession(t, d))
	hostileRequests(t, d, 5)
	// The fleet's series appear once the view is merged.
	if err := d.Service().FlushFleet(t.Context()); err != nil {
		t.Fatal(err)
	}
	status, body := scrape(t, d.URL()+metricsPath)
	if !strings.Contains(body, "appconfigd_fleet_sessions{") || !strings.Contains(body, `surface="console"`) {
		t.Fatalf("GET /metrics has no fleet or console series:\n%s", body)
	}
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", status, body)
	}
	cmd := exec.CommandContext(t.Context(), promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s\non:\n%s", err, out.String(), body)
	}
}
