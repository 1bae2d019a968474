package appconfigd

import (
	"strings"
	"time"
)

// HostedConfigurationVersion is one immutable version of a configuration in
// the hosted store (docs/WIRE.md §3.8). Version numbers start at 1 per profile and
// are never reused.
type HostedConfigurationVersion struct {
	ApplicationID          string
	ConfigurationProfileID string
	VersionNumber          int
	Description            string
	// ContentType is stored verbatim, parameters included, and served back
	// unchanged by the data plane (docs/WIRE.md §7.4).
	ContentType  string
	VersionLabel string
	Content      []byte
	CreatedAt    time.Time
}

// Validate checks the members a client supplies against limits.
func (v *HostedConfigurationVersion) Validate(limits Limits) error {
	if len(v.Content) == 0 {
		// An empty configuration could not be told apart from the data
		// plane's "no change" response, which is also an empty body.
		return badRequest("Content is required and must not be empty")
	}
	if len(v.Content) > limits.HostedConfigurationSizeBytes {
		return PayloadTooLarge(len(v.Content), limits.HostedConfigurationSizeBytes)
	}
	if err := checkLength("ContentType", v.ContentType, 1, 255); err != nil {
		return err
	}
	if err := checkLength("Description", v.Description, 0, maxDescriptionLength); err != nil {
		return err
	}
	if !isASCII(v.Description) {
		// "Due to HTTP limitations, this field only supports ASCII characters."
		return badRequest("Description must contain only ASCII characters")
	}
	if v.VersionLabel != "" {
		if err := checkLength("VersionLabel", v.VersionLabel, 1, 64); err != nil {
			return err
		}
		if !versionLabelPattern.MatchString(v.VersionLabel) {
			return badRequest("VersionLabel must contain at least one non-numeric character, got %q", v.VersionLabel)
		}
	}
	return nil
}

// PayloadTooLarge returns the EPayloadTooLarge error for a body of size bytes
// against a limit of limit bytes, measured in kilobytes as AWS reports it.
func PayloadTooLarge(size, limit int) *Error {
	return &Error{
		Code:    EPayloadTooLarge,
		Message: "Configuration content exceeds the maximum size of " + itoa(limit/1024) + " KB",
		LimitKB: float64(limit) / 1024,
		SizeKB:  float64(size) / 1024,
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// HostedConfigurationVersionFilter narrows ListHostedConfigurationVersions.
type HostedConfigurationVersionFilter struct {
	// VersionLabel matches exactly, or as a prefix when it ends with "*"
	// (docs/WIRE.md §3.8).
	VersionLabel string
}

// Matches reports whether v passes the filter.
func (f HostedConfigurationVersionFilter) Matches(v *HostedConfigurationVersion) bool {
	if f.VersionLabel == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(f.VersionLabel, "*"); ok {
		return strings.HasPrefix(v.VersionLabel, prefix)
	}
	return v.VersionLabel == f.VersionLabel
}
