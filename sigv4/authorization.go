package sigv4

import (
	"slices"
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
	credential, signedHeaders, signature, err := authorizationParameters(rest)
	if err != nil {
		return Authorization{}, err
	}

	var a Authorization
	if strings.Count(credential, "/") != 4 {
		return Authorization{}, invalid("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", truncate(credential, 256))
	}
	elem := credential
	for _, dst := range []*string{&a.AccessKeyID, &a.Scope.Date, &a.Scope.Region, &a.Scope.Service} {
		*dst, elem, _ = strings.Cut(elem, "/")
	}
	a.Scope.Terminator = elem
	if a.AccessKeyID == "" {
		return Authorization{}, invalid("Credential has an empty access key ID")
	}
	if _, ok := parseStamp(a.Scope.Date, false); !ok {
		return Authorization{}, invalid("Credential date must be in the form YYYYMMDD, got '%s'", truncate(a.Scope.Date, 64))
	}
	if a.Scope.Region == "" {
		return Authorization{}, invalid("Credential should be scoped to a valid region.")
	}

	if signedHeaders == "" {
		return Authorization{}, invalid("Authorization header has an empty 'SignedHeaders' parameter")
	}
	a.SignedHeaders = strings.Split(signedHeaders, ";")
	// A request signs a handful of headers, for which scanning the names
	// before beats a map; a header listing many gets a map, so that its
	// refusal takes linear time.
	var names map[string]bool
	if len(a.SignedHeaders) > 16 {
		names = make(map[string]bool, len(a.SignedHeaders))
	}
	for i, h := range a.SignedHeaders {
		if !validHeaderName(h) {
			return Authorization{}, invalid("SignedHeaders must list lower-case header names separated by ';', got '%s'", truncate(signedHeaders, 256))
		}
		if names != nil && names[h] || names == nil && slices.Contains(a.SignedHeaders[:i], h) {
			return Authorization{}, invalid("SignedHeaders lists '%s' twice", h)
		}
		if names != nil {
			names[h] = true
		}
	}

	if !isLowerHex(signature, 64) {
		return Authorization{}, invalid("Signature must be 64 lower-case hexadecimal digits, got '%s'", truncate(signature, 128))
	}
	a.Signature = signature
	return a, nil
}

// parseStamp parses s in DateFormat, or in TimeFormat withClock, and
// reports whether it is exactly that: what time.Parse accepts and then
// formats back to s, at a fraction of the cost (fixed-width digits, each
// field in range, a day the month has).
func parseStamp(s string, withClock bool) (time.Time, bool) {
	width := len(DateFormat)
	if withClock {
		width = len(TimeFormat)
	}
	if len(s) != width {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(4, 2), num(6, 2)
	hour, minute, second := 0, 0, 0
	if withClock {
		if s[8] != 'T' || s[15] != 'Z' {
			return time.Time{}, false
		}
		hour, minute, second = num(9, 2), num(11, 2), num(13, 2)
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	// time.Date carries a day past the month's end into the next month.
	return t, t.Day() == day
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

// authorizationParameters reads the Credential, SignedHeaders and Signature
// parameters of an Authorization header's rest. A plain loop in a
// function of its own keeps the frames of every signed request's
// verification small: a poll's deepest point is in it
// (docs/PERFORMANCE.md, "Where the time goes at a million clients").
func authorizationParameters(rest string) (credential, signedHeaders, signature string, err error) {
	var seen [3]bool
	for more := true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return "", "", "", invalid("'%s' not a valid key=value pair (missing equal-sign) in Authorization header", truncate(part, 64))
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
			return "", "", "", invalid("Authorization header has an unknown parameter '%s'; expected Credential, SignedHeaders and Signature", truncate(k, 64))
		}
		if seen[i] {
			return "", "", "", invalid("Authorization header has more than one '%s' parameter", k)
		}
		seen[i] = true
		*dst = v
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return "", "", "", missingParameters(seen)
	}
	return credential, signedHeaders, signature, nil
}

// missingParameters names every missing parameter in one message, in the
// order AWS does.
func missingParameters(seen [3]bool) error {
	var missing []string
	for _, p := range []struct {
		name string
		seen bool
	}{{"Credential", seen[0]}, {"Signature", seen[2]}, {"SignedHeaders", seen[1]}} {
		if !p.seen {
			missing = append(missing, "Authorization header requires '"+p.name+"' parameter.")
		}
	}
	return invalid("%s", strings.Join(missing, " "))
}

func invalid(format string, args ...any) *appconfigd.Error {
	return appconfigd.Errorf(appconfigd.EInvalidSignature, format, args...)
}
