package daemon

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/appconfigd/appconfigd/agent"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// startAgentOn runs an agent with ACCESS_TOKEN token polling d, serving
// agentRoutes, until the test ends, and returns its URL.
func startAgentOn(t *testing.T, d *Daemon, token string) string {
	t.Helper()
	cfg := agent.DefaultConfig()
	cfg.AccessToken = token
	awsCfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		BaseEndpoint: aws.String(d.URL()),
	}
	a := agent.New(cfg, agent.NewDataClient(awsCfg, cfg), slog.New(slog.NewTextHandler(io.Discard, nil)), agent.SystemClock{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	srv := httptest.NewServer(agentRoutes(a))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent Run: %v", err)
		}
	})
	return srv.URL
}

// agentGet sends GET url with the bearer token and returns the status
// and body.
func agentGet(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// TestAgentMetricsServed: the agent serves its metrics at GET /metrics
// next to its API, behind the same ACCESS_TOKEN; the configurations it
// caches have an age and made-up names none, and promtool accepts the
// output.
func TestAgentMetricsServed(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	p := deployProfile(t, d)
	const token = "agent-token"
	url := startAgentOn(t, d, token)
	configPath := "/applications/" + p.app + "/environments/" + p.env + "/configurations/" + p.profile
	if status, body := agentGet(t, url+configPath, token); status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", configPath, status, body)
	}
	if status, body := agentGet(t, url+"/applications/made/environments/up/configurations/name", token); status != http.StatusNotFound {
		t.Errorf("GET a made-up configuration: %d %s; want 404", status, body)
	}
	if status, _ := agentGet(t, url+metricsPath, ""); status != http.StatusUnauthorized {
		t.Errorf("GET /metrics without the token: %d; want 401", status)
	}
	status, body := agentGet(t, url+metricsPath, token)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", status, body)
	}
	ages := regexp.MustCompile(`(?m)^appconfigd_agent_cache_age_seconds\{(.*)\} `).FindAllStringSubmatch(body, -1)
	want := `application="` + p.app + `",environment="` + p.env + `",profile="` + p.profile + `"`
	if len(ages) != 1 || ages[0][1] != want {
		t.Errorf("cache age series = %q; want one, {%s}", ages, want)
	}
	for _, line := range []string{`appconfigd_agent_poll_failures_total{reason="rejected"} 1`, "appconfigd_agent_backups_served_total 0", "appconfigd_build_info{"} {
		if !strings.Contains(body, line) {
			t.Errorf("metrics lack %s:\n%s", line, body)
		}
	}

	promtool := apptest.NeedCommand(t, "promtool", "install Debian's prometheus package (.ci/deps does)")
	cmd := exec.CommandContext(t.Context(), promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s\non:\n%s", err, out.String(), body)
	}
}
