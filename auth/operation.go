package auth

import (
	"bytes"
	"context"
	"net/http"

	"github.com/appconfigd/appconfigd"
)

// Operation is what an authenticator must know, before it reads a request's
// body, about the operation the request calls: how large a body the
// operation accepts and who may call it at all. The surfaces attach it to
// the request's context with [WithOperation]; authenticators that read
// bodies (the SigV4 verifier hashes them) honour it, and wrappers such as
// [RateLimited] pass it on untouched because they pass the request on.
//
// This is what keeps memory from being spent before authentication: a body
// over the operation's bound is refused from its Content-Length, and a key
// that may not call the operation is refused from the headers, neither
// having had a byte of its body read (docs/SECURITY.md, "Memory before
// authentication").
type Operation struct {
	// Name is the operation's name, for messages.
	Name string
	// MaxBodyBytes is the largest body the operation accepts; 0 means it
	// takes none.
	MaxBodyBytes int64
	// TooLarge returns the error for a body of size bytes over
	// MaxBodyBytes (size is the Content-Length, or MaxBodyBytes+1 when a
	// body without one ran over). Nil means the BadRequestException
	// awsjson.DecodeJSON gives for a body over its bound.
	TooLarge func(size int64) error
	// Authorize refuses a principal that may not call the operation
	// whatever its input; nil allows everyone.
	Authorize func(appconfigd.Principal) error
}

// BodyTooLarge returns the error for a body of size bytes over
// MaxBodyBytes.
func (op Operation) BodyTooLarge(size int64) error {
	if op.TooLarge != nil {
		return op.TooLarge(size)
	}
	if op.MaxBodyBytes == 0 {
		return appconfigd.Errorf(appconfigd.EBadRequest, "%s takes no request body", op.Name)
	}
	return appconfigd.Errorf(appconfigd.EBadRequest, "request body exceeds %d bytes", op.MaxBodyBytes)
}

type operationKey struct{}

// WithOperation returns r with op attached to its context for the
// authenticator. A request without a body is returned as it is: there is
// nothing to bound, and its signature is checked before anything else, so
// an authenticator needs to know nothing more (this keeps the copy of the
// request off the data plane's polls).
func WithOperation(r *http.Request, op Operation) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), operationKey{}, op))
}

// OperationFromContext returns the operation attached by [WithOperation].
func OperationFromContext(ctx context.Context) (Operation, bool) {
	op, ok := ctx.Value(operationKey{}).(Operation)
	return op, ok
}

// DropConnectionIfBodyUnread prepares the answer to a request whose
// authentication failed: when it carried a body that was not handed on
// (so may still be arriving, or never come), it asks an HTTP/1 server to
// close the connection after the answer. Otherwise net/http first reads
// the rest of a small body to keep the connection, and the answer to a
// request refused from its headers would wait for a body that never
// comes until the read deadline. (HTTP/2 resets the stream instead, and
// "Connection: close" would end every stream of the connection.)
func DropConnectionIfBodyUnread(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 1 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	if _, handedOn := r.Body.(*Body); !handedOn {
		w.Header().Set("Connection", "close")
	}
}

// Body is a request body that an authenticator has read in full (to hash
// it) and handed on in place of the original. Handlers that need the bytes
// take them with [BodyBytes] rather than reading a copy.
type Body struct {
	bytes.Reader
	b []byte
}

// NewBody returns a Body reading b.
func NewBody(b []byte) *Body {
	body := &Body{b: b}
	body.Reset(b)
	return body
}

// Close does nothing: the bytes are in memory.
func (*Body) Close() error { return nil }

// BodyBytes returns the whole body of r when an authenticator has already
// read it into a [Body] (whatever has been read from it since), and ok
// false when the body is still to be read.
func BodyBytes(r *http.Request) (b []byte, ok bool) {
	body, ok := r.Body.(*Body)
	if !ok {
		return nil, false
	}
	return body.b, true
}
