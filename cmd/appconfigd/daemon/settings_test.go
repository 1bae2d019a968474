package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// writeSettings writes a configuration file of content and returns its
// path.
func writeSettings(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "appconfigd.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadSettings loads serve's settings from args and vars, failing the
// test when they are refused.
func loadSettings(t *testing.T, args []string, vars map[string]string) *serveOptions {
	t.Helper()
	var stderr apptest.Buffer
	opts, code, ok := loadServeSettings(args, getenv(vars), &stderr)
	if !ok {
		t.Fatalf("settings refused (exit %d): %s", code, stderr.String())
	}
	return opts
}

// refusedSettings loads serve's settings from args and vars, wants them
// refused with exit code 2, and returns the message.
func refusedSettings(t *testing.T, args []string, vars map[string]string) string {
	t.Helper()
	var stderr apptest.Buffer
	if _, code, ok := loadServeSettings(args, getenv(vars), &stderr); ok || code != 2 {
		t.Fatalf("settings accepted or exit %d; want refused with exit 2", code)
	}
	return stderr.String()
}

func TestSettings(t *testing.T) {
	t.Parallel()

	t.Run("FlagBeforeEnvironmentBeforeFileBeforeDefault", func(t *testing.T) {
		t.Parallel()
		file := writeSettings(t, "listen: 127.0.0.1:1001\ndata: /from/file\nregion: eu-west-1\n")
		vars := map[string]string{"APPCONFIGD_LISTEN": "127.0.0.1:1002", "APPCONFIGD_DATA": "/from/env"}
		opts := loadSettings(t, []string{"--config", file, "--listen", "127.0.0.1:1003"}, vars)
		c := opts.config
		for _, tt := range []struct{ name, got, want, source string }{
			{"listen", c.Listen, "127.0.0.1:1003", "flag"},
			{"data", c.DataDir, "/from/env", "$APPCONFIGD_DATA"},
			{"region", c.Region, "eu-west-1", "file " + file},
			{"account-id", c.AccountID, DefaultConfig().AccountID, "default"},
		} {
			if tt.got != tt.want || opts.sources[tt.name] != tt.source {
				t.Errorf("%s = %q from %q; want %q from %q", tt.name, tt.got, opts.sources[tt.name], tt.want, tt.source)
			}
		}
	})

	t.Run("ConfigFileFromTheEnvironment", func(t *testing.T) {
		t.Parallel()
		file := writeSettings(t, "token-ttl: 2h\n")
		opts := loadSettings(t, nil, map[string]string{"APPCONFIGD_CONFIG": file})
		if opts.config.TokenTTL != 2*time.Hour {
			t.Errorf("token TTL = %v; want 2h from the file $APPCONFIGD_CONFIG names", opts.config.TokenTTL)
		}
	})

	t.Run("ListsAndQuotas", func(t *testing.T) {
		t.Parallel()
		file := writeSettings(t, "validator-networks: [10.0.0.0/8, 192.0.2.1]\nquota:\n  applications: 7\n  tags-per-resource: 9\n")
		opts := loadSettings(t, []string{"--config", file}, nil)
		if got := (networksFlag{&opts.config.ValidatorNetworks}).String(); got != "10.0.0.0/8,192.0.2.1/32" {
			t.Errorf("validator networks = %s; want 10.0.0.0/8,192.0.2.1/32", got)
		}
		if got := opts.config.Limits; got.Applications != 7 || got.TagsPerResource != 9 {
			t.Errorf("quotas applications=%d tags-per-resource=%d; want 7 and 9", got.Applications, got.TagsPerResource)
		}
		env := loadSettings(t, []string{"--config", file}, map[string]string{"APPCONFIGD_QUOTA": "applications=3, environments-per-application=4"})
		if got := env.config.Limits; got.Applications != 3 || got.EnvironmentsPerApplication != 4 || got.TagsPerResource != DefaultConfig().Limits.TagsPerResource {
			t.Errorf("with $APPCONFIGD_QUOTA: applications=%d environments-per-application=%d tags-per-resource=%d; want 3, 4 and the default (the variable replaces the file's quotas)",
				got.Applications, got.EnvironmentsPerApplication, got.TagsPerResource)
		}
	})

	t.Run("EmptyFile", func(t *testing.T) {
		t.Parallel()
		opts := loadSettings(t, []string{"--config", writeSettings(t, "# nothing set\n")}, nil)
		if opts.config.Listen != DefaultConfig().Listen {
			t.Errorf("listen = %q; want the default", opts.config.Listen)
		}
	})

	refusals := []struct {
		name    string
		file    string // written to a file named by --config when not empty
		vars    map[string]string
		args    []string
		wantAll []string
	}{
		{name: "UnknownKey", file: "listen: :1\nlisten-port: 80\n", wantAll: []string{":2:", `unknown setting "listen-port"`}},
		{name: "ConfigInTheFile", file: "config: other.yaml\n", wantAll: []string{":1:", `unknown setting "config"`}},
		{name: "KeyTwice", file: "data: a\ndata: b\n", wantAll: []string{":2:", "data is set twice"}},
		{name: "BadValueInTheFile", file: "\ntoken-ttl: soon\n", wantAll: []string{":2:", "token-ttl", `"soon"`}},
		{name: "NoValue", file: "data:\n", wantAll: []string{":1:", "data: no value"}},
		{name: "ListForOneValue", file: "listen: [a, b]\n", wantAll: []string{"listen: takes one value"}},
		{name: "UnknownQuota", file: "quota:\n  apps: 3\n", wantAll: []string{":2:", "quota", `unknown quota "apps"`}},
		{name: "NotAMapping", file: "- listen\n", wantAll: []string{":1:", "want a mapping"}},
		{name: "NotYAML", file: "listen: [\n", wantAll: []string{"not YAML"}},
		{name: "BadValueInTheEnvironment", vars: map[string]string{"APPCONFIGD_MAX_CONNECTIONS": "many"}, wantAll: []string{"$APPCONFIGD_MAX_CONNECTIONS", `"many"`}},
		{name: "AuthNeitherOnNorOff", file: "auth: yes\n", wantAll: []string{":1:", "auth", `"yes"`, "want on or off"}},
		{name: "MissingFile", args: []string{"--config", "/nonexistent/appconfigd.yaml"}, wantAll: []string{"/nonexistent/appconfigd.yaml"}},
	}
	for _, tt := range refusals {
		t.Run("Refuses"+tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			if tt.file != "" {
				args = append(args, "--config", writeSettings(t, tt.file))
			}
			msg := refusedSettings(t, args, tt.vars)
			for _, want := range tt.wantAll {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}
		})
	}

	t.Run("ServeDoesNotStartOnABadSetting", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		file := writeSettings(t, "data: "+dir+"\nlisten: 127.0.0.1:0\nauth: on\nrate-limit: fast\n")
		var stdout, stderr apptest.Buffer
		if code := runServe(context.Background(), []string{"--config", file}, getenv(nil), &stdout, &stderr); code != 2 {
			t.Errorf("exit code = %d; want 2", code)
		}
		if !strings.Contains(stderr.String(), "rate-limit") {
			t.Errorf("stderr %q does not name rate-limit", stderr.String())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("the data directory holds %d entries; want none: serve must stop before opening it", len(entries))
		}
	})
}

func TestConfigPrint(t *testing.T) {
	t.Parallel()

	t.Run("SourcesAndMaskedSecrets", func(t *testing.T) {
		t.Parallel()
		file := writeSettings(t, "region: eu-west-1\n")
		vars := map[string]string{"APPCONFIGD_DATABASE_URL": "postgres://app:s3cret@db:5432/appconfig?sslmode=require"}
		var stdout, stderr apptest.Buffer
		if code := runConfig([]string{"print", "--config", file, "--listen", ":9"}, getenv(vars), &stdout, &stderr); code != 0 {
			t.Fatalf("exit code = %d; stderr %s", code, stderr.String())
		}
		out := stdout.String()
		for _, want := range []string{
			"listen: :9 # flag\n",
			"region: eu-west-1 # file " + file + "\n",
			"database-url: postgres://app:xxxxx@db:5432/appconfig?sslmode=require # $APPCONFIGD_DATABASE_URL\n",
			"account-id: 000000000000 # default\n",
			"    applications: ",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("config print does not say %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "s3cret") {
			t.Errorf("config print shows the password:\n%s", out)
		}
	})

	t.Run("IsAConfigurationFileServeReadsBack", func(t *testing.T) {
		t.Parallel()
		args := []string{"print", "--listen", ":9", "--quota", "applications=3", "--validator-networks", "10.0.0.0/8", "--strict-arns", "--token-ttl", "90m"}
		var first, stderr apptest.Buffer
		if code := runConfig(args, getenv(nil), &first, &stderr); code != 0 {
			t.Fatalf("exit code = %d; stderr %s", code, stderr.String())
		}
		file := writeSettings(t, first.String())
		opts := loadSettings(t, []string{"--config", file}, nil)
		want := loadSettings(t, args[1:], nil)
		if got, want := opts.config, want.config; got.Listen != want.Listen || got.Limits != want.Limits || got.StrictARNs != want.StrictARNs ||
			got.TokenTTL != want.TokenTTL || len(got.ValidatorNetworks) != 1 || got.ValidatorNetworks[0] != want.ValidatorNetworks[0] {
			t.Errorf("read back: %+v\nwant %+v", got, want)
		}
	})

	t.Run("WantsPrint", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr apptest.Buffer
		if code := runConfig(nil, getenv(nil), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "config print") {
			t.Errorf("exit %d, stderr %q; want 2 and the usage", code, stderr.String())
		}
	})
}

func TestMaskSetting(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, value, want string }{
		{"database-url", "postgres://u:pw@h/db", "postgres://u:xxxxx@h/db"},
		{"database-url", "postgres://u@h/db?password=pw&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable"},
		{"database-url", "host=h user=u password='p w' dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"database-url", "postgres://u@h/db", "postgres://u@h/db"},
		{"listen", "user:pw@host", "user:pw@host"},
	} {
		if got := maskSetting(tt.name, tt.value); got != tt.want {
			t.Errorf("maskSetting(%s, %q) = %q; want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr apptest.Buffer
	if code := Run(context.Background(), []string{"version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code = %d; stderr %s", code, stderr.String())
	}
	if got := stdout.String(); !strings.HasPrefix(got, "appconfigd ") || !strings.Contains(got, "go1.") {
		t.Errorf("appconfigd version printed %q; want appconfigd VERSION (… goVERSION OS/ARCH)", got)
	}
}
