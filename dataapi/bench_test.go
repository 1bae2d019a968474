package dataapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/dataapi"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/validation"
)

// The benchmarks below measure the data plane's handlers in process, with
// no network: the same router and request-ID middleware the daemon
// mounts, a real Service on SQLite and real AES-GCM tokens. Each has a
// Bare counterpart, a plain handler that writes the same headers and bytes
// with no authentication, no token and no lookup, so the difference is
// what appconfigd adds per poll. cmd/appconfigd-load measures the same
// over loopback TCP; docs/PERFORMANCE.md has both.

// benchSizes are the configuration sizes measured.
var benchSizes = []struct {
	name string
	size int
}{
	{"1KB", 1 << 10},
	{"1MB", 1 << 20},
}

// sdkHeaders are the headers aws-sdk-go-v2 sends with GetLatestConfiguration.
// The server accepts any signature, so a fixed one costs what a fresh one
// would.
var sdkHeaders = http.Header{
	"Accept-Encoding":       {"gzip"},
	"Amz-Sdk-Invocation-Id": {"4a93630e-b8b1-4845-81f4-e4438544c918"},
	"Amz-Sdk-Request":       {"attempt=1; max=3"},
	"Authorization":         {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/appconfig/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;host;x-amz-date, Signature=27a0ebc8c91a6e2e0a7fdca5709c6971eba2d5ef0303dea1b7ddbf8ccef63f9d"},
	"User-Agent":            {"aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/appconfigdata#1.28.1 m/E,e"},
	"X-Amz-Date":            {"20260101T000000Z"},
}

// benchContent returns a JSON document of exactly size bytes.
func benchContent(size int) []byte {
	b := make([]byte, 0, size)
	b = append(b, `{"flags":{`...)
	for i := 0; len(b)+64 < size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"flag-`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `":{"enabled":true,"rollout":42}`...)
	}
	b = append(b, `},"padding":"`...)
	for len(b) < size-2 {
		b = append(b, 'x')
	}
	return append(b, `"}`...)
}

// benchServer is a data plane serving one deployed hosted configuration.
type benchServer struct {
	handler http.Handler
	session []byte // StartConfigurationSession request body
	content []byte
}

// newBenchServer opens a SQLite store in a temporary directory, deploys a
// configuration of size bytes with AppConfig.AllAtOnce through the Service
// API and returns the data plane's handler.
func newBenchServer(b *testing.B, size int) *benchServer {
	b.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() })
	// The real clock, as the binary has: reading it is part of a poll's cost.
	svc := apptest.NewService(b, store, appconfigd.SystemClock{}, validation.NewRunner(), nil)
	app, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "bench"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	env, err := svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "prod"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	prof, err := svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "config", LocationURI: "hosted"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	content := benchContent(size)
	ver, err := svc.CreateHostedConfigurationVersion(ctx, app.ID, prof.ID, &appconfigd.HostedConfigurationVersion{
		Content: content, ContentType: "application/json", VersionLabel: "v1",
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	_, err = svc.StartDeployment(ctx, app.ID, env.ID, appconfigd.StartDeploymentInput{
		DeploymentStrategyID:   "AppConfig.AllAtOnce",
		ConfigurationProfileID: prof.ID,
		ConfigurationVersion:   strconv.Itoa(ver.VersionNumber),
	})
	if err != nil {
		b.Fatal(err)
	}
	data := &dataapi.Server{Service: svc, Auth: auth.AcceptAll{}, Logger: svc.Logger}
	session, _ := json.Marshal(map[string]string{
		"ApplicationIdentifier":          app.ID,
		"EnvironmentIdentifier":          env.ID,
		"ConfigurationProfileIdentifier": prof.ID,
	})
	return &benchServer{
		handler: awsjson.WithRequestID(awsjson.NewRouter(data.Routes())),
		session: session,
		content: content,
	}
}

// startSession calls StartConfigurationSession and returns the initial
// token.
func (s *benchServer) startSession(tb testing.TB) string {
	tb.Helper()
	w := newDiscardWriter(true)
	s.handler.ServeHTTP(w, sessionRequest(s.session))
	if w.status != http.StatusCreated {
		tb.Fatalf("StartConfigurationSession: status %d: %s", w.status, w.body.Bytes())
	}
	var out struct{ InitialConfigurationToken string }
	if err := json.Unmarshal(w.body.Bytes(), &out); err != nil || out.InitialConfigurationToken == "" {
		tb.Fatalf("StartConfigurationSession: %v: %s", err, w.body.Bytes())
	}
	return out.InitialConfigurationToken
}

// sessionRequest returns a StartConfigurationSession request with body.
func sessionRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/configurationsessions", bytes.NewReader(body))
	for k, v := range sdkHeaders {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}

// pollRequest returns a GetLatestConfiguration request for token: a
// shallow copy of base with its own URL, as the server would parse one.
func pollRequest(base *http.Request, token string) *http.Request {
	r := *base
	u := *base.URL
	u.RawQuery = "configuration_token=" + token
	r.URL = &u
	r.RequestURI = "/configuration?" + u.RawQuery
	return &r
}

// newPollBase returns the request pollRequest copies.
func newPollBase() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/configuration", nil)
	for k, v := range sdkHeaders {
		r.Header[k] = v
	}
	return r
}

// discardWriter is a ResponseWriter that counts the body instead of
// keeping it (unless asked to), so a 1 MB benchmark measures the server
// rather than a growing buffer.
type discardWriter struct {
	header http.Header
	status int
	n      int
	keep   bool
	body   bytes.Buffer
}

// newDiscardWriter returns a writer; with keep it also keeps the body.
func newDiscardWriter(keep bool) *discardWriter {
	return &discardWriter{header: make(http.Header, 8), keep: keep}
}

// reset readies w for the next request.
func (w *discardWriter) reset() {
	clear(w.header)
	w.status, w.n = 0, 0
	w.body.Reset()
}

// Header implements http.ResponseWriter.
func (w *discardWriter) Header() http.Header { return w.header }

// WriteHeader implements http.ResponseWriter.
func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

// Write implements http.ResponseWriter, counting the bytes.
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	if w.keep {
		w.body.Write(p)
	}
	return len(p), nil
}

// poll sends one GetLatestConfiguration to h and returns the next token,
// failing tb unless the status is 200 and the body has want bytes.
func poll(tb testing.TB, h http.Handler, w *discardWriter, base *http.Request, token string, want int) string {
	w.reset()
	h.ServeHTTP(w, pollRequest(base, token))
	if w.status != http.StatusOK || w.n != want {
		tb.Fatalf("GetLatestConfiguration: status %d, %d bytes; want 200, %d bytes", w.status, w.n, want)
	}
	next := w.header.Get("Next-Poll-Configuration-Token")
	if next == "" {
		tb.Fatal("GetLatestConfiguration: no Next-Poll-Configuration-Token")
	}
	return next
}

// benchPolls runs the Unchanged and Changed sub-benchmarks for every size
// against the handler newHandler returns. initial starts a session on it.
//
// Unchanged: one session polls with each response's fresh next token, and
// every response is empty. Changed: the session's initial token is used
// again and again, and every response carries the whole configuration.
func benchPolls(b *testing.B, newHandler func(b *testing.B, size int) (h http.Handler, initial func(testing.TB) string)) {
	for _, mode := range []string{"Unchanged", "Changed"} {
		b.Run(mode, func(b *testing.B) {
			for _, sz := range benchSizes {
				b.Run(sz.name, func(b *testing.B) {
					h, initial := newHandler(b, sz.size)
					w := newDiscardWriter(false)
					base := newPollBase()
					tok := initial(b)
					if mode == "Unchanged" {
						tok = poll(b, h, w, base, tok, sz.size)
						b.ReportAllocs()
						for b.Loop() {
							tok = poll(b, h, w, base, tok, 0)
						}
						return
					}
					b.SetBytes(int64(sz.size))
					b.ReportAllocs()
					for b.Loop() {
						poll(b, h, w, base, tok, sz.size)
					}
				})
			}
		})
	}
}

// BenchmarkGetLatestConfiguration measures appconfigd's GetLatestConfiguration.
func BenchmarkGetLatestConfiguration(b *testing.B) {
	benchPolls(b, func(b *testing.B, size int) (http.Handler, func(testing.TB) string) {
		s := newBenchServer(b, size)
		return s.handler, s.startSession
	})
}

// BenchmarkGetLatestConfigurationBare measures the bare baseline: a plain
// handler sending the same headers and bytes.
func BenchmarkGetLatestConfigurationBare(b *testing.B) {
	benchPolls(b, func(b *testing.B, size int) (http.Handler, func(testing.TB) string) {
		h := newBareHandler(benchContent(size))
		return h, func(testing.TB) string { return h.initial }
	})
}

// BenchmarkGetLatestConfigurationParallel measures unchanged polls of 1 KB
// from GOMAXPROCS goroutines, each with its own session, to show
// contention inside the server.
func BenchmarkGetLatestConfigurationParallel(b *testing.B) {
	run := func(b *testing.B, h http.Handler, initial func(testing.TB) string) {
		// Start the sessions and take their full first poll before the
		// timer runs; each goroutine then takes one session.
		base := newPollBase()
		tokens := make([]string, runtime.GOMAXPROCS(0))
		for i := range tokens {
			tokens[i] = poll(b, h, newDiscardWriter(false), base, initial(b), 1<<10)
		}
		var next atomic.Int32
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			w := newDiscardWriter(false)
			base := newPollBase()
			tok := tokens[int(next.Add(1)-1)%len(tokens)]
			for pb.Next() {
				tok = poll(b, h, w, base, tok, 0)
			}
		})
	}
	b.Run("Unchanged/1KB", func(b *testing.B) {
		s := newBenchServer(b, 1<<10)
		run(b, s.handler, s.startSession)
	})
	b.Run("Unchanged/1KB/Bare", func(b *testing.B) {
		h := newBareHandler(benchContent(1 << 10))
		run(b, h, func(testing.TB) string { return h.initial })
	})
}

// BenchmarkStartConfigurationSession measures starting a session.
func BenchmarkStartConfigurationSession(b *testing.B) {
	s := newBenchServer(b, 1<<10)
	w := newDiscardWriter(true)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		s.handler.ServeHTTP(w, sessionRequest(s.session))
		if w.status != http.StatusCreated {
			b.Fatalf("status %d: %s", w.status, w.body.Bytes())
		}
	}
}

// bareHandler is the baseline: it answers the initial token with the
// whole configuration and any other token with an empty body, with the
// headers appconfigd sends, and does nothing else.
type bareHandler struct {
	content    []byte
	contentLen string
	initial    string
	next       string
}

// newBareHandler returns a baseline serving content.
func newBareHandler(content []byte) *bareHandler {
	return &bareHandler{
		content:    content,
		contentLen: strconv.Itoa(len(content)),
		// Tokens as long as appconfigd's.
		initial: "I" + string(bytes.Repeat([]byte("t"), 110)),
		next:    "N" + string(bytes.Repeat([]byte("t"), 123)),
	}
}

// ServeHTTP answers GET /configuration.
func (h *bareHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/configuration" {
		http.NotFound(w, r)
		return
	}
	token := r.URL.Query().Get("configuration_token")
	hdr := w.Header()
	hdr.Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	hdr.Set("Next-Poll-Configuration-Token", h.next)
	hdr.Set("Next-Poll-Interval-In-Seconds", "60")
	hdr.Set("Content-Type", "application/json")
	if token != h.initial {
		hdr.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	hdr.Set("Version-Label", "v1")
	hdr.Set("Content-Length", h.contentLen)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.content)
}
