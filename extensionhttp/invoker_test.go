package extensionhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/extensionhttp"
	"github.com/appconfigd/appconfigd/validation"
)

// request makes an action request at point for the action at uri.
func request(point appconfigd.ActionPoint, uri string) *appconfigd.ActionRequest {
	ev := appconfigd.ActionEvent{
		Point:                point,
		Application:          appconfigd.ActionResource{ID: "app1234", Name: "MyApp"},
		Environment:          appconfigd.ActionResource{ID: "env1234", Name: "MyEnv"},
		ConfigurationProfile: appconfigd.ActionResource{ID: "pro1234", Name: "MyProfile"},
		DeploymentNumber:     3,
		Description:          "nightly",
		ConfigurationVersion: "2",
	}
	if point == appconfigd.ActionPreCreateHostedConfigurationVersion || point == appconfigd.ActionPreStartDeployment {
		ev.Content, ev.ContentType = []byte("hello"), "text/plain"
	}
	if point == appconfigd.ActionPreCreateHostedConfigurationVersion {
		ev.Environment, ev.DeploymentNumber = appconfigd.ActionResource{}, 0
	}
	return &appconfigd.ActionRequest{
		ActionEvent:   ev,
		InvocationID:  "7itcaxp",
		ExtensionName: "Backup",
		Action:        appconfigd.ExtensionAction{Name: "BackUp", URI: uri},
		Parameters:    map[string]string{"S3_BUCKET": "backups"},
	}
}

// server starts an action endpoint that answers with handler.
func server(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

// hanging starts an action endpoint that never answers until the test
// ends.
func hanging(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := server(t, func(http.ResponseWriter, *http.Request) { <-release })
	// Cleanups run last-in first-out: release the handlers, then close.
	t.Cleanup(func() { close(release) })
	return srv
}

// answering returns a handler that answers 200 with body.
func answering(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, body)
	}
}

func invoke(t *testing.T, inv *extensionhttp.Invoker, req *appconfigd.ActionRequest) *appconfigd.ActionResponse {
	t.Helper()
	resp, err := inv.Invoke(t.Context(), req)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	return resp
}

func TestInvokerEvent(t *testing.T) {
	t.Parallel()
	common := map[string]any{
		"InvocationId":         "7itcaxp",
		"Parameters":           map[string]any{"S3_BUCKET": "backups"},
		"Application":          map[string]any{"Id": "app1234", "Name": "MyApp"},
		"ConfigurationProfile": map[string]any{"Id": "pro1234", "Name": "MyProfile"},
		"Description":          "nightly",
		"ConfigurationVersion": "2",
	}
	deployment := map[string]any{
		"Environment":      map[string]any{"Id": "env1234", "Name": "MyEnv"},
		"DeploymentNumber": float64(3),
	}
	content := map[string]any{"Content": "aGVsbG8=", "ContentType": "text/plain"}
	tests := []struct {
		point appconfigd.ActionPoint
		parts []map[string]any
		typ   string
	}{
		{appconfigd.ActionPreCreateHostedConfigurationVersion, []map[string]any{content}, "PreCreateHostedConfigurationVersion"},
		{appconfigd.ActionPreStartDeployment, []map[string]any{deployment, content}, "PreStartDeployment"},
		{appconfigd.ActionOnDeploymentStart, []map[string]any{deployment}, "OnDeploymentStart"},
		{appconfigd.ActionOnDeploymentStep, []map[string]any{deployment}, "OnDeploymentStep"},
		{appconfigd.ActionOnDeploymentBaking, []map[string]any{deployment}, "OnDeploymentBaking"},
		{appconfigd.ActionOnDeploymentComplete, []map[string]any{deployment}, "OnDeploymentComplete"},
		{appconfigd.ActionOnDeploymentRolledBack, []map[string]any{deployment}, "OnDeploymentRolledBack"},
		{appconfigd.ActionAtDeploymentTick, []map[string]any{deployment}, "AtDeploymentTick"},
	}
	for _, tt := range tests {
		t.Run(string(tt.point), func(t *testing.T) {
			t.Parallel()
			type seen struct {
				method, contentType string
				body                map[string]any
			}
			got := make(chan seen, 1)
			srv := server(t, func(w http.ResponseWriter, r *http.Request) {
				var body map[string]any
				if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
					t.Errorf("decode event: %v", err)
				}
				got <- seen{r.Method, r.Header.Get("Content-Type"), body}
			})
			if resp := invoke(t, &extensionhttp.Invoker{}, request(tt.point, srv.URL)); resp.Failed() {
				t.Fatalf("Invoke = %+v, want success", resp)
			}
			want := map[string]any{"Type": tt.typ}
			for _, part := range append([]map[string]any{common}, tt.parts...) {
				for k, v := range part {
					want[k] = v
				}
			}
			s := <-got
			if s.method != http.MethodPost || s.contentType != "application/json" {
				t.Errorf("request %s with Content-Type %q, want POST with application/json", s.method, s.contentType)
			}
			if diff := cmp.Diff(want, s.body); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvokerEventWithoutOptionalMembers(t *testing.T) {
	t.Parallel()
	got := make(chan map[string]any, 1)
	srv := server(t, func(_ http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body
	})
	req := request(appconfigd.ActionOnDeploymentComplete, srv.URL)
	req.Parameters, req.Description = nil, ""
	invoke(t, &extensionhttp.Invoker{}, req)
	body := <-got
	if p, ok := body["Parameters"].(map[string]any); !ok || len(p) != 0 {
		t.Errorf("Parameters = %#v, want {}", body["Parameters"])
	}
	if d, ok := body["Description"]; !ok || d != nil {
		t.Errorf("Description = %#v (present %v), want null", d, ok)
	}
}

func TestInvokerAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		want   appconfigd.ActionResponse
	}{
		{"EmptyBody", "", appconfigd.ActionResponse{}},
		{"Null", "null", appconfigd.ActionResponse{}},
		{"StatusCodeIgnored", `{"statusCode": 200}`, appconfigd.ActionResponse{}},
		{"NewContent", `{"statusCode": 200, "Content": "aGVsbG8h"}`, appconfigd.ActionResponse{HasContent: true, Content: []byte("hello!")}},
		{"Error", `{"Error": "BadRequestError", "Message": "PII was detected", "Details": [ {"Type": "NAME"} ]}`,
			appconfigd.ActionResponse{Error: "BadRequestError", Message: "PII was detected", Details: `[{"Type":"NAME"}]`}},
		{"ErrorWinsOverContent", `{"Error": "Blocked", "Content": "aGVsbG8h"}`, appconfigd.ActionResponse{Error: "Blocked"}},
		{"LowerCaseErrorIsNotAnError", `{"error": "x", "message": "y"}`, appconfigd.ActionResponse{}},
		{"RollBack", `{"Directive": "ROLL_BACK", "Description": "Monitor 7 is not OK"}`,
			appconfigd.ActionResponse{Directive: appconfigd.ActionRollBack, Description: "Monitor 7 is not OK"}},
		{"Continue", `{"Directive": "CONTINUE"}`, appconfigd.ActionResponse{Directive: appconfigd.ActionContinue}},
		{"TextMadeOneLine", `{"Error": "Bad\nRequest", "Message": "line one\r\n\tline two\u0007"}`,
			appconfigd.ActionResponse{Error: "Bad Request", Message: "line one line two"}},
		{"WhiteSpaceErrorIsNotAnError", `{"Error": " \n "}`, appconfigd.ActionResponse{}},
		{"LongErrorCut", `{"Error": "` + strings.Repeat("E", 200) + `", "Message": "` + strings.Repeat("m", 5000) + `"}`,
			appconfigd.ActionResponse{Error: strings.Repeat("E", 128) + "…", Message: strings.Repeat("m", 1024) + "…"}},
		{"LongDescriptionCut", `{"Directive": "ROLL_BACK", "Description": "` + strings.Repeat(`d\n`, 5000) + `"}`,
			appconfigd.ActionResponse{Directive: appconfigd.ActionRollBack, Description: strings.Repeat("d ", 512) + "…"}},
		{"UnknownDirective", `{"Directive": "PAUSE"}`,
			appconfigd.ActionResponse{Error: extensionhttp.CodeInvalidResponse, Message: `Directive must be CONTINUE or ROLL_BACK, got "PAUSE"`}},
		{"ContentNotBase64", `{"Content": "not base64!"}`,
			appconfigd.ActionResponse{Error: extensionhttp.CodeInvalidResponse, Message: "Content is not base64: illegal base64 data at input byte 3"}},
		{"ContentNotAString", `{"Content": {"message": "x"}}`,
			appconfigd.ActionResponse{Error: extensionhttp.CodeInvalidResponse, Message: "Content must be a string"}},
		{"NotAnObject", `"{\"message\": \"x\"}"`,
			appconfigd.ActionResponse{Error: extensionhttp.CodeInvalidResponse, Message: "the answer is not a JSON object"}},
		{"NotJSON", `<html>`,
			appconfigd.ActionResponse{Error: extensionhttp.CodeInvalidResponse, Message: "the answer is not a JSON object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := server(t, answering(tt.answer))
			got := invoke(t, &extensionhttp.Invoker{}, request(appconfigd.ActionPreCreateHostedConfigurationVersion, srv.URL))
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvokerFailedCalls(t *testing.T) {
	t.Parallel()

	t.Run("ErrorStatus", func(t *testing.T) {
		t.Parallel()
		srv := server(t, func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "boom\nat line 2", http.StatusInternalServerError)
		})
		got := invoke(t, &extensionhttp.Invoker{}, request(appconfigd.ActionOnDeploymentStart, srv.URL+"/hook?token=secret"))
		want := appconfigd.ActionResponse{Error: extensionhttp.CodeHTTPStatus, Message: srv.URL + "/hook answered 500 Internal Server Error: boom at line 2"}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
	})

	t.Run("RedirectNotFollowed", func(t *testing.T) {
		t.Parallel()
		var followed atomic.Bool
		target := server(t, func(http.ResponseWriter, *http.Request) { followed.Store(true) })
		srv := server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
		})
		got := invoke(t, &extensionhttp.Invoker{}, request(appconfigd.ActionOnDeploymentStart, srv.URL))
		if got.Error != extensionhttp.CodeHTTPStatus || !strings.Contains(got.Message, "307 Temporary Redirect (redirects are not followed)") {
			t.Errorf("answer = %+v, want a refused redirect", got)
		}
		if followed.Load() {
			t.Error("the redirect was followed")
		}
	})

	t.Run("TooLarge", func(t *testing.T) {
		t.Parallel()
		srv := server(t, answering(`{"Content": "`+strings.Repeat("A", 200)+`"}`))
		got := invoke(t, &extensionhttp.Invoker{MaxResponseBytes: 100}, request(appconfigd.ActionPreStartDeployment, srv.URL))
		want := appconfigd.ActionResponse{Error: extensionhttp.CodeResponseTooLarge, Message: srv.URL + " answered with more than 100 bytes"}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		srv := hanging(t)
		got := invoke(t, &extensionhttp.Invoker{Timeout: 50 * time.Millisecond}, request(appconfigd.ActionPreStartDeployment, srv.URL))
		want := appconfigd.ActionResponse{Error: extensionhttp.CodeTimeout, Message: srv.URL + " gave no answer within 50ms"}
		if diff := cmp.Diff(want, *got); diff != "" {
			t.Errorf("answer (-want +got):\n%s", diff)
		}
	})

	t.Run("NetworkRefused", func(t *testing.T) {
		t.Parallel()
		var called atomic.Bool
		srv := server(t, func(http.ResponseWriter, *http.Request) { called.Store(true) })
		inv := extensionhttp.NewInvoker(validation.NetworkPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
		got := invoke(t, inv, request(appconfigd.ActionOnDeploymentStart, srv.URL))
		if got.Error != extensionhttp.CodeUnreachable || !strings.Contains(got.Message, "outside the networks") {
			t.Errorf("answer = %+v, want Unreachable naming the network policy", got)
		}
		if called.Load() {
			t.Error("the refused URL was called")
		}
	})

	t.Run("ConnectionRefused", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		got := invoke(t, &extensionhttp.Invoker{}, request(appconfigd.ActionOnDeploymentStart, srv.URL))
		if got.Error != extensionhttp.CodeUnreachable || !strings.HasPrefix(got.Message, srv.URL+" could not be reached: ") {
			t.Errorf("answer = %+v, want Unreachable", got)
		}
	})

	t.Run("CallerGaveUp", func(t *testing.T) {
		t.Parallel()
		srv := hanging(t)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(20*time.Millisecond, cancel)
		resp, err := (&extensionhttp.Invoker{}).Invoke(ctx, request(appconfigd.ActionOnDeploymentStart, srv.URL))
		if err == nil || resp != nil {
			t.Errorf("Invoke = %+v, %v; want only an error", resp, err)
		}
	})
}

func TestInvokerUnsupportedURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		uri, want string
	}{
		{"arn:aws:lambda:us-east-1:123456789012:function:backup", "appconfigd cannot invoke AWS Lambda (arn:aws:lambda:us-east-1:123456789012:function:backup); make the action's Uri an http(s) URL"},
		{"arn:aws:sns:us-east-1:123456789012:topic", "appconfigd cannot invoke Amazon SNS"},
		{"arn:aws:sqs:us-east-1:123456789012:queue", "appconfigd cannot invoke Amazon SQS"},
		{"arn:aws:events:us-east-1:123456789012:event-bus/default", "appconfigd cannot invoke Amazon EventBridge"},
		{"ftp://example.test/x", `Uri must be an http(s) URL: scheme must be http or https, got "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			t.Parallel()
			got := invoke(t, &extensionhttp.Invoker{}, request(appconfigd.ActionOnDeploymentStart, tt.uri))
			if got.Error != extensionhttp.CodeUnsupportedURI || !strings.HasPrefix(got.Message, tt.want) {
				t.Errorf("answer = %+v, want %s starting %q", got, extensionhttp.CodeUnsupportedURI, tt.want)
			}
		})
	}
}

func TestInvokerCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		uri     string
		wantErr string
	}{
		{"https://hooks.example.test/appconfig", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:backup", ""},
		{"ftp://example.test/", `Uri must be an http(s) URL or an ARN: scheme must be http or https, got "ftp"`},
		{"http:///path", "Uri must be an http(s) URL or an ARN: the URL has no host"},
		{"backup-function", `Uri must be an http(s) URL or an ARN: scheme must be http or https, got ""`},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			t.Parallel()
			err := (&extensionhttp.Invoker{}).Check(tt.uri)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if !appconfigd.IsCode(err, appconfigd.EBadRequest) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check = %v, want EBadRequest containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestEventType(t *testing.T) {
	t.Parallel()
	var got []string
	for _, p := range appconfigd.ActionPoints() {
		got = append(got, extensionhttp.EventType(p))
	}
	want := []string{
		"PreCreateHostedConfigurationVersion", "PreStartDeployment", "OnDeploymentStart", "OnDeploymentStep",
		"OnDeploymentBaking", "OnDeploymentComplete", "OnDeploymentRolledBack", "AtDeploymentTick",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
}
