package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// exceptions is the control plane's one error table (docs/WIRE.md §3.4):
// ServiceQuotaExceededException is 402, not 429, and
// PayloadTooLargeException is 413. The model declares no throttling,
// access-denied, authentication or unavailability errors for the control
// plane; those use the names AWS services send in general, which the SDK
// reports as a smithy.GenericAPIError (and retries on 503, as on any 5xx;
// see docs/COMPATIBILITY.md). A code the table lacks, EInternal among
// them, is an InternalServerException.
var exceptions = awsjson.ExceptionTable{
	appconfigd.EBadRequest:            {Name: "BadRequestException", Status: http.StatusBadRequest},
	appconfigd.ENotFound:              {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
	appconfigd.EConflict:              {Name: "ConflictException", Status: http.StatusConflict},
	appconfigd.EServiceQuotaExceeded:  {Name: "ServiceQuotaExceededException", Status: http.StatusPaymentRequired},
	appconfigd.EPayloadTooLarge:       {Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge},
	appconfigd.EThrottling:            {Name: "ThrottlingException", Status: http.StatusTooManyRequests},
	appconfigd.EAccessDenied:          {Name: "AccessDeniedException", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Name: "UnrecognizedClientException", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Name: "InvalidSignatureException", Status: http.StatusForbidden},
	appconfigd.EUnavailable:           {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
}

// ExceptionFor returns the AWS exception name and HTTP status an error code
// becomes on the control plane, from its one table. An unknown code is an
// InternalServerException.
func ExceptionFor(code appconfigd.ErrorCode) awsjson.Exception {
	return exceptions.For(code)
}

// invalidConfigurationDetail is the wire form of an InvalidConfigurationDetail
// (docs/WIRE.md Appendix B).
type invalidConfigurationDetail struct {
	Constraint string `json:",omitempty"`
	Location   string `json:",omitempty"`
	Reason     string `json:",omitempty"`
	Type       string `json:",omitempty"`
	Value      string `json:",omitempty"`
}

// errorMembers adds the control plane's modeled error members, which
// aws-sdk-go-v2 reads by exact key (docs/WIRE.md §1.5, §3.4), to an error
// document that has Message: ResourceName on ResourceNotFoundException; Reason
// "InvalidConfiguration" and the Details union on a BadRequestException
// about a configuration that failed validation; Measure, Limit and Size on
// PayloadTooLargeException. The data plane's InvalidParameter is not
// modeled here.
func errorMembers(e *appconfigd.Error, ex awsjson.Exception, members map[string]any) {
	switch ex.Name {
	case "ResourceNotFoundException":
		if e.ResourceName != "" {
			members["ResourceName"] = e.ResourceName
		}
	case "BadRequestException":
		if len(e.InvalidConfiguration) > 0 {
			details := make([]invalidConfigurationDetail, len(e.InvalidConfiguration))
			for i, d := range e.InvalidConfiguration {
				details[i] = invalidConfigurationDetail(d)
			}
			// Details is a union: exactly one member (docs/WIRE.md §1.4).
			members["Reason"] = "InvalidConfiguration"
			members["Details"] = map[string]any{"InvalidConfiguration": details}
		}
	case "PayloadTooLargeException":
		members["Measure"] = "KILOBYTES"
		members["Limit"] = awsjson.Float(e.LimitKB)
		members["Size"] = awsjson.Float(e.SizeKB)
	}
}
