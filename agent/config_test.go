package agent

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		vars   map[string]string
		change func(*Config)
	}{
		{"Defaults", nil, func(*Config) {}},
		{"HTTP", map[string]string{"HTTP_HOST": "0.0.0.0", "HTTP_PORT": "8080"}, func(c *Config) { c.HTTPHost, c.HTTPPort = "0.0.0.0", 8080 }},
		{"PollIntervalSeconds", map[string]string{"POLL_INTERVAL": "60"}, func(c *Config) { c.PollInterval = time.Minute }},
		{"PollIntervalSuffixS", map[string]string{"POLL_INTERVAL": "60s"}, func(c *Config) { c.PollInterval = time.Minute }},
		{"PollIntervalSuffixM", map[string]string{"POLL_INTERVAL": "1m"}, func(c *Config) { c.PollInterval = time.Minute }},
		{"PollIntervalSuffixH", map[string]string{"POLL_INTERVAL": "1h"}, func(c *Config) { c.PollInterval = time.Hour }},
		{"RequestTimeoutMillis", map[string]string{"REQUEST_TIMEOUT": "1500"}, func(c *Config) { c.RequestTimeout = 1500 * time.Millisecond }},
		{"RequestTimeoutSuffixMs", map[string]string{"REQUEST_TIMEOUT": "250ms"}, func(c *Config) { c.RequestTimeout = 250 * time.Millisecond }},
		{"RequestTimeoutSuffixS", map[string]string{"REQUEST_TIMEOUT": "5s"}, func(c *Config) { c.RequestTimeout = 5 * time.Second }},
		{"Prefetch", map[string]string{"PREFETCH_LIST": "App:Env:Config, abcd123:efgh456:ijkl789,"}, func(c *Config) {
			c.Prefetch = []Key{{"App", "Env", "Config"}, {"abcd123", "efgh456", "ijkl789"}}
		}},
		{"PrefetchPaths", map[string]string{"PREFETCH_LIST": "/applications/a%2Fb/environments/e/configurations/c"}, func(c *Config) {
			c.Prefetch = []Key{{"a/b", "e", "c"}}
		}},
		{"Backups", map[string]string{"BACKUP_DIRECTORY": "/var/backups", "PRELOAD_BACKUPS": "false"}, func(c *Config) {
			c.BackupDirectory, c.PreloadBackups = "/var/backups", false
		}},
		{"LocalDevelopment", map[string]string{"LOCAL_DEVELOPMENT_DIRECTORY": "/tmp/local_configs"}, func(c *Config) { c.LocalDevelopmentDirectory = "/tmp/local_configs" }},
		{"AccessToken", map[string]string{"ACCESS_TOKEN": "MyAccessToken"}, func(c *Config) { c.AccessToken = "MyAccessToken" }},
		{"LogLevelTrace", map[string]string{"LOG_LEVEL": "TRACE"}, func(c *Config) { c.LogLevel = LevelTrace }},
		{"LogLevelWarn", map[string]string{"LOG_LEVEL": "Warn"}, func(c *Config) { c.LogLevel = slog.LevelWarn }},
		{"LogLevelNone", map[string]string{"LOG_LEVEL": "none"}, func(c *Config) { c.LogLevel = LevelNone }},
		{"Region", map[string]string{"SERVICE_REGION": "eu-west-1"}, func(c *Config) { c.ServiceRegion = "eu-west-1" }},
		{"MaxConnections", map[string]string{"MAX_CONNECTIONS": "10"}, func(c *Config) { c.MaxConnections = 10 }},
		{"Unsupported", map[string]string{"MANIFEST": "file:/m.json", "ROLE_ARN": "arn"}, func(c *Config) { c.Unsupported = []string{"MANIFEST", "ROLE_ARN"} }},
		{"LambdaExtensionNames", map[string]string{
			"AWS_APPCONFIG_EXTENSION_HTTP_PORT":             "2773",
			"AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS": "30",
			"AWS_APPCONFIG_EXTENSION_POLL_TIMEOUT_MILLIS":   "500",
			"AWS_APPCONFIG_EXTENSION_PREFETCH_LIST":         "App:Env:Config",
			"AWS_APPCONFIG_EXTENSION_LOG_LEVEL":             "debug",
			"AWS_APPCONFIG_EXTENSION_ROLE_ARN":              "arn",
		}, func(c *Config) {
			c.HTTPPort, c.PollInterval, c.RequestTimeout = 2773, 30*time.Second, 500*time.Millisecond
			c.Prefetch, c.LogLevel = []Key{{"App", "Env", "Config"}}, slog.LevelDebug
			c.Unsupported = []string{"AWS_APPCONFIG_EXTENSION_ROLE_ARN"}
		}},
		{"AgentNameWins", map[string]string{"POLL_INTERVAL": "20", "AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS": "30"}, func(c *Config) { c.PollInterval = 20 * time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ConfigFromEnv(env(tt.vars))
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			want := DefaultConfig()
			tt.change(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ConfigFromEnv (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigFromEnvErrors: a bad value is an error that names its
// variable.
func TestConfigFromEnvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, variable, value string
	}{
		{"PortNotNumber", "HTTP_PORT", "http"},
		{"PortTooLarge", "HTTP_PORT", "65536"},
		{"PollIntervalZero", "POLL_INTERVAL", "0"},
		{"PollIntervalFraction", "POLL_INTERVAL", "1.5m"},
		{"PollIntervalUnit", "POLL_INTERVAL", "10ms"},
		{"PollIntervalNegative", "POLL_INTERVAL", "-5"},
		{"PollIntervalOverflow", "POLL_INTERVAL", "99999999999999999h"},
		{"RequestTimeoutUnit", "REQUEST_TIMEOUT", "1m"},
		{"RequestTimeoutWord", "REQUEST_TIMEOUT", "soon"},
		{"PrefetchTwoParts", "PREFETCH_LIST", "App:Env"},
		{"PrefetchEmptyPart", "PREFETCH_LIST", "App::Config"},
		{"PrefetchBadPath", "PREFETCH_LIST", "/applications/a/configurations/c"},
		{"PreloadBackups", "PRELOAD_BACKUPS", "maybe"},
		{"LogLevel", "LOG_LEVEL", "verbose"},
		{"MaxConnectionsZero", "MAX_CONNECTIONS", "0"},
		{"LambdaExtensionPollInterval", "AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS", "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ConfigFromEnv(env(map[string]string{tt.variable: tt.value}))
			if err == nil || !strings.Contains(err.Error(), tt.variable) || !strings.Contains(err.Error(), tt.value) {
				t.Errorf("ConfigFromEnv(%s=%q) = %v; want an error naming %s and the value", tt.variable, tt.value, err, tt.variable)
			}
		})
	}
	t.Run("EveryBadVariable", func(t *testing.T) {
		t.Parallel()
		_, err := ConfigFromEnv(env(map[string]string{"HTTP_PORT": "x", "LOG_LEVEL": "y"}))
		if err == nil || !strings.Contains(err.Error(), "HTTP_PORT") || !strings.Contains(err.Error(), "LOG_LEVEL") {
			t.Errorf("ConfigFromEnv = %v; want an error naming HTTP_PORT and LOG_LEVEL", err)
		}
	})
}
