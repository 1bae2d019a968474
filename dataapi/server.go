// Package dataapi is the AppConfigData (2021-11-11) wire surface:
// StartConfigurationSession and GetLatestConfiguration (wire §1).
package dataapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Server serves the data plane.
type Server struct {
	Service *appconfigd.Service
	Auth    auth.Authenticator
	Logger  *slog.Logger
}

// Routes returns the data plane's operations.
func (s *Server) Routes() []awsjson.Route {
	return []awsjson.Route{
		{Method: http.MethodPost, Pattern: "/configurationsessions", Handler: s.handle(startSessionOperation, s.handleStartConfigurationSession)},
		{Method: http.MethodGet, Pattern: "/configuration", Handler: s.handle(pollOperation, s.handleGetLatestConfiguration)},
	}
}

// The operations as the authenticator must know them before it reads a
// body (see auth.Operation): a session request is a small JSON object, a
// poll has no body. Both are open to reader keys; which applications a
// reader may read is the Service's business.
var (
	startSessionOperation = auth.Operation{Name: "StartConfigurationSession", MaxBodyBytes: maxSessionBody}
	pollOperation         = auth.Operation{Name: "GetLatestConfiguration", MaxBodyBytes: 0}
)

// handle authenticates the request, runs fn with a context carrying the
// principal and encodes its error. The context is passed on its own rather
// than in a copy of the request: a poll is cheap enough for the copy to
// show (and auth.WithOperation copies only requests with a body).
func (s *Server) handle(op auth.Operation, fn func(ctx context.Context, w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = auth.WithOperation(r, op)
		p, err := s.Auth.Authenticate(r)
		if err == nil {
			err = fn(appconfigd.NewContextWithPrincipal(r.Context(), p), w, r)
		} else {
			auth.DropConnectionIfBodyUnread(w, r)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// exceptions maps error codes to this surface's exceptions (wire §1.4).
// Codes the data plane never produces fall back to InternalServerException.
var exceptions = map[appconfigd.ErrorCode]awsjson.Exception{
	appconfigd.EBadRequest:            {Name: "BadRequestException", Status: http.StatusBadRequest},
	appconfigd.ENotFound:              {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
	appconfigd.EPayloadTooLarge:       {Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge},
	appconfigd.EThrottling:            {Name: "ThrottlingException", Status: http.StatusTooManyRequests},
	appconfigd.EAccessDenied:          {Name: "AccessDeniedException", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Name: "UnrecognizedClientException", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Name: "InvalidSignatureException", Status: http.StatusForbidden},
	appconfigd.EUnavailable:           {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
	appconfigd.EInternal:              {Name: "InternalServerException", Status: http.StatusInternalServerError},
}

// writeError encodes err as the data plane's error document with its
// modeled members: BadRequestException carries Reason InvalidParameters and
// a Details union naming the parameter and its Problem; the not-found
// exception carries ResourceType and ReferencedBy.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if appconfigd.ClientGone(r.Context(), err) {
		// Nobody reads an answer; see controlapi's writeError.
		s.Logger.Info("client closed request", "request_id", awsjson.RequestID(r.Context()), "op", r.URL.Path, "err", err)
		w.WriteHeader(appconfigd.StatusClientClosedRequest)
		return
	}
	var e *appconfigd.Error
	if !errors.As(err, &e) {
		s.Logger.Error("internal error", "request_id", awsjson.RequestID(r.Context()), "op", r.URL.Path, "err", err)
		e = &appconfigd.Error{Code: appconfigd.EInternal, Message: "An internal error occurred; see the server log for request " + awsjson.RequestID(r.Context())}
	}
	ex, ok := exceptions[e.Code]
	if !ok {
		ex = exceptions[appconfigd.EInternal]
	}
	members := map[string]any{"Message": e.Message}
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
	awsjson.WriteError(w, ex, members)
}
