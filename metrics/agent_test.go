package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/appconfigd/appconfigd/agent"
	"github.com/appconfigd/appconfigd/metrics"
)

// agentService serves one configuration, app:env:profile, and knows no
// other; while down is set every call fails.
type agentService struct{ down atomic.Bool }

var errRefused = errors.New("connection refused")

func (s *agentService) StartSession(_ context.Context, k agent.Key, _ int32) (string, error) {
	switch {
	case s.down.Load():
		return "", errRefused
	case k != agent.Key{Application: "app", Environment: "env", Profile: "profile"}:
		return "", &types.ResourceNotFoundException{Message: aws.String("not found")}
	}
	return "token", nil
}

func (s *agentService) GetLatest(context.Context, string, time.Duration) (*agent.Latest, error) {
	if s.down.Load() {
		return nil, errRefused
	}
	return &agent.Latest{Configuration: []byte("{}"), ContentType: "application/json", NextToken: "token"}, nil
}

// TestAgentMetrics: the agent's cache ages, failed polls and backups
// served, as a scrape reads them.
func TestAgentMetrics(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		svc := &agentService{}
		cfg := agent.DefaultConfig()
		a := agent.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), agent.SystemClock{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
		m := metrics.NewAgent(a)
		h := a.Handler()
		for _, path := range []string{
			"/applications/app/environments/env/configurations/profile",
			// Made-up names: counted as rejected polls, no cache age.
			"/applications/made/environments/up/configurations/one",
			"/applications/made/environments/up/configurations/two",
		} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
		}
		svc.down.Store(true)
		time.Sleep(cfg.PollInterval + 1500*time.Millisecond)
		synctest.Wait()
		want := `
# HELP appconfigd_agent_backups_served_total Answers served from a backup (BACKUP_DIRECTORY) before the service answered for their configuration.
# TYPE appconfigd_agent_backups_served_total counter
appconfigd_agent_backups_served_total 0
# HELP appconfigd_agent_cache_age_seconds Seconds since the service last answered for a cached configuration.
# TYPE appconfigd_agent_cache_age_seconds gauge
appconfigd_agent_cache_age_seconds{application="app",environment="env",profile="profile"} 46.5
# HELP appconfigd_agent_poll_failures_total Failed calls to AppConfigData, by reason.
# TYPE appconfigd_agent_poll_failures_total counter
appconfigd_agent_poll_failures_total{reason="error"} 2
appconfigd_agent_poll_failures_total{reason="rejected"} 2
appconfigd_agent_poll_failures_total{reason="timeout"} 0
`
		if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want),
			"appconfigd_agent_backups_served_total", "appconfigd_agent_cache_age_seconds", "appconfigd_agent_poll_failures_total"); err != nil {
			t.Error(err)
		}
		if n, err := testutil.GatherAndCount(m.Gatherer(), "appconfigd_build_info", "go_goroutines", "process_start_time_seconds"); err != nil || n != 3 {
			t.Errorf("build, Go and process metrics: %d series (%v); want them all", n, err)
		}
	})
}
