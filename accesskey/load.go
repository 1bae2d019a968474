package accesskey

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Sources says where Load looks for keys.
type Sources struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// KeysFile is the key file (--keys-file); "" for none.
	KeysFile string
	// DataDir is where the generated admin key is kept.
	DataDir string
	// NoGenerate forbids generating a key when no other source has one;
	// Load then fails with ErrNoKeys. Replicas sharing a database must set
	// it: each would generate a different key in its own data directory.
	NoGenerate bool
}

// ErrNoKeys is returned by Load when no source defines a key and
// generation is not allowed.
var ErrNoKeys = errors.New("no access keys: set " + EnvAccessKeyID + " and " + EnvSecretAccessKey + ", or pass --keys-file")

// Loaded is the result of Load.
type Loaded struct {
	// Set holds every key from every source.
	Set *Set
	// Generated is the generated admin key when no other source had a
	// key, and nil otherwise.
	Generated *Key
	// GeneratedPath is the file holding Generated.
	GeneratedPath string
	// Created reports that Generated was created by this call (the first
	// start), rather than read back.
	Created bool
}

// Load gathers the keys of the environment and the key file; names and
// access key IDs must be unique across both. When neither defines a key it
// falls back to the generated admin key (EnsureGeneratedAdmin), unless
// NoGenerate is set.
func Load(src Sources) (Loaded, error) {
	var keys []Key
	if k, ok, err := FromEnv(src.Getenv); err != nil {
		return Loaded{}, err
	} else if ok {
		keys = append(keys, k)
	}
	if src.KeysFile != "" {
		fileKeys, err := ReadFile(src.KeysFile)
		if err != nil {
			return Loaded{}, err
		}
		keys = append(keys, fileKeys...)
	}
	if len(keys) > 0 {
		set, err := NewSet(keys...)
		if err != nil {
			return Loaded{}, err
		}
		return Loaded{Set: set}, nil
	}
	if src.NoGenerate {
		return Loaded{}, ErrNoKeys
	}
	k, created, err := EnsureGeneratedAdmin(src.DataDir)
	if err != nil {
		return Loaded{}, err
	}
	set, err := NewSet(k)
	if err != nil {
		return Loaded{}, err
	}
	return Loaded{Set: set, Generated: &k, GeneratedPath: filepath.Join(src.DataDir, GeneratedFileName), Created: created}, nil
}

// CLIUsage is what ShellExports needs to know about the server.
type CLIUsage struct {
	// EndpointURL is the server's URL, e.g. http://127.0.0.1:2771.
	EndpointURL string
	// Region is the region to configure; any region works (the verifier
	// accepts every region), so this is the server's ARN region.
	Region string
	// SecretFile, when set, is a key file holding the key's secret: the
	// export line then reads the secret from it instead of spelling it
	// out, so the secret never lands in a log. It relies on the layout
	// EnsureGeneratedAdmin writes (one key, one member per line).
	SecretFile string
	// SecretEnv, when set (and SecretFile is not), is an environment
	// variable holding the secret, such as EnvSecretAccessKey: the export
	// line then refers to it instead of spelling the secret out.
	SecretEnv string
}

// ShellExports renders POSIX shell lines that configure the AWS CLI and
// SDKs to use key k against the server, ending with a command to try.
// Unless u says where the secret is kept, the output contains the secret:
// do not send that to a log. With SecretFile it reads:
//
//	export AWS_ACCESS_KEY_ID=AKAC…
//	export AWS_SECRET_ACCESS_KEY="$(sed -n 's/.*"secretAccessKey": *"\([^"]*\)".*/\1/p' /var/lib/appconfigd/admin-key.json)"
//	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
//	export AWS_ENDPOINT_URL=http://127.0.0.1:2771
//	unset AWS_SESSION_TOKEN AWS_PROFILE
//	# AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: pass --endpoint-url
//	aws appconfig list-applications --endpoint-url http://127.0.0.1:2771
//
// AWS_DEFAULT_REGION is what the AWS CLI reads, AWS_REGION what the SDKs
// read. AWS_ENDPOINT_URL is honoured by CLI v2 from 2.13, recent CLI v1
// releases and the SDKs that support service-specific endpoints, but not
// by older CLIs (CLI 2.9.19 on Debian 12 sends the request to the real
// AWS endpoint), so the command to try names the endpoint itself and
// works as printed with every CLI. AWS_SESSION_TOKEN would be refused
// (appconfigd has no temporary credentials) and AWS_PROFILE could
// override the environment's keys.
func ShellExports(k Key, u CLIUsage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(k.AccessKeyID))
	if u.SecretFile != "" {
		path := u.SecretFile
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		fmt.Fprintf(&b, "export AWS_SECRET_ACCESS_KEY=\"$(sed -n 's/.*\"secretAccessKey\": *\"\\([^\"]*\\)\".*/\\1/p' %s)\"\n", shellQuote(path))
	} else if u.SecretEnv != "" {
		fmt.Fprintf(&b, "export AWS_SECRET_ACCESS_KEY=\"$%s\"\n", u.SecretEnv)
	} else {
		fmt.Fprintf(&b, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(k.SecretAccessKey))
	}
	if u.Region != "" {
		fmt.Fprintf(&b, "export AWS_REGION=%[1]s AWS_DEFAULT_REGION=%[1]s\n", shellQuote(u.Region))
	}
	if u.EndpointURL != "" {
		fmt.Fprintf(&b, "export AWS_ENDPOINT_URL=%s\n", shellQuote(u.EndpointURL))
	}
	b.WriteString("unset AWS_SESSION_TOKEN AWS_PROFILE\n")
	if u.EndpointURL == "" {
		b.WriteString("aws appconfig list-applications\n")
		return b.String()
	}
	b.WriteString("# AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: pass --endpoint-url\n")
	fmt.Fprintf(&b, "aws appconfig list-applications --endpoint-url %s\n", shellQuote(u.EndpointURL))
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellQuote(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_./:@=+,", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
