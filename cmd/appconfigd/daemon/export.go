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

Flags of export:
`

type exportOptions struct {
	to          string
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
	fs.StringVar(&opts.endpointURL, "endpoint-url", "", "AppConfig endpoint `URL`, such as appconfigd's http://127.0.0.1:2771 (default $AWS_ENDPOINT_URL_APPCONFIG, $AWS_ENDPOINT_URL, else AWS)")
	fs.StringVar(&opts.region, "region", "", "AWS `region` (default the SDK's: $AWS_REGION, the shared config file)")
	fs.StringVar(&opts.accountID, "account-id", "", "account `id` of the endpoint's ARNs, under which tags are listed (default the account of the first extension ARN it lists, else none, which appconfigd accepts unless --strict-arns; AWS needs it)")
	fs.BoolVar(&opts.force, "force", false, "write into a directory that is not empty, replacing its applications/ and strategies/ (and nothing else), so that deleted resources disappear")
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "appconfigd %s: unexpected argument %q\n", exportCommand, fs.Arg(0))
		return 2
	}
	if opts.to == "" {
		fmt.Fprintf(stderr, "appconfigd %s: no directory to write into: set --to\n", exportCommand)
		return 2
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
	var load []func(*config.LoadOptions) error
	region := firstSet(flagRegion, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))
	if region != "" {
		load = append(load, config.WithRegion(region))
	}
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		load = append(load, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN"))))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, "", fmt.Errorf("AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, "", errors.New("no AWS region: set --region or AWS_REGION")
	}
	endpoint := endpointURL
	if endpoint == "" && !strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = firstSet(getenv("AWS_ENDPOINT_URL_APPCONFIG"), getenv("AWS_ENDPOINT_URL"))
	}
	client := appconfig.NewFromConfig(cfg, func(o *appconfig.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return client, cfg.Region, nil
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
