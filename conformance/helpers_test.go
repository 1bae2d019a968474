// Package conformance drives a real appconfigd with the real AWS clients
// (aws-sdk-go-v2 service/appconfig and service/appconfigdata, the built
// binary and the AWS CLI) and checks what they decode against the wire
// contract (docs/WIRE.md, whose §7, the recorded behaviour of the real
// service, wins where it differs from the rest).
//
// Every test starts its own server on 127.0.0.1:0 with its own data
// directory, so tests run in parallel. Timed behaviour runs on a fake
// clock that the test advances; nothing sleeps for minutes.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// Constants of the default server configuration that show up in
// responses, and the admin access key every client signs with.
const (
	region          = "us-east-1"
	accountID       = "000000000000"
	accessKeyID     = "AKIDEXAMPLE"
	secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// testKeys is the key set of in-process servers: one admin key.
func testKeys(t *testing.T) *accesskey.Set {
	t.Helper()
	set, err := accesskey.NewSet(accesskey.Key{Name: "test-admin", AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, Role: appconfigd.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// testServer is an in-process appconfigd with clients for both APIs.
type testServer struct {
	daemon  *daemon.Daemon
	url     string
	clock   *apptest.Clock // nil when the server runs on the real clock
	control *appconfig.Client
	data    *appconfigdata.Client
}

// serverOptions configure startServer.
type serverOptions struct {
	config    daemon.Config
	realClock bool
	start     time.Time // of the fake clock; apptest.Start when zero
}

// withStart starts the server's fake clock at start.
func withStart(start time.Time) serverOption {
	return func(o *serverOptions) { o.start = start }
}

type serverOption func(*serverOptions)

// withLimits changes the server's quotas.
func withLimits(fn func(*appconfigd.Limits)) serverOption {
	return func(o *serverOptions) { fn(&o.config.Limits) }
}

// withTokenTTL sets how long configuration tokens stay valid.
func withTokenTTL(d time.Duration) serverOption {
	return func(o *serverOptions) { o.config.TokenTTL = d }
}

// withoutPush lets no poll wait for a change (docs/WIRE.md §2.5), for
// tests that step an agent through its polls on a fake clock: waiting
// polls would run on the real one.
func withoutPush() serverOption {
	return func(o *serverOptions) { o.config.MaxWaiters = 0 }
}

// withRealClock runs the server on the system clock with deployment time
// running scale times faster, for tests that need the deployment engine
// to act on its own (waiters).
func withRealClock(scale float64) serverOption {
	return func(o *serverOptions) {
		o.realClock = true
		o.config.DeploymentTimeScale = scale
	}
}

// withDataDir serves the data directory dir instead of a new one.
func withDataDir(dir string) serverOption {
	return func(o *serverOptions) { o.config.DataDir = dir }
}

// startServer starts appconfigd in process on 127.0.0.1:0 with a fresh data
// directory and a fake clock, and stops it when the test ends.
func startServer(t *testing.T, opts ...serverOption) *testServer {
	t.Helper()
	o := serverOptions{config: daemon.DefaultConfig()}
	o.config.Listen = "127.0.0.1:0"
	o.config.DataDir = t.TempDir()
	o.config.Keys = testKeys(t)
	for _, opt := range opts {
		opt(&o)
	}
	d := daemon.New(o.config)
	logs := &testLogWriter{t: t}
	d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ts := &testServer{daemon: d}
	if !o.realClock {
		if o.start.IsZero() {
			o.start = apptest.Start
		}
		ts.clock = apptest.NewClock(o.start)
		d.Clock = ts.clock
	}
	if err := d.Open(context.Background()); err != nil {
		t.Fatalf("open daemon: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close daemon: %v", err)
		}
		logs.stop()
	})
	ts.url = d.URL()
	ts.control = newControlClient(ts.url)
	ts.data = newDataClient(ts.url)
	return ts
}

// testLogWriter sends server logs (warnings and errors) to the test log
// until the server has stopped.
type testLogWriter struct {
	mu      sync.Mutex
	t       *testing.T
	stopped bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Logf("server: %s", strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
}

// awsConfig is the SDK configuration of every client: static credentials
// (the server accepts any) and no retries, so that errors surface at once.
func awsConfig() aws.Config {
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func newControlClient(url string) *appconfig.Client {
	return appconfig.NewFromConfig(awsConfig(), func(o *appconfig.Options) {
		o.BaseEndpoint = aws.String(url)
	})
}

func newDataClient(url string) *appconfigdata.Client {
	return appconfigdata.NewFromConfig(awsConfig(), func(o *appconfigdata.Options) {
		o.BaseEndpoint = aws.String(url)
	})
}

// advance moves the fake clock forward and lets the server apply the
// deployment steps that became due, as its deployment engine would.
func (ts *testServer) advance(t *testing.T, d time.Duration) {
	t.Helper()
	if ts.clock == nil {
		t.Fatal("advance needs a server on the fake clock")
	}
	ts.clock.Advance(d)
	if _, err := ts.daemon.Service().AdvanceDeployments(context.Background()); err != nil {
		t.Fatalf("AdvanceDeployments: %v", err)
	}
}

// now returns the server's current time, as it stamps it (UTC,
// milliseconds).
func (ts *testServer) now() time.Time {
	return ts.clock.Now().UTC().Truncate(time.Millisecond)
}

// ARNs of this server's resources (docs/WIRE.md §3.3).
func applicationARN(appID string) string {
	return "arn:aws:appconfig:" + region + ":" + accountID + ":application/" + appID
}

func environmentARN(appID, envID string) string {
	return applicationARN(appID) + "/environment/" + envID
}

func profileARN(appID, profileID string) string {
	return applicationARN(appID) + "/configurationprofile/" + profileID
}

func strategyARN(id string) string {
	return "arn:aws:appconfig:" + region + ":" + accountID + ":deploymentstrategy/" + id
}

func deploymentARN(appID, envID string, number int32) string {
	return fmt.Sprintf("%s/deployment/%d", environmentARN(appID, envID), number)
}

// idPattern is the pattern of every generated resource ID (docs/WIRE.md §0 fact 9).
var idPattern = regexp.MustCompile(`^[a-z0-9]{4,7}$`)

// validToken reports whether token matches the model's pattern of
// configuration tokens, \S{1,8192} (docs/WIRE.md §1.3).
func validToken(token string) bool {
	return len(token) >= 1 && len(token) <= 8192 && !strings.ContainsFunc(token, unicode.IsSpace)
}

func checkID(t *testing.T, what string, id *string) string {
	t.Helper()
	if id == nil || !idPattern.MatchString(*id) {
		t.Fatalf("%s = %q; want an ID matching %s", what, deref(id), idPattern)
	}
	return *id
}

func checkToken(t *testing.T, what string, token *string) string {
	t.Helper()
	if token == nil || !validToken(*token) {
		t.Fatalf("%s = %q; want a token matching \\S{1,8192}", what, deref(token))
	}
	return *token
}

// deref returns *p, or "<nil>" for a nil pointer, for messages.
func deref[T any](p *T) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprint(*p)
}

// asError returns err as the SDK error type E, failing the test when err is
// not one.
func asError[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if err == nil {
		t.Fatalf("error = nil; want %T", target)
	}
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T); want %T", err, err, target)
	}
	return target
}

// httpStatus returns the HTTP status of a failed call.
func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	return re.HTTPStatusCode()
}

// checkStatus checks the HTTP status of a failed call.
func checkStatus(t *testing.T, err error, want int) {
	t.Helper()
	if got := httpStatus(t, err); got != want {
		t.Errorf("HTTP status = %d; want %d", got, want)
	}
}

// successStatus returns the HTTP status of a successful call from its
// result metadata.
func successStatus(t *testing.T, md middleware.Metadata) int {
	t.Helper()
	resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok {
		t.Fatal("result metadata holds no HTTP response")
	}
	return resp.StatusCode
}

// checkSuccessStatus checks the modeled success status of a call (wire
// §3.3: Create* 201, StopDeployment 202, Delete*/Tag/Untag 204, else 200).
func checkSuccessStatus(t *testing.T, md middleware.Metadata, want int) {
	t.Helper()
	if got := successStatus(t, md); got != want {
		t.Errorf("HTTP status = %d; want %d", got, want)
	}
}

// Fixtures. They take the client rather than the server so that the
// binary test can use them against a separate process.

func createApplication(t *testing.T, c *appconfig.Client, name string) string {
	t.Helper()
	out, err := c.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateApplication(%q): %v", name, err)
	}
	return checkID(t, "CreateApplication Id", out.Id)
}

func createEnvironment(t *testing.T, c *appconfig.Client, appID, name string) string {
	t.Helper()
	out, err := c.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{ApplicationId: aws.String(appID), Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateEnvironment(%q): %v", name, err)
	}
	return checkID(t, "CreateEnvironment Id", out.Id)
}

func createProfile(t *testing.T, c *appconfig.Client, appID, name string) string {
	t.Helper()
	out, err := c.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: aws.String(appID),
		Name:          aws.String(name),
		LocationUri:   aws.String("hosted"),
	})
	if err != nil {
		t.Fatalf("CreateConfigurationProfile(%q): %v", name, err)
	}
	return checkID(t, "CreateConfigurationProfile Id", out.Id)
}

// createVersion stores a hosted configuration version and returns its
// number. An empty label means none.
func createVersion(t *testing.T, c *appconfig.Client, appID, profileID string, content []byte, contentType, label string) int32 {
	t.Helper()
	in := &appconfig.CreateHostedConfigurationVersionInput{
		ApplicationId:          aws.String(appID),
		ConfigurationProfileId: aws.String(profileID),
		Content:                content,
		ContentType:            aws.String(contentType),
	}
	if label != "" {
		in.VersionLabel = aws.String(label)
	}
	out, err := c.CreateHostedConfigurationVersion(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateHostedConfigurationVersion: %v", err)
	}
	return out.VersionNumber
}

func startDeployment(t *testing.T, c *appconfig.Client, fx fixture, version, strategy string) *appconfig.StartDeploymentOutput {
	t.Helper()
	out, err := c.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
		ApplicationId:          aws.String(fx.app),
		EnvironmentId:          aws.String(fx.env),
		ConfigurationProfileId: aws.String(fx.profile),
		ConfigurationVersion:   aws.String(version),
		DeploymentStrategyId:   aws.String(strategy),
	})
	if err != nil {
		t.Fatalf("StartDeployment(version %s, %s): %v", version, strategy, err)
	}
	return out
}

func getDeployment(t *testing.T, c *appconfig.Client, fx fixture, number int32) *appconfig.GetDeploymentOutput {
	t.Helper()
	out, err := c.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{
		ApplicationId:    aws.String(fx.app),
		EnvironmentId:    aws.String(fx.env),
		DeploymentNumber: aws.Int32(number),
	})
	if err != nil {
		t.Fatalf("GetDeployment(%d): %v", number, err)
	}
	return out
}

// environmentState returns the environment's State as sent on the wire.
func environmentState(t *testing.T, c *appconfig.Client, fx fixture) string {
	t.Helper()
	out, err := c.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
	if err != nil {
		t.Fatalf("GetEnvironment: %v", err)
	}
	return string(out.State)
}

// fixture is an application with one environment and one hosted
// configuration profile.
type fixture struct {
	app, env, profile string
}

func newFixture(t *testing.T, c *appconfig.Client) fixture {
	t.Helper()
	app := createApplication(t, c, "app")
	return fixture{
		app:     app,
		env:     createEnvironment(t, c, app, "env"),
		profile: createProfile(t, c, app, "profile"),
	}
}

// deployVersion stores content as a new hosted version and starts an
// AppConfig.AllAtOnce deployment of it, which serves it at once and then
// bakes for 10 minutes. It returns the version and deployment numbers.
func deployVersion(t *testing.T, c *appconfig.Client, fx fixture, content []byte, contentType, label string) (version, deployment int32) {
	t.Helper()
	version = createVersion(t, c, fx.app, fx.profile, content, contentType, label)
	d := startDeployment(t, c, fx, fmt.Sprint(version), "AppConfig.AllAtOnce")
	return version, d.DeploymentNumber
}

// bakeTime is the final bake of AppConfig.AllAtOnce.
const bakeTime = 10 * time.Minute

// startSession starts a configuration session; interval 0 requests no
// minimum poll interval.
func startSession(t *testing.T, c *appconfigdata.Client, fx fixture, interval int32) string {
	t.Helper()
	in := &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(fx.app),
		EnvironmentIdentifier:          aws.String(fx.env),
		ConfigurationProfileIdentifier: aws.String(fx.profile),
	}
	if interval != 0 {
		in.RequiredMinimumPollIntervalInSeconds = aws.Int32(interval)
	}
	out, err := c.StartConfigurationSession(ctx(t), in)
	if err != nil {
		t.Fatalf("StartConfigurationSession: %v", err)
	}
	return checkToken(t, "InitialConfigurationToken", out.InitialConfigurationToken)
}

// poll calls GetLatestConfiguration and checks the next token's form.
func poll(t *testing.T, c *appconfigdata.Client, token string) *appconfigdata.GetLatestConfigurationOutput {
	t.Helper()
	out, err := c.GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
	if err != nil {
		t.Fatalf("GetLatestConfiguration: %v", err)
	}
	checkToken(t, "NextPollConfigurationToken", out.NextPollConfigurationToken)
	return out
}

// checkConfiguration checks what one poll returned: the bytes, the content
// type and the version label (nil bytes and "" label for "you already
// have the latest version").
func checkConfiguration(t *testing.T, out *appconfigdata.GetLatestConfigurationOutput, wantContent []byte, wantType, wantLabel string) {
	t.Helper()
	if string(out.Configuration) != string(wantContent) || (wantContent == nil) != (out.Configuration == nil) {
		t.Errorf("Configuration = %q; want %q", out.Configuration, wantContent)
	}
	if got := aws.ToString(out.ContentType); got != wantType {
		t.Errorf("ContentType = %q; want %q", got, wantType)
	}
	if got := aws.ToString(out.VersionLabel); got != wantLabel {
		t.Errorf("VersionLabel = %q; want %q", got, wantLabel)
	}
}

// ctx returns the context of one test's calls; it ends with the test.
func ctx(t *testing.T) context.Context {
	return t.Context()
}
