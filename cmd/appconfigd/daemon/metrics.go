package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/metrics"
)

// metricsPath is where the metrics are served.
const metricsPath = "/metrics"

// requestRecorder is the ResponseWriter logRequests hands on: it collects
// the status sent and the labels the router's handlers give the request,
// which start as metrics.Unknown.
type requestRecorder struct {
	http.ResponseWriter
	status             int
	surface, operation string
}

// WriteHeader implements http.ResponseWriter.
func (r *requestRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (r *requestRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *requestRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// ObserveOperation implements awsjson.OperationObserver.
func (r *requestRecorder) ObserveOperation(name string) { r.operation = name }

// labelled returns h labelling its requests with surface and, unless
// operation is "" (awsjson.Surface names it), operation.
func labelled(surface, operation string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*requestRecorder); ok {
			rec.surface = surface
			if operation != "" {
				rec.operation = operation
			}
		}
		h.ServeHTTP(w, r)
	})
}

// labelRoutes labels the requests of routes, whose operations
// awsjson.Surface names, with surface.
func labelRoutes(surface string, routes []awsjson.Route) []awsjson.Route {
	out := make([]awsjson.Route, len(routes))
	for i, rt := range routes {
		rt.Handler = labelled(surface, "", rt.Handler)
		out[i] = rt
	}
	return out
}

// withSTSLabels labels the requests sts serves as STS's one operation
// and hands the others to next with the labels reset, for the router's
// routes to set: which requests STS takes is its own business (stsapi).
func withSTSLabels(wrap func(http.Handler) http.Handler, next http.Handler) http.Handler {
	return labelled(metrics.SurfaceSTS, "GetCallerIdentity", wrap(labelled(metrics.Unknown, metrics.Unknown, next)))
}

// serveMetrics serves GET /metrics alone on Config.MetricsListen, so that
// the metrics can be kept to a network only the scraper reaches. The
// listener speaks plain HTTP, as scrapers of an internal address expect.
func (d *Daemon) serveMetrics() error {
	ln, err := net.Listen("tcp", d.Config.MetricsListen)
	if err != nil {
		return fmt.Errorf("listen for metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, d.metrics.Handler())
	d.metricsAddr = ln.Addr()
	d.metricsServer = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(d.Logger.Handler(), slog.LevelWarn),
	}
	server := d.metricsServer
	go func() {
		if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			d.Logger.Error("metrics listener failed", "err", err)
		}
	}()
	return nil
}

// MetricsAddr returns the address of the --metrics-listen listener, or ""
// when the metrics are served on the main listener.
func (d *Daemon) MetricsAddr() string {
	if d.metricsAddr == nil {
		return ""
	}
	return d.metricsAddr.String()
}

// closeMetrics stops the metrics listener, if there is one.
func (d *Daemon) closeMetrics() error {
	if d.metricsServer == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := d.metricsServer.Shutdown(ctx)
	d.metricsServer = nil
	if err != nil {
		return fmt.Errorf("shut down metrics listener: %w", err)
	}
	return nil
}

// watchService reports svc's deployments, what it serves and how fast
// the changes it commits reach its data plane.
func (d *Daemon) watchService(svc *appconfigd.Service) {
	d.metrics.WatchServing(svc.Serving)
	svc.ChangePropagated = d.metrics.ObserveLocalChange
}
