// Package adminapi is appconfigd's own HTTP API, beside the AWS ones, for
// what AWS does elsewhere: here, the alarm states that stand in for
// CloudWatch alarms, set directly or by Prometheus Alertmanager's webhook,
// and the audit trail of changes that stands in for CloudTrail. It speaks
// JSON and answers errors in the same AWS JSON form as the AWS surfaces.
package adminapi

import (
	"log/slog"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// maxBodyBytes bounds request bodies; Alertmanager groups are small.
const maxBodyBytes = 1 << 20

// Server serves the admin API. Set the fields, then combine Routes with
// the other surfaces' routes in awsjson.NewRouter.
type Server struct {
	// Service implements every operation and keeps the audit trail.
	Service *appconfigd.Service
	// Auth identifies the sender of every request before it runs.
	Auth auth.Authenticator
	// Logger receives internal errors with their request IDs; nil
	// discards them.
	Logger *slog.Logger
}

// Routes returns the admin API's routes, for awsjson.NewRouter.
func (s *Server) Routes() []awsjson.Route {
	return []awsjson.Route{
		{Method: http.MethodGet, Pattern: "/admin/alarms", Handler: s.handle("ListAlarms", s.handleListAlarms)},
		{Method: http.MethodPut, Pattern: "/admin/alarms/{AlarmArn...}", Handler: s.handle("SetAlarmState", s.handlePutAlarm)},
		{Method: http.MethodPost, Pattern: "/admin/alertmanager", Handler: s.handle("ReceiveAlerts", s.handleAlertmanager)},
		{Method: http.MethodGet, Pattern: "/admin/audit", Handler: s.handle("ListAudit", s.handleListAudit)},
		{Method: http.MethodGet, Pattern: "/admin/fleet", Handler: s.handleReaders("GetFleet", s.handleFleet)},
	}
}

// handle adapts an operation handler to HTTP through the wire surface all
// APIs share (awsjson.Surface.Serve): it attaches the operation for the
// authenticator, authenticates and authorizes the request, bounds its
// body, runs fn with the principal in r's context, encodes its error and
// records a change in the audit trail. op names the operation there.
func (s *Server) handle(op string, fn awsjson.RequestFunc) http.Handler {
	run := fn.HandlerFunc()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		surface := s.surface()
		surface.Serve(w, r, operation(op, r.Method), run)
	})
}

// surface returns the admin API's wire surface as the Server's fields are
// now. Its errors carry Message only.
func (s *Server) surface() awsjson.Surface {
	return awsjson.Surface{
		Exceptions: exceptions,
		Auth:       s.Auth,
		Audit:      s.Service,
		Logger:     s.Logger,
	}
}

// authorize refuses every key but admin keys.
func authorize(p appconfigd.Principal) error {
	if !p.IsAdmin() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is not authorized to use the admin API", p.Name)
	}
	return nil
}

// operation describes op, called with method, to the surface and its
// authenticator, so that it bounds and authorizes the request before
// reading its body (see auth.Operation): GETs take no body, the others at
// most maxBodyBytes; only admin keys may call any of them, and the
// changes are audited.
func operation(op, method string) awsjson.Operation {
	o := auth.Operation{Name: op, MaxBodyBytes: maxBodyBytes, Authorize: authorize}
	if method == http.MethodGet || method == http.MethodHead {
		o.MaxBodyBytes = 0
	}
	return awsjson.Operation{Operation: o, Audited: changes(method)}
}

// exceptions is the admin API's one error table.
var exceptions = awsjson.ExceptionTable{
	appconfigd.EBadRequest:            {Name: "BadRequestException", Status: http.StatusBadRequest},
	appconfigd.ENotFound:              {Name: "ResourceNotFoundException", Status: http.StatusNotFound},
	appconfigd.EAccessDenied:          {Name: "AccessDeniedException", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Name: "MissingAuthenticationTokenException", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Name: "UnrecognizedClientException", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Name: "InvalidSignatureException", Status: http.StatusForbidden},
	appconfigd.EPayloadTooLarge:       {Name: "PayloadTooLargeException", Status: http.StatusRequestEntityTooLarge},
	appconfigd.EThrottling:            {Name: "ThrottlingException", Status: http.StatusTooManyRequests},
	appconfigd.EUnavailable:           {Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable},
	appconfigd.EInternal:              awsjson.InternalServerException,
}
