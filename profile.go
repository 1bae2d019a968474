package appconfigd

import (
	"encoding/json"
	"time"
)

// Profile types AppConfig defines (docs/WIRE.md §3.7).
const (
	ProfileTypeFreeform     = "AWS.Freeform"
	ProfileTypeFeatureFlags = "AWS.AppConfig.FeatureFlags"
)

// LocationHosted is the only LocationUri appconfigd serves: the hosted
// configuration store.
const LocationHosted = "hosted"

// ValidatorType is the kind of a validator.
type ValidatorType string

// Validator types.
const (
	ValidatorJSONSchema ValidatorType = "JSON_SCHEMA"
	ValidatorLambda     ValidatorType = "LAMBDA"
)

// Validator checks a configuration before it is deployed.
type Validator struct {
	Type    ValidatorType
	Content string
}

// ConfigurationProfile says where a configuration lives and how to validate
// it (docs/WIRE.md §3.7).
type ConfigurationProfile struct {
	ApplicationID    string
	ID               string
	Name             string
	Description      string
	LocationURI      string
	RetrievalRoleARN string
	// Type is stored as given; an empty Type means AWS.Freeform but is
	// echoed as absent, as the service does (docs/WIRE.md §6 Q10).
	Type             string
	KMSKeyIdentifier string
	Validators       []Validator
	CreatedAt        time.Time
}

// EffectiveType returns the profile's type with the AWS.Freeform default.
func (p *ConfigurationProfile) EffectiveType() string {
	if p.Type == "" {
		return ProfileTypeFreeform
	}
	return p.Type
}

// Validate checks the members a client supplies against limits.
func (p *ConfigurationProfile) Validate(limits Limits) error {
	if err := checkLength("Name", p.Name, 1, maxLongNameLength); err != nil {
		return err
	}
	if err := checkLength("Description", p.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if err := checkLength("LocationUri", p.LocationURI, 1, 2048); err != nil {
		return err
	}
	if p.LocationURI != LocationHosted {
		return badRequest("LocationUri %q is not supported: appconfigd serves only the hosted configuration store (LocationUri \"hosted\")", p.LocationURI)
	}
	if err := checkOptionalRoleARN("RetrievalRoleArn", p.RetrievalRoleARN); err != nil {
		return err
	}
	if p.Type != "" {
		if len(p.Type) > 1024 || !profileTypePattern.MatchString(p.Type) {
			return badRequest("Type must match [a-zA-Z0-9.-]+")
		}
		if p.Type != ProfileTypeFreeform && p.Type != ProfileTypeFeatureFlags {
			return badRequest("Type must be %s or %s, got %q", ProfileTypeFreeform, ProfileTypeFeatureFlags, p.Type)
		}
	}
	if p.KMSKeyIdentifier != "" {
		if err := checkLength("KmsKeyIdentifier", p.KMSKeyIdentifier, 1, 2048); err != nil {
			return err
		}
	}
	return validateValidators(p.Validators, limits)
}

func validateValidators(validators []Validator, limits Limits) error {
	if len(validators) > limits.ValidatorsPerProfile {
		return badRequest("Validators may have at most %d entries, got %d", limits.ValidatorsPerProfile, len(validators))
	}
	for i, v := range validators {
		switch v.Type {
		case ValidatorJSONSchema:
			if !json.Valid([]byte(v.Content)) {
				return badRequest("Validators[%d].Content must be a JSON Schema document", i)
			}
		case ValidatorLambda:
		case "":
			return badRequest("Validators[%d].Type is required (JSON_SCHEMA or LAMBDA)", i)
		default:
			return badRequest("Validators[%d].Type must be JSON_SCHEMA or LAMBDA, got %q", i, v.Type)
		}
		if err := checkLength("Validators.Content", v.Content, 0, 32768); err != nil {
			return err
		}
	}
	return nil
}

// ConfigurationProfileUpdate holds the members UpdateConfigurationProfile may
// change; nil means unchanged. LocationUri and Type cannot change.
type ConfigurationProfileUpdate struct {
	Name             *string
	Description      *string
	RetrievalRoleARN *string
	Validators       *[]Validator
	KMSKeyIdentifier *string
}

// Apply applies u to p.
func (u ConfigurationProfileUpdate) Apply(p *ConfigurationProfile) {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Description != nil {
		p.Description = *u.Description
	}
	if u.RetrievalRoleARN != nil {
		p.RetrievalRoleARN = *u.RetrievalRoleARN
	}
	if u.Validators != nil {
		p.Validators = *u.Validators
	}
	if u.KMSKeyIdentifier != nil {
		p.KMSKeyIdentifier = *u.KMSKeyIdentifier
	}
}

// ConfigurationProfileFilter narrows ListConfigurationProfiles.
type ConfigurationProfileFilter struct {
	// Type, when set, keeps only profiles of that type.
	Type string
}
