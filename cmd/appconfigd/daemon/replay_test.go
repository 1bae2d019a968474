package daemon

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"

	"github.com/appconfigd/appconfigd"
)

func dataClient(url string) *appconfigdata.Client {
	return appconfigdata.New(appconfigdata.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		BaseEndpoint: aws.String(url),
		Retryer:      aws.NopRetryer{},
	})
}

// startSession creates an application, environment and profile on d and
// returns the initial token of a session on them.
func startSession(t *testing.T, d *Daemon) string {
	t.Helper()
	c := client(d.URL(), http.DefaultClient)
	app, err := c.CreateApplication(t.Context(), &appconfig.CreateApplicationInput{Name: aws.String("app")})
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	if _, err := c.CreateEnvironment(t.Context(), &appconfig.CreateEnvironmentInput{ApplicationId: app.Id, Name: aws.String("env")}); err != nil {
		t.Fatalf("CreateEnvironment: %v", err)
	}
	if _, err := c.CreateConfigurationProfile(t.Context(), &appconfig.CreateConfigurationProfileInput{ApplicationId: app.Id, Name: aws.String("profile"), LocationUri: aws.String("hosted")}); err != nil {
		t.Fatalf("CreateConfigurationProfile: %v", err)
	}
	out, err := dataClient(d.URL()).StartConfigurationSession(t.Context(), &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String("app"),
		EnvironmentIdentifier:          aws.String("env"),
		ConfigurationProfileIdentifier: aws.String("profile"),
	})
	if err != nil {
		t.Fatalf("StartConfigurationSession: %v", err)
	}
	return aws.ToString(out.InitialConfigurationToken)
}

// poll polls d with token and returns the next token.
func poll(t *testing.T, d *Daemon, token string) string {
	t.Helper()
	out, err := dataClient(d.URL()).GetLatestConfiguration(t.Context(), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
	if err != nil {
		t.Fatalf("GetLatestConfiguration: %v", err)
	}
	return aws.ToString(out.NextPollConfigurationToken)
}

// checkReused checks that polling d with token is refused as the reuse of
// a next token.
func checkReused(t *testing.T, d *Daemon, token string) {
	t.Helper()
	_, err := dataClient(d.URL()).GetLatestConfiguration(t.Context(), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
	var bre *types.BadRequestException
	if !errors.As(err, &bre) || aws.ToString(bre.Message) != "Token not valid" {
		t.Fatalf("poll with a used next token: %v; want BadRequestException \"Token not valid\"", err)
	}
}

func TestReplayGuardAcrossRestarts(t *testing.T) {
	t.Parallel()

	t.Run("UsedTokenRefusedAfterCleanRestart", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		first := openDaemon(t, func(c *Config) { c.DataDir = dir })
		used := poll(t, first, startSession(t, first))
		fresh := poll(t, first, used)
		if err := first.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		second := openDaemon(t, func(c *Config) { c.DataDir = dir })
		checkReused(t, second, used)
		poll(t, second, fresh)
	})
	t.Run("DamagedFileIsNoObstacle", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, replayGuardFile), []byte("not a replay guard"), 0o600); err != nil {
			t.Fatal(err)
		}
		d := openDaemon(t, func(c *Config) { c.DataDir = dir })
		used := poll(t, d, startSession(t, d))
		poll(t, d, used)
		checkReused(t, d, used)
	})
	t.Run("SavedWhileServing", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		d := openDaemon(t, func(c *Config) { c.DataDir, c.ReplaySaveInterval = dir, 10*time.Millisecond })
		poll(t, d, poll(t, d, startSession(t, d)))
		// What a restart after a crash would load, once the next save
		// has run.
		for attempt := 1; loadedChains(t, filepath.Join(dir, replayGuardFile)) != 1; attempt++ {
			if attempt == 1000 {
				t.Fatal("the replay guard was not saved with the used token in 1000 save intervals")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// loadedChains returns how many chains a guard loads from the file at
// path; 0 when there is no file yet.
func loadedChains(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := appconfigd.NewReplayGuard(appconfigd.MinReplayCapacity).Load(f, time.Now())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return n
}
