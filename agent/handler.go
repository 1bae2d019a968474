package agent

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// Handler returns the agent's HTTP API (docs/WIRE.md §4.4):
//
//	GET /applications/{app}/environments/{env}/configurations/{profile}[?flag=key…]
//
// Segments are names or IDs, URL-encoded (a%2Fb names "a/b"). Requests
// wait until Run has loaded backups or local files.
func (a *Agent) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /applications/{app}/environments/{env}/configurations/{profile}", a.serveConfiguration)
	return a.RequireToken(mux)
}

// RequireToken returns next answering 401 unless the request carries
// "Authorization: Bearer ACCESS_TOKEN" (docs/WIRE.md §4.4), or next
// itself without ACCESS_TOKEN. Whatever else the agent's listener serves
// (its metrics) goes through it too, so that one token guards the port.
func (a *Agent) RequireToken(next http.Handler) http.Handler {
	if a.cfg.AccessToken == "" {
		return next
	}
	want := []byte(a.cfg.AccessToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), want) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeError(w, errorf(http.StatusUnauthorized, "a valid Authorization: Bearer token is required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (a *Agent) serveConfiguration(w http.ResponseWriter, r *http.Request) {
	req, err := parseRequest(r)
	if err != nil {
		writeError(w, err)
		return
	}
	select {
	case <-a.started:
	case <-r.Context().Done():
		return
	}
	k := Key{Application: r.PathValue("app"), Environment: r.PathValue("env"), Profile: r.PathValue("profile")}
	s, err := a.lookup(r.Context(), k, req.entity)
	if err != nil {
		if r.Context().Err() == nil {
			writeError(w, err)
		}
		return
	}
	body, contentType, err := s.render(req.flags, req.context)
	if err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	if v := s.version(); v != "" {
		h.Set("Configuration-Version", v)
	}
	if s.versionLabel != "" {
		h.Set("Version-Label", s.versionLabel)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body) // a caller gone away needs no answer
}

// writeError answers with err's status and a one-line message typed
// application/text, as the Agent's API description does (docs/WIRE.md §4.4);
// errors that are not *httpError are the agent's own: 500.
func writeError(w http.ResponseWriter, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = errorf(http.StatusInternalServerError, err.Error())
	}
	w.Header().Set("Content-Type", "application/text")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(he.status)
	w.Write([]byte(he.msg + "\n"))
}
