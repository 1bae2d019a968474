package daemon

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// getenv returns a getenv over vars.
func getenv(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// TestRunAgent runs appconfigd agent in local development mode on a free
// port: it prints where it listens, serves the directory's files, and
// exits 0 when its context ends.
func TestRunAgent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "App:Env:Profile.json"), []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HTTP_PORT": "0", "LOCAL_DEVELOPMENT_DIRECTORY": dir, "ACCESS_TOKEN": "tok", "LOG_LEVEL": "none"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The agent prints one line, where it listens, once it does.
	stdout, printed := io.Pipe()
	var stderr apptest.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runAgent(ctx, nil, getenv(vars), printed, &stderr)
		printed.Close()
	}()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no endpoint printed; stdout %q, stderr %q", line, stderr.String())
	}
	url := m[1]
	req, err := http.NewRequest(http.MethodGet, url+"/applications/App/environments/Env/configurations/Profile", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"a":1}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET = %d %s %q; want 200 application/json {\"a\":1}", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after shutdown = %d; want 0; stderr %q", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("agent did not shut down")
	}
}

// TestRunAgentFails: bad variables and arguments exit 2 naming what is
// wrong; an agent that cannot start exits 1.
func TestRunAgentFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		vars     map[string]string
		wantCode int
		wantErr  string
	}{
		{"BadPollInterval", nil, map[string]string{"POLL_INTERVAL": "often"}, 2, "POLL_INTERVAL"},
		{"BadPort", nil, map[string]string{"HTTP_PORT": "99999"}, 2, "HTTP_PORT"},
		{"BadLogLevel", nil, map[string]string{"LOG_LEVEL": "loud"}, 2, "LOG_LEVEL"},
		{"Argument", []string{"--port", "1"}, nil, 2, "unexpected argument"},
		{"MissingLocalDirectory", nil, map[string]string{"HTTP_PORT": "0", "LOCAL_DEVELOPMENT_DIRECTORY": "/nonexistent/appconfigd-agent"}, 1, "nonexistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			if code := runAgent(context.Background(), tt.args, getenv(tt.vars), &stdout, &stderr); code != tt.wantCode {
				t.Errorf("exit code = %d; want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestRunAgentHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr apptest.Buffer
	if code := Run(context.Background(), []string{"agent", "-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("exit code = %d; want 0", code)
	}
	for _, want := range []string{"POLL_INTERVAL", "PREFETCH_LIST", "AWS_ENDPOINT_URL_APPCONFIGDATA"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("agent help does not mention %s", want)
		}
	}
}
