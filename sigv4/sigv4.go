// Package sigv4 verifies AWS Signature Version 4 (SigV4) Authorization
// headers, the way both AppConfig planes are signed (docs/WIRE.md §1.1, §1.6: both
// use the signing name "appconfig").
//
// Every step of the algorithm is a pure function ([ParseAuthorization],
// [CanonicalRequest], [StringToSign], [SigningKey], [Signature]) that can be
// tested on its own, and a [Verifier] with injected dependencies (a
// [KeyLookup] and a clock) strings them together as an
// auth.Authenticator.
//
// # What the canonical request is built from
//
// A server cannot verify by running a client's signer: it must rebuild
// exactly the canonical request the client built, from what arrived on the
// wire. The rules below were checked against aws-sdk-go-v2 v1.48.0
// (aws/signer/v4/v4.go and aws/signer/internal/v4) and botocore 1.43
// (auth.py SigV4Auth, the AWS CLI's signer), and the tests sign with both:
//
//   - Canonical URI: the path exactly as sent (still percent-encoded), then
//     percent-encoded once more, leaving only A-Z a-z 0-9 - . _ ~ and '/'.
//     This is the "URI-encode each path segment twice" rule of every
//     service but S3: an ARN label sent as arn%3Aaws%3A…%2Fabc1234 is
//     signed as arn%253Aaws%253A…%252Fabc1234. The SDK does this with
//     httpbinding.EscapePath(URL.EscapedPath()) and botocore with
//     quote(path, safe='/~'). Botocore also removes dot segments and empty
//     segments first; the SDK does not. The two agree for every path an
//     AppConfig operation has, and appconfigd's router refuses unclean
//     paths (//, ., ..) before authentication, so the path is used as sent
//     and never normalized.
//   - Canonical query: every name and value decoded ('+' is a space, as
//     Go's url.ParseQuery and the SDK's signer read it), encoded again
//     with the SigV4 rules (unreserved characters kept, everything else
//     %XX with uppercase hex, a space is %20), then sorted by encoded name
//     and, for repeated names such as UntagResource's tagKeys, by encoded
//     value.
//   - Canonical headers: exactly the client's SignedHeaders, in its order,
//     each "name:value" with the values of repeated header lines joined by
//     ',', leading and trailing white space removed and runs of spaces
//     collapsed. "host" is the Host header as received. Here the two
//     signers differ: botocore also turns tabs (and other ASCII white
//     space) inside a value into single spaces, the SDK keeps them. The
//     Verifier accepts either form; both are functions of the same
//     received bytes, so this lets nothing through but a change of white
//     space inside a signed value.
//   - Payload hash: the hex SHA-256 of the body the server received.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm accepted: SigV4 with HMAC-SHA256.
// (SigV4a, AWS4-ECDSA-P256-SHA256, is for multi-region endpoints that
// AppConfig does not have.)
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator ends every credential scope.
const Terminator = "aws4_request"

// TimeFormat is the layout of X-Amz-Date and of the timestamp in the
// string to sign (ISO 8601 basic format, UTC).
const TimeFormat = "20060102T150405Z"

// DateFormat is the layout of the date in a credential scope.
const DateFormat = "20060102"

// EmptyPayloadHash is the hex SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Scope is a credential scope: the date, region and service a signing key
// is derived for, and the terminator "aws4_request".
type Scope struct {
	// Date is the signing date, YYYYMMDD (UTC).
	Date string
	// Region is whatever region the client is configured for.
	Region string
	// Service is the signing name, "appconfig" for both planes.
	Service string
	// Terminator is always "aws4_request" in a valid scope.
	Terminator string
}

// String returns the scope as it appears in the string to sign:
// "20260101/us-east-1/appconfig/aws4_request".
func (s Scope) String() string {
	return string(appendScope(nil, s))
}

func appendScope(dst []byte, s Scope) []byte {
	dst = append(dst, s.Date...)
	dst = append(dst, '/')
	dst = append(dst, s.Region...)
	dst = append(dst, '/')
	dst = append(dst, s.Service...)
	dst = append(dst, '/')
	return append(dst, s.Terminator...)
}

// Authorization is a parsed SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/appconfig/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
type Authorization struct {
	// AccessKeyID names the key that signed; it is not secret.
	AccessKeyID string
	// Scope is the rest of the Credential parameter.
	Scope Scope
	// SignedHeaders are the lower-case header names the client signed, in
	// the order it listed them.
	SignedHeaders []string
	// Signature is the client's signature, 64 lower-case hex digits.
	Signature string
}

// CanonicalRequest returns the canonical request of r for the given signed
// headers and payload hash (see the package comment for the rules):
//
//	METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload hash
//
// The path and query are taken from r.RequestURI, which is what the client
// sent, when r is a server request, and from r.URL otherwise.
func CanonicalRequest(r *http.Request, signedHeaders []string, payloadHash string) string {
	return string(appendCanonicalRequest(nil, r, signedHeaders, payloadHash, appendTrimAll))
}

// appendTrimFunc appends a trimmed header value to dst: appendTrimAll for
// the SDK's form, appendTrimAllPython for botocore's.
type appendTrimFunc func(dst []byte, value string) []byte

// appendCanonicalRequest appends the canonical request to dst. The
// Verifier hashes it in a reused buffer, so that building it allocates
// nothing for a request with at most one query parameter (a poll).
func appendCanonicalRequest(dst []byte, r *http.Request, signedHeaders []string, payloadHash string, trim appendTrimFunc) []byte {
	path, query := wireTarget(r)
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = appendCanonicalURI(dst, path)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, query)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r, signedHeaders, trim)
	dst = append(dst, '\n')
	for i, name := range signedHeaders {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, name...)
	}
	dst = append(dst, '\n')
	return append(dst, payloadHash...)
}

// wireTarget returns the escaped path and the raw query the client sent.
// A server request carries them verbatim in RequestURI; URL.EscapedPath
// could differ from it, because it re-encodes a RawPath it does not
// consider valid. A client request (tests) has no RequestURI; its path is
// read the way the SDK's signer reads it, preferring URL.Opaque
// ("//host/path") when set.
func wireTarget(r *http.Request) (path, query string) {
	if uri := r.RequestURI; uri != "" && uri != "*" {
		if i := strings.Index(uri, "://"); i >= 0 && !strings.HasPrefix(uri, "/") {
			// Absolute form (a request sent to a proxy): the path
			// starts at the first '/' after the authority.
			rest := uri[i+len("://"):]
			if j := strings.IndexAny(rest, "/?"); j >= 0 {
				uri = rest[j:]
			} else {
				uri = ""
			}
		}
		path, query, _ = strings.Cut(uri, "?")
		if path == "" {
			path = "/"
		}
		return path, query
	}
	u := r.URL
	if u.Opaque != "" {
		opaque, _, _ := strings.Cut(u.Opaque, "?")
		opaque = strings.TrimPrefix(opaque, "//")
		if i := strings.IndexByte(opaque, '/'); i >= 0 {
			path = opaque[i:]
		}
	} else {
		path = u.EscapedPath()
	}
	if path == "" {
		path = "/"
	}
	return path, u.RawQuery
}

// CanonicalURI returns the canonical URI of an escaped request path for
// every service but S3: the path percent-encoded once more, so that each
// segment ends up encoded twice. An empty path is "/".
func CanonicalURI(escapedPath string) string {
	return string(appendCanonicalURI(nil, escapedPath))
}

func appendCanonicalURI(dst []byte, escapedPath string) []byte {
	if escapedPath == "" {
		return append(dst, '/')
	}
	return appendEncoded(dst, escapedPath, true)
}

// CanonicalQuery returns the canonical query string of a raw query:
// each name and value decoded and re-encoded with the SigV4 rules, the
// pairs sorted by encoded name and then by encoded value, joined by '&'.
// Sorting happens after encoding, as the SigV4 specification requires (the
// SDK's EncodeQuery explains why the order can differ). A parameter without
// '=' has an empty value. Empty parameters ("a=1&&b=2") are skipped, as
// url.ParseQuery skips them.
func CanonicalQuery(rawQuery string) string {
	return string(appendCanonicalQuery(nil, rawQuery))
}

func appendCanonicalQuery(dst []byte, rawQuery string) []byte {
	if rawQuery == "" {
		return dst
	}
	if !strings.Contains(rawQuery, "&") {
		// One parameter, as in every poll: nothing to sort.
		k, v, _ := strings.Cut(rawQuery, "=")
		dst = appendEncoded(dst, queryUnescape(k), false)
		dst = append(dst, '=')
		return appendEncoded(dst, queryUnescape(v), false)
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{encode(queryUnescape(k), false), encode(queryUnescape(v), false)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.k...)
		dst = append(dst, '=')
		dst = append(dst, p.v...)
	}
	return dst
}

// queryUnescape decodes a query component like url.QueryUnescape ('+' is a
// space). A component with a malformed escape is kept as sent: no signer
// produces one, so the signature will not match and the client is told
// so, which beats guessing.
func queryUnescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// encode percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~ (and '/' when keepSlash), with uppercase hex: the
// UriEncode function of the SigV4 specification.
func encode(s string, keepSlash bool) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			return string(appendEncoded(make([]byte, 0, len(s)+16), s, keepSlash))
		}
	}
	return s
}

// appendEncoded appends s to dst percent-encoded as encode does, copying
// runs of characters that stay as they are in one go.
func appendEncoded(dst []byte, s string, keepSlash bool) []byte {
	const hexDigits = "0123456789ABCDEF"
	for {
		i := 0
		for i < len(s) && (unreserved(s[i]) || keepSlash && s[i] == '/') {
			i++
		}
		dst = append(dst, s[:i]...)
		if i == len(s) {
			return dst
		}
		c := s[i]
		dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&15])
		s = s[i+1:]
	}
}

// unreserved reports whether c is one of the characters SigV4's UriEncode
// keeps: A-Z a-z 0-9 - . _ ~.
func unreserved(c byte) bool {
	return unreservedChars[c]
}

var unreservedChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
	}
	return t
}()

// CanonicalHeaders returns the canonical headers block for the signed
// header names: one "name:value\n" line per name, in the given order.
// "host" is r.Host (r.URL.Host for a client request without one), which
// the Go server takes out of r.Header; "content-length" falls back to
// r.ContentLength for the same reason. A signed header the request lacks
// has an empty value, so the signature will not match.
//
// Values are trimmed as aws-sdk-go-v2 trims them: leading and trailing
// white space removed, runs of spaces collapsed. Botocore also turns every
// other ASCII white space character into a space; the Verifier tries that
// form as well when it differs (see [Verifier]).
func CanonicalHeaders(r *http.Request, signedHeaders []string) string {
	return string(appendCanonicalHeaders(nil, r, signedHeaders, appendTrimAll))
}

func appendCanonicalHeaders(dst []byte, r *http.Request, signedHeaders []string, trim appendTrimFunc) []byte {
	for _, name := range signedHeaders {
		dst = append(dst, name...)
		dst = append(dst, ':')
		if name == "host" {
			host := r.Host
			if host == "" {
				host = r.URL.Host
			}
			dst = trim(dst, host)
			dst = append(dst, '\n')
			continue
		}
		// Look the values up under the canonical key, written after
		// the line so far and cut off again: r.Header.Values(name)
		// would allocate the key.
		keyAt := len(dst)
		dst = appendCanonicalHeaderKey(dst, name)
		values := r.Header[string(dst[keyAt:])]
		dst = dst[:keyAt]
		if len(values) == 0 && name == "content-length" && r.ContentLength > 0 {
			dst = strconv.AppendInt(dst, r.ContentLength, 10)
		}
		for i, v := range values {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = trim(dst, v)
		}
		dst = append(dst, '\n')
	}
	return dst
}

// appendCanonicalHeaderKey appends the key net/http stores a header under
// (textproto.CanonicalMIMEHeaderKey) for a lower-case header name:
// the first letter and every letter after a '-' in upper case.
// ParseAuthorization admits only token characters, which that function
// canonicalizes this way too.
func appendCanonicalHeaderKey(dst []byte, name string) []byte {
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

// appendTrimAll appends s with leading and trailing white space removed
// and each run of spaces collapsed into one: the Trimall function of the
// specification as the SDK applies it (StripExcessSpaces, then
// strings.TrimSpace).
func appendTrimAll(dst []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
}

// appendTrimAllPython appends s as botocore's Trimall, ' '.join(value.split()),
// leaves it: every run of white space, as Python's str.isspace counts it
// among ASCII characters, becomes one space, and the ends are trimmed.
// (Non-ASCII header values do not survive botocore's Latin-1 encoding of
// headers intact anyway; their bytes are never white space here.)
func appendTrimAllPython(dst []byte, s string) []byte {
	space, first := false, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || '\t' <= c && c <= '\r' || '\x1c' <= c && c <= '\x1f' {
			space = true
			continue
		}
		if space && !first {
			dst = append(dst, ' ')
		}
		space, first = false, false
		dst = append(dst, c)
	}
	return dst
}

// HashPayload returns the hex SHA-256 of a request body, the payload hash
// of the canonical request.
func HashPayload(body []byte) string {
	if len(body) == 0 {
		return EmptyPayloadHash
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// StringToSign returns the string to sign for a canonical request signed
// at t with the given scope:
//
//	AWS4-HMAC-SHA256 \n 20260101T000000Z \n scope \n hex(SHA-256(canonical request))
func StringToSign(t time.Time, scope Scope, canonicalRequest string) string {
	return string(appendStringToSign(nil, t.UTC().Format(TimeFormat), scope, sha256.Sum256([]byte(canonicalRequest))))
}

// appendStringToSign appends the string to sign for a canonical request
// with the given hash, signed at stamp (in TimeFormat), to dst.
func appendStringToSign(dst []byte, stamp string, scope Scope, canonicalHash [sha256.Size]byte) []byte {
	dst = append(dst, Algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, stamp...)
	dst = append(dst, '\n')
	dst = appendScope(dst, scope)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, canonicalHash[:])
}

// SigningKey derives the signing key of a secret access key for a scope:
// HMAC chains over "AWS4"+secret, the date, the region, the service and
// the terminator.
func SigningKey(secretAccessKey string, scope Scope) []byte {
	k := hmacSHA256([]byte("AWS4"+secretAccessKey), scope.Date)
	k = hmacSHA256(k, scope.Region)
	k = hmacSHA256(k, scope.Service)
	return hmacSHA256(k, scope.Terminator)
}

// Signature returns the hex HMAC-SHA256 of the string to sign under the
// signing key.
func Signature(signingKey []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
