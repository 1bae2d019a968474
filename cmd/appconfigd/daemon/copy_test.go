package daemon

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/validation"
)

// newSchemaDSN creates an empty schema, dropped when the test ends, and
// returns a DSN whose search_path selects it. Without a test database the
// test is skipped, and fails in CI (apptest.Missing).
func newSchemaDSN(t *testing.T) string {
	t.Helper()
	return apptest.NewSchema(t, nil).DSN
}

// seededDir is a SQLite data directory written by a server.
type seededDir struct {
	dir                 string
	appID, profileID    string
	appARN, strategyARN string
}

// seedDataDir writes a data directory as `appconfigd serve --region
// eu-west-1 --account-id 123456789012` would: an application with a
// deployed configuration, a deleted version, tags and a custom strategy.
func seedDataDir(t *testing.T) seededDir {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "appconfigd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := apptest.NewService(t, store, appconfigd.SystemClock{}, validation.NewRunner(), func(svc *appconfigd.Service) {
		svc.Region, svc.AccountID = "eu-west-1", "123456789012"
	})
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	app, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "web"}, map[string]string{"team": "payments"})
	step("create application", err)
	env, err := svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "prod"}, nil)
	step("create environment", err)
	p, err := svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "settings", LocationURI: "hosted"}, nil)
	step("create profile", err)
	for _, content := range []string{`{"v":1}`, `{"v":2}`} {
		_, err := svc.CreateHostedConfigurationVersion(ctx, app.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte(content), ContentType: "application/json"}, nil)
		step("create version", err)
	}
	step("delete version", svc.DeleteHostedConfigurationVersion(ctx, app.ID, p.ID, 2))
	st, err := svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "now", GrowthFactor: 100}, map[string]string{"speed": "max"})
	step("create strategy", err)
	_, err = svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{DeploymentStrategyID: st.ID, ConfigurationProfileID: p.ID, ConfigurationVersion: "1"})
	step("start deployment", err)
	return seededDir{
		dir: dir, appID: app.ID, profileID: p.ID,
		appARN: svc.ApplicationARN(app.ID), strategyARN: svc.DeploymentStrategyARN(st.ID),
	}
}

// runCommand runs the command line and returns its exit code and output.
func runCommand(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut apptest.Buffer
	code = Run(t.Context(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCopyToPostgres(t *testing.T) {
	t.Parallel()

	t.Run("CopiesADataDirectoryThatAServerThenServes", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		seeded := seedDataDir(t)
		dsn := newSchemaDSN(t)
		args := []string{copyCommand, "--data", seeded.dir, "--database-url", dsn, "--region", "eu-west-1", "--account-id", "123456789012"}

		code, stdout, stderr := runCommand(t, args...)
		if code != 0 {
			t.Fatalf("exit code = %d, want 0; stderr %q", code, stderr)
		}
		for _, want := range []string{
			`(?m)^\s+1 applications$`,
			`(?m)^\s+1 hosted configuration versions$`,
			`(?m)^\s+5 deployment strategies \(4 predefined\)$`,
			`(?m)^\s+1 deployments \(\d+ events\)$`,
			`(?m)^\s+2 tags \(on 2 resources\)$`,
			`(?m)^\s+1 token sealing keys$`,
			`--region eu-west-1 --account-id 123456789012`,
		} {
			if !regexp.MustCompile(want).MatchString(stdout) {
				t.Errorf("stdout does not match %s:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, dsn) || strings.Contains(stderr, dsn) {
			t.Errorf("the output shows the database URL")
		}

		// A server on PostgreSQL with the same settings serves it all.
		cfg := DefaultConfig()
		cfg.Listen, cfg.DatabaseURL = "127.0.0.1:0", dsn
		cfg.Region, cfg.AccountID = "eu-west-1", "123456789012"
		cfg.Auth = "off" // only the service is used, not the wire
		d := New(cfg)
		if err := d.Open(ctx); err != nil {
			t.Fatalf("serve the copy: %v", err)
		}
		defer d.Close()
		svc := d.Service()
		for arn, want := range map[string]string{seeded.appARN: "team", seeded.strategyARN: "speed"} {
			tags, err := svc.ListTagsForResource(ctx, arn)
			if err != nil || tags[want] == "" {
				t.Errorf("tags of %s = %v, %v; want tag %s", arn, tags, err, want)
			}
		}
		v, err := svc.CreateHostedConfigurationVersion(ctx, seeded.appID, seeded.profileID,
			&appconfigd.HostedConfigurationVersion{Content: []byte(`{"v":3}`), ContentType: "application/json"}, nil)
		if err != nil || v.VersionNumber != 3 {
			t.Errorf("version created on the copy: %v, %v; want number 3 (2 was deleted before the copy)", v, err)
		}
		tok, err := svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
			ApplicationIdentifier: "web", EnvironmentIdentifier: "prod", ConfigurationProfileIdentifier: "settings",
		})
		if err != nil {
			t.Fatal(err)
		}
		if out, err := svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}); err != nil || string(out.Content) != `{"v":1}` {
			t.Errorf("the copy serves %v, %v; want {\"v\":1}", out, err)
		}

		// A second copy into the same, now used, schema is refused.
		code, _, stderr = runCommand(t, args...)
		if code != 1 || !strings.Contains(stderr, "not empty") {
			t.Errorf("second copy: exit code %d, stderr %q; want 1 and a destination that is not empty", code, stderr)
		}
	})

	t.Run("UnreachableDatabaseFails", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		db, err := sqlite.Open(t.Context(), filepath.Join(dir, "appconfigd.db"))
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, stderr := runCommand(t, copyCommand, "--data", dir, "--database-url", "postgres://appconfigd@127.0.0.1:1/nothing?connect_timeout=5")
		if code != 1 || !strings.Contains(stderr, "postgres") {
			t.Errorf("exit code %d, stderr %q; want 1 and the connection error", code, stderr)
		}
	})

	t.Run("MissingSQLiteDatabaseFailsAndCreatesNothing", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "typo")
		code, _, stderr := runCommand(t, copyCommand, "--data", dir, "--database-url", "postgres://127.0.0.1:1/never-contacted")
		if code != 1 || !strings.Contains(stderr, "no SQLite database at "+filepath.Join(dir, "appconfigd.db")) {
			t.Errorf("exit code %d, stderr %q; want 1 and the missing database", code, stderr)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the data directory exists after the failed copy (%v); it must not be created", err)
		}
	})

	t.Run("DirectoryInPlaceOfTheDatabaseFails", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "appconfigd.db"), 0o700); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCommand(t, copyCommand, "--data", dir, "--database-url", "postgres://127.0.0.1:1/never-contacted")
		if code != 1 || !strings.Contains(stderr, "is a directory") {
			t.Errorf("exit code %d, stderr %q; want 1 and a directory that is not a database", code, stderr)
		}
	})

	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"UnknownFlag", []string{copyCommand, "--listen", "127.0.0.1:0"}, "flag provided but not defined"},
		{"ExtraArgument", []string{copyCommand, "--database-url", "postgres://x", "extra"}, "unexpected argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCommand(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit code %d, stderr %q; want 2 and %q", code, stderr, tt.wantErr)
			}
		})
	}

	t.Run("HelpListsTheCommandAndItsFlags", func(t *testing.T) {
		t.Parallel()
		code, stdout, _ := runCommand(t, "help")
		if code != 0 {
			t.Errorf("exit code = %d, want 0", code)
		}
		for _, want := range []string{"appconfigd copy-to-postgres [flags]", "Flags of copy-to-postgres:", "-database-url", "-account-id"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("help does not mention %q", want)
			}
		}
		code, _, stderr := runCommand(t, copyCommand, "-h")
		if code != 0 || !strings.Contains(stderr, "Flags of copy-to-postgres:") {
			t.Errorf("copy-to-postgres -h: exit code %d, output %q", code, stderr)
		}
	})
}

// These tests set the environment, so they cannot run in parallel with
// others.

func TestCopyToPostgresDatabaseURLFromEnvironment(t *testing.T) {
	if os.Getenv(apptest.DatabaseEnv) == "" && !apptest.InCI() {
		// Without a database, check only that the variable is read:
		// the copy fails connecting to it, not for want of a URL. (In
		// CI, newSchemaDSN fails the test instead.)
		t.Setenv("APPCONFIGD_DATABASE_URL", "postgres://appconfigd@127.0.0.1:1/nothing?connect_timeout=5")
		dir := t.TempDir()
		db, err := sqlite.Open(t.Context(), filepath.Join(dir, "appconfigd.db"))
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, stderr := runCommand(t, copyCommand, "--data", dir)
		if code != 1 || !strings.Contains(stderr, "postgres") {
			t.Errorf("exit code %d, stderr %q; want 1 and a connection error", code, stderr)
		}
		return
	}
	seeded := seedDataDir(t)
	dsn := newSchemaDSN(t)
	t.Setenv("APPCONFIGD_DATABASE_URL", dsn)
	code, stdout, stderr := runCommand(t, copyCommand, "--data", seeded.dir)
	if code != 0 || !strings.Contains(stdout, "1 applications") {
		t.Fatalf("exit code %d, stdout %q, stderr %q; want a copy into $APPCONFIGD_DATABASE_URL", code, stdout, stderr)
	}
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(t.Context(), func(tx appconfigd.Tx) error {
		_, err := tx.FindApplication(t.Context(), seeded.appID)
		return err
	})
	if err != nil {
		t.Errorf("the application is not in $APPCONFIGD_DATABASE_URL: %v", err)
	}
}

func TestCopyToPostgresWithoutDatabaseURL(t *testing.T) {
	t.Setenv("APPCONFIGD_DATABASE_URL", "")
	code, _, stderr := runCommand(t, copyCommand, "--data", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "--database-url") {
		t.Errorf("exit code %d, stderr %q; want 2 and a missing --database-url", code, stderr)
	}
}
