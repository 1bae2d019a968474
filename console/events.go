package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/loadshed"
)

// Timing of a deployment's event stream. These are real time: the stream
// waits on the network, not on the service's clock.
const (
	// eventInterval is how often the stream looks for a change of the
	// deployment.
	eventInterval = time.Second
	// keepAliveInterval is how long the stream may stay silent before it
	// sends a comment, so that proxies do not take it for dead.
	keepAliveInterval = 15 * time.Second
	// eventWriteTimeout bounds each write to the stream. The server's
	// WriteTimeout would cut a long stream, so each write sets its own
	// deadline instead.
	eventWriteTimeout = 10 * time.Second
	// maxStreams bounds the event streams open at once. A stream gives
	// back its load-shedding slot (loadshed.Release), so that open pages
	// cannot starve polls; this bound takes the slots' place.
	maxStreams = 256
	// maxStreamLife ends a stream after a while; the browser's
	// EventSource then opens a new one, which is authenticated again.
	maxStreamLife = 5 * time.Minute
)

// handleDeploymentEvents streams a deployment's live state as server-sent
// events: a snapshot at once and another whenever it changes, until the
// deployment reaches a state it cannot leave by itself or the browser
// goes away. deployment.js reads it; without JavaScript the page is as
// fresh as its last load.
func (s *Server) handleDeploymentEvents(rq *request) error {
	a, e, d, err := s.deployment(rq)
	if err != nil {
		return err
	}
	snap, err := s.snapshot(rq, a, e, d)
	if err != nil {
		return err
	}
	select {
	case s.streams <- struct{}{}:
		defer func() { <-s.streams }()
	default:
		return appconfigd.Errorf(appconfigd.EThrottling, "%d live deployment pages are open, the most this server streams at once; close some and reload", maxStreams)
	}
	loadshed.Release(rq.Context())
	h := rq.w.Header()
	h.Set("Content-Type", "text/event-stream")
	// Buffering proxies (nginx) would hold the events back.
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(rq.w)
	rq.w.WriteHeader(http.StatusOK)
	ticker := time.NewTicker(eventInterval)
	defer ticker.Stop()
	var sent []byte
	lastWrite := time.Now()
	end := time.Now().Add(maxStreamLife)
	for {
		b, err := json.Marshal(snap)
		if err != nil {
			return s.endStream(rq, rc, err)
		}
		if !bytes.Equal(b, sent) {
			if err := writeEvent(rc, rq.w, "data: "+string(b)+"\n\n"); err != nil {
				return nil // The browser went away.
			}
			sent, lastWrite = b, time.Now()
		} else if time.Since(lastWrite) >= keepAliveInterval {
			if err := writeEvent(rc, rq.w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			lastWrite = time.Now()
		}
		if snap.Final {
			return nil
		}
		select {
		case <-rq.Context().Done():
			return nil
		case <-s.closing:
			return nil
		case <-ticker.C:
		}
		if time.Now().After(end) || !s.stillSignedIn(rq) {
			// A removed key, or a session that expired, ends the view
			// at once, as it ends every other page.
			return nil
		}
		if d, err = s.Service.GetDeployment(rq.ctx(), a.ID, e.ID, d.DeploymentNumber); err == nil {
			snap, err = s.snapshot(rq, a, e, d)
		}
		if err != nil {
			return s.endStream(rq, rc, err)
		}
	}
}

// endStream ends a stream that failed after it began, when the error page
// can no longer be sent: it tells the page with a "failure" event (the
// message of an appconfigd.Error; internal errors go to the log) and logs
// the error.
func (s *Server) endStream(rq *request, rc *http.ResponseController, err error) error {
	if rq.Context().Err() != nil {
		return nil
	}
	message := "The live view stopped because of an error on the server; reload the page."
	var e *appconfigd.Error
	if errors.As(err, &e) && e.Code != appconfigd.EInternal {
		message = e.Message
	} else {
		s.Logger.Error("console event stream failed", "path", rq.URL.Path, "err", err)
	}
	b, merr := json.Marshal(message)
	if merr != nil {
		return merr
	}
	_ = writeEvent(rc, rq.w, "event: failure\ndata: "+string(b)+"\n\n")
	return nil
}

// writeEvent writes one event and flushes it to the browser.
func writeEvent(rc *http.ResponseController, w http.ResponseWriter, event string) error {
	if err := rc.SetWriteDeadline(time.Now().Add(eventWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := fmt.Fprint(w, event); err != nil {
		return err
	}
	return rc.Flush()
}

// stillSignedIn reports whether the session that opened a stream is still
// valid and its key still there, with the same secret.
func (s *Server) stillSignedIn(rq *request) bool {
	if s.Keys == nil {
		return true
	}
	c, err := rq.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	session, err := s.Service.OpenConsoleSession(c.Value)
	if err != nil {
		return false
	}
	_, ok := s.sessionKey(session)
	return ok
}
