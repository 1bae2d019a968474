package daemon

import (
	"context"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// handleHealthz answers as long as the process serves HTTP.
func (d *Daemon) handleHealthz(w http.ResponseWriter, r *http.Request) {
	awsjson.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when the store answers a query, 503 otherwise.
func (d *Daemon) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := d.service.Store.View(ctx, func(tx appconfigd.Tx) error {
		_, err := tx.CountApplications(ctx)
		return err
	})
	if err != nil {
		d.Logger.Warn("not ready", "err", err)
		awsjson.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	awsjson.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logRequests logs every request at debug level, and failures at info.
func (d *Daemon) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slogLevelFor(rec.status)
		if !d.Logger.Enabled(r.Context(), level) {
			return
		}
		d.Logger.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration", time.Since(start), "request_id", awsjson.RequestID(r.Context()))
	})
}
