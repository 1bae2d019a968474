package appconfigd

import "context"

// ValidatorRunner runs a profile's validators (docs/WIRE.md §3.7). The root package
// only defines the contract; the validation package implements JSON Schema
// validators and the http(s) webhook validators that stand in for Lambda.
type ValidatorRunner interface {
	// Check reports whether a validator definition can run at all (a JSON
	// Schema that compiles, a webhook URL that parses), as an EBadRequest
	// *Error naming what is wrong. CreateConfigurationProfile and
	// UpdateConfigurationProfile call it.
	Check(v Validator) error
	// Validate runs every validator of p against version v and returns
	// nil when all pass, or an EBadRequest *Error whose message says which
	// validator failed and why, with InvalidConfiguration details where
	// the validator gives them.
	Validate(ctx context.Context, p *ConfigurationProfile, v *HostedConfigurationVersion) error
}
