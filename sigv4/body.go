package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

// bodyChunkSize is the size of the pooled chunks bodies are received in.
const bodyChunkSize = 32 << 10

// bodyChunk is one piece of a body being received.
type bodyChunk [bodyChunkSize]byte

// receivedBody is a request body read to verify its signature: the bytes
// in pooled chunks, and their SHA-256, computed as they arrived. Until the
// signature verifies, nothing but the chunks is allocated, and they go
// back to the pool whatever the verdict, so that requests that fail
// verification (with a wrong secret, say) reuse the same few chunks rather
// than leave garbage behind.
type receivedBody struct {
	v      *Verifier
	chunks []*bodyChunk
	n      int
	sum    [sha256.Size]byte
}

// hash returns the body's SHA-256 in lower-case hex.
func (b *receivedBody) hash() string {
	if b == nil {
		return EmptyPayloadHash
	}
	return hex.EncodeToString(b.sum[:])
}

// handOn puts the body back on r for the handler, as an *auth.Body in one
// slice of exactly its length.
func (b *receivedBody) handOn(r *http.Request) {
	if b == nil {
		return
	}
	body := make([]byte, 0, b.n)
	for _, c := range b.chunks {
		body = append(body, c[:min(b.n-len(body), bodyChunkSize)]...)
	}
	r.Body = auth.NewBody(body)
}

// free gives the chunks back to the pool.
func (b *receivedBody) free() {
	if b == nil {
		return
	}
	for _, c := range b.chunks {
		b.v.chunks.Put(c)
	}
	b.chunks = nil
}

// readBody reads the body of r once, hashing it as it arrives; nil means
// no body. Before reading it asks the operation whether p may call it,
// checks the declared Content-Length against the bounds and reserves room
// in the budget; then it reads at most the operation's bound, in chunks
// taken as the bytes arrive rather than as the client announced them.
func (v *Verifier) readBody(r *http.Request, p appconfigd.Principal) (*receivedBody, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	ceiling := v.MaxBodyBytes
	if ceiling <= 0 {
		ceiling = DefaultMaxBodyBytes
	}
	op, ok := auth.OperationFromContext(r.Context())
	if !ok {
		op = auth.Operation{MaxBodyBytes: ceiling, TooLarge: func(size int64) error { return tooLarge(size, ceiling) }}
	}
	if op.Authorize != nil {
		if err := op.Authorize(p); err != nil {
			return nil, err
		}
	}
	if r.ContentLength > ceiling {
		return nil, tooLarge(r.ContentLength, ceiling)
	}
	limit := min(op.MaxBodyBytes, ceiling)
	if r.ContentLength > limit {
		return nil, op.BodyTooLarge(r.ContentLength)
	}
	// What the body may grow to: its declared length, or one byte over
	// the bound when it has none (chunked; or 0, which on a client's
	// request with a body means unknown), to see that it ran over.
	size := limit + 1
	if r.ContentLength > 0 {
		size = r.ContentLength
	}
	if v.Budget != nil && size > 0 {
		release, err := v.Budget.reserve(r.Context(), size)
		if err != nil {
			return nil, err
		}
		// The handler holds the body until the request ends; a request
		// that cannot end (a context never done) gives the room back
		// when the verification does.
		if r.Context().Done() == nil {
			defer release()
		} else {
			context.AfterFunc(r.Context(), release)
		}
	}
	b, err := v.receive(r.Body, size)
	_ = r.Body.Close()
	if err != nil {
		return nil, appconfigd.Errorf(appconfigd.EBadRequest, "Could not read the request body: %v", err)
	}
	if int64(b.n) > limit {
		b.free()
		return nil, op.BodyTooLarge(int64(b.n))
	}
	return b, nil
}

// receive reads body to its end, or until max bytes have been read, into
// pooled chunks, hashing as it goes.
func (v *Verifier) receive(body io.Reader, max int64) (*receivedBody, error) {
	b := &receivedBody{v: v}
	h := sha256.New()
	for int64(b.n) < max {
		at := b.n % bodyChunkSize
		if at == 0 && b.n/bodyChunkSize == len(b.chunks) {
			c, ok := v.chunks.Get().(*bodyChunk)
			if !ok {
				c = new(bodyChunk)
			}
			b.chunks = append(b.chunks, c)
		}
		c := b.chunks[len(b.chunks)-1]
		n, err := body.Read(c[at:min(bodyChunkSize, int64(at)+max-int64(b.n))])
		h.Write(c[at : at+n])
		b.n += n
		if err == io.EOF {
			break
		}
		if err != nil {
			b.free()
			return nil, err
		}
	}
	h.Sum(b.sum[:0])
	return b, nil
}
