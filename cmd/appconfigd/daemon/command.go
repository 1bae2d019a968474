package daemon

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/netip"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/version"
)

const usage = `appconfigd serves the AWS AppConfig and AppConfigData APIs.

Usage:
  appconfigd [serve] [flags]            start the server (the default)
  appconfigd copy-to-postgres [flags]   copy a SQLite data directory into PostgreSQL
  appconfigd audit [flags]              print the audit trail of changes
  appconfigd agent                      run a local AWS AppConfig Agent (set up by environment variables)
  appconfigd export --to DIR [flags]    write an AppConfig endpoint's configuration into files
  appconfigd export --agent-dev-dir DIR --environment ENV
                                        write what ENV serves as the agent's local development files
  appconfigd apply --from DIR [flags]   make an AppConfig endpoint match those files
  appconfigd import [flags]             copy another AppConfig service (default AWS) into this one
  appconfigd backup --to FILE [flags]   copy a running SQLite server's data into one file
  appconfigd restore --from FILE [flags]
                                        make a backup the data of a (stopped) SQLite server
  appconfigd config print [flags]       print serve's effective settings, secrets masked
  appconfigd version                    print the version of this build
  appconfigd healthcheck [--url URL]    exit 0 when a server's /healthz answers (for container health checks)
  appconfigd help                       show this help

Every flag of serve is also a setting of the environment variable
APPCONFIGD_<NAME> (--data: APPCONFIGD_DATA) and a key of the YAML file
--config names (data: /var/lib/appconfigd); a flag comes before its
variable, the variable before the file, the file before the default.

Flags of serve:
`

// Run runs the appconfigd command line with args (without the program
// name) until ctx is done, and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			args = args[1:]
		case copyCommand:
			return runCopy(ctx, args[1:], stdout, stderr)
		case auditCommand:
			return runAudit(ctx, args[1:], stdout, stderr)
		case agentCommand:
			return runAgent(ctx, args[1:], os.Getenv, stdout, stderr)
		case exportCommand:
			return RunExport(ctx, args[1:], os.Getenv, stdout, stderr)
		case applyCommand:
			return RunApply(ctx, args[1:], os.Getenv, stdout, stderr)
		case importCommand:
			return RunImport(ctx, args[1:], os.Getenv, stdout, stderr)
		case backupCommand:
			return runBackup(ctx, args[1:], os.Getenv, stdout, stderr)
		case restoreCommand:
			return runRestore(ctx, args[1:], os.Getenv, stdout, stderr)
		case versionCommand:
			return runVersion(args[1:], stdout, stderr)
		case configCommand:
			return runConfig(args[1:], os.Getenv, stdout, stderr)
		case healthcheckCommand:
			return runHealthcheck(ctx, args[1:], stdout, stderr)
		case "help":
			fs, _ := serveFlags(stderr)
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			printCopyHelp(stdout)
			printAuditHelp(stdout)
			printAgentHelp(stdout)
			printExportHelp(stdout)
			printApplyHelp(stdout)
			printImportHelp(stdout)
			printBackupHelp(stdout)
			return 0
		default:
			fmt.Fprintf(stderr, "appconfigd: unknown command %q; try appconfigd help\n", args[0])
			return 2
		}
	}
	return runServe(ctx, args, os.Getenv, stdout, stderr)
}

// runServe runs appconfigd serve with args (after the command name), its
// settings completed from getenv and the configuration file, until ctx is
// done, and returns the exit code: 2 for a bad setting, 1 when the server
// cannot start or stops on an error.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, code, ok := loadServeSettings(args, getenv, stderr)
	if !ok {
		return code
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: opts.logLevel}))
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			logger.Error("start", "err", err)
			return 1
		}
		defer func() {
			if err := stop(); err != nil {
				logger.Error("write CPU profile", "err", err)
			}
		}()
	}
	d := New(opts.config)
	d.Logger = logger
	if err := d.Open(ctx); err != nil {
		logger.Error("start", "err", err)
		return 1
	}
	store := "sqlite:" + d.Config.DataDir
	if d.Config.DatabaseURL != "" {
		store = "postgres"
	}
	logger.Info("appconfigd started", "endpoint", d.URL(), "store", store, "instance", d.Service().InstanceID, "version", version.Read().Version)
	fmt.Fprintf(stdout, "appconfigd is serving AppConfig and AppConfigData on %s\n", d.URL())
	d.printCredentials(stdout, logger)

	var err error
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err = <-d.Wait():
		logger.Error("http server stopped", "err", err)
	}
	if cerr := d.Close(); cerr != nil {
		logger.Error("shut down", "err", cerr)
		return 1
	}
	if err != nil {
		return 1
	}
	return 0
}

// loadServeSettings reads serve's settings from args, getenv and the
// configuration file (applySettings). When it fails it has written why to
// stderr, and code is the exit code: 0 after -h, else 2.
func loadServeSettings(args []string, getenv func(string) string, stderr io.Writer) (opts *serveOptions, code int, ok bool) {
	fs, opts := serveFlags(stderr)
	if code, ok := parseCommandLine(fs, "", args, stderr); !ok {
		return nil, code, false
	}
	sources, err := applySettings(fs, getenv)
	if err != nil {
		reportFailure(stderr, "", err)
		return nil, 2, false
	}
	opts.flags, opts.sources = fs, sources
	return opts, 0, true
}

type serveOptions struct {
	config   Config
	logLevel slog.Level
	// configFile is --config's file, read by applySettings.
	configFile string
	// flags and sources are the settings as parsed and where each came
	// from, for config print.
	flags   *flag.FlagSet
	sources settingSource
	// cpuProfile is where to write a CPU profile of the whole run, for
	// docs/PERFORMANCE.md; "" for none.
	cpuProfile string
}

// startCPUProfile profiles the process's CPU into the file path until the
// returned function is called, which writes the profile out.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveOptions) {
	opts := &serveOptions{config: DefaultConfig()}
	c := &opts.config
	fs := flag.NewFlagSet("appconfigd serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.configFile, configFlag, "", "YAML `file` of settings, keyed by these flags' names (default $"+envName(configFlag)+"); each flag's $APPCONFIGD_NAME variable comes before it, the flag itself before both")
	fs.StringVar(&c.Listen, "listen", c.Listen, "TCP `address` to serve both APIs on")
	fs.StringVar(&opts.cpuProfile, "cpu-profile", "", "`file` to write a CPU profile of the whole run to, for go tool pprof (measurements only)")
	fs.StringVar(&c.MetricsListen, "metrics-listen", "", "TCP `address` to serve GET /metrics on, alone and in plain HTTP, instead of on --listen")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "`directory` for the SQLite database")
	fs.Var(choiceFlag{&c.Auth, []string{"on", "off"}}, "auth", "request authentication: on (verify SigV4 signatures against the access keys) or off (accept any credentials as admin; local development only)")
	fs.StringVar(&c.KeysFile, "keys-file", "", "JSON `file` of access keys, mode 0600 (default: the key in $APPCONFIGD_ADMIN_ACCESS_KEY_ID and $APPCONFIGD_ADMIN_SECRET_ACCESS_KEY, else an admin key generated in DATA/admin-key.json)")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second each access key may make (0 no per-key limit: a fleet shares keys, and --max-in-flight bounds the load)")
	fs.IntVar(&c.RateBurst, "rate-burst", c.RateBurst, "requests an access key may make at once beyond --rate-limit (0 twice --rate-limit)")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", c.MaxInFlight, "requests without a body handled at once, and as many with one; more wait for a slot (0 no bound)")
	fs.DurationVar(&c.MaxQueueWait, "max-queue-wait", c.MaxQueueWait, "how long a request may wait for a slot before ThrottlingException")
	fs.Float64Var(&c.AuthFailureRate, "auth-failure-rate", c.AuthFailureRate, "failed authentications per second a source address, and an access key ID, may cause after --auth-failure-burst before its requests are refused unverified (0 no limit)")
	fs.IntVar(&c.AuthFailureBurst, "auth-failure-burst", c.AuthFailureBurst, "failed authentications a source address, and an access key ID, may cause at once")
	fs.IntVar(&c.MaxConnections, "max-connections", c.MaxConnections, "connections open at once; more wait to be accepted (0 no bound)")
	fs.Var(byteSize{&c.MaxBodyMemory}, "max-body-memory", "request body `bytes` (or KiB, MiB, GiB) held at once while signatures are verified; more wait up to a second, then get ThrottlingException (0 no bound)")
	fs.DurationVar(&c.BodyReadTimeout, "body-read-timeout", c.BodyReadTimeout, "how long a request may take to send its body once its headers have arrived (0: the 60s read timeout)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "PEM certificate `file`; with --tls-key the server speaks HTTPS")
	fs.StringVar(&c.TLSKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL `URL` (postgres://…) to use instead of SQLite; replicas sharing one serve as one service (default $APPCONFIGD_DATABASE_URL)")
	fs.DurationVar(&c.KeyRotation, "key-rotation", c.KeyRotation, "how often to make a new token sealing key (0 never)")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.TokenTTL, "how long a configuration token stays valid")
	fs.IntVar(&c.MaxWaiters, "push-max-waiters", c.MaxWaiters, "polls and streams that may wait for a change at once (Appconfigd-Wait-For-Change); beyond it polls answer at once; 0 lets none wait")
	fs.IntVar(&c.ReplayCapacity, "replay-capacity", c.ReplayCapacity, "token chains remembered to refuse reused next tokens, 16 bytes each; beyond it the one closest to expiry is forgotten")
	fs.Float64Var(&c.DeploymentTimeScale, "deployment-time-scale", c.DeploymentTimeScale, "run deployment and bake time this many times faster (for demos and tests)")
	fs.StringVar(&c.Region, "region", c.Region, "AWS `region` shown in ARNs")
	fs.StringVar(&c.AccountID, "account-id", c.AccountID, "12-digit AWS account `id` shown in ARNs")
	fs.BoolVar(&c.StrictARNs, "strict-arns", c.StrictARNs, "accept only ARNs with --region and --account-id in the tagging operations (default: any region and account, as clients such as Terraform build ARNs with their own)")
	fs.Var(networksFlag{&c.ValidatorNetworks}, "validator-networks", "the only `networks` webhook validators may reach, as CIDRs or addresses, comma-separated (repeatable; default: any address but link-local ones such as the 169.254.169.254 instance metadata service)")
	fs.Var(quotaFlag{&c.Limits}, "quota", "override a service quota, as `name=value` (repeatable); names: "+strings.Join(quotaNames(), ", "))
	fs.TextVar(&opts.logLevel, "log-level", slog.LevelInfo, "log `level`: debug, info, warn or error")
	return fs, opts
}

// networksFlag adds networks, written as CIDRs or single addresses, to a
// list. IPv4-mapped IPv6 networks are stored as IPv4, the form the webhook
// policy compares dialled addresses in.
type networksFlag struct{ networks *[]netip.Prefix }

func (f networksFlag) String() string {
	if f.networks == nil {
		return ""
	}
	items := make([]string, len(*f.networks))
	for i, p := range *f.networks {
		items[i] = p.String()
	}
	return strings.Join(items, ",")
}

func (f networksFlag) Set(s string) error {
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		p, err := netip.ParsePrefix(item)
		if addr, aerr := netip.ParseAddr(item); aerr == nil {
			addr = addr.WithZone("")
			p, err = netip.PrefixFrom(addr, addr.BitLen()), nil
		}
		if err != nil {
			return fmt.Errorf("want a CIDR such as 10.0.0.0/8 or an address, got %q", item)
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return fmt.Errorf("%q reaches beyond IPv4-mapped addresses; write IPv4 and IPv6 networks apart", item)
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		*f.networks = append(*f.networks, p.Masked())
	}
	return nil
}

// choiceFlag takes one of a few words, so that a bad one stops the start
// while the settings are read, naming the setting and where it came from.
type choiceFlag struct {
	value   *string
	choices []string
}

func (f choiceFlag) String() string {
	if f.value == nil {
		return ""
	}
	return *f.value
}

func (f choiceFlag) Set(s string) error {
	if !slices.Contains(f.choices, s) {
		return fmt.Errorf("want %s", strings.Join(f.choices, " or "))
	}
	*f.value = s
	return nil
}

// quotaFlag sets fields of Limits from name=value, or from several
// comma-separated, as $APPCONFIGD_QUOTA gives them.
type quotaFlag struct{ limits *appconfigd.Limits }

// String is empty: help's default is AWS's quotas, which config print
// lists one by one.
func (q quotaFlag) String() string { return "" }

func (q quotaFlag) Set(s string) error {
	for _, item := range strings.Split(s, ",") {
		if err := q.set(strings.TrimSpace(item)); err != nil {
			return err
		}
	}
	return nil
}

// set sets one quota from name=value.
func (q quotaFlag) set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want name=value, got %q", s)
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 {
		return fmt.Errorf("quota %s: want a positive integer, got %q", name, value)
	}
	field, ok := quotaFields(q.limits)[name]
	if !ok {
		return fmt.Errorf("unknown quota %q; known: %s", name, strings.Join(quotaNames(), ", "))
	}
	*field = n
	return nil
}

// quotaFields names the quotas --quota can set.
func quotaFields(l *appconfigd.Limits) map[string]*int {
	return map[string]*int{
		"applications":                    &l.Applications,
		"deployment-strategies":           &l.DeploymentStrategies,
		"environments-per-application":    &l.EnvironmentsPerApplication,
		"profiles-per-application":        &l.ProfilesPerApplication,
		"tags-per-resource":               &l.TagsPerResource,
		"validators-per-profile":          &l.ValidatorsPerProfile,
		"monitors-per-environment":        &l.MonitorsPerEnvironment,
		"hosted-configuration-size-bytes": &l.HostedConfigurationSizeBytes,
	}
}

func quotaNames() []string {
	names := slices.Collect(maps.Keys(quotaFields(&appconfigd.Limits{})))
	slices.Sort(names)
	return names
}
