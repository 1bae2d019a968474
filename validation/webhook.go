package validation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/outbound"
)

// Headers a webhook validator receives besides Content-Type. They carry what
// AWS passes a Lambda validator in its event (ApplicationId,
// ConfigurationProfileId, ConfigurationVersion); the body is the raw
// configuration, where Lambda gets it base64-encoded.
const (
	HeaderApplicationID          = "X-AppConfig-Application-Id"
	HeaderConfigurationProfileID = "X-AppConfig-Configuration-Profile-Id"
	HeaderConfigurationVersion   = "X-AppConfig-Configuration-Version"
)

const (
	// maxBodyExcerpt is how much of a rejecting webhook's response
	// body goes into the error message.
	maxBodyExcerpt = 1024
	// maxBodyDrain is how much more of a response is read and thrown
	// away so the connection can be reused; past it the connection is
	// simply closed.
	maxBodyDrain = 64 << 10
	// maxContentInMessage bounds the echo of a Lambda validator's Content.
	maxContentInMessage = 256
)

// isWebhook reports whether a LAMBDA validator's Content is meant as an
// http(s) webhook rather than a Lambda function.
func isWebhook(content string) bool {
	return hasPrefixFold(content, "http://") || hasPrefixFold(content, "https://")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// validateLambda runs LAMBDA validator i: a webhook call for an http(s)
// URL, and a clear refusal for anything else, since AWS Lambda cannot be
// invoked from here.
func (r *Runner) validateLambda(ctx context.Context, i int, content string, p *appconfigd.ConfigurationProfile, v *appconfigd.HostedConfigurationVersion) error {
	if !isWebhook(content) {
		return appconfigd.Errorf(appconfigd.EBadRequest, "Validators[%d] is a Lambda function (%s); appconfigd cannot invoke AWS Lambda — replace it with an http(s) webhook URL", i, outbound.OneLine(outbound.Truncate(content, maxContentInMessage)))
	}
	u, err := outbound.ParseURL(content)
	if err != nil {
		return appconfigd.Errorf(appconfigd.EBadRequest, "Validators[%d].Content is not a valid webhook URL: %v", i, err)
	}
	return r.callWebhook(ctx, i, u, p, v)
}

// callWebhook POSTs the configuration to u. A 2xx answer passes it, any
// other answer rejects it, and so does a webhook that cannot be reached in
// time: a configuration nobody could check must not be deployed.
func (r *Runner) callWebhook(ctx context.Context, i int, u *url.URL, p *appconfigd.ConfigurationProfile, v *appconfigd.HostedConfigurationVersion) error {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, u.String(), bytes.NewReader(v.Content))
	if err != nil {
		return appconfigd.Errorf(appconfigd.EBadRequest, "Validators[%d].Content is not a valid webhook URL: %v", i, err)
	}
	contentType := v.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	appID := p.ApplicationID
	if appID == "" {
		appID = v.ApplicationID
	}
	profileID := p.ID
	if profileID == "" {
		profileID = v.ConfigurationProfileID
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "appconfigd-validator")
	req.Header.Set(HeaderApplicationID, appID)
	req.Header.Set(HeaderConfigurationProfileID, profileID)
	req.Header.Set(HeaderConfigurationVersion, strconv.Itoa(v.VersionNumber))

	name := fmt.Sprintf("Webhook validator Validators[%d] (%s)", i, outbound.DisplayURL(u))
	resp, err := r.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// The caller gave up (request cancelled, server stopping):
			// that says nothing about the configuration.
			return fmt.Errorf("validation: %s: %w", name, ctx.Err())
		}
		reason := outbound.TransportError(err)
		if errors.Is(err, context.DeadlineExceeded) {
			reason = fmt.Sprintf("no response within %s", timeout)
		}
		return &appconfigd.Error{
			Code:    appconfigd.EBadRequest,
			Message: fmt.Sprintf("%s could not be reached: %s", name, reason),
			InvalidConfiguration: []appconfigd.InvalidConfigurationDetail{{
				Reason: "webhook could not be reached: " + reason,
				Type:   string(appconfigd.ValidatorLambda),
			}},
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// Drain a little so the connection goes back to the pool.
		_, _ = io.CopyN(io.Discard, resp.Body, maxBodyDrain)
		return nil
	}

	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodyExcerpt+1))
	_, _ = io.CopyN(io.Discard, resp.Body, maxBodyDrain)
	reason := outbound.StatusReason(resp.StatusCode, excerpt, maxBodyExcerpt)
	return &appconfigd.Error{
		Code:    appconfigd.EBadRequest,
		Message: fmt.Sprintf("%s rejected the configuration: %s", name, reason),
		InvalidConfiguration: []appconfigd.InvalidConfigurationDetail{{
			Reason: reason,
			Type:   string(appconfigd.ValidatorLambda),
		}},
	}
}

// client returns the HTTP client for webhook calls: the configured one (or
// one that keeps away from BlockedByDefault), without redirects.
func (r *Runner) client() *http.Client {
	c := defaultWebhookClient
	if r.HTTPClient != nil {
		c = r.HTTPClient
	}
	return outbound.WithoutRedirects(c)
}
