package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

//go:embed templates static
var files embed.FS

// pages holds every page's template, each parsed with the layout and the
// partials (the parts more than one page shows).
type pages struct {
	byName map[string]*template.Template
}

// mustParsePages parses the embedded templates. They are part of the
// binary, so a mistake in one is a bug that every test of the console
// finds; hence the panic.
func mustParsePages() *pages {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{byName: make(map[string]*template.Template)}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t := template.Must(template.New(base).Funcs(templateFuncs).ParseFS(files, "templates/layout.html", "templates/partials.html", name))
		p.byName[base] = t
	}
	return p
}

// staticFiles serves the console's CSS and JavaScript.
func staticFiles() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(sub)
}

// pageData is what every page template gets; Data is the page's own.
type pageData struct {
	Title string
	// User names the signed-in key; empty on the sign-in page.
	User string
	// CanChange is whether the key may change anything: pages show
	// forms only then.
	CanChange bool
	// SignedIn is whether there is a session to sign out of.
	SignedIn bool
	CSRF     string
	CSRFName string
	// Flash is a one-time message about the last change.
	Flash string
	// Error is the message of a failure to show on the page.
	Error string
	// RequestID identifies the request in the server log.
	RequestID string
	Data      any
}

// render writes page name with data, under title, and status.
func (rq *request) render(status int, name, title string, data any) error {
	return rq.renderPage(status, name, title, data, "")
}

func (rq *request) renderPage(status int, name, title string, data any, message string) error {
	t, ok := rq.s.pages.byName[name]
	if !ok {
		return fmt.Errorf("console: no page template %q", name)
	}
	pd := pageData{
		Title:     title,
		User:      principalName(rq.p),
		CanChange: rq.canChange(),
		SignedIn:  rq.s.Keys != nil && rq.p.AccessKeyID != "",
		CSRF:      rq.csrf,
		CSRFName:  csrfField,
		Flash:     rq.takeFlash(),
		Error:     message,
		RequestID: awsjson.RequestID(rq.Context()),
		Data:      data,
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pd); err != nil {
		return fmt.Errorf("console: render %s: %w", name, err)
	}
	h := rq.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	rq.w.WriteHeader(status)
	_, err := rq.w.Write(buf.Bytes())
	return err
}

// showError shows err on page name, with data as the user left it (their
// form input), so that they can correct it. The status follows the
// error's code. An internal error is not shown: its text may hold
// internals, so it goes to the error page and the log instead.
func (rq *request) showError(err error, name, title string, data any) error {
	rq.failure = err
	var e *appconfigd.Error
	if !errors.As(err, &e) || e.Code == appconfigd.EInternal {
		return err
	}
	return rq.renderPage(statusOf(e.Code), name, title, data, e.Message)
}

// errorData is what the error page shows.
type errorData struct {
	Status int
}

// showErrorPage answers with the error page for err.
func (s *Server) showErrorPage(rq *request, err error) {
	var e *appconfigd.Error
	message := "Something went wrong on the server. The server log has the details under the request ID below."
	status := http.StatusInternalServerError
	if errors.As(err, &e) && e.Code != appconfigd.EInternal {
		message, status = e.Message, statusOf(e.Code)
	} else {
		s.Logger.Error("console request failed", "request_id", awsjson.RequestID(rq.Context()), "path", rq.URL.Path, "err", err)
	}
	if rerr := rq.renderPage(status, "error", http.StatusText(status), errorData{Status: status}, message); rerr != nil {
		s.Logger.Error("console error page failed", "err", rerr)
	}
}

// notFound answers a console path no page has.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	rq := &request{Request: r, w: w, s: s}
	if !s.authenticate(rq) {
		return
	}
	if r.URL.Path == Path+"/" {
		http.Redirect(w, r, Path+"/applications", http.StatusSeeOther)
		return
	}
	s.showErrorPage(rq, appconfigd.Errorf(appconfigd.ENotFound, "There is no console page at %s", r.URL.Path))
}

// statuses is the console's table from error code to HTTP status, as each
// AWS surface has its own (docs/WIRE.md §3.4). The console shows the
// message in the page; the status tells scripts and the audit trail how
// the request ended.
var statuses = map[appconfigd.ErrorCode]int{
	appconfigd.EBadRequest:            http.StatusBadRequest,
	appconfigd.ENotFound:              http.StatusNotFound,
	appconfigd.EConflict:              http.StatusConflict,
	appconfigd.EServiceQuotaExceeded:  http.StatusPaymentRequired,
	appconfigd.EPayloadTooLarge:       http.StatusRequestEntityTooLarge,
	appconfigd.EThrottling:            http.StatusTooManyRequests,
	appconfigd.EAccessDenied:          http.StatusForbidden,
	appconfigd.EMissingAuthentication: http.StatusUnauthorized,
	appconfigd.EUnrecognizedClient:    http.StatusUnauthorized,
	appconfigd.EInvalidSignature:      http.StatusForbidden,
	appconfigd.EUnavailable:           http.StatusServiceUnavailable,
}

func statusOf(c appconfigd.ErrorCode) int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// when formats a time for people, in UTC: for the pages and for the live
// deployment page's snapshots, so that both show times alike.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// templateFuncs are the functions page templates may call.
var templateFuncs = template.FuncMap{
	// seg escapes one path segment of a console URL.
	"seg": url.PathEscape,
	// q escapes a query value.
	"q":    url.QueryEscape,
	"when": when,
	// iso formats a time for <time datetime> and scripts.
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// jsonText indents a value as JSON, for pages that show API shapes.
	"jsonText": func(v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		return string(b), err
	},
	"add": func(a, b int) int { return a + b },
}
