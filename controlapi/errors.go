package controlapi

import (
	"errors"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// ExceptionFor returns the AWS exception name and HTTP status an error code
// becomes on the control plane. This is the surface's one mapping table
// (wire §3.4): ServiceQuotaExceededException is 402, not 429, and
// PayloadTooLargeException is 413. The model declares no throttling,
// access-denied, authentication or unavailability errors for the control
// plane; those use the names AWS services send in general, which the SDK
// reports as a smithy.GenericAPIError (and retries on 503, as on any 5xx;
// see docs/COMPATIBILITY.md). An unknown code is an InternalServerException.
func ExceptionFor(code appconfigd.ErrorCode) awsjson.Exception {
	switch code {
	case appconfigd.EBadRequest:
		return awsjson.Exception{Name: "BadRequestException", Status: http.StatusBadRequest}
	case appconfigd.ENotFound:
		return awsjson.Exception{Name: "ResourceNotFoundException", Status: http.StatusNotFound}
	case appconfigd.EConflict:
		return awsjson.Exception{Name: "ConflictException", Status: http.StatusConflict}
	case appconfigd.EServiceQuotaExceeded:
		return awsjson.Exception{Name: "ServiceQuotaExceededException", Status: http.StatusPaymentRequired}
	case appconfigd.EPayloadTooLarge:
		return awsjson.Exception{Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge}
	case appconfigd.EThrottling:
		return awsjson.Exception{Name: "ThrottlingException", Status: http.StatusTooManyRequests}
	case appconfigd.EAccessDenied:
		return awsjson.Exception{Name: "AccessDeniedException", Status: http.StatusForbidden}
	case appconfigd.EMissingAuthentication:
		return awsjson.Exception{Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden}
	case appconfigd.EUnrecognizedClient:
		return awsjson.Exception{Name: "UnrecognizedClientException", Status: http.StatusForbidden}
	case appconfigd.EInvalidSignature:
		return awsjson.Exception{Name: "InvalidSignatureException", Status: http.StatusForbidden}
	case appconfigd.EUnavailable:
		return awsjson.Exception{Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable}
	default:
		return awsjson.Exception{Name: "InternalServerException", Status: http.StatusInternalServerError}
	}
}

// invalidConfigurationDetail is the wire form of an InvalidConfigurationDetail
// (wire Appendix B).
type invalidConfigurationDetail struct {
	Constraint string `json:",omitempty"`
	Location   string `json:",omitempty"`
	Reason     string `json:",omitempty"`
	Type       string `json:",omitempty"`
	Value      string `json:",omitempty"`
}

// writeError encodes err as the control plane's error document with the
// modeled members aws-sdk-go-v2 reads by exact key (wire §1.5, §3.4):
// Message always; ResourceName on ResourceNotFoundException; Reason
// "InvalidConfiguration" and the Details union on a BadRequestException
// about a configuration that failed validation; Measure, Limit and Size on
// PayloadTooLargeException.
//
// An error that is not an *appconfigd.Error is a bug or an infrastructure
// failure: its text may hold internals, so it is logged with the request ID
// and the client gets a generic InternalServerException that names the ID.
// Two failures are not logged at ERROR: a request whose client hung up
// (appconfigd.ClientGone) gets StatusClientClosedRequest and no body, for
// the access log and the audit trail, since nobody reads an answer; and an
// EUnavailable error, whose message says what is wrong, is logged by the
// Service once when writes begin to fail, not once per request.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	id := awsjson.RequestID(r.Context())
	if appconfigd.ClientGone(r.Context(), err) {
		s.logger().Info("client closed request", "request_id", id, "op", op, "err", err)
		w.WriteHeader(appconfigd.StatusClientClosedRequest)
		return
	}
	var e *appconfigd.Error
	switch {
	case !errors.As(err, &e):
		s.logger().Error("internal error", "request_id", id, "op", op, "err", err)
		e = &appconfigd.Error{Code: appconfigd.EInternal, Message: "An internal error occurred; see the server log for request " + id}
	case e.Code == appconfigd.EInternal:
		s.logger().Error("internal error", "request_id", id, "op", op, "err", err)
	case e.Code == appconfigd.EUnavailable:
		s.logger().Debug("database unavailable", "request_id", id, "op", op, "err", err)
	}
	ex := ExceptionFor(e.Code)
	members := map[string]any{"Message": e.Message}
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
			// Details is a union: exactly one member (wire §1.4).
			members["Reason"] = "InvalidConfiguration"
			members["Details"] = map[string]any{"InvalidConfiguration": details}
		}
	case "PayloadTooLargeException":
		members["Measure"] = "KILOBYTES"
		members["Limit"] = awsjson.Float(e.LimitKB)
		members["Size"] = awsjson.Float(e.SizeKB)
	}
	awsjson.WriteError(w, ex, members)
}
