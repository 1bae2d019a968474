package controlapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
	"github.com/appconfigd/appconfigd/validation"
)

// testEnv is a control plane wired to a real Service on an in-memory
// SQLite store, behind the same router and request-ID middleware the
// binary uses.
type testEnv struct {
	t       *testing.T
	svc     *appconfigd.Service
	srv     *Server
	handler http.Handler
	clock   *apptest.Clock
	logs    *bytes.Buffer
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	db, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	clock := apptest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))
	svc := apptest.NewService(t, db, clock, validation.NewRunner(), nil)
	logs := &bytes.Buffer{}
	srv := &Server{Service: svc, Auth: auth.AcceptAll{}, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	return &testEnv{
		t:       t,
		svc:     svc,
		srv:     srv,
		handler: awsjson.WithRequestID(awsjson.NewRouter(srv.Routes())),
		clock:   clock,
		logs:    logs,
	}
}

// do sends a request with a string body and headers given as name, value
// pairs.
func (e *testEnv) do(method, path, body string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return e.doReader(method, path, r, header...)
}

func (e *testEnv) doReader(method, path string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

// wantStatus fails unless rec has the status; it shows the body if not.
func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, status, rec.Body)
	}
}

// jsonBody decodes a JSON object response.
func jsonBody(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body: %s", got, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("decode body %q: %v", rec.Body, err)
	}
	return m
}

// wantError checks an AWS error document: status, X-Amzn-ErrorType, a JSON
// body with __type and Message (docs/WIRE.md §1.5). It returns the body.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, name string) map[string]any {
	t.Helper()
	wantStatus(t, rec, status)
	if got := rec.Header().Get("X-Amzn-ErrorType"); got != name {
		t.Fatalf("X-Amzn-ErrorType = %q, want %q; body: %s", got, name, rec.Body)
	}
	body := jsonBody(t, rec)
	if got := body["__type"]; got != name {
		t.Errorf("__type = %v, want %s", got, name)
	}
	if msg, ok := body["Message"].(string); !ok || msg == "" {
		t.Errorf("Message = %v, want a non-empty string", body["Message"])
	}
	return body
}

// wantBadRequestNaming checks a BadRequestException whose Message names the
// member a client has to fix.
func wantBadRequestNaming(t *testing.T, rec *httptest.ResponseRecorder, member string) {
	t.Helper()
	body := wantError(t, rec, http.StatusBadRequest, "BadRequestException")
	if msg, _ := body["Message"].(string); !strings.Contains(msg, member) {
		t.Errorf("Message = %q, want it to name %s", msg, member)
	}
}

// keys returns the sorted keys of a JSON object.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func wantKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("keys = %v, want %v", got, want)
	}
}

// Fixtures.

func (e *testEnv) createApplication(name string) string {
	e.t.Helper()
	rec := e.do("POST", "/applications", `{"Name":"`+name+`"}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return jsonBody(e.t, rec)["Id"].(string)
}

func (e *testEnv) createEnvironment(appID, name string) string {
	e.t.Helper()
	rec := e.do("POST", "/applications/"+appID+"/environments", `{"Name":"`+name+`"}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return jsonBody(e.t, rec)["Id"].(string)
}

func (e *testEnv) createProfile(appID, name string) string {
	e.t.Helper()
	rec := e.do("POST", "/applications/"+appID+"/configurationprofiles", `{"Name":"`+name+`","LocationUri":"hosted"}`)
	wantStatus(e.t, rec, http.StatusCreated)
	return jsonBody(e.t, rec)["Id"].(string)
}

func (e *testEnv) createVersion(appID, profileID, content string) {
	e.t.Helper()
	rec := e.do("POST", "/applications/"+appID+"/configurationprofiles/"+profileID+"/hostedconfigurationversions", content, "Content-Type", "application/json")
	wantStatus(e.t, rec, http.StatusCreated)
}

// modelOperation is one operation of the model, with a concrete path.
type modelOperation struct{ name, method, path string }

// modelOperations returns the model's operation table (docs/WIRE.md §3.2): name,
// method and URI exactly as the model and aws-sdk-go-v2's serializers spell
// them, with a concrete path for each.
func modelOperations() []modelOperation {
	return []modelOperation{
		{"CreateApplication", "POST", "/applications"},
		{"CreateConfigurationProfile", "POST", "/applications/a/configurationprofiles"},
		{"CreateDeploymentStrategy", "POST", "/deploymentstrategies"},
		{"CreateEnvironment", "POST", "/applications/a/environments"},
		{"CreateExperimentDefinition", "POST", "/applications/a/experimentdefinitions"},
		{"CreateExtension", "POST", "/extensions"},
		{"CreateExtensionAssociation", "POST", "/extensionassociations"},
		{"CreateHostedConfigurationVersion", "POST", "/applications/a/configurationprofiles/p/hostedconfigurationversions"},
		{"DeleteApplication", "DELETE", "/applications/a"},
		{"DeleteConfigurationProfile", "DELETE", "/applications/a/configurationprofiles/p"},
		{"DeleteDeploymentStrategy", "DELETE", "/deployementstrategies/s"},
		{"DeleteEnvironment", "DELETE", "/applications/a/environments/e"},
		{"DeleteExperimentDefinition", "DELETE", "/applications/a/experimentdefinitions/x"},
		{"DeleteExtension", "DELETE", "/extensions/x"},
		{"DeleteExtensionAssociation", "DELETE", "/extensionassociations/x"},
		{"DeleteHostedConfigurationVersion", "DELETE", "/applications/a/configurationprofiles/p/hostedconfigurationversions/1"},
		{"GetAccountSettings", "GET", "/settings"},
		{"GetApplication", "GET", "/applications/a"},
		{"GetConfiguration", "GET", "/applications/a/environments/e/configurations/c?client_id=x"},
		{"GetConfigurationProfile", "GET", "/applications/a/configurationprofiles/p"},
		{"GetDeployment", "GET", "/applications/a/environments/e/deployments/1"},
		{"GetDeploymentStrategy", "GET", "/deploymentstrategies/s"},
		{"GetEnvironment", "GET", "/applications/a/environments/e"},
		{"GetExperimentDefinition", "GET", "/applications/a/experimentdefinitions/x"},
		{"GetExperimentRun", "GET", "/applications/a/experimentdefinitions/x/experimentruns/1"},
		{"GetExtension", "GET", "/extensions/x"},
		{"GetExtensionAssociation", "GET", "/extensionassociations/x"},
		{"GetHostedConfigurationVersion", "GET", "/applications/a/configurationprofiles/p/hostedconfigurationversions/1"},
		{"ListApplications", "GET", "/applications"},
		{"ListConfigurationProfiles", "GET", "/applications/a/configurationprofiles"},
		{"ListDeploymentStrategies", "GET", "/deploymentstrategies"},
		{"ListDeployments", "GET", "/applications/a/environments/e/deployments"},
		{"ListEnvironments", "GET", "/applications/a/environments"},
		{"ListExperimentDefinitions", "GET", "/experimentdefinitions"},
		{"ListExperimentRunEvents", "GET", "/applications/a/experimentdefinitions/x/experimentruns/1/events"},
		{"ListExperimentRuns", "GET", "/applications/a/experimentdefinitions/x/experimentruns"},
		{"ListExtensionAssociations", "GET", "/extensionassociations"},
		{"ListExtensions", "GET", "/extensions"},
		{"ListHostedConfigurationVersions", "GET", "/applications/a/configurationprofiles/p/hostedconfigurationversions"},
		{"ListTagsForResource", "GET", "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234"},
		{"StartDeployment", "POST", "/applications/a/environments/e/deployments"},
		{"StartExperimentRun", "POST", "/applications/a/experimentdefinitions/x/experimentruns"},
		{"StopDeployment", "DELETE", "/applications/a/environments/e/deployments/1"},
		{"StopExperimentRun", "PATCH", "/applications/a/experimentdefinitions/x/experimentruns/1/stop"},
		{"TagResource", "POST", "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234"},
		{"UntagResource", "DELETE", "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234?tagKeys=k"},
		{"UpdateAccountSettings", "PATCH", "/settings"},
		{"UpdateApplication", "PATCH", "/applications/a"},
		{"UpdateConfigurationProfile", "PATCH", "/applications/a/configurationprofiles/p"},
		{"UpdateDeploymentStrategy", "PATCH", "/deploymentstrategies/s"},
		{"UpdateEnvironment", "PATCH", "/applications/a/environments/e"},
		{"UpdateExperimentDefinition", "PATCH", "/applications/a/experimentdefinitions/x"},
		{"UpdateExperimentRun", "PATCH", "/applications/a/experimentdefinitions/x/experimentruns/1/update"},
		{"UpdateExtension", "PATCH", "/extensions/x"},
		{"UpdateExtensionAssociation", "PATCH", "/extensionassociations/x"},
		{"ValidateConfiguration", "POST", "/applications/a/configurationprofiles/p/validators?configuration_version=1"},
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()

	t.Run("ListEveryModelOperationInModelOrder", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, op := range (&Server{}).operations() {
			if len(got) == 0 || got[len(got)-1] != op.name {
				got = append(got, op.name)
			}
		}
		var want []string
		for _, op := range modelOperations() {
			want = append(want, op.name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("operations = %v\nwant %v", got, want)
		}
	})

	t.Run("EveryModelOperationReachesItsHandler", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		for _, op := range modelOperations() {
			rec := e.do(op.method, op.path, "")
			switch got := rec.Header().Get("X-Amzn-ErrorType"); got {
			case "UnknownOperationException", "MethodNotAllowedException":
				t.Errorf("%s %s %s: %s, want the operation to run", op.name, op.method, op.path, got)
			}
		}
	})

	t.Run("PanicWithoutAuthenticator", func(t *testing.T) {
		t.Parallel()
		defer func() {
			if recover() == nil {
				t.Error("Routes without Auth did not panic")
			}
		}()
		(&Server{}).Routes()
	})
}

func TestUnsupportedOperations(t *testing.T) {
	t.Parallel()
	want := []string{
		"CreateExperimentDefinition",
		"DeleteExperimentDefinition",
		"GetExperimentDefinition", "GetExperimentRun",
		"ListExperimentDefinitions", "ListExperimentRunEvents", "ListExperimentRuns",
		"StartExperimentRun", "StopExperimentRun",
		"UpdateExperimentDefinition", "UpdateExperimentRun",
	}
	if got := UnsupportedOperations(); !slices.Equal(got, want) {
		t.Fatalf("UnsupportedOperations() = %v\nwant %v", got, want)
	}

	e := newTestEnv(t)
	for _, op := range modelOperations() {
		if !slices.Contains(want, op.name) {
			continue
		}
		t.Run(op.name+"/AnswerBadRequest", func(t *testing.T) {
			rec := e.do(op.method, op.path, "{}")
			body := wantError(t, rec, http.StatusBadRequest, "BadRequestException")
			if got, want := body["Message"], op.name+" is not supported by appconfigd yet"; got != want {
				t.Errorf("Message = %q, want %q", got, want)
			}
		})
	}
}

func TestRouter(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	tests := []struct {
		name, method, path string
		status             int
		exception          string
	}{
		{"UnknownPath", "GET", "/nothing/here", http.StatusNotFound, "UnknownOperationException"},
		{"UnknownNestedPath", "GET", "/applications/a/widgets", http.StatusNotFound, "UnknownOperationException"},
		{"WrongMethod", "PUT", "/applications", http.StatusMethodNotAllowed, "MethodNotAllowedException"},
		{"WrongMethodOnResource", "POST", "/applications/a", http.StatusMethodNotAllowed, "MethodNotAllowedException"},
		{"WrongMethodOnMisspelledStrategyPath", "GET", "/deployementstrategies/s", http.StatusMethodNotAllowed, "MethodNotAllowedException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(tc.method, tc.path, "")
			wantError(t, rec, tc.status, tc.exception)
			if rec.Header().Get("X-Amzn-RequestId") == "" {
				t.Error("no X-Amzn-RequestId")
			}
		})
	}
}

func TestExceptionFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   appconfigd.ErrorCode
		name   string
		status int
	}{
		{appconfigd.EBadRequest, "BadRequestException", 400},
		{appconfigd.ENotFound, "ResourceNotFoundException", 404},
		{appconfigd.EConflict, "ConflictException", 409},
		{appconfigd.EServiceQuotaExceeded, "ServiceQuotaExceededException", 402},
		{appconfigd.EPayloadTooLarge, "PayloadTooLargeException", 413},
		{appconfigd.EThrottling, "ThrottlingException", 429},
		{appconfigd.EAccessDenied, "AccessDeniedException", 403},
		{appconfigd.EMissingAuthentication, "MissingAuthenticationTokenException", 403},
		{appconfigd.EUnrecognizedClient, "UnrecognizedClientException", 403},
		{appconfigd.EInvalidSignature, "InvalidSignatureException", 403},
		{appconfigd.EInternal, "InternalServerException", 500},
		{appconfigd.ErrorCode("Unheard"), "InternalServerException", 500},
	}
	for _, tc := range tests {
		t.Run(string(tc.code), func(t *testing.T) {
			t.Parallel()
			got := ExceptionFor(tc.code)
			if want := (awsjson.Exception{Name: tc.name, Status: tc.status}); got != want {
				t.Errorf("ExceptionFor(%s) = %+v, want %+v", tc.code, got, want)
			}
			// And through a handler, as the SDK sees it.
			e := newTestEnv(t)
			h := awsjson.WithRequestID(e.srv.handle("Test", func(w http.ResponseWriter, r *http.Request) error {
				return appconfigd.Errorf(tc.code, "something about it")
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			wantError(t, rec, tc.status, tc.name)
		})
	}
}

// serveError runs a handler that fails with err and returns the response.
func (e *testEnv) serveError(err error) *httptest.ResponseRecorder {
	e.t.Helper()
	h := awsjson.WithRequestID(e.srv.handle("Test", func(w http.ResponseWriter, r *http.Request) error { return err }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	return rec
}

func TestWriteError(t *testing.T) {
	t.Parallel()

	t.Run("ResourceNotFoundHasResourceName", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.serveError(&appconfigd.Error{Code: appconfigd.ENotFound, Message: "Application abc1234 not found", ResourceType: appconfigd.ResourceApplication, ResourceName: "abc1234"})
		body := wantError(t, rec, 404, "ResourceNotFoundException")
		wantKeys(t, body, "__type", "Message", "ResourceName")
		if got := body["ResourceName"]; got != "abc1234" {
			t.Errorf("ResourceName = %v, want abc1234", got)
		}
	})

	t.Run("BadRequestHasInvalidConfigurationDetails", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.serveError(&appconfigd.Error{Code: appconfigd.EBadRequest, Message: "invalid", InvalidConfiguration: []appconfigd.InvalidConfigurationDetail{
			{Constraint: "type", Location: "#/flags/a", Reason: "expected boolean", Type: "FeatureFlags", Value: "5"},
		}})
		body := wantError(t, rec, 400, "BadRequestException")
		wantKeys(t, body, "__type", "Message", "Reason", "Details")
		if got := body["Reason"]; got != "InvalidConfiguration" {
			t.Errorf("Reason = %v, want InvalidConfiguration", got)
		}
		got, _ := json.Marshal(body["Details"])
		want := `{"InvalidConfiguration":[{"Constraint":"type","Location":"#/flags/a","Reason":"expected boolean","Type":"FeatureFlags","Value":"5"}]}`
		if string(got) != want {
			t.Errorf("Details = %s, want %s", got, want)
		}
	})

	t.Run("BadRequestWithoutDetailsHasOnlyMessage", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		// The data plane's InvalidParameter is not modeled here.
		rec := e.serveError(&appconfigd.Error{Code: appconfigd.EBadRequest, Message: "bad", InvalidParameter: "ConfigurationToken"})
		wantKeys(t, wantError(t, rec, 400, "BadRequestException"), "__type", "Message")
	})

	t.Run("PayloadTooLargeHasMeasureLimitSize", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.serveError(appconfigd.PayloadTooLarge(2048, 1024))
		body := wantError(t, rec, 413, "PayloadTooLargeException")
		wantKeys(t, body, "__type", "Message", "Measure", "Limit", "Size")
		if body["Measure"] != "KILOBYTES" || body["Limit"] != 1.0 || body["Size"] != 2.0 {
			t.Errorf("Measure, Limit, Size = %v, %v, %v, want KILOBYTES, 1, 2", body["Measure"], body["Limit"], body["Size"])
		}
		if !strings.Contains(rec.Body.String(), `"Limit":1.0`) {
			t.Errorf("body %s: Limit is not encoded as a float", rec.Body)
		}
	})

	t.Run("UnknownErrorIsInternalAndLogged", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.serveError(errors.New("disk on fire at /var/lib/secret"))
		body := wantError(t, rec, 500, "InternalServerException")
		id := rec.Header().Get("X-Amzn-RequestId")
		msg, _ := body["Message"].(string)
		if strings.Contains(msg, "disk") || !strings.Contains(msg, id) {
			t.Errorf("Message = %q, want a generic message naming request %s", msg, id)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "disk on fire") || !strings.Contains(logs, id) {
			t.Errorf("log = %q, want the error and request ID %s", logs, id)
		}
	})

	t.Run("WrappedErrorKeepsItsCode", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.serveError(errors.Join(errors.New("context"), appconfigd.Errorf(appconfigd.EConflict, "busy")))
		wantError(t, rec, 409, "ConflictException")
	})

	t.Run("ErrorAfterResponseStartedIsOnlyLogged", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		h := e.srv.handle("Test", func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusCreated)
			return errors.New("late failure")
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != http.StatusCreated || rec.Body.Len() != 0 {
			t.Errorf("response = %d %q, want the handler's 201 and nothing more", rec.Code, rec.Body)
		}
		if !strings.Contains(e.logs.String(), "late failure") {
			t.Errorf("log = %q, want the late failure", e.logs)
		}
	})
}

// authFunc adapts a function to auth.Authenticator.
type authFunc func(r *http.Request) (appconfigd.Principal, error)

func (f authFunc) Authenticate(r *http.Request) (appconfigd.Principal, error) { return f(r) }

func TestAuthentication(t *testing.T) {
	t.Parallel()

	t.Run("RefusedRequestRunsNothing", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
			return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EUnrecognizedClient, "The security token included in the request is invalid.")
		})
		handler := awsjson.WithRequestID(awsjson.NewRouter(e.srv.Routes()))
		for _, op := range modelOperations() {
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(op.method, op.path, strings.NewReader(`{"Name":"x"}`)))
			wantError(t, rec, http.StatusForbidden, "UnrecognizedClientException")
		}
		e.srv.Auth = auth.AcceptAll{}
		rec := e.do("GET", "/applications", "")
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != `{"Items":[]}` {
			t.Errorf("applications after refused requests = %s, want none", got)
		}
	})

	t.Run("AccessDenied", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
			return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EAccessDenied, "no")
		})
		handler := awsjson.NewRouter(e.srv.Routes())
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", "/applications", nil))
		wantError(t, rec, http.StatusForbidden, "AccessDeniedException")
	})

	t.Run("ReaderKeyIsDenied", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
			return appconfigd.Principal{AccessKeyID: "AKIDREADER", Name: "reader", Role: appconfigd.RoleReader}, nil
		})
		handler := awsjson.NewRouter(e.srv.Routes())
		for _, op := range modelOperations() {
			if op.name == "GetConfiguration" {
				continue // a read of configuration, open to readers (get_configuration_test.go)
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(op.method, op.path, strings.NewReader(`{"Name":"x"}`)))
			wantError(t, rec, http.StatusForbidden, "AccessDeniedException")
		}
	})

	t.Run("PrincipalInContext", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.srv.Auth = authFunc(func(*http.Request) (appconfigd.Principal, error) {
			return appconfigd.Principal{AccessKeyID: "AKIDEXAMPLE", Role: appconfigd.RoleAdmin}, nil
		})
		var got appconfigd.Principal
		h := e.srv.handle("Test", func(w http.ResponseWriter, r *http.Request) error {
			got, _ = appconfigd.PrincipalFromContext(r.Context())
			writeNoContent(w)
			return nil
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if got.AccessKeyID != "AKIDEXAMPLE" {
			t.Errorf("principal = %+v, want AKIDEXAMPLE", got)
		}
	})
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, name := range []string{"a", "b", "c"} {
		e.createApplication(name)
	}
	tests := []struct {
		name, query, member string
	}{
		{"MaxResultsNotAnInteger", "max_results=ten", "MaxResults"},
		{"MaxResultsEmpty", "max_results=", "MaxResults"},
		{"MaxResultsZero", "max_results=0", "MaxResults"},
		{"MaxResultsTooLarge", "max_results=51", "MaxResults"},
		{"MaxResultsNegative", "max_results=-1", "MaxResults"},
		{"NextTokenGarbage", "next_token=%21%21", "NextToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantBadRequestNaming(t, e.do("GET", "/applications?"+tc.query, ""), tc.member)
		})
	}

	t.Run("PagesFollowNextToken", func(t *testing.T) {
		var names []string
		path := "/applications?max_results=2"
		for range 3 {
			rec := e.do("GET", path, "")
			wantStatus(t, rec, http.StatusOK)
			var page struct {
				Items     []struct{ Name string }
				NextToken *string
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				names = append(names, it.Name)
			}
			if page.NextToken == nil {
				break
			}
			path = "/applications?max_results=2&next_token=" + *page.NextToken
		}
		if want := []string{"a", "b", "c"}; !slices.Equal(names, want) {
			t.Errorf("names = %v, want %v", names, want)
		}
	})
}

// TestClientInputNeverAnswers5xx sends input a client can send but an SDK
// would not: an InternalServerException for any of it would blame the
// server for the client's mistake.
func TestClientInputNeverAnswers5xx(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	envID := e.createEnvironment(appID, "prod")
	profileID := e.createProfile(appID, "cfg")
	app := "/applications/" + appID
	hosted := app + "/configurationprofiles/" + profileID + "/hostedconfigurationversions"
	deployments := app + "/environments/" + envID + "/deployments"
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name, method, path, body string
		header                   []string
	}{
		{"InvalidUTF8InName", "POST", "/applications", "{\"Name\":\"\xff\xfe\"}", nil},
		{"InvalidUTF8InPath", "GET", "/applications/%FF%FE", "", nil},
		{"NULInPath", "GET", "/applications/a%00b", "", nil},
		{"NULInName", "POST", "/applications", `{"Name":"a\u0000b"}`, nil},
		{"HugeNumbers", "POST", "/deploymentstrategies", `{"Name":"s","DeploymentDurationInMinutes":1e400,"GrowthFactor":1e400}`, nil},
		{"NegativeZeroGrowth", "POST", "/deploymentstrategies", `{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":-0}`, nil},
		{"HugeMaxResults", "GET", "/applications?max_results=99999999999999999999", "", nil},
		{"LongNextToken", "GET", "/applications?next_token=" + long, "", nil},
		{"LongTypeFilter", "GET", app + "/configurationprofiles?type=" + long, "", nil},
		{"LongARN", "GET", "/tags/" + long, "", nil},
		{"ForeignARN", "POST", "/tags/" + url.PathEscape("arn:aws:s3:::bucket/key"), `{"Tags":{"a":"b"}}`, nil},
		{"ARNOfAMissingDeployment", "GET", "/tags/" + url.PathEscape(e.svc.ApplicationARN(appID)+"/environment/"+envID+"/deployment/9"), "", nil},
		{"NullBody", "PATCH", app, `null`, nil},
		{"NullMonitor", "POST", app + "/environments", `{"Name":"qa","Monitors":[null]}`, nil},
		{"NullValidator", "POST", app + "/configurationprofiles", `{"Name":"p","LocationUri":"hosted","Validators":[null]}`, nil},
		{"DeeplyNestedUnknownMember", "POST", "/applications", `{"Name":"n","X":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`, nil},
		{"MaxLatestDeploymentNumber", "POST", deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"1","LatestDeploymentNumber":9223372036854775807}`, nil},
		{"ConfigurationVersionHuge", "POST", deployments, `{"DeploymentStrategyId":"AppConfig.AllAtOnce","ConfigurationProfileId":"cfg","ConfigurationVersion":"99999999999999999999"}`, nil},
		{"DeploymentNumberOverflow", "DELETE", deployments + "/9223372036854775808", "", nil},
		{"VersionNumberBeyondInt32", "GET", hosted + "/2147483648", "", nil},
		{"NonASCIIDescriptionHeader", "POST", hosted, "{}", []string{"Content-Type", "application/json", "Description", "caf\xe9"}},
		{"InvalidUTF8VersionLabel", "POST", hosted, "{}", []string{"Content-Type", "application/json", "VersionLabel", "v\xff"}},
		{"LongContentType", "POST", hosted, "{}", []string{"Content-Type", long}},
		{"NegativeLatestVersionNumber", "POST", hosted, "{}", []string{"Content-Type", "application/json", "Latest-Version-Number", "-1"}},
		{"LongTagKeys", "DELETE", "/tags/" + url.PathEscape(e.svc.ApplicationARN(appID)) + "?tagKeys=" + long, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(tc.method, tc.path, tc.body, tc.header...)
			if rec.Code >= 500 || rec.Header().Get("X-Amzn-ErrorType") == "InternalServerException" {
				t.Errorf("%s %s: %d %s, want a client error or success", tc.method, tc.path, rec.Code, rec.Body)
			}
		})
	}
}
