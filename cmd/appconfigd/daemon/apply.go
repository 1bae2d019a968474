package daemon

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/appconfigd/appconfigd/gitops"
)

// applyCommand is the subcommand that makes an endpoint match a directory
// of configuration files.
const applyCommand = "apply"

// applyUsage heads the help of apply.
const applyUsage = `
appconfigd apply makes an AppConfig endpoint (appconfigd or AWS) match a
directory of YAML manifests and content files in the layout appconfigd
export writes (docs/GITOPS.md). It reads the directory (a problem is named
by its file and field, and nothing is called), reads the endpoint, prints
the plan, and unless --dry-run carries it out a change at a time:
strategies, applications, environments, configuration profiles, new hosted
versions (under their files' numbers), with --deploy the deployments the
environments' deployed lists ask for (each followed until it completes),
and with --prune the deletion of what the directory does not name. A
failed change stops the run; what was done stays done, and the next run
goes on from there. The client is configured as export's: --endpoint-url,
AWS_ENDPOINT_URL_APPCONFIG or AWS_ENDPOINT_URL, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE.

Flags of apply:
`

type applyOptions struct {
	from        string
	endpointURL string
	region      string
	accountID   string
	dryRun      bool
	prune       bool
	deploy      bool
}

func applyFlags(stderr io.Writer) (*flag.FlagSet, *applyOptions) {
	opts := &applyOptions{}
	fs := flag.NewFlagSet("appconfigd "+applyCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.from, "from", "", "`directory` of manifests to apply, as appconfigd export writes it")
	fs.BoolVar(&opts.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&opts.prune, "prune", false, "delete what the endpoint has and the directory does not name: hosted versions, profiles, environments, applications, custom strategies")
	fs.BoolVar(&opts.deploy, "deploy", false, "start the deployments the environments' deployed lists ask for, and wait for each to complete")
	fs.StringVar(&opts.endpointURL, "endpoint-url", "", "AppConfig endpoint `URL`, such as appconfigd's http://127.0.0.1:2771 (default $AWS_ENDPOINT_URL_APPCONFIG, $AWS_ENDPOINT_URL, else AWS)")
	fs.StringVar(&opts.region, "region", "", "AWS `region` (default the SDK's: $AWS_REGION, the shared config file)")
	fs.StringVar(&opts.accountID, "account-id", "", "account `id` of the endpoint's ARNs, under which tags are read and changed (default the account of the first extension ARN it lists, else none, which appconfigd accepts unless --strict-arns; AWS needs it)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), applyUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// printApplyHelp writes the help of apply, for appconfigd help.
func printApplyHelp(w io.Writer) {
	fs, _ := applyFlags(w)
	fs.Usage()
}

// RunApply runs appconfigd apply with args (after the command name) and
// returns the exit code: 2 for a bad command line, 1 when the directory
// does not load, the plan is refused or a change fails. getenv reads the
// AWS variables that configure the client, as RunExport's does. Whether
// deployments' progress is drawn as a redrawn bar depends on stdout being
// a terminal.
func RunApply(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs, opts := applyFlags(stderr)
	if code, ok := parseCommandLine(fs, applyCommand, args, stderr); !ok {
		return code
	}
	if opts.from == "" {
		fmt.Fprintf(stderr, "appconfigd %s: no directory to apply: set --from\n", applyCommand)
		return 2
	}
	fail := func(err error) int { return reportFailure(stderr, applyCommand, err) }
	desired, err := gitops.LoadDir(opts.from)
	if err != nil {
		return fail(err)
	}
	client, region, err := appConfigClient(ctx, opts.endpointURL, opts.region, getenv)
	if err != nil {
		return fail(err)
	}
	current, _, err := gitops.Read(ctx, client, gitops.ReadOptions{Region: region, AccountID: opts.accountID})
	if err != nil {
		return fail(err)
	}
	changes, err := gitops.Plan(desired, current, gitops.PlanOptions{Prune: opts.prune, Deploy: opts.deploy})
	if err != nil {
		return fail(err)
	}
	if len(changes) == 0 {
		fmt.Fprintf(stdout, "No changes. The endpoint matches %s.\n", opts.from)
		return 0
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c.String())
	}
	fmt.Fprintln(stdout, planSummary(changes))
	if opts.dryRun {
		return 0
	}
	fmt.Fprintln(stdout)
	err = gitops.Apply(ctx, client, changes, current, gitops.ApplyOptions{
		Region:    region,
		AccountID: opts.accountID,
		Out:       stdout,
		Terminal:  isTerminal(stdout),
	})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "Applied %d changes.\n", len(changes))
	return 0
}

// planSummary counts a plan's changes by what they do.
func planSummary(changes []gitops.Change) string {
	n := map[gitops.Op]int{}
	for _, c := range changes {
		n[c.Op]++
	}
	return fmt.Sprintf("Plan: %d to create, %d to update, %d to delete, %d new versions, %d deployments.",
		n[gitops.OpCreate], n[gitops.OpUpdate], n[gitops.OpDelete], n[gitops.OpNewVersion], n[gitops.OpDeploy])
}

// isTerminal reports whether w is a terminal (a character device), where
// a progress bar redrawn in place reads well; in a CI log or a file it
// would not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
