package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd/agent"
	"github.com/appconfigd/appconfigd/metrics"
)

// agentCommand is the subcommand that runs the agent.
const agentCommand = "agent"

// agentUsage is the help of agent. Like the AWS AppConfig Agent it takes
// no flags: everything comes from the environment (docs/WIRE.md §4.4).
const agentUsage = `
appconfigd agent runs an open stand-in for the AWS AppConfig Agent: a local
HTTP server answering
  GET /applications/APP/environments/ENV/configurations/PROFILE[?flag=KEY]
from a cache it keeps fresh by polling AppConfigData (appconfigd or AWS),
and GET /metrics with its Prometheus metrics.
It takes no flags; it reads the AWS agent's environment variables:
  HTTP_HOST (127.0.0.1), HTTP_PORT (2772), POLL_INTERVAL (45s),
  PREFETCH_LIST (App:Env:Config,...), BACKUP_DIRECTORY, PRELOAD_BACKUPS (true),
  LOCAL_DEVELOPMENT_DIRECTORY, ACCESS_TOKEN, REQUEST_TIMEOUT (3000ms),
  LOG_LEVEL (info), SERVICE_REGION, MAX_CONNECTIONS (3)
and the AWS SDK's: AWS_ENDPOINT_URL_APPCONFIGDATA or AWS_ENDPOINT_URL (an
appconfigd URL; unset for AWS), AWS_REGION, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_PROFILE.
`

// printAgentHelp writes the help of agent, for appconfigd help.
func printAgentHelp(w io.Writer) { fmt.Fprint(w, agentUsage) }

// runAgent runs appconfigd agent with args (after the command name) until
// ctx is done. getenv reads the agent's variables; the SDK reads its own
// from the process environment. It returns the exit code: 2 for a bad
// command line or variable, 1 when the agent cannot start or stops on an
// error.
func runAgent(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		printAgentHelp(stdout)
		return 0
	case len(args) > 0:
		fmt.Fprintf(stderr, "appconfigd agent: unexpected argument %q; the agent reads environment variables only (appconfigd agent -h)\n", args[0])
		return 2
	}
	cfg, err := agent.ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd agent: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	for _, name := range cfg.Unsupported {
		logger.Warn("environment variable not supported; ignored", "variable", name)
	}
	var client agent.DataClient
	if cfg.LocalDevelopmentDirectory == "" {
		awsCfg, err := agent.LoadAWSConfig(ctx, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "appconfigd agent: %v\n", err)
			return 1
		}
		client = agent.NewDataClient(awsCfg, cfg)
	}
	a := agent.New(cfg, client, logger, agent.SystemClock{})
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd agent: listen: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           agentRoutes(a),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runErr := make(chan error, 1)
	go func() { runErr <- a.Run(runCtx) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if cfg.LocalDevelopmentDirectory != "" {
		fmt.Fprintf(stdout, "appconfigd agent is serving %s (local development) on http://%s\n", cfg.LocalDevelopmentDirectory, ln.Addr())
	} else {
		fmt.Fprintf(stdout, "appconfigd agent is serving on http://%s\n", ln.Addr())
	}

	code := 0
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-runErr:
		logger.Error("agent stopped", "err", err)
		runErr <- err
		code = 1
	case err := <-serveErr:
		logger.Error("http server stopped", "err", err)
		code = 1
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("shut down", "err", err)
		code = 1
	}
	stopRun()
	if err := <-runErr; err != nil && code == 0 {
		logger.Error("agent stopped", "err", err)
		code = 1
	}
	return code
}

// agentRoutes serves a's API and, next to it on the same port and behind
// the same ACCESS_TOKEN, its metrics: the agent runs beside its
// application, where a second port would be one more thing to open.
func agentRoutes(a *agent.Agent) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, a.RequireToken(metrics.NewAgent(a).Handler()))
	mux.Handle("/", a.Handler())
	return mux
}
