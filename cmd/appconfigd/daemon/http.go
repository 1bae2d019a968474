package daemon

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/internal/version"
	"github.com/appconfigd/appconfigd/metrics"
)

// handleHealthz answers as long as the process serves HTTP, with the
// version that serves, so that a rolling upgrade can be watched.
func (d *Daemon) handleHealthz(w http.ResponseWriter, r *http.Request) {
	awsjson.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": version.Read().Version})
}

// handleReadyz answers 200 when the store takes writes and answers a
// query, and 503 otherwise, with the reason. While writes fail it probes
// whether they work again (Service.CheckWrites), so readiness comes back
// without a restart once the disk has room or the database is back.
// Writes that fail are logged by the Service, once; only a failed read is
// logged here.
func (d *Daemon) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if state := d.service.CheckWrites(ctx); state.Failing {
		notReady(w, state.Reason)
		return
	}
	err := d.service.Store.View(ctx, func(tx appconfigd.Tx) error {
		_, err := tx.CountApplications(ctx)
		return err
	})
	if err != nil {
		d.Logger.Warn("not ready", "err", err)
		reason := "the database does not answer"
		var e *appconfigd.Error
		if errors.As(err, &e) {
			reason = e.Message
		}
		notReady(w, reason)
		return
	}
	awsjson.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// notReady answers /readyz with 503 and why.
func notReady(w http.ResponseWriter, reason string) {
	awsjson.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
}

// logRequests logs every request at debug level, and failures at info,
// and counts it in the metrics with the labels the router's handlers gave
// it (requestRecorder). It runs outside load shedding, so that refused
// requests are logged and counted too.
func (d *Daemon) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &requestRecorder{ResponseWriter: w, surface: metrics.Unknown, operation: metrics.Unknown}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		elapsed := time.Since(start)
		d.metrics.Operation(rec.surface, rec.operation).Observe(status, elapsed)
		level := slogLevelFor(status)
		if !d.Logger.Enabled(r.Context(), level) {
			return
		}
		d.Logger.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "status", status,
			"duration", elapsed, "request_id", awsjson.RequestID(r.Context()))
	})
}
