package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/aws/smithy-go"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// readyz returns the status and document of GET /readyz.
func readyz(t *testing.T, d *Daemon) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(d.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, doc
}

// A full disk, simulated by freezing the SQLite file's size: writes that
// need space answer 503 ServiceUnavailableException saying so, /readyz
// says not ready and why, polls go on from memory, and when space returns
// everything works again without a restart, the audit trail included.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.Auth = "off"
	logs := &apptest.Buffer{}
	clock := apptest.NewClock(time.Now().UTC().Truncate(time.Millisecond))
	d := New(cfg)
	d.Clock = clock
	d.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx := context.Background()
	if err := d.Open(ctx); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	control := client(d.URL(), http.DefaultClient)
	data := appconfigdata.New(appconfigdata.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		BaseEndpoint: aws.String(d.URL()),
		Retryer:      aws.NopRetryer{},
	})

	app := must(control.CreateApplication(ctx, &appconfig.CreateApplicationInput{Name: aws.String("web")}))
	env := must(control.CreateEnvironment(ctx, &appconfig.CreateEnvironmentInput{ApplicationId: app.Id, Name: aws.String("prod")}))
	profile := must(control.CreateConfigurationProfile(ctx, &appconfig.CreateConfigurationProfileInput{
		ApplicationId: app.Id, Name: aws.String("settings"), LocationUri: aws.String("hosted"),
	}))
	createVersion := func(content []byte) (*appconfig.CreateHostedConfigurationVersionOutput, error) {
		return control.CreateHostedConfigurationVersion(ctx, &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId: app.Id, ConfigurationProfileId: profile.Id, Content: content, ContentType: aws.String("application/json"),
		})
	}
	must(createVersion([]byte(`{"on":true}`)))
	must(control.StartDeployment(ctx, &appconfig.StartDeploymentInput{
		ApplicationId: app.Id, EnvironmentId: env.Id, ConfigurationProfileId: profile.Id,
		ConfigurationVersion: aws.String("1"), DeploymentStrategyId: aws.String("AppConfig.AllAtOnce"),
	}))
	session := must(data.StartConfigurationSession(ctx, &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier: app.Id, EnvironmentIdentifier: env.Id, ConfigurationProfileIdentifier: profile.Id,
	}))

	if _, err := d.store.(*sqlite.DB).SetMaxPageCount(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Larger than a page: it needs space the file no longer has.
	big := []byte(`{"pad":"` + strings.Repeat("x", 100<<10) + `"}`)
	_, err := createVersion(big)
	var apiErr smithy.APIError
	var respErr *awshttp.ResponseError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailableException" ||
		apiErr.ErrorMessage() != "appconfigd cannot write to its database: the disk is full" ||
		!errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("CreateHostedConfigurationVersion on a full disk: %v, want 503 ServiceUnavailableException saying the disk is full", err)
	}
	if status, doc := readyz(t, d); status != http.StatusServiceUnavailable || doc["status"] != "unavailable" || !strings.Contains(doc["reason"], "the disk is full") {
		t.Errorf("/readyz on a full disk = %d %v, want 503 unavailable because the disk is full", status, doc)
	}
	polled, err := data.GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: session.InitialConfigurationToken})
	if err != nil || string(polled.Configuration) != `{"on":true}` {
		t.Errorf("poll on a full disk: %v, %q; want the deployed configuration", err, polled.Configuration)
	}
	if log := logs.String(); strings.Contains(log, "internal error") || strings.Count(log, "database writes fail") != 1 {
		t.Errorf("log = %s\nwant one line about failing writes and no internal error", log)
	}

	if _, err := d.store.(*sqlite.DB).SetMaxPageCount(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second) // probes wait a second between tries
	if status, doc := readyz(t, d); status != http.StatusOK {
		t.Errorf("/readyz once space returned = %d %v, want 200", status, doc)
	}
	if _, err := createVersion(big); err != nil {
		t.Errorf("CreateHostedConfigurationVersion once space returned: %v", err)
	}
	// Each entry is written after its response has gone out: wait for
	// the last one.
	var statuses []int
	for deadline := time.Now().Add(5 * time.Second); len(statuses) < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		entries, err := d.service.ListAudit(ctx, appconfigd.AuditFilter{Operation: "CreateHostedConfigurationVersion"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		statuses = statuses[:0]
		for _, e := range entries.Items {
			statuses = append(statuses, e.Status)
		}
	}
	if len(statuses) != 3 || statuses[0] != http.StatusCreated || statuses[1] != http.StatusServiceUnavailable || statuses[2] != http.StatusCreated {
		t.Errorf("audited CreateHostedConfigurationVersion statuses, newest first = %v, want [201 503 201]", statuses)
	}
}

// must returns v, failing the test through a panic on err; it keeps the
// set-up to one line per step.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
