// Package auth decides who sent a request. Both wire surfaces call an
// [Authenticator] before any operation runs; this is the one seam where
// signature verification plugs in.
package auth

import (
	"net/http"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// Authenticator identifies the sender of a request, or returns an
// *appconfigd.Error (EUnauthenticated, EAccessDenied) to refuse it.
type Authenticator interface {
	Authenticate(r *http.Request) (appconfigd.Principal, error)
}

// AcceptAll accepts every request without verifying its signature. It
// takes the access key ID from a SigV4 Authorization header when there is
// one, so logs can still say who called.
type AcceptAll struct{}

// Authenticate implements Authenticator.
func (AcceptAll) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	return appconfigd.Principal{AccessKeyID: accessKeyID(r.Header.Get("Authorization"))}, nil
}

// accessKeyID extracts the access key ID from
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/appconfig/aws4_request, ...".
func accessKeyID(authorization string) string {
	_, cred, ok := strings.Cut(authorization, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(cred, "/")
	return id
}
