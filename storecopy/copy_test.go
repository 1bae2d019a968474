package storecopy_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/postgres"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/storecopy"
	"github.com/appconfigd/appconfigd/validation"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The source server runs with a region and account other than the
// defaults, so a copy that looked tags up under the wrong ARNs would lose
// them.
const (
	region    = "eu-west-1"
	accountID = "123456789012"
)

var opts = storecopy.Options{Region: region, AccountID: accountID}

// newSchemaDSN creates an empty schema, dropped when the test ends, and
// returns a DSN whose search_path selects it. Without a test database the
// test is skipped, and fails in CI (apptest.Missing).
func newSchemaDSN(t *testing.T) string {
	t.Helper()
	return apptest.NewSchema(t, map[string]string{"pool_max_conns": "4"}).DSN
}

// openSQLite opens a new SQLite store, closed when the test ends.
func openSQLite(t *testing.T) appconfigd.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "appconfigd.db"))
	if err != nil {
		t.Fatalf("open SQLite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openPostgres opens a PostgreSQL store in a new schema, closed before the
// schema is dropped.
func openPostgres(t *testing.T) appconfigd.Store {
	t.Helper()
	dsn := newSchemaDSN(t)
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// destinations are the stores copied into; the source is always SQLite,
// since that is the move the command makes.
var destinations = []struct {
	name string
	open func(t *testing.T) appconfigd.Store
}{
	{"SQLiteToSQLite", openSQLite},
	{"SQLiteToPostgreSQL", openPostgres},
}

// forEachDestination runs test as a parallel subtest per destination.
func forEachDestination(t *testing.T, test func(t *testing.T, open func(t *testing.T) appconfigd.Store)) {
	t.Helper()
	for _, d := range destinations {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			test(t, d.open)
		})
	}
}

// newService opens a Service on store as the daemon does, in the source
// server's region and account.
func newService(t *testing.T, store appconfigd.Store, clock appconfigd.Clock) *appconfigd.Service {
	t.Helper()
	return apptest.NewService(t, store, clock, validation.NewRunner(), func(svc *appconfigd.Service) {
		svc.Region, svc.AccountID = region, accountID
	})
}

func must[T any](t *testing.T, what string) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func check(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// seeded is what seed made that the tests look up again.
type seeded struct {
	web, api                     *appconfigd.Application
	prod                         *appconfigd.Environment
	settings                     *appconfigd.ConfigurationProfile
	session                      appconfigd.StartSessionInput
	tags                         map[string]map[string]string // by ARN
	highErrors, latencySLO       string                       // alarm ARNs
	servedContent                string                       // what prod serves of settings
	latestSettingsVersion        int
	servedDeletedVersion         int // of settings, deleted but served in prod
	staging                      *appconfigd.Environment
	notifyID, relayID            string // extensions
	completed, rolledBack        int    // deployment numbers in prod
	inProgressApp, inProgressEnv string
}

// seed fills the source through a real Service, so the store holds what a
// server writes: every kind of record, deletions that leave gaps (an
// application, a strategy, a hosted version, extension versions), a
// deleted hosted version still served, deployments that completed, rolled
// back on an alarm and are still in progress, with extensions applied and
// their actions invoked, deletion protection and a recorded poll.
func seed(t *testing.T, svc *appconfigd.Service, clock *apptest.Clock) seeded {
	t.Helper()
	ctx := t.Context()
	var s seeded
	s.tags = make(map[string]map[string]string)
	s.highErrors = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:HighErrors"
	s.latencySLO = "LatencySLO"

	// A second sealing key, a day after the first, active by the time
	// tokens are issued: tokens of either must open after the copy.
	clock.Advance(24 * time.Hour)
	check(t, "rotate sealing keys", svc.RotateSealingKeys(ctx))
	clock.Advance(appconfigd.KeyActivationDelay + time.Second)

	fast := must[*appconfigd.DeploymentStrategy](t, "create strategy fast")(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{
		Name: "fast", Description: "all at once, no bake", GrowthFactor: 100,
	}, nil))
	slow := must[*appconfigd.DeploymentStrategy](t, "create strategy slow")(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{
		Name: "slow", Description: "careful", DeploymentDurationInMinutes: 20, FinalBakeTimeInMinutes: 10,
		GrowthType: appconfigd.GrowthExponential, GrowthFactor: 12.5, ReplicateTo: appconfigd.ReplicateSSMDocument,
	}, map[string]string{"speed": "slow"}))
	s.tags[svc.DeploymentStrategyARN(slow.ID)] = map[string]string{"speed": "slow"}
	doomed := must[*appconfigd.DeploymentStrategy](t, "create strategy doomed")(svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "doomed", GrowthFactor: 50}, map[string]string{"x": "y"}))
	check(t, "delete strategy", svc.DeleteDeploymentStrategy(ctx, doomed.ID))
	allAtOnce := svc.DeploymentStrategyARN("AppConfig.AllAtOnce")
	check(t, "tag a predefined strategy", svc.TagResource(ctx, allAtOnce, map[string]string{"kind": "predefined"}))
	s.tags[allAtOnce] = map[string]string{"kind": "predefined"}

	clock.Advance(time.Second)
	s.web = must[*appconfigd.Application](t, "create application web")(svc.CreateApplication(ctx, &appconfigd.Application{Name: "web", Description: "the web shop"},
		map[string]string{"team": "payments", "cost-center": "42"}))
	s.tags[svc.ApplicationARN(s.web.ID)] = map[string]string{"team": "payments", "cost-center": "42"}
	gone := must[*appconfigd.Application](t, "create application gone")(svc.CreateApplication(ctx, &appconfigd.Application{Name: "gone"}, map[string]string{"a": "b"}))
	s.api = must[*appconfigd.Application](t, "create application api")(svc.CreateApplication(ctx, &appconfigd.Application{Name: "api"}, nil))
	check(t, "delete application", svc.DeleteApplication(ctx, gone.ID))

	clock.Advance(time.Second)
	s.prod = must[*appconfigd.Environment](t, "create environment prod")(svc.CreateEnvironment(ctx, s.web.ID, &appconfigd.Environment{
		Name: "prod", Description: "production",
		Monitors: []appconfigd.Monitor{
			{AlarmARN: s.highErrors, AlarmRoleARN: "arn:aws:iam::123456789012:role/Alarms"},
			{AlarmARN: s.latencySLO},
		},
	}, map[string]string{"tier": "1"}))
	s.tags[svc.EnvironmentARN(s.web.ID, s.prod.ID)] = map[string]string{"tier": "1"}
	staging := must[*appconfigd.Environment](t, "create environment staging")(svc.CreateEnvironment(ctx, s.web.ID, &appconfigd.Environment{Name: "staging"}, nil))
	dev := must[*appconfigd.Environment](t, "create environment dev")(svc.CreateEnvironment(ctx, s.api.ID, &appconfigd.Environment{Name: "dev"}, nil))

	s.settings = must[*appconfigd.ConfigurationProfile](t, "create profile settings")(svc.CreateConfigurationProfile(ctx, s.web.ID, &appconfigd.ConfigurationProfile{
		Name: "settings", Description: "shop settings", LocationURI: appconfigd.LocationHosted,
		Type: appconfigd.ProfileTypeFreeform, KMSKeyIdentifier: "alias/settings",
		Validators: []appconfigd.Validator{{Type: appconfigd.ValidatorJSONSchema, Content: `{"type":"object","required":["color"]}`}},
	}, map[string]string{"owner": "alice"}))
	s.tags[svc.ConfigurationProfileARN(s.web.ID, s.settings.ID)] = map[string]string{"owner": "alice"}
	blob := must[*appconfigd.ConfigurationProfile](t, "create profile blob")(svc.CreateConfigurationProfile(ctx, s.web.ID, &appconfigd.ConfigurationProfile{
		Name: "blob", LocationURI: appconfigd.LocationHosted, RetrievalRoleARN: "arn:aws:iam::123456789012:role/Retrieval",
		Validators: []appconfigd.Validator{{Type: appconfigd.ValidatorLambda, Content: "arn:aws:lambda:eu-west-1:123456789012:function:check"}},
	}, nil))
	cfg := must[*appconfigd.ConfigurationProfile](t, "create profile cfg")(svc.CreateConfigurationProfile(ctx, s.api.ID, &appconfigd.ConfigurationProfile{
		Name: "cfg", LocationURI: appconfigd.LocationHosted,
	}, nil))

	newVersion := func(p *appconfigd.ConfigurationProfile, content, contentType, label string) *appconfigd.HostedConfigurationVersion {
		t.Helper()
		clock.Advance(time.Second)
		return must[*appconfigd.HostedConfigurationVersion](t, "create version")(svc.CreateHostedConfigurationVersion(ctx, s.web.ID, p.ID, &appconfigd.HostedConfigurationVersion{
			Content: []byte(content), ContentType: contentType, VersionLabel: label, Description: "version " + label,
		}, nil))
	}
	newVersion(s.settings, `{"color":"red"}`, "application/json", "v1")
	newVersion(s.settings, `{"color":"blue"}`, "application/json; charset=utf-8", "v2")
	v3 := newVersion(s.settings, `{"color":"green"}`, "application/json", "")
	check(t, "delete version", svc.DeleteHostedConfigurationVersion(ctx, s.web.ID, s.settings.ID, v3.VersionNumber))
	s.latestSettingsVersion = v3.VersionNumber
	// Content is bytes, not text: a NUL and invalid UTF-8 must survive.
	newVersion(blob, "\x00\xff\xfe binary", "application/octet-stream", "raw")
	clock.Advance(time.Second)
	must[*appconfigd.HostedConfigurationVersion](t, "create version of cfg")(svc.CreateHostedConfigurationVersion(ctx, s.api.ID, cfg.ID, &appconfigd.HostedConfigurationVersion{
		Content: []byte("a=1\n"), ContentType: "text/plain",
	}, nil))

	// Extensions: notify keeps versions 1 and 3 (2 is deleted, a gap),
	// relay only version 2 (its first is deleted), created interleaved.
	// Each version has tags of its own.
	newExtension := func(name string, latest *int, point appconfigd.ActionPoint) *appconfigd.Extension {
		t.Helper()
		clock.Advance(time.Second)
		e := must[*appconfigd.Extension](t, "create extension "+name)(svc.CreateExtension(ctx, &appconfigd.Extension{
			Name: name, Description: name + " extension",
			Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
				point: {{Name: name + "-action", URI: "https://hooks.example.com/" + name, RoleARN: "arn:aws:iam::123456789012:role/Hooks"}},
			},
			Parameters: map[string]appconfigd.ExtensionParameter{"channel": {Description: "where to post", Required: true}},
		}, latest, map[string]string{"version-of": name}))
		s.tags[appconfigd.FormatExtensionARN(region, accountID, e.ID, e.VersionNumber)] = map[string]string{"version-of": name}
		return e
	}
	one, two := 1, 2
	notify := newExtension("notify", nil, appconfigd.ActionOnDeploymentStart)
	relay := newExtension("relay", nil, appconfigd.ActionOnDeploymentComplete)
	newExtension("notify", &one, appconfigd.ActionOnDeploymentStart)
	newExtension("relay", &one, appconfigd.ActionOnDeploymentComplete)
	newExtension("notify", &two, appconfigd.ActionOnDeploymentStart)
	check(t, "delete notify version 2", svc.DeleteExtension(ctx, notify.ID, 2))
	delete(s.tags, appconfigd.FormatExtensionARN(region, accountID, notify.ID, 2))
	check(t, "delete relay version 1", svc.DeleteExtension(ctx, relay.ID, 1))
	delete(s.tags, appconfigd.FormatExtensionARN(region, accountID, relay.ID, 1))
	s.notifyID, s.relayID = notify.ID, relay.ID
	// notify applies to every deployment of web; relay to blob, which
	// is never deployed.
	clock.Advance(time.Second)
	toWeb := must[*appconfigd.ExtensionAssociation](t, "associate notify")(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: "notify", ResourceIdentifier: svc.ApplicationARN(s.web.ID),
		Parameters: map[string]string{"channel": "#ops"}, Tags: map[string]string{"owner": "sre"},
	}))
	s.tags[appconfigd.FormatExtensionAssociationARN(region, accountID, toWeb.ID)] = map[string]string{"owner": "sre"}
	must[*appconfigd.ExtensionAssociation](t, "associate relay")(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: relay.ID, ExtensionVersionNumber: 2, ResourceIdentifier: svc.ConfigurationProfileARN(s.web.ID, blob.ID),
		Parameters: map[string]string{"channel": "#blobs"},
	}))

	// prod: deployment 1 completes, deployment 2 is rolled back by an
	// alarm, so prod serves version 1.
	clock.Advance(time.Second)
	d1 := must[*appconfigd.Deployment](t, "start deployment 1")(svc.StartDeployment(ctx, s.web.ID, s.prod.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: fast.ID, ConfigurationProfileID: s.settings.ID, ConfigurationVersion: "1",
		Description: "first", Tags: map[string]string{"release": "r1"},
	}))
	s.tags[svc.DeploymentARN(s.web.ID, s.prod.ID, d1.DeploymentNumber)] = map[string]string{"release": "r1"}
	clock.Advance(time.Minute)
	must[time.Time](t, "advance deployments")(svc.AdvanceDeployments(ctx))
	s.completed = d1.DeploymentNumber
	d2 := must[*appconfigd.Deployment](t, "start deployment 2")(svc.StartDeployment(ctx, s.web.ID, s.prod.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: slow.ID, ConfigurationProfileID: s.settings.ID, ConfigurationVersion: "v2",
	}))
	clock.Advance(3 * time.Minute)
	must[*appconfigd.Alarm](t, "set alarm")(svc.SetAlarmState(ctx, s.latencySLO, appconfigd.AlarmOK, "fine"))
	must[*appconfigd.Alarm](t, "set alarm")(svc.SetAlarmState(ctx, s.highErrors, appconfigd.AlarmAlarm, "5xx above 1%"))
	for _, op := range []string{"CreateApplication", "DeleteApplication"} {
		clock.Advance(time.Second)
		check(t, "record audit", svc.RecordAudit(ctx, &appconfigd.AuditEntry{RequestID: "req-" + op, AccessKeyID: "AKIDOPS", KeyName: "ops", Operation: op, Resource: "/applications", Status: 201}))
	}
	must[time.Time](t, "advance deployments")(svc.AdvanceDeployments(ctx))
	s.rolledBack = d2.DeploymentNumber
	s.servedContent = `{"color":"red"}`
	// Deleting the version prod serves only marks it deleted: prod goes
	// on serving it.
	check(t, "delete the served version", svc.DeleteHostedConfigurationVersion(ctx, s.web.ID, s.settings.ID, 1))
	s.servedDeletedVersion = 1

	// staging: one completed deployment; dev (of api): one in progress,
	// with a step or two done.
	s.staging = staging
	must[*appconfigd.Deployment](t, "start deployment to staging")(svc.StartDeployment(ctx, s.web.ID, staging.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: "AppConfig.AllAtOnce", ConfigurationProfileID: s.settings.ID, ConfigurationVersion: "2",
	}))
	must[*appconfigd.Deployment](t, "start deployment to dev")(svc.StartDeployment(ctx, s.api.ID, dev.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID: slow.ID, ConfigurationProfileID: cfg.ID, ConfigurationVersion: "1",
	}))
	s.inProgressApp, s.inProgressEnv = s.api.ID, dev.ID
	clock.Advance(11 * time.Minute)
	must[time.Time](t, "advance deployments")(svc.AdvanceDeployments(ctx))

	s.session = appconfigd.StartSessionInput{ApplicationIdentifier: "web", EnvironmentIdentifier: "prod", ConfigurationProfileIdentifier: "settings"}

	// Deletion protection on, for two hours, and a poll of prod's
	// settings that the server wrote to the store.
	enabled, period := true, 120
	must[appconfigd.AccountSettings](t, "update account settings")(svc.UpdateAccountSettings(ctx, appconfigd.AccountSettingsUpdate{
		DeletionProtectionEnabled: &enabled, ProtectionPeriodInMinutes: &period,
	}))
	clock.Advance(time.Second)
	tok := must[string](t, "start session")(svc.StartConfigurationSession(ctx, s.session))
	must[*appconfigd.LatestConfiguration](t, "poll")(svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{}))
	check(t, "flush poll times", svc.FlushPolls(ctx))

	// The extensions' actions run in the background; let them record
	// their invocations before the source is read.
	svc.StopActions(ctx)
	return s
}

// snapshot is everything a store holds, read back through the Tx contract
// alone: each listing in its order, each count, each hosted version with
// its content, each resource's tags.
type snapshot struct {
	Applications            []*appconfigd.Application
	ApplicationCount        int
	Environments            map[string][]*appconfigd.Environment // by application
	EnvironmentCounts       map[string]int
	Profiles                map[string][]*appconfigd.ConfigurationProfile // by application
	ProfileCounts           map[string]int
	Versions                map[string][]*appconfigd.HostedConfigurationVersion // by app/profile, as listed
	VersionContents         map[string]*appconfigd.HostedConfigurationVersion   // by app/profile/number
	VersionCounts           map[string]int
	LatestVersionNumbers    map[string]int
	ProfileDeploymentCounts map[string]int
	Strategies              []*appconfigd.DeploymentStrategy
	StrategyCount           int
	Deployments             map[string][]*appconfigd.Deployment // by app/env
	LatestDeployments       map[string]*appconfigd.Deployment
	ActiveDeployments       []*appconfigd.Deployment
	ServingDeployments      []*appconfigd.Deployment
	Tags                    map[string]map[string]string // by ARN, those with tags
	Alarms                  []*appconfigd.Alarm
	SealingKeys             []appconfigd.SealingKey
	Audit                   []*appconfigd.AuditEntry
	// DeletedVersions are the versions marked deleted, as listed, and
	// DeletedVersionContents what the data plane serves of them.
	DeletedVersions        []*appconfigd.HostedConfigurationVersion
	DeletedVersionContents map[string]*appconfigd.HostedConfigurationVersion // by app/profile/number
	// Extensions are the latest versions, as listed; ExtensionVersions
	// every version of each, by ID.
	Extensions            []*appconfigd.Extension
	ExtensionVersions     map[string][]*appconfigd.Extension
	ExtensionAssociations []*appconfigd.ExtensionAssociation
	AccountSettings       *appconfigd.AccountSettings
	LastPolled            map[appconfigd.PolledResource]time.Time // those ever polled
}

// read returns the snapshot of s.
func read(t *testing.T, s appconfigd.Store) *snapshot {
	t.Helper()
	ctx := t.Context()
	snap := &snapshot{
		Environments: map[string][]*appconfigd.Environment{}, EnvironmentCounts: map[string]int{},
		Profiles: map[string][]*appconfigd.ConfigurationProfile{}, ProfileCounts: map[string]int{},
		Versions: map[string][]*appconfigd.HostedConfigurationVersion{}, VersionContents: map[string]*appconfigd.HostedConfigurationVersion{},
		VersionCounts: map[string]int{}, LatestVersionNumbers: map[string]int{}, ProfileDeploymentCounts: map[string]int{},
		Deployments: map[string][]*appconfigd.Deployment{}, LatestDeployments: map[string]*appconfigd.Deployment{},
		Tags: map[string]map[string]string{}, DeletedVersionContents: map[string]*appconfigd.HostedConfigurationVersion{},
		ExtensionVersions: map[string][]*appconfigd.Extension{}, LastPolled: map[appconfigd.PolledResource]time.Time{},
	}
	polled := func(tx appconfigd.Tx, r appconfigd.PolledResource) error {
		at, err := tx.LastPolled(ctx, r)
		if !at.IsZero() {
			snap.LastPolled[r] = at
		}
		return err
	}
	tags := func(tx appconfigd.Tx, arn string) error {
		tags, err := tx.FindTags(ctx, arn)
		if len(tags) > 0 {
			snap.Tags[arn] = tags
		}
		return err
	}
	err := s.View(ctx, func(tx appconfigd.Tx) (err error) {
		if snap.Applications, _, err = tx.ListApplications(ctx, appconfigd.Page{}); err != nil {
			return err
		}
		if snap.ApplicationCount, err = tx.CountApplications(ctx); err != nil {
			return err
		}
		for _, a := range snap.Applications {
			if err := tags(tx, appconfigd.FormatApplicationARN(region, accountID, a.ID)); err != nil {
				return err
			}
			envs, _, err := tx.ListEnvironments(ctx, a.ID, appconfigd.Page{})
			if err != nil {
				return err
			}
			snap.Environments[a.ID] = envs
			if snap.EnvironmentCounts[a.ID], err = tx.CountEnvironments(ctx, a.ID); err != nil {
				return err
			}
			for _, e := range envs {
				key := a.ID + "/" + e.ID
				if err := tags(tx, appconfigd.FormatEnvironmentARN(region, accountID, a.ID, e.ID)); err != nil {
					return err
				}
				if err := polled(tx, appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: a.ID, ID: e.ID}); err != nil {
					return err
				}
				ds, _, err := tx.ListDeployments(ctx, a.ID, e.ID, appconfigd.Page{})
				if err != nil {
					return err
				}
				snap.Deployments[key] = ds
				for _, d := range ds {
					if err := tags(tx, appconfigd.FormatDeploymentARN(region, accountID, a.ID, e.ID, d.DeploymentNumber)); err != nil {
						return err
					}
				}
				if snap.LatestDeployments[key], err = tx.LatestDeployment(ctx, a.ID, e.ID); err != nil {
					return err
				}
			}
			profiles, _, err := tx.ListConfigurationProfiles(ctx, a.ID, appconfigd.ConfigurationProfileFilter{}, appconfigd.Page{})
			if err != nil {
				return err
			}
			snap.Profiles[a.ID] = profiles
			if snap.ProfileCounts[a.ID], err = tx.CountConfigurationProfiles(ctx, a.ID); err != nil {
				return err
			}
			for _, p := range profiles {
				key := a.ID + "/" + p.ID
				if err := tags(tx, appconfigd.FormatConfigurationProfileARN(region, accountID, a.ID, p.ID)); err != nil {
					return err
				}
				if err := polled(tx, appconfigd.PolledResource{Type: appconfigd.ResourceConfigurationProfile, ApplicationID: a.ID, ID: p.ID}); err != nil {
					return err
				}
				vs, _, err := tx.ListHostedConfigurationVersions(ctx, a.ID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.Page{})
				if err != nil {
					return err
				}
				snap.Versions[key] = vs
				for _, v := range vs {
					full, err := tx.FindHostedConfigurationVersion(ctx, a.ID, p.ID, v.VersionNumber)
					if err != nil {
						return err
					}
					snap.VersionContents[key+"/"+strconv.Itoa(v.VersionNumber)] = full
				}
				if snap.VersionCounts[key], err = tx.CountHostedConfigurationVersions(ctx, a.ID, p.ID); err != nil {
					return err
				}
				if snap.LatestVersionNumbers[key], err = tx.LatestHostedConfigurationVersionNumber(ctx, a.ID, p.ID); err != nil {
					return err
				}
				if snap.ProfileDeploymentCounts[key], err = tx.CountProfileDeployments(ctx, a.ID, p.ID); err != nil {
					return err
				}
			}
		}
		if snap.Strategies, _, err = tx.ListDeploymentStrategies(ctx, appconfigd.Page{}); err != nil {
			return err
		}
		if snap.StrategyCount, err = tx.CountDeploymentStrategies(ctx); err != nil {
			return err
		}
		for _, st := range snap.Strategies {
			if err := tags(tx, appconfigd.FormatDeploymentStrategyARN(region, accountID, st.ID)); err != nil {
				return err
			}
		}
		if snap.ActiveDeployments, err = tx.ListActiveDeployments(ctx); err != nil {
			return err
		}
		if snap.ServingDeployments, err = tx.ListServingDeployments(ctx); err != nil {
			return err
		}
		if snap.Alarms, err = tx.ListAlarms(ctx); err != nil {
			return err
		}
		if snap.Audit, _, err = tx.ListAudit(ctx, appconfigd.AuditFilter{}, appconfigd.Page{}); err != nil {
			return err
		}
		if snap.DeletedVersions, err = tx.ListDeletedHostedConfigurationVersions(ctx); err != nil {
			return err
		}
		for _, v := range snap.DeletedVersions {
			served, err := tx.FindServedHostedConfigurationVersion(ctx, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber)
			if err != nil {
				return err
			}
			snap.DeletedVersionContents[v.ApplicationID+"/"+v.ConfigurationProfileID+"/"+strconv.Itoa(v.VersionNumber)] = served
		}
		if snap.Extensions, err = tx.ListExtensions(ctx, ""); err != nil {
			return err
		}
		for _, latest := range snap.Extensions {
			// One past the latest too: a version there would be one
			// the copy made up.
			for n := 1; n <= latest.VersionNumber+1; n++ {
				e, err := tx.FindExtension(ctx, latest.ID, n)
				if appconfigd.IsCode(err, appconfigd.ENotFound) {
					continue
				}
				if err != nil {
					return err
				}
				snap.ExtensionVersions[e.ID] = append(snap.ExtensionVersions[e.ID], e)
				if err := tags(tx, appconfigd.FormatExtensionARN(region, accountID, e.ID, e.VersionNumber)); err != nil {
					return err
				}
			}
		}
		if snap.ExtensionAssociations, _, err = tx.ListExtensionAssociations(ctx, appconfigd.ExtensionAssociationFilter{}, appconfigd.Page{}); err != nil {
			return err
		}
		for _, a := range snap.ExtensionAssociations {
			if err := tags(tx, appconfigd.FormatExtensionAssociationARN(region, accountID, a.ID)); err != nil {
				return err
			}
		}
		if snap.AccountSettings, err = tx.FindAccountSettings(ctx); err != nil {
			return err
		}
		snap.SealingKeys, err = tx.SealingKeys(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("read store: %v", err)
	}
	return snap
}

// wantSame fails the test when two snapshots differ. Times compare with
// time.Time.Equal, and nil and empty slices and maps are alike, as the
// contract suite has it.
func wantSame(t *testing.T, what string, got, want *snapshot) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%s (-want +got):\n%s", what, diff)
	}
}

func TestCopy(t *testing.T) {
	t.Parallel()

	t.Run("CopiesEverything", func(t *testing.T) {
		t.Parallel()
		forEachDestination(t, testCopiesEverything)
	})

	t.Run("RefusesADestinationWithData", func(t *testing.T) {
		t.Parallel()
		forEachDestination(t, func(t *testing.T, open func(t *testing.T) appconfigd.Store) {
			ctx := t.Context()
			clock := apptest.NewClock(time.Time{})
			src := openSQLite(t)
			seed(t, newService(t, src, clock), clock)

			for _, tt := range []struct {
				name    string
				fill    func(t *testing.T, dst appconfigd.Store)
				mention []string
			}{
				{"AnApplication", func(t *testing.T, dst appconfigd.Store) {
					check(t, "create application", dst.Update(ctx, func(tx appconfigd.Tx) error {
						return tx.CreateApplication(ctx, &appconfigd.Application{ID: "abc1234", Name: "there already"})
					}))
				}, []string{"1 application"}},
				{"WhatAServerSeeds", func(t *testing.T, dst appconfigd.Store) {
					newService(t, dst, clock) // the predefined strategies and a sealing key
				}, []string{"4 deployment strategies", "1 token sealing key"}},
				{"AnAlarmState", func(t *testing.T, dst appconfigd.Store) {
					check(t, "put alarm", dst.Update(ctx, func(tx appconfigd.Tx) error {
						return tx.PutAlarm(ctx, &appconfigd.Alarm{ARN: "HighErrors", State: appconfigd.AlarmAlarm})
					}))
				}, []string{"1 alarm state"}},
				{"AnExtension", func(t *testing.T, dst appconfigd.Store) {
					check(t, "create extension", dst.Update(ctx, func(tx appconfigd.Tx) error {
						return tx.CreateExtension(ctx, &appconfigd.Extension{ID: "ext1234", Name: "there already", VersionNumber: 1})
					}))
				}, []string{"1 extension"}},
				{"AccountSettings", func(t *testing.T, dst appconfigd.Store) {
					check(t, "put account settings", dst.Update(ctx, func(tx appconfigd.Tx) error {
						settings := appconfigd.DefaultAccountSettings()
						return tx.PutAccountSettings(ctx, &settings)
					}))
				}, []string{"account settings"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					dst := open(t)
					tt.fill(t, dst)
					before := read(t, dst)
					stats, err := storecopy.Copy(ctx, dst, src, opts)
					if !errors.Is(err, storecopy.ErrDestinationNotEmpty) {
						t.Fatalf("Copy into a store with data: %v, want ErrDestinationNotEmpty", err)
					}
					for _, m := range tt.mention {
						if !strings.Contains(err.Error(), m) {
							t.Errorf("error %q does not mention %q", err, m)
						}
					}
					if stats != (storecopy.Stats{}) {
						t.Errorf("Stats of a refused copy = %+v, want zero", stats)
					}
					wantSame(t, "destination after a refused copy", read(t, dst), before)
				})
			}
		})
	})

	t.Run("WritesNothingWhenAWriteFails", func(t *testing.T) {
		t.Parallel()
		forEachDestination(t, func(t *testing.T, open func(t *testing.T) appconfigd.Store) {
			clock := apptest.NewClock(time.Time{})
			src := openSQLite(t)
			seed(t, newService(t, src, clock), clock)
			dst := open(t)
			empty := read(t, dst)
			// Alarms are copied last, after everything else was written
			// in the same transaction.
			_, err := storecopy.Copy(t.Context(), failingStore{dst}, src, opts)
			if !errors.Is(err, errInjected) {
				t.Fatalf("Copy with a failing PutAlarm: %v, want the injected error", err)
			}
			wantSame(t, "destination after a failed copy", read(t, dst), empty)
			// And the destination is still good for a copy.
			if _, err := storecopy.Copy(t.Context(), dst, src, opts); err != nil {
				t.Fatalf("Copy after a failed one: %v", err)
			}
			wantSame(t, "destination", read(t, dst), read(t, src))
		})
	})

	t.Run("EmptySourceCopiesNothing", func(t *testing.T) {
		t.Parallel()
		forEachDestination(t, func(t *testing.T, open func(t *testing.T) appconfigd.Store) {
			dst := open(t)
			stats, err := storecopy.Copy(t.Context(), dst, openSQLite(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			if stats != (storecopy.Stats{}) {
				t.Errorf("Stats = %+v, want zero", stats)
			}
			wantSame(t, "destination", read(t, dst), &snapshot{})
		})
	})

	t.Run("RefusesMissingOptionsAndTheSameStore", func(t *testing.T) {
		t.Parallel()
		s := openSQLite(t)
		mem, err := sqlite.Open(t.Context(), ":memory:")
		check(t, "open in-memory store", err)
		t.Cleanup(func() { _ = mem.Close() })
		for _, tt := range []struct {
			name     string
			dst, src appconfigd.Store
			opts     storecopy.Options
			want     string
		}{
			{"NoRegion", openSQLite(t), s, storecopy.Options{AccountID: accountID}, "Region"},
			{"NoAccountID", openSQLite(t), s, storecopy.Options{Region: region}, "AccountID"},
			// An empty in-memory store would deadlock rather than be
			// refused as not empty.
			{"SameStore", mem, mem, opts, "same store"},
		} {
			if _, err := storecopy.Copy(t.Context(), tt.dst, tt.src, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: Copy = %v, want an error mentioning %q", tt.name, err, tt.want)
			}
		}
	})

	t.Run("TextPostgreSQLCannotHoldFailsTheWholeCopy", func(t *testing.T) {
		t.Parallel()
		// SQLite stores a NUL in text; PostgreSQL cannot. Such a record
		// fails the copy, naming it, and nothing is written.
		ctx := t.Context()
		src := openSQLite(t)
		dst := openPostgres(t)
		check(t, "seed", src.Update(ctx, func(tx appconfigd.Tx) error {
			if err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "good123", Name: "fine"}); err != nil {
				return err
			}
			return tx.CreateApplication(ctx, &appconfigd.Application{ID: "bad1234", Name: "nul\x00inside"})
		}))
		_, err := storecopy.Copy(ctx, dst, src, opts)
		if !appconfigd.IsCode(err, appconfigd.EBadRequest) || !strings.Contains(err.Error(), "bad1234") {
			t.Fatalf("Copy = %v, want an EBadRequest naming application bad1234", err)
		}
		wantSame(t, "destination after a failed copy", read(t, dst), &snapshot{})
	})
}

func testCopiesEverything(t *testing.T, open func(t *testing.T) appconfigd.Store) {
	ctx := t.Context()
	clock := apptest.NewClock(time.Time{})
	src := openSQLite(t)
	srcSvc := newService(t, src, clock)
	s := seed(t, srcSvc, clock)
	dst := open(t)
	// Issued by the source before the move: it must work after it.
	tok := must[string](t, "start session")(srcSvc.StartConfigurationSession(ctx, s.session))

	want := read(t, src)
	stats, err := storecopy.Copy(ctx, dst, src, opts)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	got := read(t, dst)
	wantSame(t, "destination after the copy", got, want)

	// The comparison above is only as good as the seed: make sure it has
	// everything it is meant to have.
	if want.ApplicationCount != 2 || len(want.Strategies) != 6 || len(want.SealingKeys) != 2 || len(want.Alarms) != 2 ||
		len(want.ActiveDeployments) != 1 || len(want.Tags) != len(s.tags) ||
		len(want.Extensions) != 2 || len(want.ExtensionAssociations) != 2 || want.AccountSettings == nil || len(want.LastPolled) != 2 {
		t.Fatalf("the seed is not what the test expects: %d applications, %d strategies, %d sealing keys, %d alarms, %d active deployments, %d tagged resources, %d extensions, %d associations, account settings %v, %d poll times",
			want.ApplicationCount, len(want.Strategies), len(want.SealingKeys), len(want.Alarms), len(want.ActiveDeployments), len(want.Tags),
			len(want.Extensions), len(want.ExtensionAssociations), want.AccountSettings, len(want.LastPolled))
	}
	if diff := cmp.Diff(s.tags, got.Tags); diff != "" {
		t.Errorf("tags by ARN (-seeded +copied):\n%s", diff)
	}
	key := s.web.ID + "/" + s.settings.ID
	if got.LatestVersionNumbers[key] != s.latestSettingsVersion || len(got.Versions[key]) != s.latestSettingsVersion-2 {
		t.Errorf("settings: latest version number %d with %d versions, want %d with %d (the first and the newest deleted)",
			got.LatestVersionNumbers[key], len(got.Versions[key]), s.latestSettingsVersion, s.latestSettingsVersion-2)
	}
	served := key + "/" + strconv.Itoa(s.servedDeletedVersion)
	if v := got.DeletedVersionContents[served]; len(got.DeletedVersions) != 1 || v == nil || string(v.Content) != s.servedContent {
		t.Errorf("versions marked deleted = %v, want version %d of settings, serving %q", got.DeletedVersions, s.servedDeletedVersion, s.servedContent)
	}
	if diff := cmp.Diff([]int{1, 3}, versionNumbers(got.ExtensionVersions[s.notifyID])); diff != "" {
		t.Errorf("versions of extension notify (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2}, versionNumbers(got.ExtensionVersions[s.relayID])); diff != "" {
		t.Errorf("versions of extension relay (-want +got):\n%s", diff)
	}
	// Deployments of web apply notify, and its action ran at their start.
	d1 := deploymentNumbered(got.Deployments[s.web.ID+"/"+s.prod.ID], s.completed)
	if d1 == nil || len(d1.AppliedExtensions) != 1 || d1.AppliedExtensions[0].ExtensionID != s.notifyID || invocations(d1) == 0 {
		t.Errorf("prod's deployment %d: %+v, want notify applied and its action invoked", s.completed, d1)
	}
	prod := got.Deployments[s.web.ID+"/"+s.prod.ID]
	if len(prod) != 2 || prod[1].State != appconfigd.DeploymentComplete || prod[0].State != appconfigd.DeploymentRolledBack {
		t.Errorf("prod's deployments are not [ROLLED_BACK COMPLETE]: %v", prod)
	}

	events, tags := 0, 0
	for _, ds := range want.Deployments {
		for _, d := range ds {
			events += len(d.EventLog)
		}
	}
	for _, m := range want.Tags {
		tags += len(m)
	}
	wantStats := storecopy.Stats{
		Applications: 2, Environments: 3, ConfigurationProfiles: 3, HostedConfigurationVersions: 3, DeletedHostedConfigurationVersions: 1,
		DeploymentStrategies: 6, PredefinedDeploymentStrategies: 4, Deployments: 4, DeploymentEvents: events,
		TaggedResources: len(s.tags), Tags: tags, Extensions: 2, ExtensionVersions: 3, ExtensionAssociations: 2,
		Alarms: 2, SealingKeys: 2, AuditEntries: 2, AccountSettings: true, PollTimes: 2,
	}
	if diff := cmp.Diff(wantStats, stats); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}

	// A server on the destination finds everything as it was: it seeds
	// nothing (the predefined strategies and the keys are there) ...
	dstSvc := newService(t, dst, clock)
	wantSame(t, "destination after a Service opened it", read(t, dst), want)
	// ... keeps deletion protection as it was: an hour later prod, polled
	// just before the move, cannot be deleted, but staging, as old and
	// never polled, can ...
	clock.Advance(time.Hour)
	if err := dstSvc.DeleteEnvironment(ctx, s.web.ID, s.prod.ID, appconfigd.DeletionProtectionAccountDefault); !appconfigd.IsCode(err, appconfigd.EBadRequest) {
		t.Errorf("delete prod, polled an hour before, on the destination: %v, want deletion protection's EBadRequest", err)
	}
	check(t, "delete staging, never polled, on the destination", dstSvc.DeleteEnvironment(ctx, s.web.ID, s.staging.ID, appconfigd.DeletionProtectionAccountDefault))
	// ... opens the token the source issued, with its sealing keys, and
	// serves what the source served ...
	out, err := dstSvc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{})
	if err != nil {
		t.Fatalf("poll on the destination with a token the source issued: %v", err)
	}
	if string(out.Content) != s.servedContent || out.VersionLabel != "v1" {
		t.Errorf("poll on the destination = %q (label %q), want %q (v1)", out.Content, out.VersionLabel, s.servedContent)
	}
	if _, err := dstSvc.GetLatestConfiguration(ctx, out.NextPollConfigurationToken, appconfigd.PollOptions{}); err != nil {
		t.Errorf("poll with the destination's next token: %v", err)
	}
	// ... shows the tags under the ARNs it builds ...
	for arn, wantTags := range s.tags {
		gotTags, err := dstSvc.ListTagsForResource(ctx, arn)
		if err != nil {
			t.Errorf("ListTagsForResource(%s): %v", arn, err)
		} else if diff := cmp.Diff(wantTags, gotTags); diff != "" {
			t.Errorf("tags of %s (-want +got):\n%s", arn, diff)
		}
	}
	// ... numbers an extension's next version after its latest ...
	for _, ext := range []struct {
		name          string
		latest, wantN int
	}{{"notify", 3, 4}, {"relay", 2, 3}} {
		e := must[*appconfigd.Extension](t, "create a version of "+ext.name+" on the destination")(dstSvc.CreateExtension(ctx, &appconfigd.Extension{
			Name: ext.name, Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
				appconfigd.ActionOnDeploymentComplete: {{Name: "done", URI: "https://hooks.example.com/done"}},
			},
		}, &ext.latest, nil))
		if e.VersionNumber != ext.wantN {
			t.Errorf("version of %s created after the copy is number %d, want %d", ext.name, e.VersionNumber, ext.wantN)
		}
	}
	// ... and numbers the next hosted version after the deleted one,
	// never reusing its number.
	clock.Advance(time.Second)
	v := must[*appconfigd.HostedConfigurationVersion](t, "create a version on the destination")(dstSvc.CreateHostedConfigurationVersion(ctx, "web", "settings",
		&appconfigd.HostedConfigurationVersion{Content: []byte(`{"color":"teal"}`), ContentType: "application/json"}, nil))
	if v.VersionNumber != s.latestSettingsVersion+1 {
		t.Errorf("version created after the copy is number %d, want %d", v.VersionNumber, s.latestSettingsVersion+1)
	}
	// The deployment in progress goes on from where it was.
	clock.Advance(time.Hour)
	must[time.Time](t, "advance deployments on the destination")(dstSvc.AdvanceDeployments(ctx))
	d := must[*appconfigd.Deployment](t, "get deployment")(dstSvc.GetDeployment(ctx, s.inProgressApp, s.inProgressEnv, 1))
	if d.State != appconfigd.DeploymentComplete {
		t.Errorf("the deployment in progress is %s an hour after the copy, want COMPLETE", d.State)
	}
}

// versionNumbers returns the version numbers of es.
func versionNumbers(es []*appconfigd.Extension) []int {
	var ns []int
	for _, e := range es {
		ns = append(ns, e.VersionNumber)
	}
	return ns
}

// deploymentNumbered returns the deployment of ds numbered n, or nil.
func deploymentNumbered(ds []*appconfigd.Deployment, n int) *appconfigd.Deployment {
	for _, d := range ds {
		if d.DeploymentNumber == n {
			return d
		}
	}
	return nil
}

// invocations counts the action invocations in d's event log.
func invocations(d *appconfigd.Deployment) int {
	n := 0
	for _, e := range d.EventLog {
		n += len(e.ActionInvocations)
	}
	return n
}

// errInjected is the error failingStore's transactions fail with.
var errInjected = errors.New("injected failure")

// failingStore is a store whose Update transactions fail PutAlarm, to
// check that a copy failing late writes nothing.
type failingStore struct{ appconfigd.Store }

func (s failingStore) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.Update(ctx, func(tx appconfigd.Tx) error { return fn(failingTx{tx}) })
}

type failingTx struct{ appconfigd.Tx }

func (failingTx) PutAlarm(context.Context, *appconfigd.Alarm) error {
	return fmt.Errorf("put alarm: %w", errInjected)
}
