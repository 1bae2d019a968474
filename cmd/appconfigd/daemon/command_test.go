package daemon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/internal/version"
)

func TestRun(t *testing.T) {
	t.Parallel()

	t.Run("ServesUntilCancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		dataDir := t.TempDir()
		profile := filepath.Join(t.TempDir(), "cpu.prof")
		var stdout, stderr apptest.Buffer
		done := make(chan int)
		go func() {
			done <- Run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--data", dataDir, "--quota", "applications=3", "--cpu-profile", profile}, &stdout, &stderr)
		}()
		endpoint := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
		var url string
		for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if m := endpoint.FindStringSubmatch(stdout.String()); m != nil {
				url = m[1]
			}
		}
		if url == "" {
			cancel()
			t.Fatalf("no endpoint printed; stdout %q, stderr %q", stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "export AWS_ENDPOINT_URL="+url) || !strings.Contains(stdout.String(), "export AWS_ACCESS_KEY_ID=AKAC") {
			t.Errorf("stdout does not say how to use the generated key with %s: %q", url, stdout.String())
		}
		key, err := os.ReadFile(filepath.Join(dataDir, "admin-key.json"))
		if err != nil {
			t.Fatalf("no generated admin key: %v", err)
		}
		var f struct {
			Keys []struct{ SecretAccessKey string }
		}
		if err := json.Unmarshal(key, &f); err != nil || len(f.Keys) != 1 || f.Keys[0].SecretAccessKey == "" {
			t.Fatalf("admin-key.json = %s (%v)", key, err)
		}
		if strings.Contains(stdout.String()+stderr.String(), f.Keys[0].SecretAccessKey) {
			t.Error("the generated secret access key was printed")
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(url + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d, want 200", path, resp.StatusCode)
			}
			if want := `"version":"` + version.Read().Version + `"`; path == "/healthz" && !strings.Contains(string(body), want) {
				t.Errorf("GET /healthz = %s; want it to say %s", body, want)
			}
		}
		if want := "version=" + version.Read().Version; !strings.Contains(stderr.String(), want) {
			t.Errorf("the start log does not say %s: %q", want, stderr.String())
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit code after shutdown = %d, want 0; stderr %q", code, stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("server did not shut down")
		}
		if fi, err := os.Stat(profile); err != nil || fi.Size() == 0 {
			t.Errorf("CPU profile after shutdown: %v, %v; want a written profile", fi, err)
		}
	})

	for _, tt := range []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"UnknownCommand", []string{"frobnicate"}, 2, "unknown command"},
		{"UnknownFlag", []string{"--nope"}, 2, "flag provided but not defined"},
		{"UnknownQuota", []string{"--quota", "widgets=3"}, 2, "unknown quota"},
		{"QuotaNotANumber", []string{"--quota", "applications=many"}, 2, "positive integer"},
		{"ValidatorNetworkNotACIDR", []string{"--validator-networks", "10.0.0.0/8,intranet"}, 2, `want a CIDR such as 10.0.0.0/8 or an address, got "intranet"`},
		{"ValidatorNetworkMappedTooWide", []string{"--validator-networks", "::ffff:0.0.0.0/64"}, 2, "beyond IPv4-mapped addresses"},
		{"ExtraArgument", []string{"serve", "extra"}, 2, "unexpected argument"},
		{"TimeScaleBelowOne", []string{"--listen", "127.0.0.1:0", "--deployment-time-scale", "0.5"}, 1, "time scale"},
		{"ZeroTokenTTL", []string{"--listen", "127.0.0.1:0", "--token-ttl", "0s"}, 1, "token TTL"},
		{"NegativePushMaxWaiters", []string{"--listen", "127.0.0.1:0", "--push-max-waiters", "-1"}, 1, "push-max-waiters must be 0 or more"},
		{"CPUProfileNotWritable", []string{"--listen", "127.0.0.1:0", "--cpu-profile", "/nonexistent/dir/cpu.prof"}, 1, "cpu profile"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr apptest.Buffer
			args := append(tt.args, "--data", t.TempDir())
			if tt.args[0] == "serve" && len(tt.args) > 1 && !strings.HasPrefix(tt.args[1], "-") {
				args = tt.args
			}
			if code := Run(context.Background(), args, &stdout, &stderr); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.wantErr)
			}
		})
	}

	t.Run("Help", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr apptest.Buffer
		if code := Run(context.Background(), []string{"help"}, &stdout, &stderr); code != 0 {
			t.Errorf("exit code = %d, want 0", code)
		}
		for _, want := range []string{"-listen", "-data", "-token-ttl", "-deployment-time-scale", "applications"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("help does not mention %s", want)
			}
		}
	})
}

func TestValidatorNetworksFlag(t *testing.T) {
	t.Parallel()
	fs, opts := serveFlags(io.Discard)
	if err := fs.Parse([]string{
		"--validator-networks", "10.1.2.3/8, 192.168.1.7",
		"--validator-networks", "fd00::/8,fe80::1%eth0,::ffff:172.16.0.0/108,::ffff:10.9.9.9",
	}); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("fd00::/8"),
		netip.MustParsePrefix("fe80::1/128"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("10.9.9.9/32"),
	}
	if got := opts.config.ValidatorNetworks; !slices.Equal(got, want) {
		t.Errorf("ValidatorNetworks = %v; want %v", got, want)
	}
}
