package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Defaults of the bare baseline: what appconfigd sends for the
// configuration the run command deploys.
const (
	defaultContentType  = "application/json"
	defaultVersionLabel = "load-v1"
	// defaultTokenLength is the length of a next poll token appconfigd
	// issues for a profile with seven-character IDs; run passes the length
	// it actually observed.
	defaultTokenLength = 111
	// pollIntervalSeconds is Next-Poll-Interval-In-Seconds for sessions
	// that requested no minimum interval.
	pollIntervalSeconds = "60"
)

// bareOptions are the flags of the bare subcommand.
type bareOptions struct {
	listen       string
	size         int
	tokenLength  int
	contentType  string
	versionLabel string
	// tlsCert and tlsKey, both set, make it serve HTTPS, as appconfigd
	// does with the same flags.
	tlsCert string
	tlsKey  string
}

// bareCommand serves the bare baseline until ctx is done. It prints the
// server's URL as its first stdout line.
func bareCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o bareOptions
	fs := flag.NewFlagSet("appconfigd-load bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "TCP `address` to listen on")
	fs.IntVar(&o.size, "size", 1024, "configuration size in `bytes`")
	fs.IntVar(&o.tokenLength, "token-length", defaultTokenLength, "length of the configuration tokens it issues")
	fs.StringVar(&o.contentType, "content-type", defaultContentType, "Content-Type of the configuration")
	fs.StringVar(&o.versionLabel, "version-label", defaultVersionLabel, "Version-Label of the configuration")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate `file`; with --tls-key it serves HTTPS")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	content, err := makeContent(o.size)
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load bare:", err)
		return 2
	}
	if o.tokenLength < 2 || o.tokenLength > 8192 {
		fmt.Fprintln(stderr, "appconfigd-load bare: --token-length must be 2..8192")
		return 2
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		fmt.Fprintln(stderr, "appconfigd-load bare: --tls-cert and --tls-key go together")
		return 2
	}
	h := newBareHandler(content, o.contentType, o.versionLabel, o.tokenLength)
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintln(stderr, "appconfigd-load bare:", err)
		return 1
	}
	srv := &http.Server{Handler: h.mux(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
		go func() { serveErr <- srv.ServeTLS(ln, o.tlsCert, o.tlsKey) }()
	} else {
		go func() { serveErr <- srv.Serve(ln) }()
	}
	fmt.Fprintf(stdout, "%s://%s\n", scheme, ln.Addr())

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		fmt.Fprintln(stderr, "appconfigd-load bare:", err)
		return 1
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintln(stderr, "appconfigd-load bare: shut down:", err)
		return 1
	}
	return 0
}

// bareHandler is the baseline: the least a server must do to answer
// AppConfigData polls with the same bytes appconfigd sends. It verifies no
// signature and seals no token. A poll with the initial token gets the
// full configuration, as appconfigd answers an initial token; a poll with
// any other token gets an empty body, as appconfigd answers a session that
// already has the latest version. The load generator therefore drives it
// exactly as it drives appconfigd.
type bareHandler struct {
	content      []byte
	contentType  string
	versionLabel string
	contentLen   string
	initialToken string
	nextToken    string
	sessionBody  []byte
	requests     atomic.Uint64
}

// newBareHandler returns a baseline serving content. Its tokens are
// tokenLength characters of base64url, like appconfigd's.
func newBareHandler(content []byte, contentType, versionLabel string, tokenLength int) *bareHandler {
	h := &bareHandler{
		content:      content,
		contentType:  contentType,
		versionLabel: versionLabel,
		contentLen:   strconv.Itoa(len(content)),
		initialToken: fakeToken('I', tokenLength),
		nextToken:    fakeToken('N', tokenLength),
	}
	h.sessionBody, _ = json.Marshal(map[string]string{"InitialConfigurationToken": h.initialToken})
	return h
}

// mux routes the two AppConfigData operations.
func (h *bareHandler) mux() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /configurationsessions", h.startSession)
	m.HandleFunc("GET /configuration", h.getConfiguration)
	return m
}

// startSession answers StartConfigurationSession with the initial token.
// Sessions are set up before the measured phase; this is not timed.
func (h *bareHandler) startSession(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 16<<10))
	hdr := w.Header()
	hdr.Set("X-Amzn-Requestid", h.requestID())
	hdr.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(h.sessionBody)
}

// getConfiguration answers GetLatestConfiguration with the headers
// appconfigd sends: a request ID, the next token, the poll interval, the
// content type, the version label on full responses and the length.
func (h *bareHandler) getConfiguration(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("configuration_token")
	if token == "" {
		http.Error(w, "configuration_token is required", http.StatusBadRequest)
		return
	}
	hdr := w.Header()
	hdr.Set("X-Amzn-Requestid", h.requestID())
	hdr.Set("Next-Poll-Configuration-Token", h.nextToken)
	hdr.Set("Next-Poll-Interval-In-Seconds", pollIntervalSeconds)
	hdr.Set("Content-Type", h.contentType)
	if token != h.initialToken {
		hdr.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	hdr.Set("Version-Label", h.versionLabel)
	hdr.Set("Content-Length", h.contentLen)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.content)
}

// requestID returns a UUID-shaped request ID, as long as appconfigd's,
// from a counter rather than a random source.
func (h *bareHandler) requestID() string {
	const hexdigits = "0123456789abcdef"
	n := h.requests.Add(1)
	var b [36]byte
	for i := len(b) - 1; i >= 0; i-- {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
		default:
			b[i] = hexdigits[n&0xf]
			n >>= 4
		}
	}
	return string(b[:])
}

// fakeToken returns a token-shaped string: first, then base64url
// characters from a fixed pseudo-random sequence, n characters in all.
func fakeToken(first byte, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, n)
	b[0] = first
	x := uint32(2463534242)
	for i := 1; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alphabet[x%64]
	}
	return string(b)
}
