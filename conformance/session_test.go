package conformance

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// checkTokenError checks a data-plane token rejection (docs/WIRE.md §1.4, §2.3):
// BadRequestException, Reason InvalidParameters, and Details naming
// ConfigurationToken with the given Problem. An empty message is not
// checked (the spec fixes only "Request too early" and "Token not
// valid").
func checkTokenError(t *testing.T, err error, wantProblem types.InvalidParameterProblem, wantMessage string) {
	t.Helper()
	bre := asError[*types.BadRequestException](t, err)
	checkStatus(t, err, http.StatusBadRequest)
	if wantMessage != "" && aws.ToString(bre.Message) != wantMessage {
		t.Errorf("Message = %q; want %q", aws.ToString(bre.Message), wantMessage)
	}
	if bre.Reason != types.BadRequestReasonInvalidParameters {
		t.Errorf("Reason = %q; want %q", bre.Reason, types.BadRequestReasonInvalidParameters)
	}
	details, ok := bre.Details.(*types.BadRequestDetailsMemberInvalidParameters)
	if !ok {
		t.Fatalf("Details = %#v; want *types.BadRequestDetailsMemberInvalidParameters", bre.Details)
	}
	detail, ok := details.Value["ConfigurationToken"]
	if !ok {
		t.Fatalf("Details.InvalidParameters = %v; want an entry for ConfigurationToken", details.Value)
	}
	if detail.Problem != wantProblem {
		t.Errorf("Details.InvalidParameters[ConfigurationToken].Problem = %q; want %q", detail.Problem, wantProblem)
	}
}

func getLatest(t *testing.T, c *appconfigdata.Client, token string) (*appconfigdata.GetLatestConfigurationOutput, error) {
	t.Helper()
	return c.GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
}

func TestStartConfigurationSession(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	deployVersion(t, ts.control, fx, []byte(`{"on":true}`), "application/json", "v1")

	for _, ids := range []struct {
		name string
		fx   fixture
	}{
		{"ByIDs", fx},
		{"ByNames", fixture{app: "app", env: "env", profile: "profile"}},
		{"Mixed", fixture{app: fx.app, env: "env", profile: fx.profile}},
	} {
		t.Run(ids.name, func(t *testing.T) {
			t.Parallel()
			out, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
				ApplicationIdentifier:          aws.String(ids.fx.app),
				EnvironmentIdentifier:          aws.String(ids.fx.env),
				ConfigurationProfileIdentifier: aws.String(ids.fx.profile),
			})
			if err != nil {
				t.Fatalf("StartConfigurationSession: %v", err)
			}
			checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
			token := checkToken(t, "InitialConfigurationToken", out.InitialConfigurationToken)
			checkConfiguration(t, poll(t, ts.data, token), []byte(`{"on":true}`), "application/json", "v1")
		})
	}

	t.Run("PollInterval", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name     string
			interval *int32
			wantErr  bool
		}{
			{"0", aws.Int32(0), true},
			{"14", aws.Int32(14), true},
			{"15", aws.Int32(15), false},
			{"86400", aws.Int32(86400), false},
			{"86401", aws.Int32(86401), true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
					ApplicationIdentifier:                aws.String(fx.app),
					EnvironmentIdentifier:                aws.String(fx.env),
					ConfigurationProfileIdentifier:       aws.String(fx.profile),
					RequiredMinimumPollIntervalInSeconds: tt.interval,
				})
				if !tt.wantErr {
					if err != nil {
						t.Fatalf("StartConfigurationSession: %v", err)
					}
					return
				}
				asError[*types.BadRequestException](t, err)
				checkStatus(t, err, http.StatusBadRequest)
			})
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name             string
			app, env, prof   string
			wantResourceType types.ResourceType
		}{
			{"Application", "nosuch1", fx.env, fx.profile, types.ResourceTypeApplication},
			{"Environment", fx.app, "nosuch1", fx.profile, types.ResourceTypeEnvironment},
			{"ConfigurationProfile", fx.app, fx.env, "nosuch1", types.ResourceTypeConfigurationProfile},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
					ApplicationIdentifier:          aws.String(tt.app),
					EnvironmentIdentifier:          aws.String(tt.env),
					ConfigurationProfileIdentifier: aws.String(tt.prof),
				})
				nf := asError[*types.ResourceNotFoundException](t, err)
				checkStatus(t, err, http.StatusNotFound)
				if nf.ResourceType != tt.wantResourceType {
					t.Errorf("ResourceType = %q; want %q", nf.ResourceType, tt.wantResourceType)
				}
			})
		}
	})

	// An identifier longer than the model's 128 characters is refused.
	t.Run("IdentifierTooLong", func(t *testing.T) {
		t.Parallel()
		_, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
			ApplicationIdentifier:          aws.String(strings.Repeat("a", 129)),
			EnvironmentIdentifier:          aws.String(fx.env),
			ConfigurationProfileIdentifier: aws.String(fx.profile),
		})
		asError[*types.BadRequestException](t, err)
	})
}

func TestGetLatestConfiguration(t *testing.T) {
	t.Parallel()
	const (
		content     = `{"feature":{"enabled":true}}`
		contentType = "application/json; charset=utf-8"
	)

	// started returns a server with version 1 (label v1) of the content
	// deployed with AppConfig.AllAtOnce, which serves it at once.
	started := func(t *testing.T, opts ...serverOption) (*testServer, fixture) {
		t.Helper()
		ts := startServer(t, opts...)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(content), contentType, "v1")
		return ts, fx
	}

	// The first poll returns the bytes, Content-Type verbatim with its
	// parameters (docs/WIRE.md §7.4) and the label; the next one, with nothing
	// new, an empty body with the same Content-Type and no label (wire
	// §1.3, docs/WIRE.md §7.4).
	t.Run("FirstAndSecondPoll", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		token := startSession(t, ts.data, fx, 0)

		first := poll(t, ts.data, token)
		checkSuccessStatus(t, first.ResultMetadata, http.StatusOK)
		checkConfiguration(t, first, []byte(content), contentType, "v1")
		if first.NextPollIntervalInSeconds != 60 {
			t.Errorf("NextPollIntervalInSeconds = %d; want the default 60", first.NextPollIntervalInSeconds)
		}

		second := poll(t, ts.data, *first.NextPollConfigurationToken)
		checkConfiguration(t, second, nil, contentType, "")
		if second.NextPollIntervalInSeconds != 60 {
			t.Errorf("second NextPollIntervalInSeconds = %d; want 60", second.NextPollIntervalInSeconds)
		}
		next := aws.ToString(second.NextPollConfigurationToken)
		if next == token || next == aws.ToString(first.NextPollConfigurationToken) {
			t.Errorf("second poll returned a token already seen; want a new one on every poll")
		}
		checkConfiguration(t, poll(t, ts.data, next), nil, contentType, "")
	})

	t.Run("RequestedInterval", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		out := poll(t, ts.data, startSession(t, ts.data, fx, 300))
		if out.NextPollIntervalInSeconds != 300 {
			t.Errorf("NextPollIntervalInSeconds = %d; want the requested 300", out.NextPollIntervalInSeconds)
		}
	})

	// Polling before the requested interval has passed is refused with the
	// real service's message (docs/WIRE.md §7.2, §7.7); the refused token stays
	// usable once the interval has passed.
	t.Run("RequestTooEarly", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		first := poll(t, ts.data, startSession(t, ts.data, fx, 30))
		next := aws.ToString(first.NextPollConfigurationToken)

		_, err := getLatest(t, ts.data, next)
		checkTokenError(t, err, types.InvalidParameterProblemPollIntervalNotSatisfied, "Request too early")

		ts.clock.Advance(15 * time.Second)
		_, err = getLatest(t, ts.data, next)
		checkTokenError(t, err, types.InvalidParameterProblemPollIntervalNotSatisfied, "Request too early")

		ts.clock.Advance(15 * time.Second)
		checkConfiguration(t, poll(t, ts.data, next), nil, contentType, "")
	})

	// Without a requested interval, early polls are allowed (docs/WIRE.md §7.7).
	t.Run("EarlyPollWithoutRequestedInterval", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		token := startSession(t, ts.data, fx, 0)
		for i := range 3 {
			out := poll(t, ts.data, token)
			if i == 0 {
				checkConfiguration(t, out, []byte(content), contentType, "v1")
			} else {
				checkConfiguration(t, out, nil, contentType, "")
			}
			token = aws.ToString(out.NextPollConfigurationToken)
		}
	})

	// A next token works once; reusing it gets "Token not valid"
	// (docs/WIRE.md §7.1), reported as Problem Expired.
	t.Run("ReusedToken", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		first := poll(t, ts.data, startSession(t, ts.data, fx, 0))
		next := aws.ToString(first.NextPollConfigurationToken)
		poll(t, ts.data, next)
		_, err := getLatest(t, ts.data, next)
		checkTokenError(t, err, types.InvalidParameterProblemExpired, "Token not valid")
	})

	// Of concurrent polls with one next token exactly one succeeds.
	t.Run("ConcurrentReuse", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		next := aws.ToString(poll(t, ts.data, startSession(t, ts.data, fx, 0)).NextPollConfigurationToken)
		const callers = 8
		var ok atomic.Int32
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if _, err := getLatest(t, ts.data, next); err != nil {
					errs <- err
					return
				}
				ok.Add(1)
			})
		}
		wg.Wait()
		close(errs)
		if ok.Load() != 1 {
			t.Errorf("%d of %d concurrent polls with one token succeeded; want 1", ok.Load(), callers)
		}
		for err := range errs {
			checkTokenError(t, err, types.InvalidParameterProblemExpired, "Token not valid")
		}
	})

	// The initial token may be used again, as it could on the real service
	// in 2022 (docs/WIRE.md §7.1); each use returns the full configuration.
	t.Run("InitialTokenReused", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		token := startSession(t, ts.data, fx, 0)
		for range 2 {
			checkConfiguration(t, poll(t, ts.data, token), []byte(content), contentType, "v1")
		}
	})

	t.Run("CorruptedToken", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		valid := startSession(t, ts.data, fx, 0)
		tampered := []byte(valid)
		i := len(tampered) / 2
		if tampered[i] == 'A' {
			tampered[i] = 'B'
		} else {
			tampered[i] = 'A'
		}
		for _, token := range []string{"garbage", string(tampered), strings.Repeat("x", 8192)} {
			_, err := getLatest(t, ts.data, token)
			checkTokenError(t, err, types.InvalidParameterProblemCorrupted, "")
		}
	})

	t.Run("ExpiredToken", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t, withTokenTTL(time.Hour))
		initial := startSession(t, ts.data, fx, 0)
		next := aws.ToString(poll(t, ts.data, initial).NextPollConfigurationToken)

		ts.clock.Advance(time.Hour + time.Second)
		_, err := getLatest(t, ts.data, next)
		checkTokenError(t, err, types.InvalidParameterProblemExpired, "")
		_, err = getLatest(t, ts.data, initial)
		checkTokenError(t, err, types.InvalidParameterProblemExpired, "")
	})

	// Every poll renews the token's lifetime (docs/WIRE.md §2.3: "renewing the 24 h
	// window each poll").
	t.Run("PollRenewsToken", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t, withTokenTTL(time.Hour))
		token := startSession(t, ts.data, fx, 0)
		for range 3 {
			ts.clock.Advance(50 * time.Minute)
			token = aws.ToString(poll(t, ts.data, token).NextPollConfigurationToken)
		}
	})

	// A new deployment of a new version reaches a session on its next poll.
	t.Run("NewDeployment", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		token := startSession(t, ts.data, fx, 0)
		out := poll(t, ts.data, token)
		checkConfiguration(t, out, []byte(content), contentType, "v1")
		ts.advance(t, bakeTime)

		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, nil, contentType, "")

		deployVersion(t, ts.control, fx, []byte("plain text now"), "text/plain", "v2")
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, []byte("plain text now"), "text/plain", "v2")
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, nil, "text/plain", "")
	})

	// After a rollback, sessions are served the previous version again; one
	// that had the rolled-back version sees the previous one as new and
	// gets its bytes (docs/WIRE.md §2.4, §3.10).
	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		ts.advance(t, bakeTime)
		token := startSession(t, ts.data, fx, 0)
		out := poll(t, ts.data, token)
		checkConfiguration(t, out, []byte(content), contentType, "v1")

		_, number := deployVersion(t, ts.control, fx, []byte("v2 bytes"), "text/plain", "v2")
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, []byte("v2 bytes"), "text/plain", "v2")

		if _, err := ts.control.StopDeployment(ctx(t), &appconfig.StopDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String(fx.env),
			DeploymentNumber: aws.Int32(number),
		}); err != nil {
			t.Fatalf("StopDeployment: %v", err)
		}
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, []byte(content), contentType, "v1")
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, nil, contentType, "")
	})

	// Reverting a completed deployment serves the version before it.
	t.Run("Revert", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		ts.advance(t, bakeTime)
		_, number := deployVersion(t, ts.control, fx, []byte("v2 bytes"), "text/plain", "v2")
		ts.advance(t, bakeTime)
		out := poll(t, ts.data, startSession(t, ts.data, fx, 0))
		checkConfiguration(t, out, []byte("v2 bytes"), "text/plain", "v2")

		if _, err := ts.control.StopDeployment(ctx(t), &appconfig.StopDeploymentInput{
			ApplicationId:    aws.String(fx.app),
			EnvironmentId:    aws.String(fx.env),
			DeploymentNumber: aws.Int32(number),
			AllowRevert:      aws.Bool(true),
		}); err != nil {
			t.Fatalf("StopDeployment with AllowRevert: %v", err)
		}
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, []byte(content), contentType, "v1")
	})

	// Before anything is deployed, a session starts and polls return 200
	// with an empty body; the first deployment then arrives (docs/WIRE.md §6 Q4,
	// appconfigd's documented choice).
	t.Run("NothingDeployedYet", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		token := startSession(t, ts.data, fx, 0)
		out := poll(t, ts.data, token)
		checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
		if len(out.Configuration) != 0 {
			t.Errorf("Configuration = %q; want empty", out.Configuration)
		}
		if aws.ToString(out.VersionLabel) != "" {
			t.Errorf("VersionLabel = %q; want empty", aws.ToString(out.VersionLabel))
		}

		deployVersion(t, ts.control, fx, []byte(content), contentType, "v1")
		out = poll(t, ts.data, aws.ToString(out.NextPollConfigurationToken))
		checkConfiguration(t, out, []byte(content), contentType, "v1")
	})

	// A hosted version that was created but never deployed is not served.
	t.Run("UndeployedVersionNotServed", func(t *testing.T) {
		t.Parallel()
		ts, fx := started(t)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("not yet"), "text/plain", "v2")
		checkConfiguration(t, poll(t, ts.data, startSession(t, ts.data, fx, 0)), []byte(content), contentType, "v1")
	})

	// A session whose application, environment or profile was deleted
	// gets ResourceNotFoundException naming what is missing.
	t.Run("Deleted", func(t *testing.T) {
		t.Parallel()
		deleteProfile := func(t *testing.T, c *appconfig.Client, fx fixture) {
			t.Helper()
			if _, err := c.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{
				ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(fx.profile),
			}); err != nil {
				t.Fatalf("DeleteConfigurationProfile: %v", err)
			}
		}
		deleteEnvironment := func(t *testing.T, c *appconfig.Client, fx fixture) {
			t.Helper()
			if _, err := c.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{
				ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env),
			}); err != nil {
				t.Fatalf("DeleteEnvironment: %v", err)
			}
		}
		tests := []struct {
			name             string
			delete           func(t *testing.T, c *appconfig.Client, fx fixture)
			wantResourceType types.ResourceType
		}{
			{"Profile", deleteProfile, types.ResourceTypeConfigurationProfile},
			{"Environment", deleteEnvironment, types.ResourceTypeEnvironment},
			{"Application", func(t *testing.T, c *appconfig.Client, fx fixture) {
				deleteProfile(t, c, fx)
				deleteEnvironment(t, c, fx)
				if _, err := c.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(fx.app)}); err != nil {
					t.Fatalf("DeleteApplication: %v", err)
				}
			}, types.ResourceTypeApplication},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ts := startServer(t)
				fx := newFixture(t, ts.control)
				token := startSession(t, ts.data, fx, 0)
				next := aws.ToString(poll(t, ts.data, token).NextPollConfigurationToken)
				tt.delete(t, ts.control, fx)
				for _, tok := range []string{token, next} {
					_, err := getLatest(t, ts.data, tok)
					nf := asError[*types.ResourceNotFoundException](t, err)
					checkStatus(t, err, http.StatusNotFound)
					if nf.ResourceType != tt.wantResourceType {
						t.Errorf("ResourceType = %q; want %q", nf.ResourceType, tt.wantResourceType)
					}
				}
			})
		}
	})

	// Sessions are the rollout's targets (docs/WIRE.md §2.4): part of them get the
	// new version while the deployment grows, a session keeps what it got
	// as the percentage grows, and every session has it at 100%.
	t.Run("GradualRollout", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte("old"), "text/plain", "old")
		ts.advance(t, bakeTime)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("new"), "text/plain", "new")

		const sessions = 24
		tokens := make([]string, sessions)
		for i := range tokens {
			out := poll(t, ts.data, startSession(t, ts.data, fx, 0))
			checkConfiguration(t, out, []byte("old"), "text/plain", "old")
			tokens[i] = aws.ToString(out.NextPollConfigurationToken)
		}

		// AppConfig.Linear50PercentEvery30Seconds: 50% at 20s, 100% at 40s
		// (steps at k·D/(N+1) of a one-minute deployment).
		startDeployment(t, ts.control, fx, "2", "AppConfig.Linear50PercentEvery30Seconds")
		pollAll := func() (gotNew []bool) {
			t.Helper()
			for i, tok := range tokens {
				out := poll(t, ts.data, tok)
				tokens[i] = aws.ToString(out.NextPollConfigurationToken)
				switch string(out.Configuration) {
				case "new":
					gotNew = append(gotNew, true)
				case "":
					gotNew = append(gotNew, false)
				default:
					t.Fatalf("session %d got %q; want new or nothing new", i, out.Configuration)
				}
			}
			return gotNew
		}

		if got := pollAll(); count(got) != 0 {
			t.Errorf("at 0%%, %d of %d sessions got the new version; want 0", count(got), sessions)
		}
		ts.advance(t, 20*time.Second)
		half := pollAll()
		if n := count(half); n == 0 || n == sessions {
			t.Errorf("at 50%%, %d of %d sessions got the new version; want some but not all", n, sessions)
		}
		ts.advance(t, 20*time.Second)
		full := pollAll()
		for i := range full {
			if half[i] == full[i] {
				t.Errorf("session %d: new at 50%% = %t, new at 100%% = %t; want each session to get the new version exactly once", i, half[i], full[i])
			}
		}
	})
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
