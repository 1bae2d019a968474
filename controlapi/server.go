// Package controlapi is the AWS AppConfig control plane (appconfig,
// 2019-10-09) wire surface: the restJson1 operations that create, read,
// change and delete applications, environments, configuration profiles,
// hosted configuration versions, deployment strategies, deployments and
// tags (docs/WIRE.md §3).
//
// Handlers are thin. Each decodes the request (path labels, query keys,
// headers, JSON body) with AWS's exact spelling, calls the
// [appconfigd.Service], and encodes the result the way aws-sdk-go-v2
// service/appconfig v1.44.2 decodes it. Every AWS rule lives in the
// Service; this package only checks what the domain cannot see, such as
// malformed JSON, members of the wrong type, and path numbers that are not
// integers. Errors become AWS error documents through the single table in
// errors.go and the adapter every surface shares (awsjson.Surface), and
// every route is listed in routes.go.
package controlapi

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// DefaultMaxBodyBytes bounds JSON request bodies when Server.MaxBodyBytes is
// zero. The largest body the model allows is a configuration profile with
// two 32 KiB validators, so 1 MiB leaves ample room.
const DefaultMaxBodyBytes = 1 << 20

// Server serves the control plane. Set the fields, then combine Routes with
// the data plane's routes in awsjson.NewRouter.
type Server struct {
	// Service implements every operation.
	Service *appconfigd.Service
	// Auth identifies the sender of every request before it runs; it is
	// required.
	Auth auth.Authenticator
	// Logger receives internal errors with their request IDs; nil
	// discards them.
	Logger *slog.Logger
	// MaxBodyBytes bounds JSON request bodies; 0 means
	// DefaultMaxBodyBytes. Hosted configuration bodies are bounded by the
	// Service's Limits.HostedConfigurationSizeBytes instead.
	MaxBodyBytes int64
}

// handlerFunc is an operation handler. It writes the success response, or
// writes nothing and returns the error the surface encodes.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts an operation handler to HTTP through the wire surface all
// APIs share (awsjson.Surface.Serve): it attaches the operation for the
// authenticator, authenticates and authorizes the request, bounds its
// body, runs fn with the principal in r's context, turns a returned error
// into the AWS error document (docs/WIRE.md §1.5, §3.4) and records
// changes in the audit trail.
func (s *Server) handle(op string, fn handlerFunc) http.Handler {
	run := awsjson.RequestFunc(fn).HandlerFunc()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		surface := s.surface()
		surface.Serve(w, r, s.operation(op, r.Method), run)
	})
}

// surface returns the control plane's wire surface as the Server's fields
// are now.
func (s *Server) surface() awsjson.Surface {
	return awsjson.Surface{
		Exceptions: exceptions,
		Members:    errorMembers,
		Auth:       s.Auth,
		Audit:      s.Service,
		Logger:     s.Logger,
	}
}

// authorize refuses every key but admin keys: every control-plane
// operation changes or reveals how the fleet is configured.
func authorize(op string, p appconfigd.Principal) error {
	if !p.IsAdmin() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is not authorized to perform: appconfig:%s", p.Name, op)
	}
	return nil
}

// operation describes the operation op, called with method, to the
// surface and its authenticator, so that it bounds and authorizes the
// request before reading its body (see auth.Operation): hosted
// configuration content is bounded by the hosted size limit with its
// PayloadTooLargeException, the other operations with a body by
// MaxBodyBytes, and operations the model gives no body (every GET and
// DELETE) take none. Only admin keys may call them, but for
// GetConfiguration, which reader keys may call too; the operations that may
// change something are audited (see changes).
func (s *Server) operation(op, method string) awsjson.Operation {
	o := auth.Operation{
		Name:         op,
		MaxBodyBytes: s.maxBodyBytes(),
		Authorize:    func(p appconfigd.Principal) error { return authorize(op, p) },
	}
	switch {
	case op == "CreateHostedConfigurationVersion":
		limit := s.Service.Limits.HostedConfigurationSizeBytes
		o.MaxBodyBytes = int64(limit)
		o.TooLarge = func(size int64) error { return appconfigd.PayloadTooLarge(int(min(size, math.MaxInt32)), limit) }
	case method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete:
		o.MaxBodyBytes = 0
	}
	if op == "GetConfiguration" {
		// A read of configuration like the data plane's polls: reader
		// keys may call it, and the Service checks that the key may
		// read the application.
		o.Authorize = nil
	}
	return awsjson.Operation{Operation: o, Audited: changes(op, method)}
}

// badRequest returns an EBadRequest error. Messages name the member, and
// for members outside the JSON body where it travels, so that a client can
// tell what to fix.
func badRequest(format string, args ...any) error {
	return appconfigd.Errorf(appconfigd.EBadRequest, format, args...)
}

// maxBodyBytes returns MaxBodyBytes or its default.
func (s *Server) maxBodyBytes() int64 {
	if s.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return s.MaxBodyBytes
}

// Path label lengths of the model (docs/WIRE.md Appendix A): {ApplicationId} and
// {EnvironmentId} are shape Name (1..64), {ConfigurationProfileId} is
// LongName (1..128). {DeploymentStrategyId} has a pattern that admits only
// IDs; appconfigd accepts a name there too (docs/WIRE.md §3.3), so it gets the
// length of a strategy name.
const (
	maxApplicationIdentifier = 64
	maxEnvironmentIdentifier = 64
	maxProfileIdentifier     = 128
	maxStrategyIdentifier    = 64
)

// pathIdentifier returns the path label name, an ID or a name, checked
// against the model's length.
func pathIdentifier(r *http.Request, name string, max int) (string, error) {
	v := r.PathValue(name)
	if n := utf8.RuneCountInString(v); n < 1 || n > max {
		return "", badRequest("%s must be 1 to %d characters long (path), got %d", name, max, n)
	}
	return v, nil
}

// pathNumber returns the path label name, which must be a positive integer
// (DeploymentNumber, VersionNumber).
func pathNumber(r *http.Request, name string) (int, error) {
	v := r.PathValue(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest("%s must be a positive integer (path), got %q", name, v)
	}
	return n, nil
}

// maxResults is the model's MaxResults maximum (docs/WIRE.md §3.3).
const maxResults = 50

// queryValue returns the one value of the query parameter name (member
// says which request member it carries, for the message) and whether it was
// given. A parameter given twice is refused: which value would win is
// anybody's guess, and a proxy and appconfigd might guess differently.
func queryValue(r *http.Request, name, member string) (string, bool, error) {
	vs, ok := r.URL.Query()[name]
	switch {
	case !ok:
		return "", false, nil
	case len(vs) > 1:
		return "", false, badRequest("%s must be given once (query %s), got %d values", member, name, len(vs))
	}
	return vs[0], true, nil
}

// listInput reads the pagination query keys max_results and next_token
// (docs/WIRE.md §3.3). The Service checks the range; max_results=0 is refused here
// because the Service reads 0 as "not given".
func listInput(r *http.Request) (appconfigd.ListInput, error) {
	var in appconfigd.ListInput
	v, ok, err := queryValue(r, "max_results", "MaxResults")
	if err != nil {
		return in, err
	}
	if ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return in, badRequest("MaxResults must be an integer (query max_results), got %q", v)
		}
		if n == 0 {
			return in, badRequest("MaxResults must be between 1 and %d, got 0", maxResults)
		}
		in.MaxResults = n
	}
	if in.NextToken, _, err = queryValue(r, "next_token", "NextToken"); err != nil {
		return in, err
	}
	return in, nil
}

// isoTime formats a timestamp as the control plane sends it: ISO 8601 in
// UTC with milliseconds, like 2021-09-17T21:59:03.888Z (docs/WIRE.md §3.3; the
// model's timestampFormat is iso8601, and the Go SDK rejects numbers).
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// writeNoContent answers the 204 operations: no body at all (docs/WIRE.md §3.3).
func writeNoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}
