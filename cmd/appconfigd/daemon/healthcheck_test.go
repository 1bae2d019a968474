package daemon

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	status := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(code)
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/healthz"
	}
	for _, tt := range []struct {
		name     string
		url      string
		wantCode int
		wantErr  string
	}{
		{"Healthy", status(http.StatusOK), 0, ""},
		{"Unhealthy", status(http.StatusServiceUnavailable), 1, "503 Service Unavailable"},
		{"NotListening", "http://127.0.0.1:1/healthz", 1, "connection refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			code := runHealthcheck(context.Background(), []string{"--url", tt.url}, &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
		})
	}
}

// TestHelpListsTheOperatorsCommands checks that appconfigd help names
// the commands an operator runs beside serve.
func TestHelpListsTheOperatorsCommands(t *testing.T) {
	t.Parallel()
	var stdout, stderr apptest.Buffer
	if code := Run(context.Background(), []string{"help"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"appconfigd backup --to FILE", "appconfigd restore --from FILE", "appconfigd config print", "appconfigd version", "appconfigd healthcheck", "APPCONFIGD_<NAME>", "Flags of backup:", "Flags of restore:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("appconfigd help does not mention %q", want)
		}
	}
}
