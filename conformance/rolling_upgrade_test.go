package conformance

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// TestRollingUpgradeOnPostgreSQL runs the appconfigd of the previous
// schema beside this one on one PostgreSQL schema, as replicas do while
// they are replaced one at a time (docs/OPERATIONS.md, "Rolling upgrades
// with PostgreSQL"). The new replica migrates the schema; the old one keeps
// serving and writing: each serves what the other deploys, and a token
// from either works on the other. An old replica that restarts after the
// schema moved on is refused, as documented.
func TestRollingUpgradeOnPostgreSQL(t *testing.T) {
	t.Parallel()
	previous := apptest.NeedCommand(t, "appconfigd-previous", "build appconfigd at the commit .ci/deps names (.ci/deps does, from the repository's history: it needs a full clone)")
	schema := apptest.NewSchema(t, nil)
	oldDir := t.TempDir()
	old := startBinary(t, previous, oldDir, "--database-url", schema.DSN)
	oldControl, oldData := newControlClient(old.url), newDataClient(old.url)
	fx := newFixture(t, oldControl)
	strategy, err := oldControl.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name: aws.String("at-once"), DeploymentDurationInMinutes: aws.Int32(0), GrowthFactor: aws.Float32(100),
		FinalBakeTimeInMinutes: 0, ReplicateTo: "NONE",
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy on the old replica: %v", err)
	}
	deploy := func(c *appconfig.Client, content, label string) {
		t.Helper()
		v := createVersion(t, c, fx.app, fx.profile, []byte(content), "application/json", label)
		startDeployment(t, c, fx, fmt.Sprint(v), aws.ToString(strategy.Id))
	}
	deploy(oldControl, `{"v":1}`, "v1")
	oldToken := startSession(t, oldData, fx, 0)

	// The new replica: it migrates the schema as it opens it.
	updated := startServer(t, withRealClock(1), func(o *serverOptions) { o.config.DatabaseURL = schema.DSN })
	deadline := time.Now().Add(30 * time.Second)
	if _, err := pollUntilLabel(updated.data, oldToken, "v1", deadline); err != nil {
		t.Fatalf("the old replica's token on the new replica: %v", err)
	}

	t.Run("TheNewServesWhatTheOldDeploys", func(t *testing.T) {
		deploy(oldControl, `{"v":2}`, "v2")
		token, _ := startSessionEventually(t, updated.data, fx, 30*time.Second)
		if _, err := pollUntilLabel(updated.data, token, "v2", time.Now().Add(30*time.Second)); err != nil {
			t.Fatalf("new replica: %v", err)
		}
	})
	t.Run("TheOldServesWhatTheNewDeploys", func(t *testing.T) {
		deploy(updated.control, `{"v":3}`, "v3")
		token := startSession(t, updated.data, fx, 0)
		if _, err := pollUntilLabel(oldData, token, "v3", time.Now().Add(30*time.Second)); err != nil {
			t.Fatalf("old replica, with a token of the new one: %v", err)
		}
	})
	t.Run("AnOldReplicaThatRestartsIsRefused", func(t *testing.T) {
		old.kill(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		restart := exec.CommandContext(ctx, previous, "--listen", "127.0.0.1:0", "--data", oldDir, "--database-url", schema.DSN)
		restart.Env = append(os.Environ(), "APPCONFIGD_ADMIN_ACCESS_KEY_ID="+accessKeyID, "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY="+secretAccessKey)
		out, err := restart.CombinedOutput()
		if err == nil || ctx.Err() != nil || !strings.Contains(string(out), "newer than this program's") {
			t.Errorf("restarting the old replica: %v, output:\n%s\nwant it to stop at once, saying the schema is newer", err, out)
		}
	})
}
