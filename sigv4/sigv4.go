// Package sigv4 verifies AWS Signature Version 4 (SigV4) Authorization
// headers, the way both AppConfig planes are signed (wire §1.1, §1.6: both
// use the signing name "appconfig").
//
// The package follows minio's split (style anchors §2.3, §4.6): every step
// of the algorithm is a pure function ([ParseAuthorization],
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
	"sort"
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
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
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
	return canonicalRequest(r, signedHeaders, payloadHash, trimAll)
}

func canonicalRequest(r *http.Request, signedHeaders []string, payloadHash string, trim func(string) string) string {
	path, query := wireTarget(r)
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(CanonicalURI(path))
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(query))
	b.WriteByte('\n')
	b.WriteString(canonicalHeaders(r, signedHeaders, trim))
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
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
	if escapedPath == "" {
		return "/"
	}
	return encode(escapedPath, true)
}

// CanonicalQuery returns the canonical query string of a raw query:
// each name and value decoded and re-encoded with the SigV4 rules, the
// pairs sorted by encoded name and then by encoded value, joined by '&'.
// Sorting happens after encoding, as the SigV4 specification requires (the
// SDK's EncodeQuery explains why the order can differ). A parameter without
// '=' has an empty value. Empty parameters ("a=1&&b=2") are skipped, as
// url.ParseQuery skips them.
func CanonicalQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
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
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
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
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (keepSlash && c == '/') {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

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
	return canonicalHeaders(r, signedHeaders, trimAll)
}

func canonicalHeaders(r *http.Request, signedHeaders []string, trim func(string) string) string {
	var b strings.Builder
	for _, name := range signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		switch {
		case name == "host":
			host := r.Host
			if host == "" {
				host = r.URL.Host
			}
			b.WriteString(trim(host))
		default:
			values := r.Header.Values(name)
			if len(values) == 0 && name == "content-length" && r.ContentLength > 0 {
				values = []string{itoa(r.ContentLength)}
			}
			for i, v := range values {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(trim(v))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// trimAll removes leading and trailing white space and collapses each run
// of spaces into one: the Trimall function of the specification as the
// SDK applies it (StripExcessSpaces, then strings.TrimSpace).
func trimAll(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// trimAllPython is botocore's Trimall, ' '.join(value.split()): every run
// of white space, as Python's str.isspace counts it among ASCII
// characters, becomes one space, and the ends are trimmed. (Non-ASCII
// header values do not survive botocore's Latin-1 encoding of headers
// intact anyway.)
func trimAllPython(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || '\t' <= r && r <= '\r' || '\x1c' <= r && r <= '\x1f'
	}), " ")
}

func itoa(n int64) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}

// HashPayload returns the hex SHA-256 of a request body, the payload hash
// of the canonical request.
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// StringToSign returns the string to sign for a canonical request signed
// at t with the given scope:
//
//	AWS4-HMAC-SHA256 \n 20260101T000000Z \n scope \n hex(SHA-256(canonical request))
func StringToSign(t time.Time, scope Scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + t.UTC().Format(TimeFormat) + "\n" + scope.String() + "\n" + hex.EncodeToString(sum[:])
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
