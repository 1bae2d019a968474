// Package validation runs the validators of a configuration profile
// (docs/WIRE.md §3.7): inline JSON Schema validators, and http(s) webhooks that
// stand in for the Lambda validators a self-hosted server cannot invoke.
//
// A [Runner] implements [appconfigd.ValidatorRunner]. The service calls
// Check when a profile is created or updated, and Validate at
// StartDeployment and ValidateConfiguration; any failure is an EBadRequest
// *appconfigd.Error, so a deployment stops before any target sees the
// configuration.
package validation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/outbound"
)

// DefaultTimeout bounds one webhook call. It is AWS's run-time limit for a
// Lambda validator, the thing a webhook replaces.
const DefaultTimeout = 15 * time.Second

// Runner runs JSON Schema and webhook validators. The zero value is ready to
// use; NewRunner spells the defaults out. A Runner must not be copied after
// first use because it holds the compiled-schema cache.
type Runner struct {
	// HTTPClient calls webhook validators; nil means a client with the
	// default NetworkPolicy (see NewWebhookClient).
	// Runner never follows redirects whatever the client's CheckRedirect
	// says, so a webhook cannot bounce the configuration to another host.
	HTTPClient *http.Client
	// Timeout bounds each webhook call; zero means DefaultTimeout.
	Timeout time.Duration

	schemas schemaCache
}

// NewRunner returns a Runner with DefaultTimeout and its own HTTP client,
// which keeps webhooks away from the networks in BlockedByDefault, as the
// zero value's does.
func NewRunner() *Runner {
	return &Runner{HTTPClient: NewWebhookClient(NetworkPolicy{}), Timeout: DefaultTimeout}
}

var _ appconfigd.ValidatorRunner = (*Runner)(nil)

// Check reports whether v can run: a JSON_SCHEMA validator's Content must
// compile (without loading anything from outside the schema), and a LAMBDA
// validator whose Content starts with http:// or https:// must be a URL with
// a host. Any other LAMBDA Content, such as a Lambda ARN, is accepted so that
// profiles written for AWS can be stored; Validate reports it instead.
//
// Check does not know the validator's index, so its messages start with the
// member name ("Content is not a valid JSON Schema: …"); callers prefix
// "Validators[i]." to name the validator.
func (r *Runner) Check(v appconfigd.Validator) error {
	switch v.Type {
	case appconfigd.ValidatorJSONSchema:
		if _, err := r.schemas.compile(v.Content); err != nil {
			return appconfigd.Errorf(appconfigd.EBadRequest, "Content is not a valid JSON Schema: %v", err)
		}
		return nil
	case appconfigd.ValidatorLambda:
		if isWebhook(v.Content) {
			if _, err := outbound.ParseURL(v.Content); err != nil {
				return appconfigd.Errorf(appconfigd.EBadRequest, "Content is not a valid webhook URL: %v", err)
			}
		}
		return nil
	default:
		return appconfigd.Errorf(appconfigd.EBadRequest, "Type must be %s or %s, got %q", appconfigd.ValidatorJSONSchema, appconfigd.ValidatorLambda, v.Type)
	}
}

// Validate runs the validators of p against version v in order and returns
// the first failure as an EBadRequest *appconfigd.Error, or nil when all
// pass. The one failure that is not EBadRequest is ctx ending while a
// webhook runs: the caller gave up, so Validate returns ctx.Err() (wrapped)
// rather than blaming the configuration.
func (r *Runner) Validate(ctx context.Context, p *appconfigd.ConfigurationProfile, v *appconfigd.HostedConfigurationVersion) error {
	if p == nil || len(p.Validators) == 0 {
		return nil
	}
	if v == nil {
		return errors.New("validation: Validate called without a configuration version")
	}
	for i, val := range p.Validators {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("validation: %w", err)
		}
		var err error
		switch val.Type {
		case appconfigd.ValidatorJSONSchema:
			err = r.validateJSONSchema(i, val.Content, v.Content)
		case appconfigd.ValidatorLambda:
			err = r.validateLambda(ctx, i, val.Content, p, v)
		default:
			// The domain rejects other types when the profile is stored;
			// refuse rather than pass a configuration nothing checked.
			err = appconfigd.Errorf(appconfigd.EBadRequest, "Validators[%d].Type %q is not supported; use %s or %s", i, val.Type, appconfigd.ValidatorJSONSchema, appconfigd.ValidatorLambda)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
