package daemon

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// deployedProfile is an application with an environment and a hosted
// profile of two versions, the first deployed to completion.
type deployedProfile struct {
	app, env, profile string
}

// labels returns the profile's labels with the given others.
func (p deployedProfile) labels(others ...string) map[string]string {
	l := map[string]string{"application": p.app, "environment": p.env, "profile": p.profile}
	for i := 0; i+1 < len(others); i += 2 {
		l[others[i]] = others[i+1]
	}
	return l
}

// deployProfile makes a deployedProfile on d through the SDK.
func deployProfile(t *testing.T, d *Daemon) deployedProfile {
	t.Helper()
	ctx := t.Context()
	c := client(d.URL(), http.DefaultClient)
	app := must(c.CreateApplication(ctx, &appconfig.CreateApplicationInput{Name: aws.String("web")}))
	env := must(c.CreateEnvironment(ctx, &appconfig.CreateEnvironmentInput{ApplicationId: app.Id, Name: aws.String("prod")}))
	profile := must(c.CreateConfigurationProfile(ctx, &appconfig.CreateConfigurationProfileInput{
		ApplicationId: app.Id, Name: aws.String("settings"), LocationUri: aws.String("hosted"),
	}))
	for _, content := range []string{`{"v":1}`, `{"v":2}`} {
		must(c.CreateHostedConfigurationVersion(ctx, &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId: app.Id, ConfigurationProfileId: profile.Id, Content: []byte(content), ContentType: aws.String("application/json"),
		}))
	}
	instant := must(c.CreateDeploymentStrategy(ctx, &appconfig.CreateDeploymentStrategyInput{
		Name: aws.String("instant"), DeploymentDurationInMinutes: aws.Int32(0), FinalBakeTimeInMinutes: 0,
		GrowthFactor: aws.Float32(100), ReplicateTo: types.ReplicateToNone,
	}))
	first := must(c.StartDeployment(ctx, &appconfig.StartDeploymentInput{
		ApplicationId: app.Id, EnvironmentId: env.Id, ConfigurationProfileId: profile.Id,
		ConfigurationVersion: aws.String("1"), DeploymentStrategyId: instant.Id,
	}))
	waitFor(t, "the first deployment to complete", func() bool {
		got := must(c.GetDeployment(ctx, &appconfig.GetDeploymentInput{ApplicationId: app.Id, EnvironmentId: env.Id, DeploymentNumber: aws.Int32(first.DeploymentNumber)}))
		return got.State == types.DeploymentStateComplete
	})
	return deployedProfile{aws.ToString(app.Id), aws.ToString(env.Id), aws.ToString(profile.Id)}
}

// TestMetricsReportDeployments runs a deployment of twenty minutes at 120
// times real speed: a step of 10% every second of real time.
func TestMetricsReportDeployments(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.DeploymentTimeScale = 120 })
	ctx := t.Context()
	c := client(d.URL(), http.DefaultClient)
	p := deployProfile(t, d)
	linear := must(c.CreateDeploymentStrategy(ctx, &appconfig.CreateDeploymentStrategyInput{
		Name: aws.String("linear"), DeploymentDurationInMinutes: aws.Int32(20), FinalBakeTimeInMinutes: 0,
		GrowthFactor: aws.Float32(10), ReplicateTo: types.ReplicateToNone,
	}))
	second := must(c.StartDeployment(ctx, &appconfig.StartDeploymentInput{
		ApplicationId: aws.String(p.app), EnvironmentId: aws.String(p.env), ConfigurationProfileId: aws.String(p.profile),
		ConfigurationVersion: aws.String("2"), DeploymentStrategyId: linear.Id,
	}))
	deployment := strconv.Itoa(int(second.DeploymentNumber))

	t.Run("InProgress", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"appconfigd_deployments", map[string]string{"state": "complete"}, 1},
			{"appconfigd_deployments", map[string]string{"state": "deploying"}, 1},
			{"appconfigd_deployments", map[string]string{"state": "rolled_back"}, 0},
			{"appconfigd_served_version", p.labels("track", "baseline"), 1},
			{"appconfigd_served_version", p.labels("track", "rollout"), 2},
		} {
			if got := metricValue(t, d, tc.name, tc.labels); got != tc.want {
				t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
			}
		}
		if got := len(series(t, d, "appconfigd_deployment_percentage", nil)); got != 1 {
			t.Errorf("appconfigd_deployment_percentage has %d series, want 1: the deployment in progress", got)
		}
		if got := len(series(t, d, "appconfigd_deployments", nil)); got != 7 {
			t.Errorf("appconfigd_deployments has %d series, want 7: one per deployment state", got)
		}
		var reported float64
		waitFor(t, "the deployment's first step, reported as GetDeployment reports it", func() bool {
			reported = metricValue(t, d, "appconfigd_deployment_percentage", p.labels("deployment", deployment))
			got := must(c.GetDeployment(ctx, &appconfig.GetDeploymentInput{ApplicationId: aws.String(p.app), EnvironmentId: aws.String(p.env), DeploymentNumber: aws.Int32(second.DeploymentNumber)}))
			return reported > 0 && reported == float64(aws.ToFloat32(got.PercentageComplete))
		})
		if reported >= 100 {
			t.Errorf("deployment percentage %v: the deployment ended before the test looked", reported)
		}
	})

	t.Run("Stopped", func(t *testing.T) {
		must(c.StopDeployment(ctx, &appconfig.StopDeploymentInput{ApplicationId: aws.String(p.app), EnvironmentId: aws.String(p.env), DeploymentNumber: aws.Int32(second.DeploymentNumber)}))
		for _, tc := range []struct {
			name   string
			labels map[string]string
			want   int
		}{
			{"appconfigd_deployment_percentage", nil, 0},
			{"appconfigd_served_version", p.labels("track", "rollout"), 0},
			{"appconfigd_served_version", p.labels("track", "baseline"), 1},
		} {
			if got := len(series(t, d, tc.name, tc.labels)); got != tc.want {
				t.Errorf("%s%v: %d series after StopDeployment, want %d", tc.name, tc.labels, got, tc.want)
			}
		}
		if got := metricValue(t, d, "appconfigd_deployments", map[string]string{"state": "rolled_back"}); got != 1 {
			t.Errorf("rolled back deployments = %v, want 1", got)
		}
	})
}

// TestMetricsReportServedVersionOfExistingResourcesOnly deletes the
// environment a version was deployed to: its deployments stay, but it
// serves nothing, and its series go.
func TestMetricsReportServedVersionOfExistingResourcesOnly(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	p := deployProfile(t, d)
	if got := len(series(t, d, "appconfigd_served_version", p.labels())); got != 1 {
		t.Fatalf("appconfigd_served_version of the deployed profile: %d series, want 1", got)
	}
	c := client(d.URL(), http.DefaultClient)
	must(c.DeleteEnvironment(t.Context(), &appconfig.DeleteEnvironmentInput{
		ApplicationId: aws.String(p.app), EnvironmentId: aws.String(p.env), DeletionProtectionCheck: types.DeletionProtectionCheckBypass,
	}))
	if got := len(series(t, d, "appconfigd_served_version", nil)); got != 0 {
		t.Errorf("appconfigd_served_version: %d series after the environment was deleted, want 0", got)
	}
}

func TestMetricsTimeStoreTransactions(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	updates := metricValue(t, d, "appconfigd_store_transaction_seconds", map[string]string{"kind": "update"})
	views := metricValue(t, d, "appconfigd_store_transaction_seconds", map[string]string{"kind": "view"})
	// Opening writes the predefined strategies and reads the catalog.
	if updates == 0 || views == 0 {
		t.Fatalf("after Open: %v update and %v view transactions timed, want some of each", updates, views)
	}
	c := client(d.URL(), http.DefaultClient)
	must(c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("web")}))
	// The write, then the catalog's reload.
	if got := metricValue(t, d, "appconfigd_store_transaction_seconds", map[string]string{"kind": "update"}); got < updates+1 {
		t.Errorf("update transactions timed: %v after CreateApplication, want at least %v", got, updates+1)
	}
	if got := metricValue(t, d, "appconfigd_store_transaction_seconds", map[string]string{"kind": "view"}); got < views+1 {
		t.Errorf("view transactions timed: %v after CreateApplication, want at least %v", got, views+1)
	}
}

func TestMetricsMeasurePropagation(t *testing.T) {
	t.Parallel()

	t.Run("LocalChanges", func(t *testing.T) {
		t.Parallel()
		d := openDaemon(t, func(c *Config) {})
		startSession(t, d) // three changes: application, environment, profile
		if got := metricValue(t, d, "appconfigd_propagation_seconds", map[string]string{"source": "local"}); got != 3 {
			t.Errorf("local changes propagated: %v, want 3", got)
		}
		// SQLite has no change feed.
		if got := metricValue(t, d, "appconfigd_propagation_seconds", map[string]string{"source": "notified"}); got != 0 {
			t.Errorf("notified changes propagated on SQLite: %v, want 0", got)
		}
	})

	// On PostgreSQL every write notifies every replica, the engine's
	// lease renewals too: what the test can tell is that the replica that
	// made no change measured notified changes, none of its own, and
	// serves the other's change.
	t.Run("NotifiedReplica", func(t *testing.T) {
		t.Parallel()
		dsn := apptest.NewSchema(t, nil).DSN
		replicas := func(c *Config) { c.DatabaseURL = dsn }
		writer := openDaemon(t, replicas)
		reader := openDaemon(t, replicas)
		startSession(t, writer)
		waitFor(t, "the other replica to serve the new profile", func() bool {
			_, err := dataClient(reader.URL()).StartConfigurationSession(t.Context(), &appconfigdata.StartConfigurationSessionInput{
				ApplicationIdentifier:          aws.String("app"),
				EnvironmentIdentifier:          aws.String("env"),
				ConfigurationProfileIdentifier: aws.String("profile"),
			})
			return err == nil
		})
		if got := metricValue(t, reader, "appconfigd_propagation_seconds", map[string]string{"source": "notified"}); got == 0 {
			t.Error("notified changes propagated on the other replica: 0, want some")
		}
		if got := metricValue(t, reader, "appconfigd_propagation_seconds", map[string]string{"source": "local"}); got != 0 {
			t.Errorf("local changes propagated on the replica that made none: %v, want 0", got)
		}
	})
}
