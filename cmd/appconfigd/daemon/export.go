package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"

	"github.com/appconfigd/appconfigd/gitops"
)

// exportCommand is the subcommand that writes an endpoint's configuration
// as files.
const exportCommand = "export"

// exportUsage heads the help of export.
const exportUsage = `
appconfigd export writes everything an AppConfig endpoint holds (appconfigd
or AWS) into a directory, as YAML manifests and content files
(docs/GITOPS.md): custom deployment strategies, and every application with
its environments (and what each serves), its configuration profiles and
their hosted versions. It is a client of the AppConfig API, configured as
the AWS SDK is: AWS_ENDPOINT_URL_APPCONFIG or AWS_ENDPOINT_URL (an
appconfigd URL; unset for AWS), AWS_REGION, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_PROFILE. The tree is built beside the directory
and moved into place once complete: a failed export changes nothing.

appconfigd export --agent-dev-dir DIR --environment ENV writes instead, for
every application with an environment named ENV, each configuration that
environment serves as a file of the agent's local development mode
(LOCAL_DEVELOPMENT_DIRECTORY): APP:ENV:PROFILE.EXT, the extension giving the
content type, the content fetched through AppConfigData as the agent and
applications get it (feature flags in the retrieval format). AppConfigData
is reached at the same URL (AWS_ENDPOINT_URL_APPCONFIGDATA first), or AWS's.
Files named like configurations that the export does not write are removed;
other files in DIR are left alone.

Flags of export:
`

type exportOptions struct {
	to          string
	agentDevDir string
	environment string
	endpointURL string
	region      string
	accountID   string
	force       bool
}

func exportFlags(stderr io.Writer) (*flag.FlagSet, *exportOptions) {
	opts := &exportOptions{}
	fs := flag.NewFlagSet("appconfigd "+exportCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.to, "to", "", "`directory` to write into; it must be empty or missing unless --force")
	fs.StringVar(&opts.agentDevDir, "agent-dev-dir", "", "`directory` to write an environment's configurations into as the agent's local development files (instead of --to); it must hold no file named like a configuration unless --force")
	fs.StringVar(&opts.environment, "environment", "", "`name` of the environment whose configurations --agent-dev-dir gets, in every application that has one")
	fs.StringVar(&opts.endpointURL, "endpoint-url", "", "AppConfig endpoint `URL`, such as appconfigd's http://127.0.0.1:2771 (default $AWS_ENDPOINT_URL_APPCONFIG, $AWS_ENDPOINT_URL, else AWS)")
	fs.StringVar(&opts.region, "region", "", "AWS `region` (default the SDK's: $AWS_REGION, the shared config file)")
	fs.StringVar(&opts.accountID, "account-id", "", "account `id` of the endpoint's ARNs, under which tags are listed (default the account of the first extension ARN it lists, else none, which appconfigd accepts unless --strict-arns; AWS needs it)")
	fs.BoolVar(&opts.force, "force", false, "write into a directory that is not empty, replacing its applications/ and strategies/ (with --agent-dev-dir: its files named like configurations) and nothing else, so that deleted resources disappear")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// printExportHelp writes the help of export, for appconfigd help.
func printExportHelp(w io.Writer) {
	fs, _ := exportFlags(w)
	fs.Usage()
}

// RunExport runs appconfigd export with args (after the command name) and
// returns the exit code: 2 for a bad command line, 1 when the export
// fails. getenv reads the AWS variables that configure the client (the
// credentials, region and endpoint variables the help lists), so that
// tests need not change the process environment; the SDK's shared
// configuration files and credential chain fill in what they leave unset.
func RunExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs, opts := exportFlags(stderr)
	if code, ok := parseCommandLine(fs, exportCommand, args, stderr); !ok {
		return code
	}
	if msg := checkExportTarget(fs, opts); msg != "" {
		fmt.Fprintf(stderr, "appconfigd %s: %s\n", exportCommand, msg)
		return 2
	}
	if opts.agentDevDir != "" {
		return runAgentDevExport(ctx, opts, getenv, stdout, stderr)
	}
	client, region, err := exportClient(ctx, opts, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd %s: %v\n", exportCommand, err)
		return 1
	}
	summary, err := gitops.Export(ctx, client, opts.to, gitops.ExportOptions{
		Force:     opts.force,
		Region:    region,
		AccountID: opts.accountID,
	})
	if errors.Is(err, gitops.ErrNotEmpty) {
		fmt.Fprintf(stderr, "appconfigd %s: %v; --force replaces its applications/ and strategies/\n", exportCommand, err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd %s: %v\n", exportCommand, err)
		return 1
	}
	printExportSummary(stdout, opts.to, summary)
	return 0
}

// checkExportTarget returns what is wrong with the command line's choice
// of export, "" when nothing: exactly one of --to and --agent-dev-dir,
// --environment with --agent-dev-dir only (and a name a file name can
// carry), --account-id (for tags) with --to only.
func checkExportTarget(fs *flag.FlagSet, opts *exportOptions) string {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case opts.to == "" && opts.agentDevDir == "":
		return "no directory to write into: set --to, or --agent-dev-dir with --environment"
	case opts.to != "" && opts.agentDevDir != "":
		return "--to and --agent-dev-dir exclude each other: set one"
	case opts.to != "" && set["environment"]:
		return "--environment is for --agent-dev-dir; --to exports every environment"
	case opts.agentDevDir != "" && set["account-id"]:
		return "--account-id is for --to, which exports tags; --agent-dev-dir writes none"
	case opts.agentDevDir != "" && opts.environment == "":
		return "--agent-dev-dir needs --environment, the name of the environment whose configurations to write"
	}
	if opts.agentDevDir != "" {
		if problem := gitops.AgentDevNameProblem(opts.environment); problem != "" {
			return fmt.Sprintf("--environment %q %s", opts.environment, problem)
		}
	}
	return ""
}

// runAgentDevExport runs appconfigd export --agent-dev-dir, whose command
// line checkExportTarget has checked.
func runAgentDevExport(ctx context.Context, opts *exportOptions, getenv func(string) string, stdout, stderr io.Writer) int {
	client, data, err := agentDevClients(ctx, opts, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd %s: %v\n", exportCommand, err)
		return 1
	}
	summary, err := gitops.ExportAgentDev(ctx, client, data, opts.agentDevDir, gitops.AgentDevOptions{
		Environment: opts.environment,
		Force:       opts.force,
	})
	if errors.Is(err, gitops.ErrNotEmpty) {
		fmt.Fprintf(stderr, "appconfigd %s: %v; --force replaces the files named like configurations (APP:ENV:PROFILE[.EXT]) and leaves the others\n", exportCommand, err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd %s: %v\n", exportCommand, err)
		return 1
	}
	printAgentDevSummary(stdout, opts.agentDevDir, opts.environment, summary)
	return 0
}

// exportClient returns the AppConfig client of an export and its region
// (appConfigClient).
func exportClient(ctx context.Context, opts *exportOptions, getenv func(string) string) (*appconfig.Client, string, error) {
	return appConfigClient(ctx, opts.endpointURL, opts.region, getenv)
}

// appConfigClient returns the AppConfig client of export and apply, and
// its region: the SDK's default configuration with what the flags
// (--endpoint-url, --region; empty when not given) and getenv set laid
// over it.
func appConfigClient(ctx context.Context, endpointURL, flagRegion string, getenv func(string) string) (*appconfig.Client, string, error) {
	cfg, err := clientConfig(ctx, flagRegion, "", getenv)
	if err != nil {
		return nil, "", err
	}
	return newAppConfigClient(cfg, configuredEndpoint(endpointURL, getenv, "AWS_ENDPOINT_URL_APPCONFIG")), cfg.Region, nil
}

// newAppConfigClient returns an AppConfig client of cfg at endpoint, or
// at the one the SDK resolves when endpoint is "".
func newAppConfigClient(cfg aws.Config, endpoint string) *appconfig.Client {
	return appconfig.NewFromConfig(cfg, func(o *appconfig.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// agentDevClients returns the clients of export --agent-dev-dir: the
// AppConfig client of every export, and an AppConfigData client with the
// same credentials and region. appconfigd serves both APIs at one URL, so
// AppConfigData's endpoint is the AppConfig one, unless
// AWS_ENDPOINT_URL_APPCONFIGDATA names another; with none, the SDK
// resolves AWS's.
func agentDevClients(ctx context.Context, opts *exportOptions, getenv func(string) string) (*appconfig.Client, *appconfigdata.Client, error) {
	cfg, err := clientConfig(ctx, opts.region, "", getenv)
	if err != nil {
		return nil, nil, err
	}
	client := newAppConfigClient(cfg, configuredEndpoint(opts.endpointURL, getenv, "AWS_ENDPOINT_URL_APPCONFIG"))
	endpoint := configuredEndpoint(opts.endpointURL, getenv, "AWS_ENDPOINT_URL_APPCONFIGDATA", "AWS_ENDPOINT_URL_APPCONFIG")
	data := appconfigdata.NewFromConfig(cfg, func(o *appconfigdata.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return client, data, nil
}

// clientConfig returns the SDK's default configuration with the region
// (flagRegion, else AWS_REGION, else AWS_DEFAULT_REGION) laid over it, and
// the credentials of the shared configuration's profile when one is named,
// else the static credentials getenv sets, if any.
func clientConfig(ctx context.Context, flagRegion, profile string, getenv func(string) string) (aws.Config, error) {
	var load []func(*config.LoadOptions) error
	region := firstSet(flagRegion, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))
	if region != "" {
		load = append(load, config.WithRegion(region))
	}
	if profile != "" {
		load = append(load, config.WithSharedConfigProfile(profile))
	} else if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		load = append(load, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set --region or AWS_REGION")
	}
	return cfg, nil
}

// configuredEndpoint returns the endpoint URL a client is given:
// endpointURL (the flag) when set, else the first of the service's
// variables and AWS_ENDPOINT_URL that is set, unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true; "" leaves it to the SDK.
func configuredEndpoint(endpointURL string, getenv func(string) string, serviceVars ...string) string {
	if endpointURL != "" || strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return endpointURL
	}
	var values []string
	for _, v := range serviceVars {
		values = append(values, getenv(v))
	}
	return firstSet(append(values, getenv("AWS_ENDPOINT_URL"))...)
}

// firstSet returns the first of values that is not empty.
func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// printExportSummary reports what was written, one kind a line, and what
// the export holds no copy of.
func printExportSummary(w io.Writer, dir string, s *gitops.Summary) {
	fmt.Fprintf(w, "Exported into %s:\n", dir)
	for _, line := range []struct {
		n    int
		what string
	}{
		{s.Strategies, "custom deployment strategies"},
		{s.Applications, "applications"},
		{s.Environments, fmt.Sprintf("environments (%d deployed versions)", s.Deployed)},
		{s.Profiles, "configuration profiles"},
		{s.Versions, "hosted configuration versions"},
	} {
		fmt.Fprintf(w, "  %6d %s\n", line.n, line.what)
	}
	if len(s.NotCopied) > 0 {
		fmt.Fprintln(w, "Not copied:")
		for _, line := range s.NotCopied {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

// printAgentDevSummary reports the files written, the configurations of
// the environment that got none and why, the files of an earlier export
// removed, and how many applications have no such environment.
func printAgentDevSummary(w io.Writer, dir, env string, s *gitops.AgentDevSummary) {
	fmt.Fprintf(w, "Exported %d configurations of environment %s into %s:\n", len(s.Written), env, dir)
	for _, name := range s.Written {
		fmt.Fprintf(w, "  %s\n", name)
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, sk := range s.Skipped {
			fmt.Fprintf(w, "  %s\n", sk)
		}
	}
	if len(s.Removed) > 0 {
		fmt.Fprintln(w, "Removed, not written by this export:")
		for _, name := range s.Removed {
			fmt.Fprintf(w, "  %s\n", name)
		}
	}
	if s.WithoutEnvironment > 0 {
		fmt.Fprintf(w, "Applications without an environment %s: %d\n", env, s.WithoutEnvironment)
	}
}
