package main

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/agent"
)

func TestParseAgentsFlags(t *testing.T) {
	t.Parallel()
	base := []string{"--server-bin", "/bin/appconfigd", "--database-url", "postgres://u@h/db"}
	t.Run("DefaultsAreTheGoal", func(t *testing.T) {
		t.Parallel()
		o, err := parseAgentsFlags(base, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		got := [...]int{o.replicas, o.agents, o.processes, o.deployments, o.waiters}
		if want := [...]int{3, 1000, 3, 20, 10000}; got != want {
			t.Errorf("replicas, agents, processes, deployments, waiters = %v; want %v", got, want)
		}
		if o.pollInterval != 45*time.Second {
			t.Errorf("poll interval %v; want 45s", o.pollInterval)
		}
	})
	t.Run("ServerFlagRepeats", func(t *testing.T) {
		t.Parallel()
		o, err := parseAgentsFlags(append(slices.Clone(base), "--server-flag=--push-max-waiters=0", "--server-flag=--log-level=info", "--poll-interval", "15s", "--waiters", "0"), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"--push-max-waiters=0", "--log-level=info"}; !slices.Equal(o.serverFlags, want) {
			t.Errorf("server flags %q; want %q", o.serverFlags, want)
		}
		if o.pollInterval != 15*time.Second || o.waiters != 0 {
			t.Errorf("poll interval %v, waiters %d; want 15s, 0", o.pollInterval, o.waiters)
		}
	})
	for name, args := range map[string][]string{
		"NoServerBin":         {"--database-url", "postgres://u@h/db"},
		"NoDatabase":          {"--server-bin", "x"},
		"NotPostgres":         {"--server-bin", "x", "--database-url", "host=h dbname=db"},
		"NoReplica":           append(slices.Clone(base), "--replicas", "0"),
		"TooManyReplicas":     append(slices.Clone(base), "--replicas", "27"),
		"NoAgent":             append(slices.Clone(base), "--agents", "0"),
		"NoDeployment":        append(slices.Clone(base), "--deployments", "0"),
		"NegativeWaiters":     append(slices.Clone(base), "--waiters", "-1"),
		"FractionalInterval":  append(slices.Clone(base), "--poll-interval", "1500ms"),
		"IntervalUnderSecond": append(slices.Clone(base), "--poll-interval", "500ms"),
		"Argument":            append(slices.Clone(base), "extra"),
	} {
		t.Run("Refuses"+name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseAgentsFlags(args, io.Discard); err == nil {
				t.Errorf("parseAgentsFlags(%q) succeeded; want an error", args)
			}
		})
	}
}

func TestAgentsServerFlags(t *testing.T) {
	t.Parallel()
	o := &agentsOptions{agents: 1000, processes: 3, waiters: 10000}
	t.Run("RoomForEveryConnectionAndWaiter", func(t *testing.T) {
		t.Parallel()
		got := agentsServerFlags(o, []string{"--rate-limit=0"})
		want := []string{"--max-connections=14009", "--push-max-waiters=11000", "--rate-limit=0"}
		if !slices.Equal(got, want) {
			t.Errorf("agentsServerFlags = %q; want %q", got, want)
		}
	})
	t.Run("UserValuesKept", func(t *testing.T) {
		t.Parallel()
		user := []string{"--push-max-waiters=0", "-max-connections", "50"}
		if got := agentsServerFlags(o, user); !slices.Equal(got, user) {
			t.Errorf("agentsServerFlags(%q) = %q; want them unchanged", user, got)
		}
	})
}

func TestFlagValue(t *testing.T) {
	t.Parallel()
	flags := []string{"-push-max-waiters", "7", "--log-level", "info", "--push-max-waiters=5", "push-max-waiters=9"}
	if v, ok := flagValue(flags, "push-max-waiters"); !ok || v != "5" {
		t.Errorf("flagValue(push-max-waiters) = %q, %v; want the last, 5, true", v, ok)
	}
	if v, ok := flagValue(flags, "log-level"); !ok || v != "info" {
		t.Errorf("flagValue(log-level) = %q, %v; want info, true", v, ok)
	}
	if v, ok := flagValue(flags, "max-connections"); ok {
		t.Errorf("flagValue(max-connections) = %q, true; want none", v)
	}
}

func TestWaitersSkipped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		waiters int
		flags   []string
		skipped bool
	}{
		{"Measured", 10000, []string{"--push-max-waiters=11000"}, false},
		{"MeasuredWithDefault", 10000, nil, false},
		{"NoWaiters", 0, nil, true},
		{"PushOff", 500, []string{"--push-max-waiters=0"}, true},
		{"TooFewAllowed", 10000, []string{"--push-max-waiters", "9999"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := waitersSkipped(&agentsOptions{waiters: tc.waiters}, tc.flags)
			if (got != "") != tc.skipped {
				t.Errorf("waitersSkipped(%d, %q) = %q; want skipped %v", tc.waiters, tc.flags, got, tc.skipped)
			}
		})
	}
}

func TestGaugeValue(t *testing.T) {
	t.Parallel()
	exposition := []byte(`# HELP appconfigd_waiting_polls Polls and streams of changes waiting for a change now.
# TYPE appconfigd_waiting_polls gauge
appconfigd_waiting_polls_limit 10000
appconfigd_waiting_polls_total 7
appconfigd_waiting_polls{replica="B"} 5
appconfigd_waiting_polls 333
appconfigd_polls_total{outcome="unchanged"} 12
`)
	if v, ok := gaugeValue(exposition, waitingPollsMetric); !ok || v != 333 {
		t.Errorf("gaugeValue = %v, %v; want 333, true", v, ok)
	}
	if v, ok := gaugeValue([]byte("appconfigd_waiting_polls_limit 10000\n"), waitingPollsMetric); ok {
		t.Errorf("gaugeValue of another metric with the name as prefix = %v, true; want none", v)
	}
}

func TestParseVmRSS(t *testing.T) {
	t.Parallel()
	status := []byte("Name:\tappconfigd\nVmPeak:\t  900000 kB\nVmRSS:\t   51200 kB\nThreads:\t12\n")
	got, err := parseVmRSS(status)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(51200 << 10); got != want {
		t.Errorf("parseVmRSS = %d; want %d", got, want)
	}
	if _, err := parseVmRSS([]byte("Name:\tx\n")); err == nil {
		t.Error("parseVmRSS without VmRSS succeeded; want an error")
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	ds = append(ds, -1, -1) // agents that never served
	got := summarize(ds)
	want := distribution{n: 100, p50: 50 * time.Millisecond, p90: 90 * time.Millisecond, p99: 99 * time.Millisecond, max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("summarize = %+v; want %+v", got, want)
	}
	if cells := got.cells(); cells != "100 | 50.0 ms | 90.0 ms | 99.0 ms | 100.0 ms" {
		t.Errorf("cells = %q", cells)
	}
	if got := summarize([]time.Duration{-1}); got.n != 0 || got.cells() != "0 | – | – | – | –" {
		t.Errorf("summarize(never served) = %+v, %q; want none", got, got.cells())
	}
}

func TestAgentLogHandler(t *testing.T) {
	t.Parallel()
	l := newVersionLog(2, nil)
	a0 := slog.New(agentLogHandler{log: l, i: 0})
	a1 := slog.New(agentLogHandler{log: l, i: 1})

	a0.Info(newConfigurationMessage, "configuration", "app:env:profile", versionAttr, "2", "content_type", "application/json")
	first, ok := l.at(0, "2")
	if !ok {
		t.Fatal("agent 0 logged version 2 as new; the log has no record of it")
	}
	a0.Info(newConfigurationMessage, versionAttr, "2")
	if again, _ := l.at(0, "2"); !again.Equal(first) {
		t.Errorf("a second record moved agent 0's time from %v to %v; want the first kept", first, again)
	}
	a1.Info("loaded backup", versionAttr, "2")
	a1.Debug(newConfigurationMessage, versionAttr, "2")
	if _, ok := l.at(1, "2"); ok {
		t.Error("agent 1 logged no new configuration at info level; the log records one")
	}
	if got := l.count("2"); got != 1 {
		t.Errorf("count(2) = %d; want 1", got)
	}
	a1.With("configuration", "x").Info(newConfigurationMessage, versionAttr, "3")
	if got := l.count("3"); got != 1 {
		t.Errorf("count(3) after a logger With attributes logged it = %d; want 1", got)
	}
	a1.Warn("poll failed", "err", "timeout")
	a0.Warn("poll failed", "err", "refused")
	if got := l.warningCounts(); got["poll failed"] != 2 || len(got) != 1 {
		t.Errorf("warnings %v; want poll failed × 2", got)
	}
	select {
	case <-l.changed:
	default:
		t.Error("records sent no change notice")
	}
}

func TestAgentEnvIsReadByTheAgent(t *testing.T) {
	t.Parallel()
	environ := []string{"PATH=/usr/bin", "AWS_PROFILE=prod", "AWS_ENDPOINT_URL=https://elsewhere", "POLL_INTERVAL=1", "LOG_LEVEL=trace", "HOME=/root"}
	key := agent.Key{Application: "app1", Environment: "env1", Profile: "prof1"}
	env := agentEnv(environ, "http://127.0.0.1:4000", key, 45*time.Second)
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := vars[k]; dup {
			t.Errorf("%s set twice", k)
		}
		vars[k] = v
	}
	for _, gone := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL"} {
		if v, ok := vars[gone]; ok {
			t.Errorf("%s=%s passed on from the bench's environment; want it dropped", gone, v)
		}
	}
	if vars["PATH"] != "/usr/bin" || vars["HOME"] != "/root" {
		t.Errorf("PATH %q, HOME %q; want the bench's kept", vars["PATH"], vars["HOME"])
	}
	if vars["AWS_ENDPOINT_URL_APPCONFIGDATA"] != "http://127.0.0.1:4000" || vars["AWS_REGION"] == "" || vars["AWS_ACCESS_KEY_ID"] == "" || vars["AWS_SECRET_ACCESS_KEY"] == "" {
		t.Errorf("SDK variables %v; want the endpoint, a region and the bench key", vars)
	}
	cfg, err := agent.ConfigFromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PollInterval != 45*time.Second || cfg.HTTPPort != 0 || !slices.Equal(cfg.Prefetch, []agent.Key{key}) {
		t.Errorf("the agent reads poll interval %v, port %d, prefetch %v; want 45s, 0, [%v]", cfg.PollInterval, cfg.HTTPPort, cfg.Prefetch, key)
	}
}
