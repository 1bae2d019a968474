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
	"slices"

	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/sqlite"
)

const (
	backupCommand  = "backup"
	restoreCommand = "restore"
)

// backedUpFiles are the files of a data directory, beside the database,
// that a backup carries: the generated admin key, without which the
// clients of a restored server could not sign in.
var backedUpFiles = []string{accesskey.GeneratedFileName}

const backupUsage = `
appconfigd backup copies the SQLite database of a data directory, and its
generated admin key, into one file, consistently, while the server runs
(docs/OPERATIONS.md, "Backups"). The file holds the token sealing keys and
the admin key: keep it as safe as the data directory. For PostgreSQL use
pg_dump.

Flags of backup:
`

const restoreUsage = `
appconfigd restore makes a backup the database of a data directory, which no
server may be using; tokens and keys from before the backup work again.

Flags of restore:
`

// dataDirOptions are the flags of backup and restore that name the data
// directory.
type dataDirOptions struct {
	dataDir, config string
}

// add adds --data and --config to fs; what names the directory is
// described by what.
func (o *dataDirOptions) add(fs *flag.FlagSet, what string) {
	fs.StringVar(&o.dataDir, "data", "", "data `directory` "+what+" (default serve's: $APPCONFIGD_DATA, else the --config file's data, else data)")
	fs.StringVar(&o.config, configFlag, "", "serve's configuration `file`, to read its data setting from (default $APPCONFIGD_CONFIG)")
}

// resolve returns --data when given, else the data directory serve would
// use with the same environment and configuration file (applySettings),
// so that an installed server is backed up with --config alone. ok is
// false when the settings are refused; the reason is on stderr.
func (o *dataDirOptions) resolve(getenv func(string) string, stderr io.Writer) (dir string, ok bool) {
	if o.dataDir != "" {
		return o.dataDir, true
	}
	var args []string
	if o.config != "" {
		args = []string{"--" + configFlag, o.config}
	}
	opts, _, ok := loadServeSettings(args, getenv, stderr)
	if !ok {
		return "", false
	}
	return opts.config.DataDir, true
}

func backupFlags(stderr io.Writer) (*flag.FlagSet, *dataDirOptions, *string) {
	var dir dataDirOptions
	var to string
	fs := flag.NewFlagSet("appconfigd "+backupCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir.add(fs, "of the SQLite server to back up")
	fs.StringVar(&to, "to", "", "`file` to write the backup to; it must not exist")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), backupUsage)
		fs.PrintDefaults()
	}
	return fs, &dir, &to
}

func restoreFlags(stderr io.Writer) (*flag.FlagSet, *dataDirOptions, *string, *bool) {
	var dir dataDirOptions
	var from string
	var force bool
	fs := flag.NewFlagSet("appconfigd "+restoreCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&from, "from", "", "backup `file` made by appconfigd backup")
	dir.add(fs, "to restore into, created if missing")
	fs.BoolVar(&force, "force", false, "replace the database the data directory holds")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), restoreUsage)
		fs.PrintDefaults()
	}
	return fs, &dir, &from, &force
}

// printBackupHelp writes the help of backup and restore, for appconfigd help.
func printBackupHelp(w io.Writer) {
	fs, _, _ := backupFlags(w)
	fs.Usage()
	rfs, _, _, _ := restoreFlags(w)
	rfs.Usage()
}

// runBackup runs appconfigd backup and returns the exit code: 2 for a bad
// command line, 1 when the backup fails (and then no file is left).
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags, dirOpts, to := backupFlags(stderr)
	if code, ok := parseCommandLine(flags, backupCommand, args, stderr); !ok {
		return code
	}
	dataDir, ok := dirOpts.resolve(getenv, stderr)
	if !ok {
		return 2
	}
	if *to == "" {
		fmt.Fprintf(stderr, "appconfigd %s: no file to write: set --to\n", backupCommand)
		return 2
	}
	db := filepath.Join(dataDir, sqliteFile)
	if _, err := os.Stat(db); err != nil {
		return reportFailure(stderr, backupCommand, fmt.Errorf("no SQLite database at %s: --data must name the data directory of a SQLite server (back up PostgreSQL with pg_dump)", db))
	}
	files := map[string][]byte{}
	for _, name := range backedUpFiles {
		b, err := os.ReadFile(filepath.Join(dataDir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return reportFailure(stderr, backupCommand, err)
		}
		files[name] = b
	}
	if err := sqlite.Backup(ctx, db, *to, files); err != nil {
		return reportFailure(stderr, backupCommand, err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s%s.\n", db, *to, withFiles(files))
	return 0
}

// runRestore runs appconfigd restore and returns the exit code: 2 for a
// bad command line, 1 when the restore fails (and then the data directory
// is as it was, but for a directory created for it).
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags, dirOpts, from, force := restoreFlags(stderr)
	if code, ok := parseCommandLine(flags, restoreCommand, args, stderr); !ok {
		return code
	}
	dataDir, ok := dirOpts.resolve(getenv, stderr)
	if !ok {
		return 2
	}
	if *from == "" {
		fmt.Fprintf(stderr, "appconfigd %s: no backup to restore: set --from\n", restoreCommand)
		return 2
	}
	if _, err := os.Stat(*from); err != nil {
		return reportFailure(stderr, restoreCommand, err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return reportFailure(stderr, restoreCommand, err)
	}
	lock, err := lockDataDir(dataDir)
	if err != nil {
		return reportFailure(stderr, restoreCommand, fmt.Errorf("%w; stop the server first", err))
	}
	defer lock.Close()
	db := filepath.Join(dataDir, sqliteFile)
	if _, err := os.Stat(db); err == nil && !*force {
		return reportFailure(stderr, restoreCommand, fmt.Errorf("%s holds a database already; add --force to replace it", dataDir))
	}
	files, err := sqlite.Restore(ctx, *from, db)
	if err != nil {
		return reportFailure(stderr, restoreCommand, err)
	}
	for name, content := range files {
		if !slices.Contains(backedUpFiles, name) {
			continue // never write a name this program did not back up
		}
		if err := os.WriteFile(filepath.Join(dataDir, name), content, 0o600); err != nil {
			return reportFailure(stderr, restoreCommand, err)
		}
	}
	fmt.Fprintf(stdout, "Restored %s into %s%s. Serve it with appconfigd serve --data %s.\n", *from, dataDir, withFiles(files), dataDir)
	return 0
}

// withFiles says which files beside the database a backup carries.
func withFiles(files map[string][]byte) string {
	if len(files) == 0 {
		return ""
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return fmt.Sprintf(" (with %v)", names)
}
