package validation_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/validation"
)

// webhook is a test webhook validator that answers with a fixed status and
// body and records the requests it gets.
type webhook struct {
	status int
	body   string

	mu       sync.Mutex
	requests []received
}

// received is what the webhook saw of one request.
type received struct {
	Method, Path, ContentType, ApplicationID, ProfileID, Version string
	Body                                                         string
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests = append(h.requests, received{
		Method:        r.Method,
		Path:          r.URL.Path,
		ContentType:   r.Header.Get("Content-Type"),
		ApplicationID: r.Header.Get(validation.HeaderApplicationID),
		ProfileID:     r.Header.Get(validation.HeaderConfigurationProfileID),
		Version:       r.Header.Get(validation.HeaderConfigurationVersion),
		Body:          string(body),
	})
	h.mu.Unlock()
	w.WriteHeader(h.status)
	io.WriteString(w, h.body)
}

func (h *webhook) calls() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.requests...)
}

// serveWebhook starts h on a local server, closed when the test ends.
func serveWebhook(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestValidateWebhook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		// wantErr lists fragments of the expected message; nil means the
		// configuration must pass.
		wantErr []string
		// notWant lists fragments the message must not contain.
		notWant []string
	}{
		{name: "WebhookOKPasses", status: http.StatusOK, body: "fine"},
		{name: "WebhookNoContentPasses", status: http.StatusNoContent},
		{name: "WebhookAcceptedPasses", status: http.StatusAccepted},
		{
			name:    "WebhookBadRequestRejects",
			status:  http.StatusBadRequest,
			body:    "port must be positive\n",
			wantErr: []string{"Validators[0]", "rejected the configuration", "400 Bad Request: port must be positive"},
		},
		{
			name:    "WebhookUnprocessableEntityRejects",
			status:  http.StatusUnprocessableEntity,
			body:    `{"error": "port must be positive"}`,
			wantErr: []string{"422 Unprocessable Entity: {\"error\": \"port must be positive\"}"},
		},
		{
			name:    "WebhookServerErrorRejects",
			status:  http.StatusInternalServerError,
			body:    "database down",
			wantErr: []string{"rejected the configuration", "500 Internal Server Error: database down"},
		},
		{
			name:    "WebhookEmptyBodyRejects",
			status:  http.StatusForbidden,
			wantErr: []string{"rejected the configuration: 403 Forbidden"},
		},
		{
			name:    "WebhookLongBodyTruncated",
			status:  http.StatusBadRequest,
			body:    strings.Repeat("y", 5000),
			wantErr: []string{strings.Repeat("y", 1024) + "…"},
			notWant: []string{strings.Repeat("y", 1025)},
		},
		{
			name:    "WebhookBodyControlCharactersFlattened",
			status:  http.StatusBadRequest,
			body:    "line one\r\nline\ttwo\x1b[31m",
			wantErr: []string{"line one line two [31m"},
			notWant: []string{"\n", "\x1b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &webhook{status: tt.status, body: tt.body}
			srv := serveWebhook(t, h)
			err := validation.NewRunner().Validate(context.Background(), profile(lambda(srv.URL+"/validate")), version(`{"port": 0}`))
			if got := len(h.calls()); got != 1 {
				t.Errorf("webhook called %d times; want 1", got)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Validate = %v; want nil", err)
				}
				return
			}
			e := asBadRequest(t, err)
			wantFragments(t, e.Message, tt.wantErr...)
			for _, f := range tt.notWant {
				if strings.Contains(e.Message, f) {
					t.Errorf("message = %q; want it without %q", e.Message, f)
				}
			}
			if len(e.InvalidConfiguration) != 1 || e.InvalidConfiguration[0].Type != "LAMBDA" {
				t.Errorf("InvalidConfiguration = %+v; want one LAMBDA detail", e.InvalidConfiguration)
			}
		})
	}
}

func TestValidateWebhookRequest(t *testing.T) {
	t.Parallel()
	h := &webhook{status: http.StatusNoContent}
	srv := serveWebhook(t, h)
	v := version("port: 8080\n")
	v.ContentType = "application/x-yaml; charset=utf-8"
	v.VersionNumber = 42
	if err := validation.NewRunner().Validate(context.Background(), profile(lambda(srv.URL+"/hooks/validate?token=s3cret")), v); err != nil {
		t.Fatalf("Validate = %v; want nil", err)
	}
	want := []received{{
		Method:        http.MethodPost,
		Path:          "/hooks/validate",
		ContentType:   "application/x-yaml; charset=utf-8",
		ApplicationID: "app1234",
		ProfileID:     "prof567",
		Version:       "42",
		Body:          "port: 8080\n",
	}}
	if diff := cmp.Diff(want, h.calls()); diff != "" {
		t.Errorf("webhook requests mismatch (-want +got):\n%s", diff)
	}
}

// TestValidateWebhookInjectedClient runs a webhook over TLS, which works
// only through the client the test injects.
func TestValidateWebhookInjectedClient(t *testing.T) {
	t.Parallel()
	h := &webhook{status: http.StatusOK}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	r := &validation.Runner{HTTPClient: srv.Client()}
	if err := r.Validate(context.Background(), profile(lambda(srv.URL)), version(`{}`)); err != nil {
		t.Fatalf("Validate = %v; want nil", err)
	}
	if got := len(h.calls()); got != 1 {
		t.Errorf("webhook called %d times; want 1", got)
	}
}

func TestValidateWebhookUnreachable(t *testing.T) {
	t.Parallel()
	// A server that is closed at once leaves a local port nobody listens on.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/validate?token=s3cret"
	srv.Close()

	err := validation.NewRunner().Validate(context.Background(), profile(lambda(url)), version(`{}`))
	e := asBadRequest(t, err)
	wantFragments(t, e.Message, "Validators[0]", "could not be reached", strings.TrimPrefix(srv.URL, "http://"))
	if strings.Contains(e.Message, "s3cret") {
		t.Errorf("message = %q; want the URL's query left out", e.Message)
	}
}

// holdUntilClientGoesAway is a webhook that never answers. It reads the
// body first: the server notices a closed connection, and cancels the
// request context, only once the body has been consumed.
func holdUntilClientGoesAway(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func TestValidateWebhookTimeout(t *testing.T) {
	t.Parallel()
	srv := serveWebhook(t, http.HandlerFunc(holdUntilClientGoesAway))
	r := &validation.Runner{Timeout: 100 * time.Millisecond}
	start := time.Now()
	err := r.Validate(context.Background(), profile(lambda(srv.URL)), version(`{}`))
	e := asBadRequest(t, err)
	wantFragments(t, e.Message, "could not be reached", "no response within 100ms")
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Validate took %v; want about 100ms", elapsed)
	}
}

// TestValidateWebhookCallerCancelled checks that a caller giving up is not
// reported as a bad configuration.
func TestValidateWebhookCallerCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	srv := serveWebhook(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		holdUntilClientGoesAway(w, r)
	}))
	err := validation.NewRunner().Validate(ctx, profile(lambda(srv.URL)), version(`{}`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Validate = %v; want context.Canceled", err)
	}
	if appconfigd.IsCode(err, appconfigd.EBadRequest) {
		t.Errorf("Validate = %v; want no EBadRequest for a cancelled caller", err)
	}
}

func TestValidateWebhookRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	target := &webhook{status: http.StatusOK}
	targetSrv := serveWebhook(t, target)
	redirector := serveWebhook(t, http.RedirectHandler(targetSrv.URL, http.StatusFound))

	err := validation.NewRunner().Validate(context.Background(), profile(lambda(redirector.URL)), version(`{}`))
	e := asBadRequest(t, err)
	wantFragments(t, e.Message, "302 Found", "redirects are not followed")
	if got := len(target.calls()); got != 0 {
		t.Errorf("redirect target called %d times; want 0", got)
	}
}

func TestValidateLambda(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		wantErr []string
	}{
		{
			name:    "LambdaARNFails",
			content: "arn:aws:lambda:us-east-1:111122223333:function:validate",
			wantErr: []string{"Validators[0] is a Lambda function", "arn:aws:lambda:us-east-1:111122223333:function:validate", "cannot invoke AWS Lambda", "webhook URL"},
		},
		{
			name:    "LambdaOtherTextFails",
			content: "validate-config",
			wantErr: []string{"validate-config", "cannot invoke AWS Lambda"},
		},
		{
			name:    "WebhookWithoutHostFails",
			content: "https:///validate",
			wantErr: []string{"Validators[0].Content is not a valid webhook URL"},
		},
	}
	r := validation.NewRunner()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := r.Validate(context.Background(), profile(lambda(tt.content)), version(`{}`))
			e := asBadRequest(t, err)
			wantFragments(t, e.Message, tt.wantErr...)
		})
	}
}

func TestValidateOrder(t *testing.T) {
	t.Parallel()
	t.Run("SecondValidatorFails", func(t *testing.T) {
		t.Parallel()
		h := &webhook{status: http.StatusBadRequest, body: "no"}
		srv := serveWebhook(t, h)
		err := validation.NewRunner().Validate(context.Background(),
			profile(jsonSchema(portSchema), lambda(srv.URL)), version(`{"port": 80}`))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, "Validators[1]", "rejected the configuration")
	})
	t.Run("SecondJSONSchemaFails", func(t *testing.T) {
		t.Parallel()
		err := validation.NewRunner().Validate(context.Background(),
			profile(jsonSchema(portSchema), jsonSchema(`{"properties": {"port": {"maximum": 1024}}}`)),
			version(`{"port": 8080}`))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, "Validators[1]", "/port")
	})
	t.Run("FirstFailureStopsTheRest", func(t *testing.T) {
		t.Parallel()
		h := &webhook{status: http.StatusOK}
		srv := serveWebhook(t, h)
		err := validation.NewRunner().Validate(context.Background(),
			profile(jsonSchema(portSchema), lambda(srv.URL)), version(`{"port": 0}`))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, "Validators[0]")
		if got := len(h.calls()); got != 0 {
			t.Errorf("second validator called %d times; want 0", got)
		}
	})
	t.Run("AllPass", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := serveWebhook(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		err := validation.NewRunner().Validate(context.Background(),
			profile(jsonSchema(portSchema), lambda(srv.URL)), version(`{"port": 80}`))
		if err != nil {
			t.Fatalf("Validate = %v; want nil", err)
		}
		if got := hits.Load(); got != 1 {
			t.Errorf("webhook called %d times; want 1", got)
		}
	})
	t.Run("NoValidatorsPass", func(t *testing.T) {
		t.Parallel()
		if err := validation.NewRunner().Validate(context.Background(), profile(), version("anything")); err != nil {
			t.Fatalf("Validate = %v; want nil", err)
		}
	})
	t.Run("UnknownTypeFails", func(t *testing.T) {
		t.Parallel()
		err := validation.NewRunner().Validate(context.Background(),
			profile(appconfigd.Validator{Type: "XML_SCHEMA", Content: "<x/>"}), version(`{}`))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, "Validators[0].Type", "XML_SCHEMA")
	})
}
