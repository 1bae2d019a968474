package awsjson

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

// Surface is the one adapter between HTTP and the operation handlers of
// every wire surface: the control plane, the data plane and the admin API.
// It does, in the same order and the same way for all three, what each
// used to do on its own (docs/ARCHITECTURE.md, "Requests"): it tells the
// authenticator which operation a request calls, authenticates and
// authorizes the sender, bounds the body, runs the handler, turns the
// error it returns into the surface's AWS error document, and records the
// request in the audit trail. What differs between surfaces is data: the
// exception table and modeled members, the authenticator, each
// operation's body bound, authorization rule and whether it is audited.
//
// A Surface is a small value; the servers build one per request from
// their fields, so that a field changed after the routes were built (as
// tests do) is seen by the next request.
type Surface struct {
	// Exceptions is the surface's one error table.
	Exceptions ExceptionTable
	// Members adds the modeled members of an error document besides
	// Message, which is always there; nil adds none. ex is what
	// Exceptions made of e.Code.
	Members func(e *appconfigd.Error, ex Exception, members map[string]any)
	// Auth identifies the sender of every request; it is required.
	Auth auth.Authenticator
	// Audit records the audited operations' requests; nil records
	// none.
	Audit Auditor
	// Logger receives internal errors with their request IDs; nil
	// discards them.
	Logger *slog.Logger
}

// Auditor keeps the audit trail; *appconfigd.Service is one.
type Auditor interface {
	RecordAudit(ctx context.Context, e *appconfigd.AuditEntry) error
}

// OperationObserver is a ResponseWriter that wants to know which operation
// a request calls, such as the server's request metrics, which label
// requests with it: the name comes from the route table, never from the
// client, so the labels stay a bounded set. Serve tells it before it
// authenticates the request, so that refused requests are named too.
type OperationObserver interface {
	ObserveOperation(name string)
}

// ObserveOperation tells the first OperationObserver among w and the
// writers it wraps (their Unwrap methods) that the request calls
// operation name, for a handler that learns only from the request which
// of two kinds of one operation it serves, such as a poll that waits for
// a change, whose latency would otherwise hide that of the others.
func ObserveOperation(w http.ResponseWriter, name string) {
	for w != nil {
		if o, ok := w.(OperationObserver); ok {
			o.ObserveOperation(name)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

// Operation is one operation as a Surface runs it.
type Operation struct {
	// Operation is what the authenticator must know before it reads the
	// body: the name, the body bound (which also bounds what the
	// handler reads), the error for a body over it, and who may call
	// the operation at all (nil Authorize: everyone authenticated).
	auth.Operation
	// Audited says that requests go in the audit trail: those that may
	// change something. Only requests from an authenticated sender are
	// recorded (see Serve).
	Audited bool
}

// HandlerFunc is an operation handler. ctx is the request's context with
// the principal added (appconfigd.NewContextWithPrincipal); r.Context()
// lacks it, which spares the data plane's polls a copy of the request
// (RequestFunc makes the copy for handlers that want it). The handler
// writes the success response, or writes nothing and returns the error the
// Surface encodes.
type HandlerFunc func(ctx context.Context, w http.ResponseWriter, r *http.Request) error

// RequestFunc is an operation handler that finds the principal in
// r.Context().
type RequestFunc func(w http.ResponseWriter, r *http.Request) error

// HandlerFunc returns fn as a HandlerFunc, which hands fn a copy of the
// request carrying ctx.
func (fn RequestFunc) HandlerFunc() HandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		return fn(w, r.WithContext(ctx))
	}
}

// auditTimeout bounds the write of one audit entry, which runs after the
// client may have gone: it must neither be cut short by the request's
// cancellation nor hang the handler on a stuck store.
const auditTimeout = 10 * time.Second

// Serve runs one request of op with fn:
//
//  1. It attaches op to the request for the authenticator
//     (auth.WithOperation), which can then refuse a body over op's bound
//     or a key op does not admit before reading a byte of the body.
//  2. It authenticates the sender. A refused request runs nothing; when
//     its body is unread, the connection is closed after the answer
//     (auth.DropConnectionIfBodyUnread).
//  3. It authorizes the principal with op.Authorize.
//  4. It bounds the body to op.MaxBodyBytes, unless the authenticator
//     already read it (an auth.Body, bounded then and kept in memory for
//     auth.BodyBytes), and runs fn.
//  5. It writes the error document of what fn or the checks returned
//     (writeError). An error returned after fn started its response is
//     only logged: an error document now would corrupt the response.
//  6. For an audited operation whose sender was authenticated, it records
//     the request, with the status sent, whether it succeeded, failed or
//     was refused to a key without the right. Requests that failed
//     authentication (no signature, an unknown key, a bad signature) or
//     were throttled are not recorded: there is no verified key to name,
//     and recording them would let anyone fill the trail and the store
//     with forged entries; the access log still has them.
func (s *Surface) Serve(w http.ResponseWriter, r *http.Request, op Operation, fn HandlerFunc) {
	rw := writers.Get().(*responseWriter)
	rw.ResponseWriter = w
	if o, ok := w.(OperationObserver); ok {
		o.ObserveOperation(op.Name)
	}
	r = auth.WithOperation(r, op.Operation)
	p, err := s.Auth.Authenticate(r)
	authenticated := err == nil
	switch {
	case err != nil:
		auth.DropConnectionIfBodyUnread(rw, r)
	case op.Authorize != nil:
		err = op.Authorize(p)
	}
	if err == nil {
		boundBody(w, r, op.MaxBodyBytes)
		err = fn(appconfigd.NewContextWithPrincipal(r.Context(), p), rw, r)
	}
	switch {
	case err == nil:
	case rw.status != 0:
		s.logger().Error("error after response started", "request_id", RequestID(r.Context()), "op", op.Name, "err", err)
	default:
		s.writeError(rw, r, op.Name, err)
	}
	if authenticated && op.Audited && s.Audit != nil {
		s.recordAudit(r, op.Name, p, rw.status, err)
	}
	*rw = responseWriter{}
	writers.Put(rw)
}

// boundBody bounds r's body to limit bytes, so that a handler reads no
// more than the authenticator was told the operation takes. A request
// without a body is left alone (it has not been copied: see
// auth.WithOperation), and so is a body the authenticator already read
// and bounded. The limit is set on the writer net/http gave, so that a
// body over it also closes the connection rather than be read to its end.
func boundBody(w http.ResponseWriter, r *http.Request, limit int64) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	if _, read := auth.BodyBytes(r); read {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

// writeError encodes err as the surface's error document (docs/WIRE.md
// §1.5, §1.4, §3.4): the exception Exceptions gives for its code, Message,
// and the modeled members Members adds.
//
// An error that is not an *appconfigd.Error is a bug or an infrastructure
// failure: its text may hold internals, so it is logged at ERROR with the
// request ID and the client gets a generic InternalServerException that
// names the ID; an EInternal error is logged the same way. Two failures
// are not logged at ERROR: a request whose client hung up
// (appconfigd.ClientGone) gets StatusClientClosedRequest and no body, for
// the access log and the audit trail, since nobody reads an answer; and an
// EUnavailable error, whose message says what is wrong, is logged at DEBUG
// only, as the Service logs it once when writes begin to fail, not once
// per request. Other errors are the client's and are not logged.
func (s *Surface) writeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	id := RequestID(r.Context())
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
	ex := s.Exceptions.For(e.Code)
	members := map[string]any{"Message": e.Message}
	if s.Members != nil {
		s.Members(e, ex, members)
	}
	WriteError(w, ex, members)
}

// recordAudit writes the audit entry of a request Serve has answered with
// status (0: nothing written, which net/http sends as 200); err is what
// the handler or the authorization check returned. It runs on a context
// the client's departure does not cancel, so a request cut short is still
// recorded, and never changes the response: a failure is logged with the
// request ID.
func (s *Surface) recordAudit(r *http.Request, op string, p appconfigd.Principal, status int, err error) {
	e := &appconfigd.AuditEntry{
		RequestID:   RequestID(r.Context()),
		AccessKeyID: p.AccessKeyID,
		KeyName:     p.Name,
		Operation:   op,
		Resource:    r.URL.Path,
		Status:      status,
	}
	if e.Status == 0 {
		e.Status = http.StatusOK
	}
	e.SetError(err)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
	defer cancel()
	if err := s.Audit.RecordAudit(ctx, e); err != nil {
		s.logger().Error("record audit entry", "request_id", e.RequestID, "op", op, "err", err)
	}
}

// discard is the logger of a Surface without one.
var discard = slog.New(slog.DiscardHandler)

func (s *Surface) logger() *slog.Logger {
	if s.Logger == nil {
		return discard
	}
	return s.Logger
}

// ExceptionTable maps the error codes of one surface to its exceptions
// (docs/WIRE.md §1.4, §3.4). Each surface has exactly one.
type ExceptionTable map[appconfigd.ErrorCode]Exception

// InternalServerException is the exception of a server fault, and of a
// code a surface's table lacks.
var InternalServerException = Exception{Name: "InternalServerException", Status: http.StatusInternalServerError}

// For returns the exception code becomes, InternalServerException for a
// code the table lacks.
func (t ExceptionTable) For(code appconfigd.ErrorCode) Exception {
	if ex, ok := t[code]; ok {
		return ex
	}
	return InternalServerException
}

// writers recycles the responseWriters Serve wraps every response in, so
// that a data-plane poll costs no allocation for it (docs/PERFORMANCE.md,
// "Latest measurement: hot-path savings", counts the poll's allocations).
var writers = sync.Pool{New: func() any { return new(responseWriter) }}

// responseWriter records the status a handler sent: for the audit trail,
// and so that an error returned after the response started is not written
// over it. Serve returns it to writers when the request is done; like any
// ResponseWriter, a handler must not use it after returning.
type responseWriter struct {
	http.ResponseWriter
	// status is the first status sent, 0 until the response starts.
	status int
}

// WriteHeader implements http.ResponseWriter.
func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write implements http.ResponseWriter.
func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
