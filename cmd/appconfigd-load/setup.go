package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
)

// deployed is one configuration set up for the run: the identifiers a
// session starts with and what a poll must return.
type deployed struct {
	Size          int
	ApplicationID string
	EnvironmentID string
	ProfileID     string
	Content       []byte
	ContentType   string
	VersionLabel  string
	// TokenLength is the length of the next poll token appconfigd issued
	// while verifying the deployment, so the bare baseline can send tokens
	// of the same length.
	TokenLength int
}

// newDataClient returns an AppConfigData client for endpoint, used to
// start sessions (not timed) on appconfigd and on the bare baseline alike.
func newDataClient(endpoint string, httpClient *http.Client, creds aws.Credentials) *appconfigdata.Client {
	return appconfigdata.New(appconfigdata.Options{
		Region:       signingRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		HTTPClient:   httpClient,
	})
}

// setUp creates, through the AppConfig control API, one application and
// per size an environment and a hosted profile with one version of that
// size, deployed with AppConfig.AllAtOnce. It then checks with a real
// session that appconfigd serves the version at once.
func setUp(ctx context.Context, endpoint string, httpClient *http.Client, p *poller, sizes []int) ([]*deployed, error) {
	c := appconfig.New(appconfig.Options{
		Region:       signingRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.StaticCredentialsProvider{Value: p.creds},
		HTTPClient:   httpClient,
	})
	app, err := c.CreateApplication(ctx, &appconfig.CreateApplicationInput{Name: aws.String("appconfigd-load")})
	if err != nil {
		return nil, fmt.Errorf("CreateApplication: %w", err)
	}
	data := newDataClient(endpoint, httpClient, p.creds)
	var out []*deployed
	for _, size := range sizes {
		d := &deployed{Size: size, ApplicationID: aws.ToString(app.Id), ContentType: defaultContentType, VersionLabel: defaultVersionLabel}
		if d.Content, err = makeContent(size); err != nil {
			return nil, err
		}
		name := aws.String("load-" + strconv.Itoa(size))
		env, err := c.CreateEnvironment(ctx, &appconfig.CreateEnvironmentInput{ApplicationId: app.Id, Name: name})
		if err != nil {
			return nil, fmt.Errorf("CreateEnvironment: %w", err)
		}
		d.EnvironmentID = aws.ToString(env.Id)
		prof, err := c.CreateConfigurationProfile(ctx, &appconfig.CreateConfigurationProfileInput{
			ApplicationId: app.Id, Name: name, LocationUri: aws.String("hosted"),
		})
		if err != nil {
			return nil, fmt.Errorf("CreateConfigurationProfile: %w", err)
		}
		d.ProfileID = aws.ToString(prof.Id)
		ver, err := c.CreateHostedConfigurationVersion(ctx, &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId: app.Id, ConfigurationProfileId: prof.Id,
			Content: d.Content, ContentType: aws.String(d.ContentType), VersionLabel: aws.String(d.VersionLabel),
		})
		if err != nil {
			return nil, fmt.Errorf("CreateHostedConfigurationVersion (%d bytes): %w", size, err)
		}
		_, err = c.StartDeployment(ctx, &appconfig.StartDeploymentInput{
			ApplicationId: app.Id, EnvironmentId: env.Id, ConfigurationProfileId: prof.Id,
			ConfigurationVersion: aws.String(strconv.Itoa(int(ver.VersionNumber))),
			DeploymentStrategyId: aws.String("AppConfig.AllAtOnce"),
		})
		if err != nil {
			return nil, fmt.Errorf("StartDeployment: %w", err)
		}
		if err := verify(ctx, data, p, endpoint, d); err != nil {
			return nil, fmt.Errorf("verify %d-byte deployment: %w", size, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// verify starts a session for d and checks the load test's assumptions:
// the initial token returns the full content with its type and label, the
// next token an empty body, and the initial token again the full content.
func verify(ctx context.Context, data *appconfigdata.Client, p *poller, endpoint string, d *deployed) error {
	initial, err := startSession(ctx, data, d)
	if err != nil {
		return err
	}
	first, err := p.poll(ctx, endpoint, initial, true)
	if err != nil {
		return err
	}
	if !bytes.Equal(first.Body, d.Content) {
		return fmt.Errorf("first poll returned %d bytes, want the deployed %d bytes: the deployment is not served at 100%%", len(first.Body), len(d.Content))
	}
	if first.ContentType != d.ContentType || first.VersionLabel != d.VersionLabel {
		return fmt.Errorf("first poll: Content-Type %q, Version-Label %q; want %q, %q", first.ContentType, first.VersionLabel, d.ContentType, d.VersionLabel)
	}
	next, err := p.poll(ctx, endpoint, first.NextToken, true)
	if err != nil {
		return err
	}
	if next.Length != 0 {
		return fmt.Errorf("poll with the next token returned %d bytes, want an empty body", next.Length)
	}
	d.TokenLength = len(next.NextToken)
	again, err := p.poll(ctx, endpoint, initial, false)
	if err != nil {
		return fmt.Errorf("reuse of the initial token: %w", err)
	}
	if again.Length != int64(len(d.Content)) {
		return fmt.Errorf("reuse of the initial token returned %d bytes, want %d", again.Length, len(d.Content))
	}
	return nil
}

// startSession calls StartConfigurationSession for d through the SDK and
// returns the initial token.
func startSession(ctx context.Context, data *appconfigdata.Client, d *deployed) (string, error) {
	out, err := data.StartConfigurationSession(ctx, &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(d.ApplicationID),
		EnvironmentIdentifier:          aws.String(d.EnvironmentID),
		ConfigurationProfileIdentifier: aws.String(d.ProfileID),
	})
	if err != nil {
		return "", fmt.Errorf("StartConfigurationSession: %w", err)
	}
	if aws.ToString(out.InitialConfigurationToken) == "" {
		return "", fmt.Errorf("StartConfigurationSession: no InitialConfigurationToken")
	}
	return aws.ToString(out.InitialConfigurationToken), nil
}
