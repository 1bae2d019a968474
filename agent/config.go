package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is what the agent can be told. ConfigFromEnv reads it from the
// AWS agent's environment variables; the SDK's own settings (endpoint,
// region, credentials) are read by LoadAWSConfig.
type Config struct {
	// HTTPHost and HTTPPort are where the agent listens (HTTP_HOST,
	// HTTP_PORT). Port 0 picks a free port.
	HTTPHost string
	HTTPPort int
	// PollInterval is how often each configuration is polled, and how
	// often local development files are read again (POLL_INTERVAL).
	PollInterval time.Duration
	// Prefetch lists the configurations fetched at start (PREFETCH_LIST).
	Prefetch []Key
	// BackupDirectory, when set, receives a backup of every configuration
	// the agent retrieves (BACKUP_DIRECTORY).
	BackupDirectory string
	// PreloadBackups serves backups from the start, before the service
	// answers; when false they are read only when the service cannot be
	// reached (PRELOAD_BACKUPS).
	PreloadBackups bool
	// LocalDevelopmentDirectory, when set, switches the agent to local
	// development mode: configurations come from files there and the
	// service is never called (LOCAL_DEVELOPMENT_DIRECTORY).
	LocalDevelopmentDirectory string
	// AccessToken, when set, must come as "Authorization: Bearer <token>"
	// on every request (ACCESS_TOKEN).
	AccessToken string
	// RequestTimeout bounds each call to the service (REQUEST_TIMEOUT).
	RequestTimeout time.Duration
	// LogLevel is the least severe level logged (LOG_LEVEL); LevelNone
	// logs nothing.
	LogLevel slog.Level
	// ServiceRegion, when set, overrides the SDK's region
	// (SERVICE_REGION).
	ServiceRegion string
	// MaxConnections caps the connections to the service
	// (MAX_CONNECTIONS).
	MaxConnections int
	// Unsupported names the AWS agent variables that are set but that
	// this agent does not implement, so the caller can warn about them.
	Unsupported []string
}

// Defaults of the AWS agent (docs/WIRE.md §4.4). The AWS agent binds to all
// interfaces in ECS and EKS and to localhost elsewhere; this agent binds
// to localhost unless HTTP_HOST says otherwise, the safe choice off a
// container network.
const (
	DefaultHTTPHost       = "127.0.0.1"
	DefaultHTTPPort       = 2772
	DefaultPollInterval   = 45 * time.Second
	DefaultRequestTimeout = 3 * time.Second
	DefaultMaxConnections = 3
)

// LevelTrace and LevelFatal are the AWS agent's levels beyond slog's
// four; LevelNone is above every level, so that nothing is logged.
const (
	LevelTrace = slog.LevelDebug - 4
	LevelFatal = slog.LevelError + 4
	LevelNone  = slog.Level(math.MaxInt32)
)

// DefaultConfig returns the agent's defaults.
func DefaultConfig() Config {
	return Config{
		HTTPHost:       DefaultHTTPHost,
		HTTPPort:       DefaultHTTPPort,
		PollInterval:   DefaultPollInterval,
		PreloadBackups: true,
		RequestTimeout: DefaultRequestTimeout,
		LogLevel:       slog.LevelInfo,
		MaxConnections: DefaultMaxConnections,
	}
}

// Addr returns the TCP address to listen on.
func (c Config) Addr() string {
	return net.JoinHostPort(c.HTTPHost, strconv.Itoa(c.HTTPPort))
}

// unsupportedVariables are the AWS agent's variables this agent reads but
// does not act on (docs/WIRE.md §4.4).
var unsupportedVariables = []string{
	"LOG_PATH", "MANIFEST", "WAIT_ON_MANIFEST", "PROXY_HEADERS", "PROXY_URL",
	"ROLE_ARN", "ROLE_EXTERNAL_ID", "ROLE_SESSION_NAME",
}

// lambdaExtensionPrefix starts the AWS AppConfig Lambda extension's names
// for the same settings (docs/WIRE.md §4.4).
const lambdaExtensionPrefix = "AWS_APPCONFIG_EXTENSION_"

// lambdaExtensionNames maps the agent's variables to the Lambda
// extension's where the two differ; the others take the prefix alone.
// The extension's values are plain numbers, which POLL_INTERVAL (seconds)
// and REQUEST_TIMEOUT (milliseconds) read the same way.
var lambdaExtensionNames = map[string]string{
	"POLL_INTERVAL":   "POLL_INTERVAL_SECONDS",
	"REQUEST_TIMEOUT": "POLL_TIMEOUT_MILLIS",
}

// lookupSetting returns the value of an agent variable, else of the
// Lambda extension's name for it, with the name it was found under.
func lookupSetting(getenv func(string) string, name string) (string, string) {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return name, v
	}
	alias := lambdaExtensionPrefix + name
	if n, ok := lambdaExtensionNames[name]; ok {
		alias = lambdaExtensionPrefix + n
	}
	return alias, strings.TrimSpace(getenv(alias))
}

// ConfigFromEnv reads the AWS AppConfig Agent's environment variables
// (docs/WIRE.md §4.4) through getenv, filling in the defaults for those unset.
// The Lambda extension's AWS_APPCONFIG_EXTENSION_ names are read too, for
// functions moving off the extension; the agent's own name wins. An error
// names every variable with a bad value.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var errs []error
	set := func(name string, parse func(string) error) {
		name, v := lookupSetting(getenv, name)
		if v == "" {
			return
		}
		if err := parse(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	set("HTTP_HOST", func(v string) error { c.HTTPHost = v; return nil })
	set("HTTP_PORT", func(v string) (err error) { c.HTTPPort, err = parsePort(v); return err })
	set("POLL_INTERVAL", func(v string) (err error) { c.PollInterval, err = parsePollInterval(v); return err })
	set("PREFETCH_LIST", func(v string) (err error) { c.Prefetch, err = parsePrefetchList(v); return err })
	set("BACKUP_DIRECTORY", func(v string) error { c.BackupDirectory = v; return nil })
	set("PRELOAD_BACKUPS", func(v string) (err error) { c.PreloadBackups, err = parseBool(v); return err })
	set("LOCAL_DEVELOPMENT_DIRECTORY", func(v string) error { c.LocalDevelopmentDirectory = v; return nil })
	set("ACCESS_TOKEN", func(v string) error { c.AccessToken = v; return nil })
	set("REQUEST_TIMEOUT", func(v string) (err error) { c.RequestTimeout, err = parseRequestTimeout(v); return err })
	set("LOG_LEVEL", func(v string) (err error) { c.LogLevel, err = parseLogLevel(v); return err })
	set("SERVICE_REGION", func(v string) error { c.ServiceRegion = v; return nil })
	set("MAX_CONNECTIONS", func(v string) (err error) { c.MaxConnections, err = parsePositive(v); return err })
	for _, name := range unsupportedVariables {
		if name, v := lookupSetting(getenv, name); v != "" {
			c.Unsupported = append(c.Unsupported, name)
		}
	}
	return c, errors.Join(errs...)
}

func parsePort(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("want a port number 0..65535, got %q", v)
	}
	return n, nil
}

func parsePositive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a positive integer, got %q", v)
	}
	return n, nil
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("want true or false, got %q", v)
	}
	return b, nil
}

// parsePollInterval reads seconds, or a number with an s, m or h suffix:
// 60, 60s, 1m, 1h (docs/WIRE.md §4.4).
func parsePollInterval(v string) (time.Duration, error) {
	d, err := parseScaled(v, time.Second, map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour})
	if err != nil {
		return 0, fmt.Errorf("want seconds or a number with s, m or h (60, 60s, 1m), got %q", v)
	}
	return d, nil
}

// parseRequestTimeout reads milliseconds, or a number with an ms or s
// suffix: 3000, 3000ms, 3s (docs/WIRE.md §4.4).
func parseRequestTimeout(v string) (time.Duration, error) {
	d, err := parseScaled(v, time.Millisecond, map[string]time.Duration{"ms": time.Millisecond, "s": time.Second})
	if err != nil {
		return 0, fmt.Errorf("want milliseconds or a number with ms or s (3000, 3000ms, 3s), got %q", v)
	}
	return d, nil
}

// parseScaled reads a positive integer followed by one of units' suffixes,
// or by none for unit.
func parseScaled(v string, unit time.Duration, units map[string]time.Duration) (time.Duration, error) {
	digits := strings.TrimRightFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if suffix := v[len(digits):]; suffix != "" {
		u, ok := units[strings.ToLower(suffix)]
		if !ok {
			return 0, errors.New("unknown unit")
		}
		unit = u
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 1 || n > int64(math.MaxInt64/unit) {
		return 0, errors.New("bad number")
	}
	return time.Duration(n) * unit, nil
}

// parsePrefetchList reads comma-separated configuration identifiers;
// empty items are skipped.
func parsePrefetchList(v string) ([]Key, error) {
	var keys []Key
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, err := ParseKey(item)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// logLevels are the AWS agent's LOG_LEVEL values (docs/WIRE.md §4.4).
var logLevels = map[string]slog.Level{
	"trace": LevelTrace,
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
	"fatal": LevelFatal,
	"none":  LevelNone,
}

func parseLogLevel(v string) (slog.Level, error) {
	l, ok := logLevels[strings.ToLower(v)]
	if !ok {
		return 0, fmt.Errorf("want trace, debug, info, warn, error, fatal or none, got %q", v)
	}
	return l, nil
}
