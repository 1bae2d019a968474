package daemon

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"

	"github.com/appconfigd/appconfigd/gitops"
)

// importCommand is the subcommand that copies another AppConfig service's
// configuration into an endpoint.
const importCommand = "import"

// importUsage heads the help of import.
const importUsage = `
appconfigd import copies everything another AppConfig service holds (AWS,
or another appconfigd) into an AppConfig endpoint, normally this appconfigd
(docs/GITOPS.md, "Import"): custom deployment strategies, applications,
environments, configuration profiles with their validators, hosted versions
under their own numbers with their labels, descriptions and content types,
tags, and what each environment serves, recreated as deployments completed
as they start. It reads both sides, prints the plan, and carries it out a
change at a time; a run that stops part way (an error, Ctrl-C) leaves what
it did, and the next run goes on from there. What cannot be copied (content
not in the hosted store, such as S3 profiles; resources whose name another
of the same parent shares) is listed at the end.

The source is --from-endpoint, else AWS in --from-region, with the
credentials of --from-profile of the shared AWS configuration, else the
environment's. The target is configured as apply's (--endpoint-url,
AWS_ENDPOINT_URL_APPCONFIG or AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE), except that with no
endpoint configured it is appconfigd on its default address.

Flags of import:
`

// defaultImportTarget is the endpoint import copies into when none is
// configured: appconfigd's on its default --listen address.
const defaultImportTarget = "http://127.0.0.1:2771"

type importOptions struct {
	fromEndpoint  string
	fromRegion    string
	fromProfile   string
	fromAccountID string
	endpointURL   string
	region        string
	accountID     string
	dryRun        bool
}

func importFlags(stderr io.Writer) (*flag.FlagSet, *importOptions) {
	opts := &importOptions{}
	fs := flag.NewFlagSet("appconfigd "+importCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.fromEndpoint, "from-endpoint", "", "AppConfig endpoint `URL` to copy from (default AWS's in --from-region; the AWS_ENDPOINT_URL variables configure the target only)")
	fs.StringVar(&opts.fromRegion, "from-region", "", "AWS `region` of the source (default the target's)")
	fs.StringVar(&opts.fromProfile, "from-profile", "", "`profile` of the shared AWS configuration whose credentials read the source (default the target's credentials)")
	fs.StringVar(&opts.fromAccountID, "from-account-id", "", "account `id` of the source's ARNs, under which its tags are read (default the account of the first extension ARN it lists; AWS needs it when it lists none)")
	fs.BoolVar(&opts.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.StringVar(&opts.endpointURL, "endpoint-url", "", "AppConfig endpoint `URL` to copy into (default $AWS_ENDPOINT_URL_APPCONFIG, $AWS_ENDPOINT_URL, else "+defaultImportTarget+", where appconfigd listens by default)")
	fs.StringVar(&opts.region, "region", "", "AWS `region` of the target (default the SDK's: $AWS_REGION, the shared config file)")
	fs.StringVar(&opts.accountID, "account-id", "", "account `id` of the target's ARNs, under which tags are read and changed (default as --from-account-id's, else none, which appconfigd accepts unless --strict-arns)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), importUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// printImportHelp writes the help of import, for appconfigd help.
func printImportHelp(w io.Writer) {
	fs, _ := importFlags(w)
	fs.Usage()
}

// RunImport runs appconfigd import with args (after the command name) and
// returns the exit code: 2 for a bad command line, 1 when a side cannot
// be read, the plan is refused or a change fails. getenv reads the AWS
// variables, as RunApply's does. What could not be copied is reported and
// does not fail the import.
func RunImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs, opts := importFlags(stderr)
	if code, ok := parseCommandLine(fs, importCommand, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { return reportFailure(stderr, importCommand, err) }
	endpoint := configuredEndpoint(opts.endpointURL, getenv, "AWS_ENDPOINT_URL_APPCONFIG")
	if endpoint == "" {
		endpoint = defaultImportTarget
	}
	target, region, err := appConfigClient(ctx, endpoint, opts.region, getenv)
	if err != nil {
		return fail(err)
	}
	source, sourceRegion, err := importSourceClient(ctx, opts, region, getenv)
	if err != nil {
		return fail(fmt.Errorf("the source: %w", err))
	}
	plan, err := gitops.PlanImport(ctx, source, target, gitops.ImportOptions{
		From: gitops.ReadOptions{Region: sourceRegion, AccountID: opts.fromAccountID},
		To:   gitops.ReadOptions{Region: region, AccountID: opts.accountID},
	})
	if err != nil {
		return fail(err)
	}
	printImportSource(stdout, sourceName(opts, sourceRegion), plan.Source)
	if len(plan.Changes) == 0 {
		fmt.Fprintln(stdout, "Nothing to import: the target holds what the source holds.")
	} else {
		for _, c := range plan.Changes {
			fmt.Fprintln(stdout, c.String())
		}
		fmt.Fprintln(stdout, planSummary(plan.Changes))
	}
	if len(plan.Changes) > 0 && !opts.dryRun {
		fmt.Fprintln(stdout)
		err = plan.Apply(ctx, target, gitops.ApplyOptions{
			Region:    region,
			AccountID: opts.accountID,
			Out:       stdout,
			Terminal:  isTerminal(stdout),
		})
		if err != nil {
			printNotCopied(stdout, plan.NotCopied)
			return fail(fmt.Errorf("%w\nwhat was done stays done: run the import again to go on", err))
		}
		fmt.Fprintf(stdout, "Imported: %d changes.\n", len(plan.Changes))
	}
	printNotCopied(stdout, plan.NotCopied)
	return 0
}

// importSourceClient returns the AppConfig client of the source and its
// region: --from-region, else the target's; the credentials of
// --from-profile, else those the target uses; --from-endpoint, else AWS's
// endpoint of the region, whatever endpoint the environment configures
// (that is the target's).
func importSourceClient(ctx context.Context, opts *importOptions, targetRegion string, getenv func(string) string) (*appconfig.Client, string, error) {
	cfg, err := clientConfig(ctx, firstSet(opts.fromRegion, targetRegion), opts.fromProfile, getenv)
	if err != nil {
		return nil, "", err
	}
	client := appconfig.NewFromConfig(cfg, func(o *appconfig.Options) {
		o.BaseEndpoint = nil
		if opts.fromEndpoint != "" {
			o.BaseEndpoint = aws.String(opts.fromEndpoint)
		}
	})
	return client, cfg.Region, nil
}

// sourceName names the source in the report.
func sourceName(opts *importOptions, region string) string {
	if opts.fromEndpoint != "" {
		return opts.fromEndpoint
	}
	return "AWS AppConfig in " + region
}

// printImportSource reports what the source holds.
func printImportSource(w io.Writer, source string, s *gitops.Summary) {
	fmt.Fprintf(w, "Read from %s: %d custom deployment strategies, %d applications, %d environments (%d deployed versions), %d configuration profiles, %d hosted configuration versions.\n",
		source, s.Strategies, s.Applications, s.Environments, s.Deployed, s.Profiles, s.Versions)
}

// printNotCopied lists what the import does not copy.
func printNotCopied(w io.Writer, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "Not copied:")
	for _, line := range lines {
		fmt.Fprintf(w, "  %s\n", line)
	}
}
