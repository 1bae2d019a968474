package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/storecopy"
)

// copyCommand is the subcommand that moves a SQLite server to PostgreSQL.
const copyCommand = "copy-to-postgres"

// copyUsage heads the help of copy-to-postgres.
const copyUsage = `
appconfigd copy-to-postgres copies everything in a SQLite data directory into
an empty PostgreSQL store, in one transaction: on any error nothing is
written. Stop the SQLite server first; what it writes during the copy is not
copied. Then serve the copy with appconfigd serve --database-url, with the
same --region and --account-id.

Flags of copy-to-postgres:
`

// sqliteFile is the name of the SQLite database in a data directory, as
// openStore opens it.
const sqliteFile = "appconfigd.db"

type copyOptions struct {
	dataDir     string
	databaseURL string
	region      string
	accountID   string
}

func copyFlags(stderr io.Writer) (*flag.FlagSet, *copyOptions) {
	defaults := DefaultConfig()
	opts := &copyOptions{}
	fs := flag.NewFlagSet("appconfigd "+copyCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.dataDir, "data", defaults.DataDir, "`directory` of the SQLite server, holding "+sqliteFile)
	// The environment is read after parsing, not made the flag's
	// default, so that help does not print the URL and its password.
	fs.StringVar(&opts.databaseURL, "database-url", "", "PostgreSQL `URL` (postgres://…) to copy into; its search_path schema must hold no appconfigd data (default $APPCONFIGD_DATABASE_URL)")
	// Tags are stored under resource ARNs, which contain both.
	fs.StringVar(&opts.region, "region", defaults.Region, "AWS `region` the SQLite server ran with (its --region), to find tags by ARN")
	fs.StringVar(&opts.accountID, "account-id", defaults.AccountID, "account `id` the SQLite server ran with (its --account-id), to find tags by ARN")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), copyUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// printCopyHelp writes the help of copy-to-postgres, for appconfigd help.
func printCopyHelp(w io.Writer) {
	fs, _ := copyFlags(w)
	fs.Usage()
}

// runCopy runs appconfigd copy-to-postgres with args (after the command
// name) and returns the exit code: 2 for a bad command line, 1 when the
// copy fails.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, opts := copyFlags(stderr)
	if code, ok := parseCommandLine(fs, copyCommand, args, stderr); !ok {
		return code
	}
	if opts.databaseURL == "" {
		opts.databaseURL = os.Getenv("APPCONFIGD_DATABASE_URL")
	}
	if opts.databaseURL == "" {
		fmt.Fprintf(stderr, "appconfigd %s: no PostgreSQL database to copy into: set --database-url or $APPCONFIGD_DATABASE_URL\n", copyCommand)
		return 2
	}
	path := filepath.Join(opts.dataDir, sqliteFile)
	stats, err := copyToPostgres(ctx, path, opts)
	if err != nil {
		fmt.Fprintf(stderr, "appconfigd %s: %v\n", copyCommand, err)
		return 1
	}
	printStats(stdout, path, stats)
	fmt.Fprintf(stdout, "Tags were looked up under the ARNs of region %s and account %s. Serve the copy with\n  appconfigd serve --database-url URL --region %s --account-id %s\n",
		opts.region, opts.accountID, opts.region, opts.accountID)
	return 0
}

// copyToPostgres opens both stores and copies path into the database.
func copyToPostgres(ctx context.Context, path string, opts *copyOptions) (storecopy.Stats, error) {
	// sqlite.Open would create a missing file, and copying the empty
	// database that makes would succeed: a mistyped --data must fail.
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return storecopy.Stats{}, fmt.Errorf("no SQLite database at %s: --data must name the data directory of the SQLite server", path)
	case err != nil:
		return storecopy.Stats{}, fmt.Errorf("SQLite database: %w", err)
	case info.IsDir():
		return storecopy.Stats{}, fmt.Errorf("%s is a directory, not a SQLite database", path)
	}
	src, err := sqlite.Open(ctx, path)
	if err != nil {
		return storecopy.Stats{}, err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, opts.databaseURL)
	if err != nil {
		return storecopy.Stats{}, err
	}
	defer dst.Close()
	return storecopy.Copy(ctx, dst, src, storecopy.Options{Region: opts.region, AccountID: opts.accountID})
}

// printStats reports what was copied, one kind of record a line.
func printStats(w io.Writer, path string, s storecopy.Stats) {
	fmt.Fprintf(w, "Copied %s into PostgreSQL:\n", path)
	for _, line := range []struct {
		n    int
		what string
	}{
		{s.Applications, "applications"},
		{s.Environments, "environments"},
		{s.ConfigurationProfiles, "configuration profiles"},
		{s.HostedConfigurationVersions, "hosted configuration versions"},
		{s.DeletedHostedConfigurationVersions, "deleted hosted configuration versions still served"},
		{s.DeploymentStrategies, fmt.Sprintf("deployment strategies (%d predefined)", s.PredefinedDeploymentStrategies)},
		{s.Deployments, fmt.Sprintf("deployments (%d events)", s.DeploymentEvents)},
		{s.Tags, fmt.Sprintf("tags (on %d resources)", s.TaggedResources)},
		{s.Extensions, fmt.Sprintf("extensions (%d versions)", s.ExtensionVersions)},
		{s.ExtensionAssociations, "extension associations"},
		{boolCount(s.AccountSettings), "account settings"},
		{s.PollTimes, "last-poll times of environments and profiles"},
		{s.Alarms, "alarm states"},
		{s.SealingKeys, "token sealing keys"},
		{s.AuditEntries, "audit entries"},
	} {
		fmt.Fprintf(w, "  %6d %s\n", line.n, line.what)
	}
}

// boolCount counts a record that is there or not.
func boolCount(there bool) int {
	if there {
		return 1
	}
	return 0
}
