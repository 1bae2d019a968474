package dataapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/loadshed"
)

// streamLife is how long a stream of changes lasts before the server ends
// it and the client reconnects with its newest token (docs/WIRE.md §2.5),
// so that streams move to new replicas as the fleet of servers changes.
const streamLife = 10 * time.Minute

// streamWriteTimeout bounds the writing of one event to a client that
// does not read.
const streamWriteTimeout = 10 * time.Second

// streamConfiguration is an event's data for a new version.
type streamConfiguration struct {
	Configuration              []byte
	ContentType                string
	VersionLabel               string
	VersionNumber              int
	NextPollConfigurationToken string
	NextPollIntervalInSeconds  int
}

// streamToken is an event's data after a wait that ended unchanged.
type streamToken struct {
	NextPollConfigurationToken string
	NextPollIntervalInSeconds  int
}

// handleConfigurationStream serves GET /configuration/stream
// (docs/WIRE.md §2.5): one poll that waits for a change after another,
// each answer an event. Until the first poll has passed its checks and
// starts to wait, or answers, an error is an AWS JSON error like a poll's;
// after that it is an error event that ends the stream.
func (s *Server) handleConfigurationStream(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	token, err := requiredToken(r.URL)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		// A stream holds no load-shedding slot: streams are bounded by
		// the waiters' limit.
		loadshed.Release(ctx)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		_ = rc.Flush()
	}
	end := time.Now().Add(streamLife)
	stopped := s.Service.StoppedWaiting()
	for {
		extendDeadlines(rc)
		out, err := s.Service.GetLatestConfiguration(ctx, token, appconfigd.PollOptions{
			Wait: appconfigd.MaxWaitForChange, MustWait: true, Waiting: start,
		})
		switch {
		case err != nil && !started:
			return err
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			return s.writeErrorEvent(ctx, w, rc, err)
		}
		start()
		token = out.NextPollConfigurationToken
		var event string
		var data any
		if len(out.Content) > 0 || out.VersionLabel != "" {
			event, data = "configuration", streamConfiguration{
				Configuration: out.Content, ContentType: out.ContentType, VersionLabel: out.VersionLabel,
				VersionNumber: out.VersionNumber, NextPollConfigurationToken: token, NextPollIntervalInSeconds: out.NextPollIntervalInSeconds,
			}
		} else {
			event, data = "token", streamToken{NextPollConfigurationToken: token, NextPollIntervalInSeconds: out.NextPollIntervalInSeconds}
		}
		if err := writeEvent(w, rc, event, data); err != nil {
			s.logger().Debug("write configuration event", "request_id", awsjson.RequestID(ctx), "err", err)
			return nil
		}
		select {
		case <-stopped:
			return nil
		default:
		}
		if time.Now().After(end) {
			return nil
		}
	}
}

// writeErrorEvent ends a stream with the error a poll would have
// answered, named as the data plane's error table names it.
func (s *Server) writeErrorEvent(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, err error) error {
	name, message := awsjson.InternalServerException.Name, "internal error"
	var e *appconfigd.Error
	if errors.As(err, &e) {
		if ex, ok := exceptions[e.Code]; ok {
			name = ex.Name
		}
		if e.Code != appconfigd.EInternal {
			message = e.Message
		}
	}
	if name == awsjson.InternalServerException.Name {
		s.logger().Error("configuration stream", "request_id", awsjson.RequestID(ctx), "err", err)
	}
	if err := writeEvent(w, rc, "error", map[string]string{"__type": name, "Message": message}); err != nil {
		s.logger().Debug("write error event", "request_id", awsjson.RequestID(ctx), "err", err)
	}
	return nil
}

// writeEvent writes one server-sent event whose data is v as one line of
// JSON, and flushes it.
func writeEvent(w http.ResponseWriter, rc *http.ResponseController, event string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_ = rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	buf := make([]byte, 0, len(event)+len(data)+16)
	buf = append(buf, "event: "...)
	buf = append(buf, event...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, data...)
	buf = append(buf, "\n\n"...)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	return rc.Flush()
}
