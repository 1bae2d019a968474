package appconfigd

import (
	"context"
	"errors"
	"fmt"
)

// ErrorCode classifies an [Error]. Each wire surface maps codes to an AWS
// exception name and an HTTP status in exactly one table.
type ErrorCode string

// Error codes. They are named after the AWS exceptions they become.
const (
	EBadRequest           ErrorCode = "BadRequest"
	ENotFound             ErrorCode = "ResourceNotFound"
	EConflict             ErrorCode = "Conflict"
	EServiceQuotaExceeded ErrorCode = "ServiceQuotaExceeded"
	EPayloadTooLarge      ErrorCode = "PayloadTooLarge"
	EThrottling           ErrorCode = "Throttling"
	EAccessDenied         ErrorCode = "AccessDenied"
	// The request carries no signature.
	EMissingAuthentication ErrorCode = "MissingAuthentication"
	// The request is signed by an access key nobody configured.
	EUnrecognizedClient ErrorCode = "UnrecognizedClient"
	// The signature does not match, or was made too long ago.
	EInvalidSignature ErrorCode = "InvalidSignature"
	// The database cannot be reached, or cannot take a write (the disk
	// is full, the file is read-only, the server is shutting down).
	// Unlike EInternal, the message says so: the operator can act on it
	// and the client may retry later.
	EUnavailable ErrorCode = "Unavailable"
	EInternal    ErrorCode = "Internal"
)

// ResourceType names the kind of resource a [ENotFound] error is about. The
// values are the data plane's ResourceType enum (docs/WIRE.md §1.4).
type ResourceType string

// Resource types.
const (
	ResourceApplication          ResourceType = "Application"
	ResourceEnvironment          ResourceType = "Environment"
	ResourceConfigurationProfile ResourceType = "ConfigurationProfile"
	ResourceDeployment           ResourceType = "Deployment"
	ResourceConfiguration        ResourceType = "Configuration"
	// The control plane reports these only through ResourceName.
	ResourceDeploymentStrategy         ResourceType = "DeploymentStrategy"
	ResourceHostedConfigurationVersion ResourceType = "HostedConfigurationVersion"
	ResourceTaggable                   ResourceType = "Resource"
	ResourceSealingKey                 ResourceType = "SealingKey"
)

// TokenProblem is the Problem reported for an invalid data-plane parameter
// (docs/WIRE.md §1.4, InvalidParameterDetail).
type TokenProblem string

// Token problems.
const (
	ProblemCorrupted                TokenProblem = "Corrupted"
	ProblemExpired                  TokenProblem = "Expired"
	ProblemPollIntervalNotSatisfied TokenProblem = "PollIntervalNotSatisfied"
)

// InvalidConfigurationDetail describes one reason a configuration failed
// validation; it becomes an element of BadRequestException
// Details.InvalidConfiguration on the control plane (docs/WIRE.md §3.4).
type InvalidConfigurationDetail struct {
	Constraint string
	Location   string
	Reason     string
	Type       string
	Value      string
}

// Error is the one error type of appconfigd. Every failure a client can
// cause is an *Error with a code; anything else is reported as an internal
// error without its text.
type Error struct {
	Code    ErrorCode
	Message string

	// ResourceType and ResourceName describe the missing resource of an
	// ENotFound error. ReferencedBy maps request parameters to the value
	// that referenced the missing resource (data plane).
	ResourceType ResourceType
	ResourceName string
	ReferencedBy map[string]string

	// InvalidParameter and Problem describe a rejected data-plane
	// parameter (BadRequestException Reason InvalidParameters).
	InvalidParameter string
	Problem          TokenProblem

	// InvalidConfiguration lists validation failures of a configuration
	// (BadRequestException Reason InvalidConfiguration).
	InvalidConfiguration []InvalidConfigurationDetail

	// LimitKB and SizeKB describe an EPayloadTooLarge error.
	LimitKB float64
	SizeKB  float64

	// Cause is the failure behind an EUnavailable error, such as the
	// database driver's error. It is for the server log: clients get
	// Message only.
	Cause error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("appconfigd: %s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("appconfigd: %s: %s", e.Code, e.Message)
}

// Unwrap returns Cause, so that errors.Is and errors.As see through it.
func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCodeOf returns the code of err if it is (or wraps) an *Error, and
// EInternal otherwise.
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code ErrorCode) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// ClientGone reports whether err is what is left of a request whose client
// hung up: ctx, the request's context, was cancelled, and err is no
// domain error (which would be the request's real outcome) but the
// internal failure the cancellation caused, such as a store call cut
// short. A driver may report the cancellation in its own words (an
// interrupted statement) rather than as context.Canceled, so the context
// decides.
// Such a request is no server error: the wire surfaces log it below
// ERROR and record it with [StatusClientClosedRequest].
func ClientGone(ctx context.Context, err error) bool {
	return err != nil && errors.Is(ctx.Err(), context.Canceled) && ErrorCodeOf(err) == EInternal
}

// badRequest returns an EBadRequest error with a formatted message.
func badRequest(format string, args ...any) *Error {
	return Errorf(EBadRequest, format, args...)
}
