package agent

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"
)

func TestLocalContentType(t *testing.T) {
	t.Parallel()
	tests := []struct{ ext, want string }{
		{"", "application/octet-stream"},
		{"json", "application/json"},
		{"JSON", "application/json"},
		{"text%plain", "text/plain"},
		{"application%x-yaml", "application/x-yaml"},
		{"application%ion%type=AWS.AppConfig.FeatureFlags", "application/ion;type=AWS.AppConfig.FeatureFlags"},
		{"text%plain%charset=utf-8%format=flowed", "text/plain;charset=utf-8;format=flowed"},
		{"txt", "application/octet-stream"},
		{"%plain", "application/octet-stream"},
		{"text%", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := localContentType(tt.ext); got != tt.want {
			t.Errorf("localContentType(%q) = %q; want %q", tt.ext, got, tt.want)
		}
	}
}

// writeFile writes a file in dir.
func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestLocalDevelopment: LOCAL_DEVELOPMENT_DIRECTORY files are served by
// name with the content type their extension says, re-read every poll
// interval, and the service is never called (the agent has no client).
func TestLocalDevelopment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "Mobile:Development:Flags.json", `{"ui_refresh":{"enabled":true}}`)
	writeFile(t, dir, "Mobile:Development:Raw", "raw bytes")
	writeFile(t, dir, "Mobile:Development:Text.text%plain", "hello")
	writeFile(t, dir, "Mobile:Development:Dotted.name.json", `{"dotted":true}`)
	writeFile(t, dir, "Mobile:Development:MV.application%ion%type=AWS.AppConfig.FeatureFlags", multiVariantFlags.content)
	writeFile(t, dir, "README", "not a configuration")
	cfg := DefaultConfig()
	cfg.LocalDevelopmentDirectory = dir

	tests := []struct {
		name     string
		target   string
		header   []string
		want     int
		wantBody string
		wantType string
	}{
		{"JSON", "/applications/Mobile/environments/Development/configurations/Flags", nil, http.StatusOK, `{"ui_refresh":{"enabled":true}}`, "application/json"},
		{"JSONFlag", "/applications/Mobile/environments/Development/configurations/Flags?flag=ui_refresh", nil, http.StatusOK, `{"ui_refresh":{"enabled":true}}`, "application/json"},
		{"NoExtension", "/applications/Mobile/environments/Development/configurations/Raw", nil, http.StatusOK, "raw bytes", "application/octet-stream"},
		{"TypeSubtype", "/applications/Mobile/environments/Development/configurations/Text", nil, http.StatusOK, "hello", "text/plain"},
		{"DotInName", "/applications/Mobile/environments/Development/configurations/Dotted.name", nil, http.StatusOK, `{"dotted":true}`, "application/json"},
		{"MultiVariant", "/applications/Mobile/environments/Development/configurations/MV?flag=ui_refresh", []string{"Context", "country=US"}, http.StatusOK,
			`{"ui_refresh":{"_variant":"US","color":"red","enabled":true}}`, "application/json"},
		{"Missing", "/applications/Mobile/environments/Development/configurations/Nope", nil, http.StatusNotFound, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				a := startAgent(t, cfg, nil)
				w := a.get(t, tt.target, tt.header...)
				checkStatus(t, w, tt.want)
				if tt.want != http.StatusOK {
					return
				}
				if !jsonEqual(t, w.Body.String(), tt.wantBody) && w.Body.String() != tt.wantBody {
					t.Errorf("body = %q; want %q", w.Body.String(), tt.wantBody)
				}
				if got := w.Header().Get("Content-Type"); got != tt.wantType {
					t.Errorf("Content-Type = %q; want %q", got, tt.wantType)
				}
			})
		})
	}
}

// TestLocalDevelopmentReread: editing a file deploys it at the next poll
// interval.
func TestLocalDevelopmentReread(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a:e:p", "one")
	cfg := DefaultConfig()
	cfg.LocalDevelopmentDirectory = dir
	synctest.Test(t, func(t *testing.T) {
		a := startAgent(t, cfg, nil)
		checkBody(t, a.get(t, "/applications/a/environments/e/configurations/p"), "one")
		writeFile(t, dir, "a:e:p", "two")
		writeFile(t, dir, "a:e:q", "new")
		time.Sleep(cfg.PollInterval - time.Second)
		checkBody(t, a.get(t, "/applications/a/environments/e/configurations/p"), "one")
		time.Sleep(time.Second)
		synctest.Wait()
		checkBody(t, a.get(t, "/applications/a/environments/e/configurations/p"), "two")
		checkBody(t, a.get(t, "/applications/a/environments/e/configurations/q"), "new")
	})
}

// TestLocalDevelopmentMissingDirectory: Run fails when the directory
// cannot be read at start.
func TestLocalDevelopmentMissingDirectory(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.LocalDevelopmentDirectory = filepath.Join(t.TempDir(), "nope")
	synctest.Test(t, func(t *testing.T) {
		if err := New(cfg, nil, testLogger(t), SystemClock{}).Run(t.Context()); err == nil {
			t.Error("Run = nil; want an error for a missing directory")
		}
	})
}
