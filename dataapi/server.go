// Package dataapi is the AppConfigData (2021-11-11) wire surface:
// StartConfigurationSession and GetLatestConfiguration (docs/WIRE.md §1).
package dataapi

import (
	"log/slog"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Server serves the data plane. Set the fields, then combine Routes with
// the other surfaces' routes in awsjson.NewRouter.
type Server struct {
	// Service implements both operations.
	Service *appconfigd.Service
	// Auth identifies the sender of every request before it runs.
	Auth auth.Authenticator
	// Logger receives internal errors with their request IDs; nil
	// discards them.
	Logger *slog.Logger
}

// Routes returns the data plane's operations.
func (s *Server) Routes() []awsjson.Route {
	return []awsjson.Route{
		{Method: http.MethodPost, Pattern: "/configurationsessions", Handler: s.handle(startSessionOperation, s.handleStartConfigurationSession)},
		{Method: http.MethodGet, Pattern: "/configuration", Handler: s.handle(pollOperation, s.handleGetLatestConfiguration)},
		{Method: http.MethodGet, Pattern: "/configuration/stream", Handler: s.handle(streamOperation, s.handleConfigurationStream)},
	}
}

// The operations as the surface and its authenticator must know them
// before the body is read (see auth.Operation): a session request is a
// small JSON object, a poll has no body. Both are open to reader keys;
// which applications a reader may read is the Service's business. Neither
// changes anything the audit trail records.
var (
	startSessionOperation = awsjson.Operation{Operation: auth.Operation{Name: "StartConfigurationSession", MaxBodyBytes: maxSessionBody}}
	pollOperation         = awsjson.Operation{Operation: auth.Operation{Name: "GetLatestConfiguration", MaxBodyBytes: 0}}
	// streamOperation is appconfigd's stream of changes (docs/WIRE.md
	// §2.5), polls that wait one after another.
	streamOperation = awsjson.Operation{Operation: auth.Operation{Name: "StreamConfiguration", MaxBodyBytes: 0}}
)

// handle adapts an operation handler to HTTP through the wire surface all
// APIs share (awsjson.Surface.Serve). fn gets the context carrying the
// principal on its own rather than in a copy of the request: a poll is
// cheap enough for the copy to show (and auth.WithOperation copies only
// requests with a body).
func (s *Server) handle(op awsjson.Operation, fn awsjson.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		surface := s.surface()
		surface.Serve(w, r, op, fn)
	})
}

// surface returns the data plane's wire surface as the Server's fields
// are now. It audits nothing: reading configuration changes nothing.
func (s *Server) surface() awsjson.Surface {
	return awsjson.Surface{
		Exceptions: exceptions,
		Members:    errorMembers,
		Auth:       s.Auth,
		Logger:     s.Logger,
	}
}

// logger returns Logger, or a logger that discards when it is nil.
func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// exceptions is the data plane's one error table (docs/WIRE.md §1.4).
// Codes the data plane never produces are InternalServerExceptions.
var exceptions = awsjson.ExceptionTable{
	appconfigd.EBadRequest:            {Name: "BadRequestException", Status: http.StatusBadRequest},
	appconfigd.ENotFound:              {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
	appconfigd.EPayloadTooLarge:       {Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge},
	appconfigd.EThrottling:            {Name: "ThrottlingException", Status: http.StatusTooManyRequests},
	appconfigd.EAccessDenied:          {Name: "AccessDeniedException", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Name: "UnrecognizedClientException", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Name: "InvalidSignatureException", Status: http.StatusForbidden},
	appconfigd.EUnavailable:           {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
	appconfigd.EInternal:              awsjson.InternalServerException,
}

// errorMembers adds the data plane's modeled error members to an error
// document that has Message (docs/WIRE.md §1.4): BadRequestException
// carries Reason InvalidParameters and a Details union naming the
// parameter and its Problem; ResourceNotFoundException carries
// ResourceType and ReferencedBy.
func errorMembers(e *appconfigd.Error, ex awsjson.Exception, members map[string]any) {
	switch ex.Name {
	case "BadRequestException":
		if e.InvalidParameter != "" {
			members["Reason"] = "InvalidParameters"
			members["Details"] = map[string]any{
				"InvalidParameters": map[string]any{
					e.InvalidParameter: map[string]any{"Problem": e.Problem},
				},
			}
		}
	case "ResourceNotFoundException":
		if e.ResourceType != "" {
			members["ResourceType"] = e.ResourceType
		}
		if len(e.ReferencedBy) > 0 {
			members["ReferencedBy"] = e.ReferencedBy
		}
	}
}
