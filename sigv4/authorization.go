package sigv4

import (
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
)

// ParseAuthorization parses a SigV4 Authorization header. It checks the
// form only: the algorithm, that Credential, SignedHeaders and Signature
// each appear exactly once, that the credential has five elements with a
// YYYYMMDD date, that the signed header names are lower case, and that
// the signature is 64 lower-case hex digits. Whether the scope's service,
// date and terminator are right is the Verifier's business.
//
// Parameters may be separated by "," or ", " (the SDK and botocore send
// ", "; other signers omit the space). Errors are *appconfigd.Error with
// code EInvalidSignature and the wording AWS uses where there is one.
func ParseAuthorization(header string) (Authorization, error) {
	header = strings.TrimSpace(header)
	alg, rest, _ := strings.Cut(header, " ")
	if alg != Algorithm {
		return Authorization{}, invalid("Unsupported Authorization scheme %q: appconfigd accepts only AWS Signature Version 4 (%s) in the Authorization header", truncate(alg, 64), Algorithm)
	}
	var credential, signedHeaders, signature string
	var seen [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return Authorization{}, invalid("'%s' not a valid key=value pair (missing equal-sign) in Authorization header", truncate(part, 64))
		}
		var i int
		var dst *string
		switch k {
		case "Credential":
			i, dst = 0, &credential
		case "SignedHeaders":
			i, dst = 1, &signedHeaders
		case "Signature":
			i, dst = 2, &signature
		default:
			return Authorization{}, invalid("Authorization header has an unknown parameter '%s'; expected Credential, SignedHeaders and Signature", truncate(k, 64))
		}
		if seen[i] {
			return Authorization{}, invalid("Authorization header has more than one '%s' parameter", k)
		}
		seen[i] = true
		*dst = v
	}
	// AWS names every missing parameter in one message, in this order.
	var missing []string
	for _, p := range []struct {
		name string
		seen bool
	}{{"Credential", seen[0]}, {"Signature", seen[2]}, {"SignedHeaders", seen[1]}} {
		if !p.seen {
			missing = append(missing, "Authorization header requires '"+p.name+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return Authorization{}, invalid("%s", strings.Join(missing, " "))
	}

	var a Authorization
	elems := strings.Split(credential, "/")
	if len(elems) != 5 {
		return Authorization{}, invalid("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", truncate(credential, 256))
	}
	a.AccessKeyID = elems[0]
	a.Scope = Scope{Date: elems[1], Region: elems[2], Service: elems[3], Terminator: elems[4]}
	if a.AccessKeyID == "" {
		return Authorization{}, invalid("Credential has an empty access key ID")
	}
	if d, err := time.Parse(DateFormat, a.Scope.Date); err != nil || d.Format(DateFormat) != a.Scope.Date {
		return Authorization{}, invalid("Credential date must be in the form YYYYMMDD, got '%s'", truncate(a.Scope.Date, 64))
	}
	if a.Scope.Region == "" {
		return Authorization{}, invalid("Credential should be scoped to a valid region.")
	}

	if signedHeaders == "" {
		return Authorization{}, invalid("Authorization header has an empty 'SignedHeaders' parameter")
	}
	a.SignedHeaders = strings.Split(signedHeaders, ";")
	names := make(map[string]bool, len(a.SignedHeaders))
	for _, h := range a.SignedHeaders {
		if !validHeaderName(h) {
			return Authorization{}, invalid("SignedHeaders must list lower-case header names separated by ';', got '%s'", truncate(signedHeaders, 256))
		}
		if names[h] {
			return Authorization{}, invalid("SignedHeaders lists '%s' twice", h)
		}
		names[h] = true
	}

	if !isLowerHex(signature, 64) {
		return Authorization{}, invalid("Signature must be 64 lower-case hexadecimal digits, got '%s'", truncate(signature, 128))
	}
	a.Signature = signature
	return a, nil
}

// validHeaderName reports whether s is a non-empty, lower-case HTTP field
// name (an RFC 9110 token without upper-case letters).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// truncate shortens s for an error message, so that a huge header does not
// become a huge response.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func invalid(format string, args ...any) *appconfigd.Error {
	return appconfigd.Errorf(appconfigd.EInvalidSignature, format, args...)
}
