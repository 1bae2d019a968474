package agent

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DataClient is the part of AppConfigData the agent uses. NewDataClient
// implements it with aws-sdk-go-v2; tests implement it with a fake.
// Errors are the SDK's (types.BadRequestException,
// types.ResourceNotFoundException, …), so that the poller can tell a
// rejected token from an unreachable service.
type DataClient interface {
	// StartSession calls StartConfigurationSession and returns the
	// initial token. minPollIntervalSeconds 0 requests no minimum.
	StartSession(ctx context.Context, key Key, minPollIntervalSeconds int32) (token string, err error)
	// GetLatest calls GetLatestConfiguration with token. A wait above
	// zero asks the service to hold the poll until the session's
	// configuration changes or wait has passed (docs/WIRE.md §2.5), in
	// whole seconds, at least one; 0 asks for an ordinary poll. ctx must
	// allow for the wait. Latest.WaitAnswered says whether the service
	// took the request up.
	GetLatest(ctx context.Context, token string, wait time.Duration) (*Latest, error)
}

// Latest is one GetLatestConfiguration answer (docs/WIRE.md §1.3) with
// appconfigd's extension headers.
type Latest struct {
	// Configuration is empty when the session already has the latest
	// version.
	Configuration    []byte
	ContentType      string
	VersionLabel     string
	NextToken        string
	NextPollInterval time.Duration
	// ConfigurationVersion is appconfigd's hosted version number, from
	// the Appconfigd-Configuration-Version header; real AWS sends no such
	// header and it is "".
	ConfigurationVersion string
	// Rollout describes the gradual deployment in progress, when
	// appconfigd reports one; nil otherwise and always against real AWS.
	Rollout *Rollout
	// WaitAnswered says the answer carried Appconfigd-Wait-For-Change
	// (docs/WIRE.md §2.5), so the service waits for changes when asked.
	// It is false against real AWS and older appconfigd servers, for a
	// poll that did not ask to wait, and for a value that is not a whole
	// number of seconds: the poller then polls at its interval.
	WaitAnswered bool
	// WaitOffered is how long the service was willing to hold the poll,
	// from that header. 0 with WaitAnswered means the service answered at
	// once because as many polls as it allows already wait, and the
	// poller falls back to its interval; above 0, the answer came when the
	// session's configuration changed or the wait ended, and the next
	// poll may wait again at once.
	WaitOffered time.Duration
}

// Rollout is a gradual deployment in progress as appconfigd reports it to
// a session that asked with Appconfigd-Entity-Rollout: 1.
type Rollout struct {
	// ID is unique to the deployment; entities are bucketed by it.
	ID string
	// Percentage is the share of entities (0..100) that get the target
	// version now. It only grows during a deployment.
	Percentage float64
	// TargetVersion is the version being deployed; the answer's body is
	// its content.
	TargetVersion string
	// BaselineVersion is the version the other entities keep, "0" for
	// none.
	BaselineVersion string
	// SessionVersion is the version a plain session gets now: what the
	// agent serves to requests without Entity-Id.
	SessionVersion string
}

// appconfigd's extension headers on GetLatestConfiguration. The request
// headers ask for rollout state and for a wait (the answer echoes the
// latter); the others answer.
const (
	headerEntityRollout        = "Appconfigd-Entity-Rollout"
	headerWaitForChange        = "Appconfigd-Wait-For-Change"
	headerConfigurationVersion = "Appconfigd-Configuration-Version"
	headerRolloutID            = "Appconfigd-Rollout-Id"
	headerRolloutPercentage    = "Appconfigd-Rollout-Percentage"
	headerRolloutTarget        = "Appconfigd-Rollout-Target-Version"
	headerRolloutBaseline      = "Appconfigd-Rollout-Baseline-Version"
	headerSessionVersion       = "Appconfigd-Session-Version"
)

// LoadAWSConfig loads the standard SDK settings from the environment and
// shared files (AWS_ENDPOINT_URL_APPCONFIGDATA or AWS_ENDPOINT_URL,
// AWS_REGION, credentials, profiles), with SERVICE_REGION overriding the
// region. Unlike the AWS agent it does not ask EC2 instance metadata for
// a region: without one it fails.
func LoadAWSConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if cfg.ServiceRegion != "" {
		opts = append(opts, config.WithRegion(cfg.ServiceRegion))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if awsCfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set SERVICE_REGION or AWS_REGION")
	}
	return awsCfg, nil
}

// NewDataClient returns an AppConfigData client for awsCfg that holds at
// most cfg.MaxConnections connections and does not retry on its own: the
// poller retries with its own backoff, within REQUEST_TIMEOUT per call.
// At most cfg.MaxConnections-1 polls wait for a change at once; the others
// go out as ordinary polls (sdkClient.waitSlots says why).
func NewDataClient(awsCfg aws.Config, cfg Config) DataClient {
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxConnsPerHost = cfg.MaxConnections
	})
	s := &sdkClient{client: appconfigdata.NewFromConfig(awsCfg, func(o *appconfigdata.Options) {
		o.HTTPClient = httpClient
		o.Retryer = aws.NopRetryer{}
	})}
	if cfg.MaxConnections > 0 {
		s.waitSlots = make(chan struct{}, cfg.MaxConnections-1)
	}
	return s
}

// sdkClient is DataClient over aws-sdk-go-v2.
type sdkClient struct {
	client *appconfigdata.Client
	// waitSlots holds one token per poll waiting for a change; nil for no
	// bound. Over HTTP/1.1 a waiting poll occupies one of the
	// MAX_CONNECTIONS connections for up to a minute, and calls beyond
	// the cap queue for a connection within their own timeout; so one
	// connection is kept for ordinary calls (first fetches, session
	// starts) and a poll that finds no slot does not ask to wait. Its
	// answer then carries no wait header, and the poller polls that
	// configuration at its interval.
	waitSlots chan struct{}
}

func (s *sdkClient) StartSession(ctx context.Context, key Key, minPollIntervalSeconds int32) (string, error) {
	in := &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(key.Application),
		EnvironmentIdentifier:          aws.String(key.Environment),
		ConfigurationProfileIdentifier: aws.String(key.Profile),
	}
	if minPollIntervalSeconds != 0 {
		in.RequiredMinimumPollIntervalInSeconds = aws.Int32(minPollIntervalSeconds)
	}
	out, err := s.client.StartConfigurationSession(ctx, in)
	if err != nil {
		return "", err
	}
	if aws.ToString(out.InitialConfigurationToken) == "" {
		return "", errors.New("StartConfigurationSession returned no token")
	}
	return *out.InitialConfigurationToken, nil
}

func (s *sdkClient) GetLatest(ctx context.Context, token string, wait time.Duration) (*Latest, error) {
	if wait > 0 && s.waitSlots != nil {
		select {
		case s.waitSlots <- struct{}{}:
			defer func() { <-s.waitSlots }()
		default:
			wait = 0
		}
	}
	out, err := s.client.GetLatestConfiguration(ctx,
		&appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)},
		func(o *appconfigdata.Options) {
			// The server does not require the headers signed; adding
			// them in the build step signs them anyway.
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(headerEntityRollout, "1"))
			if wait > 0 {
				o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(headerWaitForChange, waitSeconds(wait)))
			}
		})
	if err != nil {
		return nil, err
	}
	l := &Latest{
		Configuration:    out.Configuration,
		ContentType:      aws.ToString(out.ContentType),
		VersionLabel:     aws.ToString(out.VersionLabel),
		NextToken:        aws.ToString(out.NextPollConfigurationToken),
		NextPollInterval: time.Duration(out.NextPollIntervalInSeconds) * time.Second,
	}
	if resp, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); ok {
		l.ConfigurationVersion = resp.Header.Get(headerConfigurationVersion)
		l.Rollout = rolloutFromHeader(resp.Header)
		l.WaitOffered, l.WaitAnswered = waitFromHeader(resp.Header)
	}
	return l, nil
}

// waitSeconds is the Appconfigd-Wait-For-Change value asking for wait:
// whole seconds, rounded down, at least one (docs/WIRE.md §2.5).
func waitSeconds(wait time.Duration) string {
	return strconv.FormatInt(max(int64(wait/time.Second), 1), 10)
}

// waitFromHeader reads the Appconfigd-Wait-For-Change echo. ok is false
// when there is none or it is not a whole number of seconds: a value the
// agent cannot read gives no reason to poll sooner than its interval.
func waitFromHeader(h http.Header) (offered time.Duration, ok bool) {
	v := h.Values(headerWaitForChange)
	if len(v) != 1 {
		return 0, false
	}
	n, err := strconv.ParseUint(v[0], 10, 16)
	if err != nil {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// rolloutFromHeader reads the rollout headers; it returns nil when there
// is no rollout or the headers do not make one (the agent then serves the
// answer as a plain session's).
func rolloutFromHeader(h http.Header) *Rollout {
	r := &Rollout{
		ID:              h.Get(headerRolloutID),
		TargetVersion:   h.Get(headerRolloutTarget),
		BaselineVersion: h.Get(headerRolloutBaseline),
		SessionVersion:  h.Get(headerSessionVersion),
	}
	if r.ID == "" || r.TargetVersion == "" {
		return nil
	}
	pct, err := strconv.ParseFloat(h.Get(headerRolloutPercentage), 64)
	if err != nil || !(pct >= 0 && pct <= 100) {
		return nil
	}
	r.Percentage = pct
	return r
}
