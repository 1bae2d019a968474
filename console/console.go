// Package console is appconfigd's web console at /console: server-rendered
// pages (html/template, with the templates and static files embedded in
// the binary) over the same Service the AWS surfaces call, so every change
// made in a browser follows the same rules and lands in the same audit
// trail as one made with the AWS CLI (docs/CONSOLE.md).
//
// A user signs in with an access key ID and its secret and gets a sealed,
// HttpOnly, SameSite=Strict session cookie (appconfigd.ConsoleSession).
// Every change is a POST that must carry the session's anti-forgery token
// and pass net/http's cross-origin protection; only admin keys may make
// one, and a reader key sees only the applications it may read.
package console

import (
	"log/slog"
	"net/http"
	"sync"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

// Path is where the console is served.
const Path = "/console"

// KeyLookup finds the access key a console session was signed in with. It
// is asked on every request, so a key removed from the server's keys ends
// its sessions at once.
type KeyLookup interface {
	LookupAccessKey(accessKeyID string) (secret string, p appconfigd.Principal, ok bool)
}

// Server serves the console. Set the fields, then serve Handler under
// Path.
type Server struct {
	// Service implements every operation the pages call.
	Service *appconfigd.Service
	// Keys looks up signed-in keys; nil when authentication is off, when
	// everyone is an admin named "anonymous" and nobody signs in.
	Keys KeyLookup
	// SignIn authenticates the sign-in form (auth.FormCredentials, wrapped
	// by the daemon in the failed-authentication limiter). Required with
	// Keys.
	SignIn auth.Authenticator
	// Secure marks the session cookie Secure: set it when the server
	// speaks TLS.
	Secure bool
	// Logger receives internal errors with their request IDs; nil
	// discards them.
	Logger *slog.Logger

	once    sync.Once
	handler http.Handler
	pages   *pages
	// streams holds a token per open deployment event stream.
	streams chan struct{}
	// closing is closed by Close, which ends the streams.
	closing   chan struct{}
	closeOnce sync.Once
}

// Close ends the open deployment event streams, which would otherwise keep
// a graceful shutdown waiting; the daemon calls it when it shuts down.
func (s *Server) Close() {
	s.Handler()
	s.closeOnce.Do(func() { close(s.closing) })
}

// Handler returns the console's handler, for every path under Path.
func (s *Server) Handler() http.Handler {
	s.once.Do(func() {
		if s.Logger == nil {
			s.Logger = slog.New(slog.DiscardHandler)
		}
		s.pages = mustParsePages()
		s.streams = make(chan struct{}, maxStreams)
		s.closing = make(chan struct{})
		mux := http.NewServeMux()
		for _, rt := range s.routes() {
			mux.Handle(rt.pattern, s.wrap(rt))
		}
		mux.Handle("GET "+Path+"/static/", http.StripPrefix(Path+"/static/", staticFiles()))
		mux.HandleFunc(Path+"/", s.notFound)
		// Changes are POSTs; a browser marks a cross-site one with
		// Sec-Fetch-Site or Origin, and it is refused before any handler
		// runs. The session's token (checkCSRF) covers browsers that send
		// neither.
		s.handler = securityHeaders(http.NewCrossOriginProtection().Handler(mux))
	})
	return s.handler
}

// securityHeaders sets the headers every console answer carries: no
// framing (clickjacking), no scripts or styles but the console's own, no
// content-type guessing, and no caching of pages that show configuration.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
