package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Defaults of a Verifier's settings.
const (
	// DefaultService is the signing name of both AppConfig planes (wire
	// §1.1: AppConfigData signs as "appconfig" too).
	DefaultService = "appconfig"
	// DefaultMaxSkew is how far a request's signing time may be from the
	// server's clock, as AWS allows.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxBodyBytes bounds the body read to hash it when
	// MaxBodyBytes is zero: the control plane's default hosted
	// configuration size limit (1 MiB). A server with a larger limit must
	// raise MaxBodyBytes to match.
	DefaultMaxBodyBytes = 1 << 20
)

// Messages AWS sends for the common failures; clients and people search
// for these exact words.
const (
	msgMissingAuthentication = "Missing Authentication Token"
	msgUnrecognizedClient    = "The security token included in the request is invalid."
	msgSignatureMismatch     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgContentSHA256Mismatch = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

// KeyLookup finds the secret of an access key and who holds it.
// Implementations must be safe for concurrent use.
type KeyLookup interface {
	// LookupAccessKey returns the secret access key for accessKeyID and
	// the principal requests signed with it act as, or ok false if no
	// such key is configured.
	LookupAccessKey(accessKeyID string) (secret string, p appconfigd.Principal, ok bool)
}

// KeyLookupFunc adapts a function to the [KeyLookup] interface.
type KeyLookupFunc func(accessKeyID string) (string, appconfigd.Principal, bool)

// LookupAccessKey calls f.
func (f KeyLookupFunc) LookupAccessKey(accessKeyID string) (string, appconfigd.Principal, bool) {
	return f(accessKeyID)
}

// Verifier authenticates requests signed with SigV4 in the Authorization
// header. It implements auth.Authenticator. Set Keys, then either use
// [NewVerifier] for the defaults or leave the other fields zero, which
// means the same defaults.
//
// Decisions, for the record:
//
//   - Region: any non-empty region is accepted. Clients of a self-hosted
//     endpoint sign with whatever region they are configured for, and the
//     region is part of the credential scope and so of the signing key: a
//     valid signature already proves the holder of the secret chose it.
//     Enforcing one would only break clients, not protect anything.
//   - Presigned URLs (X-Amz-Signature etc. in the query) are refused:
//     AppConfig's SDKs and CLI never presign, and one mechanism is less to
//     get wrong.
//   - Session tokens (X-Amz-Security-Token) are refused as AWS refuses a
//     long-term key paired with a token: appconfigd has no temporary
//     credentials, so a token means the client is mis-configured (often a
//     stale AWS_SESSION_TOKEN in the shell), and saying so beats ignoring
//     it.
//   - Payloads must be signed: X-Amz-Content-Sha256, when sent, must be
//     the hash of the body; UNSIGNED-PAYLOAD is refused (AppConfig's
//     clients always sign the payload).
//
// The signature covers the Host header and the request target as the
// client sent them, so a reverse proxy in front of appconfigd must pass
// both through unchanged (nginx: proxy_set_header Host $http_host, and
// proxy_pass without a URI part).
type Verifier struct {
	// Keys finds the secret and principal of an access key.
	Keys KeyLookup
	// Clock is the server's clock; nil means the system clock.
	Clock appconfigd.Clock
	// MaxSkew is how far the signing time may be from Clock; 0 means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// Service is the service a credential must be scoped to; "" means
	// DefaultService. WithSigningName changes it for one request.
	Service string
	// MaxBodyBytes is the largest body any operation accepts: a body over
	// it is refused with PayloadTooLargeException before it is read,
	// whatever the operation. 0 means DefaultMaxBodyBytes. A request that
	// carries an auth.Operation is bounded by the operation's own
	// MaxBodyBytes too (and refused with the operation's error), and that
	// is what bounds the memory it may take.
	MaxBodyBytes int64
	// Budget, when set, bounds the body bytes all verifications hold at
	// once; see BodyBudget.
	Budget *BodyBudget

	// cache holds signing keys by secret and scope, guarded by mu.
	mu    sync.RWMutex
	cache map[signingKeyID]*signingKey
	// scratch pools the buffers verifications work in; chunks pools the
	// pieces bodies are received in.
	scratch sync.Pool
	chunks  sync.Pool
}

// NewVerifier returns a Verifier for keys with the default settings.
func NewVerifier(keys KeyLookup) *Verifier {
	return &Verifier{
		Keys:         keys,
		Clock:        appconfigd.SystemClock{},
		MaxSkew:      DefaultMaxSkew,
		Service:      DefaultService,
		MaxBodyBytes: DefaultMaxBodyBytes,
	}
}

// Authenticate verifies the request's signature and returns the principal
// of the access key that made it. It implements auth.Authenticator.
//
// Nothing of the body is read until everything the headers can settle is
// settled: the header's form, the scope, the clock, the key, whether the
// key may call the operation at all (auth.Operation's Authorize) and
// whether the declared Content-Length fits the operation's bound. Only
// then is the body read, once, into pooled chunks taken as bytes arrive,
// hashed on the way, and, once the signature verifies, put back for the
// handler as an *auth.Body. Errors are *appconfigd.Error:
// EMissingAuthentication without an Authorization header,
// EUnrecognizedClient for an unknown key or a session token,
// Authorize's error for a key the operation refuses, EPayloadTooLarge for
// a body over MaxBodyBytes, the operation's error for a body over its own
// bound, EThrottling when Budget has no room, EBadRequest when the body
// cannot be read, and EInvalidSignature for everything else.
func (v *Verifier) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	if isPresigned(r) {
		return appconfigd.Principal{}, invalid("Query-string (presigned URL) authentication is not supported by appconfigd; sign requests with the Authorization header, as the AWS SDKs and CLI do")
	}
	headers := r.Header["Authorization"]
	switch len(headers) {
	case 0:
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EMissingAuthentication, msgMissingAuthentication)
	case 1:
	default:
		return appconfigd.Principal{}, invalid("The request has more than one Authorization header")
	}
	a, err := ParseAuthorization(headers[0])
	if err != nil {
		return appconfigd.Principal{}, err
	}
	if err := v.checkScope(r, a.Scope); err != nil {
		return appconfigd.Principal{}, err
	}
	if !slices.Contains(a.SignedHeaders, "host") {
		return appconfigd.Principal{}, invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	t, stamp, err := signingTime(r)
	if err != nil {
		return appconfigd.Principal{}, err
	}
	// stamp is t in TimeFormat, which starts with t in DateFormat.
	if a.Scope.Date != stamp[:len(DateFormat)] {
		return appconfigd.Principal{}, invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.Scope.Date, t.Format(DateFormat), stamp)
	}
	if err := v.checkTime(t); err != nil {
		return appconfigd.Principal{}, err
	}
	if firstValue(r.Header, "X-Amz-Security-Token") != "" {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EUnrecognizedClient, "%s appconfigd access keys are long-term keys and take no session token; unset AWS_SESSION_TOKEN.", msgUnrecognizedClient)
	}
	secret, p, ok := v.Keys.LookupAccessKey(a.AccessKeyID)
	if !ok {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EUnrecognizedClient, msgUnrecognizedClient)
	}

	claimed, err := claimedPayloadHash(r)
	if err != nil {
		return appconfigd.Principal{}, err
	}
	body, err := v.readBody(r, p)
	if err != nil {
		return appconfigd.Principal{}, err
	}
	defer body.free()
	payloadHash := body.hash()
	if claimed != "" && claimed != payloadHash {
		return appconfigd.Principal{}, invalid(msgContentSHA256Mismatch)
	}

	key, cached := v.signingKey(secret, a.Scope)
	sc := v.getScratch()
	defer v.putScratch(sc)
	sdk, ok := match(sc, key, r, &a, stamp, payloadHash, appendTrimAll)
	if !ok {
		// Botocore's form differs only when a signed value holds white
		// space other than spaces (see the package comment).
		botocore, ok := match(sc, key, r, &a, stamp, payloadHash, appendTrimAllPython)
		if botocore == sdk || !ok {
			return appconfigd.Principal{}, invalid(msgSignatureMismatch)
		}
	}
	if !cached {
		v.rememberSigningKey(secret, a.Scope, key)
	}
	if p.AccessKeyID == "" {
		p.AccessKeyID = a.AccessKeyID
	}
	body.handOn(r)
	return p, nil
}

// scratch is the memory one verification works in, reused through the
// Verifier's pool so that a verification allocates next to nothing.
type scratch struct {
	// buf holds the canonical request and then the string to sign.
	buf []byte
	// mac is the signature computed, want the one the client sent.
	mac, want [sha256.Size]byte
}

// maxPooledScratch bounds the buffer kept for reuse, so that one request
// with huge signed headers does not pin its memory.
const maxPooledScratch = 16 << 10

func (v *Verifier) getScratch() *scratch {
	if sc, ok := v.scratch.Get().(*scratch); ok {
		return sc
	}
	return &scratch{buf: make([]byte, 0, 1024)}
}

func (v *Verifier) putScratch(sc *scratch) {
	if cap(sc.buf) <= maxPooledScratch {
		v.scratch.Put(sc)
	}
}

// match reports whether the request's signature is the one key makes of
// its canonical request with header values trimmed by trim, and returns
// the canonical request's hash. The canonical request and the string to
// sign are written into sc and hashed there, never made into strings.
func match(sc *scratch, key *signingKey, r *http.Request, a *Authorization, stamp, payloadHash string, trim appendTrimFunc) (canonicalHash [sha256.Size]byte, ok bool) {
	sc.buf = appendCanonicalRequest(sc.buf[:0], r, a.SignedHeaders, payloadHash, trim)
	canonicalHash = sha256.Sum256(sc.buf)
	sc.buf = appendStringToSign(sc.buf[:0], stamp, a.Scope, canonicalHash)
	key.sign(sc.mac[:0], sc.buf)
	// ParseAuthorization checked that the signature is 64 lower-case hex
	// digits, so it decodes, and decodes back to the same text.
	if _, err := hex.Decode(sc.want[:], []byte(a.Signature)); err != nil {
		return canonicalHash, false
	}
	return canonicalHash, hmac.Equal(sc.mac[:], sc.want[:])
}

// maxCachedSigningKeys bounds the signing-key cache; a key changes daily
// per access key and region, so a few hundred entries cover a fleet.
const maxCachedSigningKeys = 1024

type signingKeyID struct {
	secret string
	scope  Scope
}

// signingKey is a derived signing key with a pool of HMACs keyed with it:
// setting up an HMAC costs as much as running it on a string to sign.
type signingKey struct {
	macs sync.Pool
}

func newSigningKey(key []byte) *signingKey {
	k := &signingKey{}
	k.macs.New = func() any { return hmac.New(sha256.New, key) }
	return k
}

// sign writes the HMAC-SHA256 of stringToSign into dst[:sha256.Size].
func (k *signingKey) sign(dst, stringToSign []byte) {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(stringToSign)
	m.Sum(dst)
	k.macs.Put(m)
}

// signingKey returns the signing key of secret for scope, from the cache
// when a request with the same scope verified before (cached true):
// deriving it costs four HMACs, most of a verification.
func (v *Verifier) signingKey(secret string, scope Scope) (k *signingKey, cached bool) {
	id := signingKeyID{secret, scope}
	v.mu.RLock()
	k, cached = v.cache[id]
	v.mu.RUnlock()
	if cached {
		return k, true
	}
	return newSigningKey(SigningKey(secret, scope)), false
}

// rememberSigningKey caches a signing key once a signature made with it
// verified, so that requests with made-up scopes cannot fill the cache.
func (v *Verifier) rememberSigningKey(secret string, scope Scope, k *signingKey) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cache == nil || len(v.cache) >= maxCachedSigningKeys {
		v.cache = make(map[signingKeyID]*signingKey)
	}
	v.cache[signingKeyID{secret, scope}] = k
}

// isPresigned reports whether the query carries SigV4 query
// authentication.
func isPresigned(r *http.Request) bool {
	_, query := wireTarget(r)
	if !strings.Contains(query, "X-Amz-") {
		return false
	}
	q := r.URL.Query()
	return q.Has("X-Amz-Signature") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Algorithm")
}

// checkScope checks the service and terminator of the credential scope.
// The region is not checked (see Verifier) beyond being non-empty, which
// ParseAuthorization ensures.
func (v *Verifier) checkScope(r *http.Request, s Scope) error {
	service := v.Service
	if name, ok := r.Context().Value(signingNameKey{}).(string); ok {
		service = name
	} else if service == "" {
		service = DefaultService
	}
	if s.Service != service {
		return invalid("Credential should be scoped to correct service: '%s'.", service)
	}
	if s.Terminator != Terminator {
		return invalid("Credential should be scoped with a valid terminator: '%s', not '%s'.", Terminator, truncate(s.Terminator, 64))
	}
	return nil
}

// signingTime returns the time the request was signed at: X-Amz-Date, or
// else the Date header (botocore signs with Date when a request already
// has one). stamp is the time in TimeFormat, for messages.
func signingTime(r *http.Request) (t time.Time, stamp string, err error) {
	if stamp = firstValue(r.Header, "X-Amz-Date"); stamp != "" {
		t, ok := parseStamp(stamp, true)
		if !ok {
			return time.Time{}, stamp, invalid("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", truncate(stamp, 64))
		}
		return t, stamp, nil
	}
	if stamp = firstValue(r.Header, "Date"); stamp != "" {
		// Botocore writes Date with email.utils.formatdate, which ends
		// in "-0000" rather than the "GMT" of http.TimeFormat.
		t, err := http.ParseTime(stamp)
		if err != nil {
			t, err = time.Parse(time.RFC1123Z, stamp)
		}
		if err != nil {
			return time.Time{}, stamp, invalid("Date header must be an HTTP date, got '%s'", truncate(stamp, 64))
		}
		t = t.UTC()
		return t, t.Format(TimeFormat), nil
	}
	return time.Time{}, "", invalid("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
}

// firstValue is h.Get(key) for a key already in canonical form, which
// h.Get would spend time canonicalizing again.
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// checkTime refuses a signing time more than MaxSkew from the server's
// clock, with AWS's messages. Exactly MaxSkew away is still accepted.
func (v *Verifier) checkTime(t time.Time) error {
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	var now time.Time
	if v.Clock != nil {
		now = v.Clock.Now()
	} else {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	switch {
	case t.Before(now.Add(-skew)):
		return invalid("Signature expired: %s is now earlier than %s (%s - %s.)",
			t.Format(TimeFormat), now.Add(-skew).Format(TimeFormat), now.Format(TimeFormat), formatSkew(skew))
	case t.After(now.Add(skew)):
		return invalid("Signature not yet current: %s is still later than %s (%s + %s.)",
			t.Format(TimeFormat), now.Add(skew).Format(TimeFormat), now.Format(TimeFormat), formatSkew(skew))
	}
	return nil
}

// formatSkew writes a skew the way AWS does ("15 min").
func formatSkew(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d sec", d/time.Second)
}

// tooLarge is the error for a body larger than the verifier reads. size is
// what is known of the body's size: its Content-Length, or limit+1 when it
// was cut off.
func tooLarge(size, limit int64) *appconfigd.Error {
	return &appconfigd.Error{
		Code:    appconfigd.EPayloadTooLarge,
		Message: fmt.Sprintf("Request body exceeds the maximum size of %d KB", limit/1024),
		LimitKB: float64(limit) / 1024,
		SizeKB:  float64(size) / 1024,
	}
}

// claimedPayloadHash returns X-Amz-Content-Sha256 when the client sent
// it: the hash of the body it claims to send, which must then be the hash
// of the body received. The canonical request always uses the computed
// hash, so a matching header changes nothing. What the header itself
// settles is checked here, before the body is read: one value, a signed
// payload, and the form of a SHA-256 (anything else cannot match).
func claimedPayloadHash(r *http.Request) (string, error) {
	values := r.Header["X-Amz-Content-Sha256"]
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 {
		return "", invalid("The request has more than one 'x-amz-content-sha256' header")
	}
	switch v := values[0]; {
	case v == "UNSIGNED-PAYLOAD" || strings.HasPrefix(v, "STREAMING-"):
		return "", invalid("appconfigd accepts only signed payloads; 'x-amz-content-sha256: %s' is not supported", truncate(v, 64))
	case !isHexSHA256(v):
		return "", invalid(msgContentSHA256Mismatch)
	default:
		return v, nil
	}
}

// isHexSHA256 reports whether s is a SHA-256 in lower-case hex, the only
// form HashPayload produces.
func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

type signingNameKey struct{}

// WithSigningName returns r with the signing name its credential must be
// scoped to instead of the Verifier's Service: STS's GetCallerIdentity,
// served on the same endpoint, is signed as "sts", and only that
// operation may be.
func WithSigningName(r *http.Request, name string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), signingNameKey{}, name))
}
