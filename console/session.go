package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
)

// Cookies the console sets. Both are scoped to Path, HttpOnly and
// SameSite=Strict, so a page of another site can neither read them nor
// make the browser send them.
const (
	sessionCookie = "appconfigd_console"
	flashCookie   = "appconfigd_console_flash"
)

// signInData is what the sign-in page shows.
type signInData struct {
	Next        string
	AccessKeyID string
	KeyField    string
	SecretField string
}

// handleSignInPage shows the sign-in form. With authentication off nobody
// signs in, and it goes to the applications.
func (s *Server) handleSignInPage(rq *request) error {
	if s.Keys == nil {
		http.Redirect(rq.w, rq.Request, Path+"/applications", http.StatusSeeOther)
		return nil
	}
	return rq.render(http.StatusOK, "signin", "Sign in", s.signInData(rq))
}

func (s *Server) signInData(rq *request) signInData {
	return signInData{
		Next:        safeNext(rq.FormValue("next")),
		AccessKeyID: rq.PostFormValue(auth.FormAccessKeyID),
		KeyField:    auth.FormAccessKeyID,
		SecretField: auth.FormSecretAccessKey,
	}
}

// handleSignIn checks the access key ID and secret posted by the sign-in
// form and, when they are right, starts a session.
func (s *Server) handleSignIn(rq *request) error {
	if s.Keys == nil {
		http.Redirect(rq.w, rq.Request, Path+"/applications", http.StatusSeeOther)
		return nil
	}
	p, err := s.SignIn.Authenticate(rq.Request)
	if err != nil {
		// The key ID is logged only when it is one of the server's: a
		// secret pasted into the wrong field must not reach the log.
		id := rq.PostFormValue(auth.FormAccessKeyID)
		if _, _, known := s.Keys.LookupAccessKey(id); !known {
			id = "(unknown)"
		}
		s.Logger.Info("console sign-in refused", "access_key_id", id, "remote_addr", rq.RemoteAddr, "err", err)
		return rq.showError(err, "signin", "Sign in", s.signInData(rq))
	}
	secret, _, ok := s.Keys.LookupAccessKey(p.AccessKeyID)
	if !ok {
		// The key went away between the check and now.
		return rq.showError(appconfigd.Errorf(appconfigd.EUnrecognizedClient, "The access key %s is not one of this server's", p.AccessKeyID), "signin", "Sign in", s.signInData(rq))
	}
	sealed, session, err := s.Service.StartConsoleSession(p.AccessKeyID, appconfigd.ConsoleSecretCheck(secret))
	if err != nil {
		return err
	}
	http.SetCookie(rq.w, &http.Cookie{
		Name:     sessionCookie,
		Value:    sealed,
		Path:     Path,
		Expires:  session.ExpiresAt,
		MaxAge:   int(time.Until(session.ExpiresAt).Seconds()),
		HttpOnly: true,
		Secure:   s.Secure,
		SameSite: http.SameSiteStrictMode,
	})
	s.Logger.Info("console sign-in", "access_key_id", p.AccessKeyID, "key_name", p.Name, "remote_addr", rq.RemoteAddr)
	return rq.redirect(safeNext(rq.FormValue("next")), "Signed in as "+p.Name+".")
}

// handleSignOut ends the session in this browser by deleting its cookie.
// A sealed session cannot be revoked elsewhere; it lapses after
// appconfigd.ConsoleSessionTTL, or at once when its key is removed.
func (s *Server) handleSignOut(rq *request) error {
	http.SetCookie(rq.w, &http.Cookie{Name: sessionCookie, Path: Path, MaxAge: -1, HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteStrictMode})
	http.Redirect(rq.w, rq.Request, Path+"/signin", http.StatusSeeOther)
	return nil
}

// safeNext returns next if it is a console path, so that the sign-in form
// cannot be made to send a user to another site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, Path+"/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return Path + "/applications"
	}
	return u.RequestURI()
}

// maxFlashBytes bounds a one-time message as its cookie holds it
// (percent-encoded), so that the cookie stays under 1 KiB, well within
// what browsers keep.
const maxFlashBytes = 900

// setFlash keeps a one-time message for the next page the browser shows,
// shortened to fit its cookie.
func setFlash(w http.ResponseWriter, message string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(shortenFlash(message)), Path: Path, MaxAge: 60, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
}

// shortenFlash returns message if it fits a flash cookie, or else its
// beginning, cut at a character, with an ellipsis: a message that names
// a long resource is still worth showing.
func shortenFlash(message string) string {
	if len(url.QueryEscape(message)) <= maxFlashBytes {
		return message
	}
	const ellipsis = "…"
	room := maxFlashBytes - len(url.QueryEscape(ellipsis))
	for i, r := range message {
		room -= len(url.QueryEscape(string(r)))
		if room < 0 {
			return message[:i] + ellipsis
		}
	}
	return message
}

// takeFlash returns the one-time message, if any, and deletes it.
func (rq *request) takeFlash() string {
	c, err := rq.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(rq.w, &http.Cookie{Name: flashCookie, Path: Path, MaxAge: -1, HttpOnly: true, Secure: rq.s.Secure, SameSite: http.SameSiteStrictMode})
	message, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return shortenFlash(message)
}

// principalName is how the pages name the signed-in key.
func principalName(p appconfigd.Principal) string {
	if p.AccessKeyID == "" {
		return p.Name
	}
	return p.Name + " (" + p.AccessKeyID + ")"
}
