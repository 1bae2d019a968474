// Package adminapi is appconfigd's own HTTP API, beside the AWS ones, for
// what AWS does elsewhere: here, the alarm states that stand in for
// CloudWatch alarms, set directly or by Prometheus Alertmanager's webhook,
// and the audit trail of changes that stands in for CloudTrail. It speaks
// JSON and answers errors in the same AWS JSON form as the AWS surfaces.
package adminapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// maxBodyBytes bounds request bodies; Alertmanager groups are small.
const maxBodyBytes = 1 << 20

// Server serves the admin API.
type Server struct {
	Service *appconfigd.Service
	Auth    auth.Authenticator
	Logger  *slog.Logger
}

// Routes returns the admin API's routes, for awsjson.NewRouter.
func (s *Server) Routes() []awsjson.Route {
	return []awsjson.Route{
		{Method: http.MethodGet, Pattern: "/admin/alarms", Handler: s.handle("ListAlarms", s.handleListAlarms)},
		{Method: http.MethodPut, Pattern: "/admin/alarms/{AlarmArn...}", Handler: s.handle("SetAlarmState", s.handlePutAlarm)},
		{Method: http.MethodPost, Pattern: "/admin/alertmanager", Handler: s.handle("ReceiveAlerts", s.handleAlertmanager)},
		{Method: http.MethodGet, Pattern: "/admin/audit", Handler: s.handle("ListAudit", s.handleListAudit)},
	}
}

// handle authenticates the request, bounds its body, runs fn, encodes its
// error and records a change in the audit trail. op names the operation
// there.
func (s *Server) handle(op string, fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		r = auth.WithOperation(r, operation(op, r.Method))
		p, err := s.Auth.Authenticate(r)
		// Only requests from a verified key are audited, as on the
		// control plane.
		authenticated := err == nil
		if err == nil {
			err = authorize(p)
		} else {
			auth.DropConnectionIfBodyUnread(sw, r)
		}
		if err == nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
			err = fn(sw, r.WithContext(appconfigd.NewContextWithPrincipal(r.Context(), p)))
		}
		if err != nil {
			s.writeError(sw, r, err)
		}
		if authenticated && changes(r.Method) {
			s.recordAudit(r, op, p, sw.status, err)
		}
	})
}

// authorize refuses every key but admin keys.
func authorize(p appconfigd.Principal) error {
	if !p.IsAdmin() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is not authorized to use the admin API", p.Name)
	}
	return nil
}

// operation describes op, called with method, to the authenticator, so
// that it bounds and authorizes the request before reading its body (see
// auth.Operation): GETs take no body, the others at most maxBodyBytes.
func operation(op, method string) auth.Operation {
	o := auth.Operation{Name: op, MaxBodyBytes: maxBodyBytes, Authorize: authorize}
	if method == http.MethodGet || method == http.MethodHead {
		o.MaxBodyBytes = 0
	}
	return o
}

// exceptions maps error codes to exceptions on this surface.
var exceptions = map[appconfigd.ErrorCode]awsjson.Exception{
	appconfigd.EBadRequest:            {Name: "BadRequestException", Status: http.StatusBadRequest},
	appconfigd.ENotFound:              {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
	appconfigd.EAccessDenied:          {Name: "AccessDeniedException", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Name: "UnrecognizedClientException", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Name: "InvalidSignatureException", Status: http.StatusForbidden},
	appconfigd.EPayloadTooLarge:       {Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge},
	appconfigd.EThrottling:            {Name: "ThrottlingException", Status: http.StatusTooManyRequests},
	appconfigd.EUnavailable:           {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
	appconfigd.EInternal:              {Name: "InternalServerException", Status: http.StatusInternalServerError},
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if appconfigd.ClientGone(r.Context(), err) {
		// Nobody reads an answer; see controlapi's writeError.
		s.Logger.Info("client closed request", "request_id", awsjson.RequestID(r.Context()), "path", r.URL.Path, "err", err)
		w.WriteHeader(appconfigd.StatusClientClosedRequest)
		return
	}
	var e *appconfigd.Error
	if !errors.As(err, &e) {
		s.Logger.Error("internal error", "request_id", awsjson.RequestID(r.Context()), "path", r.URL.Path, "err", err)
		e = &appconfigd.Error{Code: appconfigd.EInternal, Message: "An internal error occurred; see the server log for request " + awsjson.RequestID(r.Context())}
	}
	ex, ok := exceptions[e.Code]
	if !ok {
		ex = exceptions[appconfigd.EInternal]
	}
	awsjson.WriteError(w, ex, map[string]any{"Message": e.Message})
}
