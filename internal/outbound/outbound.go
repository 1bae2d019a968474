// Package outbound holds what the validation and extensionhttp packages
// share to call URLs the server's users chose (webhook validators and
// extension actions): parsing such a URL, naming it in messages without
// its secrets, a client that never follows redirects, and describing a
// failed call in one line of untrusted text made safe.
package outbound

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseURL parses a URL that must be absolute http or https with a host.
// Its error does not repeat the URL, which the caller knows.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme must be http or https, got %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("the URL has no host")
	}
	return u, nil
}

// DisplayURL names u in messages without its user information, query or
// fragment, where people put secrets.
func DisplayURL(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// WithoutRedirects returns a copy of c that never follows redirects, so a
// URL cannot bounce what it is sent to another host. The copy shares c's
// Transport and connection pool.
func WithoutRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// StatusReason describes an answer with a status other than 2xx: the status
// from its code alone (the server's reason phrase is not trusted), a note
// that redirects are not followed, and up to limit bytes of body.
func StatusReason(code int, body []byte, limit int) string {
	reason := strconv.Itoa(code)
	if text := http.StatusText(code); text != "" {
		reason += " " + text
	}
	if code >= 300 && code <= 399 {
		reason += " (redirects are not followed)"
	}
	if text := OneLine(Truncate(string(body), limit)); text != "" {
		reason += ": " + text
	}
	return reason
}

// TransportError describes a failed call without repeating the URL, which
// *url.Error includes in full (query string and all).
func TransportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return OneLine(err.Error())
}

// Truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// OneLine makes untrusted text (an answer's body, a validator's Content)
// safe to embed in a one-line message: invalid UTF-8 is replaced and
// control characters and runs of white space become single spaces.
func OneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, c := range s {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c < 0x20 || c == 0x7f {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(c)
	}
	return b.String()
}
