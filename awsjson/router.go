package awsjson

import (
	"net/http"
	"path"
	"slices"
	"strings"
)

// Route is one operation's method, path pattern (net/http ServeMux syntax)
// and handler.
type Route struct {
	Method  string
	Pattern string
	Handler http.Handler
}

// UnknownOperation is the exception for a path no operation has, and
// MethodNotAllowed for a known path with a method no operation takes there.
var (
	UnknownOperation = Exception{Name: "UnknownOperationException", Status: http.StatusNotFound}
	MethodNotAllowed = Exception{Name: "MethodNotAllowedException", Status: http.StatusMethodNotAllowed}
)

// NewRouter returns a handler that dispatches to routes. Unlike a bare
// ServeMux, it answers unknown paths and wrong methods with AWS JSON error
// documents, which the SDKs can decode, instead of plain text.
func NewRouter(routes []Route) http.Handler {
	ops := http.NewServeMux()
	methods := make(map[string][]string)
	var patterns []string
	for _, rt := range routes {
		ops.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
		if _, seen := methods[rt.Pattern]; !seen {
			patterns = append(patterns, rt.Pattern)
		}
		methods[rt.Pattern] = append(methods[rt.Pattern], rt.Method)
	}
	// paths knows every pattern regardless of method, to tell a wrong
	// method from an unknown path.
	paths := http.NewServeMux()
	for _, p := range patterns {
		allowed := methods[p]
		if slices.Contains(allowed, http.MethodGet) {
			allowed = append(allowed, http.MethodHead)
		}
		paths.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			WriteError(w, MethodNotAllowed, map[string]any{
				"Message": r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allowed, ", "),
			})
		}))
	}
	// The fallback takes every request no operation matches, so that a
	// request is matched once: an operation's more specific pattern wins
	// over "/", and ServeMux still redirects to an operation's path with
	// a trailing slash as before.
	ops.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, p := paths.Handler(r); p != "" {
			paths.ServeHTTP(w, r)
			return
		}
		unknownOperation(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeMux would redirect an unclean path (//, ., ..) to another
		// resource with an HTML body, and answer "OPTIONS *" with a bare
		// 400; no operation has such a path.
		if !isClean(r.URL.Path) || r.RequestURI == "*" {
			unknownOperation(w, r)
			return
		}
		ops.ServeHTTP(w, r)
	})
}

func unknownOperation(w http.ResponseWriter, r *http.Request) {
	WriteError(w, UnknownOperation, map[string]any{
		"Message": "No operation matches " + r.Method + " " + r.URL.Path,
	})
}

// isClean reports whether p is a path ServeMux would not redirect: no empty,
// "." or ".." segments, apart from one trailing slash ("//" is the empty
// segment of "/" plus that slash).
func isClean(p string) bool {
	trimmed := strings.TrimSuffix(p, "/")
	return trimmed != "" && trimmed != "/" && path.Clean(trimmed) == trimmed
}
