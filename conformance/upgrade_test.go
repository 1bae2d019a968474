package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/jackc/pgx/v5"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// upgradeFixture describes a database that an earlier appconfigd wrote,
// made by testdata/upgrade/make-fixture.sh.
type upgradeFixture struct {
	Commit        string    `json:"commit"`
	Schema        int       `json:"schema"`
	PolledAt      time.Time `json:"polledAt"`
	NextPollToken string    `json:"nextPollToken"`
	Application   string    `json:"application"`
	Environment   string    `json:"environment"`
	Profile       string    `json:"profile"`
	Strategy      string    `json:"strategy"`
	Content       string    `json:"content"`
}

// TestUpgradeFromEarlierSchemas opens each store an earlier schema
// version wrote (docs/OPERATIONS.md, "Upgrades"), SQLite databases and
// PostgreSQL schemas, with this program, which migrates it, and checks
// that everything is still served: the resources, the deployed content, a
// configuration token the old server handed out (its sealing key
// survived), and new writes.
func TestUpgradeFromEarlierSchemas(t *testing.T) {
	t.Parallel()
	manifests, err := filepath.Glob(filepath.Join("..", "testdata", "upgrade", "*schema-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(manifests) == 0 {
		t.Fatal("no fixtures in testdata/upgrade")
	}
	for _, manifest := range manifests {
		name := strings.TrimSuffix(filepath.Base(manifest), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var fx upgradeFixture
			b, err := os.ReadFile(manifest)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &fx); err != nil {
				t.Fatalf("%s: %v", manifest, err)
			}
			var store serverOption
			if strings.HasPrefix(name, "postgres-") {
				store = postgresFixture(t, strings.TrimSuffix(manifest, ".json")+".sql")
			} else {
				store = sqliteFixture(t, strings.TrimSuffix(manifest, ".json")+".db")
			}
			// Two minutes after the old server's last poll (recorded to the
			// second): the token is still valid and past its poll
			// interval, the default 60 s.
			ts := startServer(t, store, withStart(fx.PolledAt.Add(2*time.Minute)))
			checkUpgraded(t, ts, fx)
		})
	}
}

// sqliteFixture copies the SQLite database file into a new data
// directory, which the server then serves.
func sqliteFixture(t *testing.T, file string) serverOption {
	t.Helper()
	db, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "appconfigd.db"), db, 0o600); err != nil {
		t.Fatal(err)
	}
	return withDataDir(dir)
}

// postgresFixture loads the pg_dump file into a new schema of the test
// database, which the server then serves.
func postgresFixture(t *testing.T, file string) serverOption {
	t.Helper()
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	schema := apptest.NewSchema(t, nil)
	sql := strings.ReplaceAll(string(dump), "__SCHEMA__", pgx.Identifier{schema.Name}.Sanitize())
	if err := apptest.Exec(t.Context(), schema.DSN, sql); err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	return func(o *serverOptions) { o.config.DatabaseURL = schema.DSN }
}

// checkUpgraded checks that ts serves what the fixture fx's old server
// held, and takes new writes.
func checkUpgraded(t *testing.T, ts *testServer, fx upgradeFixture) {
	t.Helper()
	if got := poll(t, ts.data, fx.NextPollToken); len(got.Configuration) != 0 {
		t.Errorf("the old server's token got %q; want an empty body (the client holds the latest version)", got.Configuration)
	}
	session, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(fx.Application),
		EnvironmentIdentifier:          aws.String(fx.Environment),
		ConfigurationProfileIdentifier: aws.String(fx.Profile),
	})
	if err != nil {
		t.Fatalf("StartConfigurationSession: %v", err)
	}
	if got := poll(t, ts.data, aws.ToString(session.InitialConfigurationToken)); string(got.Configuration) != fx.Content {
		t.Errorf("a new session got %q; want the deployed %q", got.Configuration, fx.Content)
	}

	apps, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{})
	if err != nil || len(apps.Items) != 1 || aws.ToString(apps.Items[0].Name) != fx.Application {
		t.Fatalf("ListApplications = %+v, %v; want the one application %s", apps, err, fx.Application)
	}
	app := apps.Items[0].Id
	envs, err := ts.control.ListEnvironments(ctx(t), &appconfig.ListEnvironmentsInput{ApplicationId: app})
	if err != nil || len(envs.Items) != 1 {
		t.Fatalf("ListEnvironments = %+v, %v; want one", envs, err)
	}
	deployments, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: app, EnvironmentId: envs.Items[0].Id})
	if err != nil || len(deployments.Items) != 1 || deployments.Items[0].State != types.DeploymentStateComplete {
		t.Fatalf("ListDeployments = %+v, %v; want one COMPLETE", deployments, err)
	}
	strategies, err := ts.control.ListDeploymentStrategies(ctx(t), &appconfig.ListDeploymentStrategiesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var strategy *string
	for _, s := range strategies.Items {
		if aws.ToString(s.Name) == fx.Strategy {
			strategy = s.Id
		}
	}
	if strategy == nil {
		t.Fatalf("no deployment strategy %s among %d", fx.Strategy, len(strategies.Items))
	}
	profiles, err := ts.control.ListConfigurationProfiles(ctx(t), &appconfig.ListConfigurationProfilesInput{ApplicationId: app})
	if err != nil || len(profiles.Items) != 1 {
		t.Fatalf("ListConfigurationProfiles = %+v, %v; want one", profiles, err)
	}

	// Writes work on the migrated schema: a new version, deployed.
	created, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
		ApplicationId: app, ConfigurationProfileId: profiles.Items[0].Id,
		Content: []byte(`{"upgraded":true}`), ContentType: aws.String("application/json"),
	})
	if err != nil || created.VersionNumber != 2 {
		t.Fatalf("CreateHostedConfigurationVersion: %+v, %v; want version 2", created, err)
	}
	if _, err := ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
		ApplicationId: app, EnvironmentId: envs.Items[0].Id, ConfigurationProfileId: profiles.Items[0].Id,
		ConfigurationVersion: aws.String("2"), DeploymentStrategyId: strategy,
	}); err != nil {
		t.Fatalf("StartDeployment: %v", err)
	}
	// The whole configuration still reads as files.
	if tree := exportOf(t, ts); len(tree) == 0 {
		t.Error("export of the upgraded server is empty")
	}
}
