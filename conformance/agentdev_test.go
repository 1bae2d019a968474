package conformance

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd/agent"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// startLocalAgent starts an agent in local development mode on dir
// (docs/AGENT.md, "Local development"), which never calls the service;
// it stops when the test ends. Its clock is the server's, and it reads
// dir again only when the test moves that clock on.
func startLocalAgent(t *testing.T, dir string, base *apptest.Clock) *runningAgent {
	t.Helper()
	cfg := agent.DefaultConfig()
	cfg.LocalDevelopmentDirectory = dir
	logs := &testLogWriter{t: t}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := agent.New(cfg, nil, logger, newAgentClock(base))
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		stop()
		if err := <-done; err != nil {
			t.Errorf("agent Run: %v", err)
		}
		logs.stop()
	})
	return &runningAgent{url: srv.URL}
}

// firstPoll returns what a new session of a configuration gets on its
// first poll: the bytes and the content type.
func firstPoll(t *testing.T, c *appconfigdata.Client, app, env, profile string) ([]byte, string) {
	t.Helper()
	token := startSession(t, c, fixture{app: app, env: env, profile: profile}, 0)
	out := poll(t, c, token)
	return out.Configuration, aws.ToString(out.ContentType)
}

// answerDiff describes how the agent's answer differs from a 200 with
// body and contentType, "" when it does not.
func answerDiff(got agentAnswer, body []byte, contentType string) string {
	var diff string
	if got.status != http.StatusOK || got.body != string(body) {
		diff += fmt.Sprintf("answer = %d %q; want 200 %q. ", got.status, got.body, body)
	}
	if ct := got.header.Get("Content-Type"); ct != contentType {
		diff += fmt.Sprintf("Content-Type = %q; want %q.", ct, contentType)
	}
	return diff
}

// TestExportAgentDev exports environment prod with appconfigd export
// --agent-dev-dir and serves the directory with an agent in local
// development mode: for a freeform JSON profile, a text profile and a
// feature-flag profile, the agent answers the bytes and content type that
// AppConfigData gives a new session, which for flags is the retrieval
// format and not the stored document (docs/WIRE.md §4.2); multi-variant
// flags come as Ion, which the agent resolves as it does when it polls
// the server. A profile with nothing deployed gets no file and is
// listed; an application without prod, and other environments, are not
// exported. A directory with configuration files needs --force, which
// replaces them and leaves other files alone.
func TestExportAgentDev(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.control
	strategy := immediateStrategy(t, c)
	deploy := func(app, env, profile, content, contentType string) {
		t.Helper()
		fx := fixture{app: app, env: env, profile: profile}
		version := createVersion(t, c, app, profile, []byte(content), contentType, "")
		startDeployment(t, c, fx, fmt.Sprint(version), strategy)
		ts.advance(t, 0)
	}
	shop := createApplication(t, c, "shop")
	prod := createEnvironment(t, c, shop, "prod")
	staging := createEnvironment(t, c, shop, "staging")
	profiles := map[string]string{
		"settings": createProfile(t, c, shop, "settings"),
		"motd":     createProfile(t, c, shop, "motd"),
		"flags":    createFlagProfile(t, c, shop, "flags"),
		"variants": createFlagProfile(t, c, shop, "variants"),
		"empty":    createProfile(t, c, shop, "empty"),
	}
	deploy(shop, prod, profiles["settings"], "{\n  \"mode\": \"prod\"\n}\n", "application/json")
	deploy(shop, prod, profiles["motd"], "Hello from prod", "text/plain")
	deploy(shop, prod, profiles["flags"], agentBasicFlags, "application/json")
	deploy(shop, prod, profiles["variants"], agentMultiVariantFlags, "application/json")
	deploy(shop, staging, profiles["empty"], `{"staging": true}`, "application/json")
	web := createApplication(t, c, "web")
	deploy(web, createEnvironment(t, c, web, "dev"), createProfile(t, c, web, "settings"), `{"web": true}`, "application/json")

	dir := t.TempDir()
	for name, content := range map[string]string{"README.md": "mine", "old:prod:gone.json": "{}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runExport(t, ts, "--agent-dev-dir", dir, "--environment", "prod")
	if code != 1 || stdout != "" {
		t.Errorf("export into a directory with configuration files: exit code %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if want := "directory is not empty; --force replaces the files named like configurations"; !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q; want it to mention %q", stderr, want)
	}

	code, stdout, stderr = runExport(t, ts, "--agent-dev-dir", dir, "--environment", "prod", "--force")
	if code != 0 {
		t.Fatalf("appconfigd export --agent-dev-dir: exit code %d; stderr:\n%s", code, stderr)
	}
	files := map[string]string{
		"settings": "shop:prod:settings.json",
		"motd":     "shop:prod:motd.text%plain",
		"flags":    "shop:prod:flags.json",
		"variants": "shop:prod:variants.application%ion%type=AWS.AppConfig.FeatureFlags",
	}
	t.Run("Summary", func(t *testing.T) {
		want := "Exported 4 configurations of environment prod into " + dir + ":\n" +
			"  " + files["flags"] + "\n" +
			"  " + files["motd"] + "\n" +
			"  " + files["settings"] + "\n" +
			"  " + files["variants"] + "\n" +
			"Skipped:\n" +
			"  shop:prod:empty: nothing deployed\n" +
			"Removed, not written by this export:\n" +
			"  old:prod:gone.json\n" +
			"Applications without an environment prod: 1\n"
		if diff := cmp.Diff(want, stdout); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
	})
	t.Run("Files", func(t *testing.T) {
		want := map[string]string{"README.md": "mine"}
		for name, file := range files {
			content, _ := firstPoll(t, ts.data, shop, prod, profiles[name])
			want[file] = string(content)
		}
		if diff := cmp.Diff(want, exportTree(t, dir)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
	})

	local := startLocalAgent(t, dir, ts.clock)
	t.Run("AgentServesWhatTheDataPlaneServes", func(t *testing.T) {
		for _, name := range []string{"settings", "motd", "flags"} {
			body, contentType := firstPoll(t, ts.data, shop, prod, profiles[name])
			if diff := answerDiff(local.get(t, configurationPath("shop", "prod", name)), body, contentType); diff != "" {
				t.Errorf("%s: %s", name, diff)
			}
		}
	})
	t.Run("StoredFlagsAreNotWhatTheDataPlaneServes", func(t *testing.T) {
		// What an export of the stored document would write: the check
		// above tells it from the served one.
		stored := t.TempDir()
		if err := os.WriteFile(filepath.Join(stored, files["flags"]), []byte(agentBasicFlags), 0o644); err != nil {
			t.Fatal(err)
		}
		body, contentType := firstPoll(t, ts.data, shop, prod, profiles["flags"])
		if answerDiff(startLocalAgent(t, stored, ts.clock).get(t, configurationPath("shop", "prod", "flags")), body, contentType) == "" {
			t.Error("the agent serves the stored flag document as the data plane serves the flags; want a difference")
		}
	})
	t.Run("MultiVariantFlagsAsThroughTheServer", func(t *testing.T) {
		body, contentType := firstPoll(t, ts.data, shop, prod, profiles["variants"])
		if want := "application/ion;type=AWS.AppConfig.FeatureFlags"; contentType != want {
			t.Fatalf("data plane Content-Type = %q; want %q", contentType, want)
		}
		if got, err := os.ReadFile(filepath.Join(dir, files["variants"])); err != nil || string(got) != string(body) {
			t.Errorf("file = %q, %v; want the data plane's Ion %q", got, err, body)
		}
		remote := startAgent(t, ts.url, ts.clock, ts.advance, agent.DefaultConfig())
		path := configurationPath("shop", "prod", "variants")
		for _, values := range []string{"country=US", "country=CA"} {
			want := remote.get(t, path, "Context", values)
			got := local.get(t, path, "Context", values)
			if want.status != http.StatusOK {
				t.Fatalf("agent polling the server: %d %q; want 200", want.status, want.body)
			}
			if diff := answerDiff(got, []byte(want.body), want.header.Get("Content-Type")); diff != "" {
				t.Errorf("Context %s: %s", values, diff)
			}
		}
	})
	t.Run("NothingDeployedIsNotFound", func(t *testing.T) {
		if got := local.get(t, configurationPath("shop", "prod", "empty")); got.status != http.StatusNotFound {
			t.Errorf("answer = %d %q; want 404", got.status, got.body)
		}
	})
}
