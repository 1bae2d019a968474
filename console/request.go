package console

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// maxFormBytes bounds a form's body. The largest form holds a hosted
// configuration version, which the service bounds
// (Limits.HostedConfigurationSizeBytes) and refuses with a message that
// names its limit: the bound leaves room for that content percent-encoded
// (up to 3 bytes a byte) and the form's other fields, so that the
// service's message is the one a user sees for a version too large.
func (s *Server) maxFormBytes() int64 {
	return 3*int64(s.Service.Limits.HostedConfigurationSizeBytes) + 64<<10
}

// csrfField is the name of the hidden field that carries the session's
// anti-forgery token in every form.
const csrfField = "csrf_token"

// request is what a page handler works with: the HTTP request, the writer,
// who sent it and their session.
type request struct {
	*http.Request
	w http.ResponseWriter
	s *Server
	// p is the signed-in key's principal.
	p appconfigd.Principal
	// csrf is the session's anti-forgery token, for the forms a page
	// shows; empty when authentication is off.
	csrf string
	// failure is the error a change ended with, for the audit trail; set
	// by showError.
	failure error
}

// handlerFunc handles one console page or change. An error it returns is
// shown on an error page; handlers that can show the error on the page
// the user was on call showError instead.
type handlerFunc func(rq *request) error

// route is one console page or change.
type route struct {
	// pattern is a net/http ServeMux pattern with its method.
	pattern string
	handler handlerFunc
	// change names the operation a POST performs, as the audit trail
	// records it (the AWS operation's name where there is one); only
	// admin keys may call it. Empty for pages, which only read.
	change string
	// public routes need no session (the sign-in page).
	public bool
}

// wrap makes rt an http.Handler: it finds the session, refuses changes
// without the session's token or by a reader key, runs the handler with
// the principal in the request's context, and records changes in the
// audit trail.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{Request: r, w: w, s: s}
		if !rt.public {
			if !s.authenticate(rq) {
				return
			}
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxFormBytes())
			if err := r.ParseForm(); err != nil {
				s.showErrorPage(rq, formError(err))
				return
			}
			if !rt.public && !rq.checkCSRF() {
				s.showErrorPage(rq, appconfigd.Errorf(appconfigd.EAccessDenied, "The form has expired or did not come from this console; reload the page and try again"))
				return
			}
		}
		rq.Request = r.WithContext(appconfigd.NewContextWithPrincipal(r.Context(), rq.p))
		if rt.change == "" {
			if err := rt.handler(rq); err != nil {
				s.showErrorPage(rq, err)
			}
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		rq.w = sw
		if !rq.p.IsAdmin() {
			rq.failure = appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is a reader and may not change anything", rq.p.Name)
			s.showErrorPage(rq, rq.failure)
		} else if err := rt.handler(rq); err != nil {
			rq.failure = err
			s.showErrorPage(rq, err)
		}
		s.audit(rq, rt.change, sw.status)
	})
}

// formError is the error shown for a form that could not be read: one
// over the bound names the bound, rather than Go's own message.
func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return appconfigd.Errorf(appconfigd.EPayloadTooLarge, "The form is larger than this server accepts (%d KiB); send a smaller one", tooLarge.Limit>>10)
	}
	return appconfigd.Errorf(appconfigd.EBadRequest, "The form could not be read: %v", err)
}

// authenticate finds rq's principal from its session cookie, or, when
// authentication is off, makes it the anonymous admin. Without a valid
// session it sends a page to the sign-in form and returns false.
func (s *Server) authenticate(rq *request) bool {
	if s.Keys == nil {
		rq.p = appconfigd.Principal{Name: "anonymous", Role: appconfigd.RoleAdmin}
		return true
	}
	c, err := rq.Cookie(sessionCookie)
	var session *appconfigd.ConsoleSession
	if err == nil {
		session, err = s.Service.OpenConsoleSession(c.Value)
	}
	if err == nil {
		if p, ok := s.sessionKey(session); ok {
			rq.p = p
			rq.csrf = hex.EncodeToString(session.CSRF[:])
			return true
		}
	}
	if rq.Method == http.MethodGet {
		http.Redirect(rq.w, rq.Request, Path+"/signin?next="+url.QueryEscape(rq.URL.RequestURI()), http.StatusSeeOther)
		return false
	}
	s.showErrorPage(rq, appconfigd.Errorf(appconfigd.EUnrecognizedClient, "Your console session has ended; sign in again"))
	return false
}

// sessionKey looks up the access key session was signed in with. It
// fails when the key was removed, or when its secret changed since the
// sign-in (the session's secret check no longer matches), so that
// rotating a secret ends its sessions.
func (s *Server) sessionKey(session *appconfigd.ConsoleSession) (appconfigd.Principal, bool) {
	secret, p, ok := s.Keys.LookupAccessKey(session.AccessKeyID)
	if !ok {
		return appconfigd.Principal{}, false
	}
	check := appconfigd.ConsoleSecretCheck(secret)
	if subtle.ConstantTimeCompare(check[:], session.SecretCheck[:]) != 1 {
		return appconfigd.Principal{}, false
	}
	return p, true
}

// checkCSRF reports whether a change carries the session's anti-forgery
// token. With authentication off there is no session and no token; the
// cross-origin protection alone guards changes then.
func (rq *request) checkCSRF() bool {
	if rq.s.Keys == nil {
		return true
	}
	got := rq.PostForm.Get(csrfField)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(rq.csrf)) == 1
}

// deletionCheck is the deletion protection check a delete form asks for:
// the account's (ACCOUNT_DEFAULT), as the AWS CLI without
// --deletion-protection-check, unless the user ticked the form's bypass
// box, field, the CLI's BYPASS.
func (rq *request) deletionCheck(field string) appconfigd.DeletionProtectionCheck {
	if rq.PostFormValue(field) != "" {
		return appconfigd.DeletionProtectionBypass
	}
	return appconfigd.DeletionProtectionAccountDefault
}

// ctx returns the request's context, which carries the principal.
func (rq *request) ctx() context.Context { return rq.Context() }

// canChange reports whether the signed-in key may change anything.
func (rq *request) canChange() bool { return rq.p.IsAdmin() }

// requireRead refuses to show an application the signed-in key may not
// read, as if it did not exist to them.
func (rq *request) requireRead(app *appconfigd.Application) error {
	if !rq.p.CanRead(app.ID, app.Name) {
		return appconfigd.Errorf(appconfigd.ENotFound, "Application %s not found", app.ID)
	}
	return nil
}

// redirect answers a change with a redirect to the page that shows its
// result, and a one-time message for that page.
func (rq *request) redirect(to, message string) error {
	if message != "" {
		setFlash(rq.w, message, rq.s.Secure)
	}
	http.Redirect(rq.w, rq.Request, to, http.StatusSeeOther)
	return nil
}

// audit records the change rq made, or tried to make, in the audit trail
// under operation op with the key's name, as awsjson.Surface does for the
// AWS surfaces.
func (s *Server) audit(rq *request, op string, status int) {
	e := &appconfigd.AuditEntry{
		RequestID:   awsjson.RequestID(rq.Context()),
		AccessKeyID: rq.p.AccessKeyID,
		KeyName:     rq.p.Name,
		Operation:   op,
		Resource:    rq.URL.Path,
		Status:      status,
	}
	e.SetError(rq.failure)
	if err := s.Service.RecordAudit(context.WithoutCancel(rq.Context()), e); err != nil {
		s.Logger.Error("record audit entry", "request_id", e.RequestID, "operation", op, "err", err)
	}
}

// statusWriter remembers the status a change was answered with, for the
// audit trail.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status sent.
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write records 200 when no status was sent before.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
