package validation_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/validation"
)

// portSchema is a draft-04 schema (no $schema) of the kind AWS documents.
const portSchema = `{
	"type": "object",
	"properties": {
		"port": {"type": "integer", "minimum": 1, "maximum": 65535},
		"name": {"type": "string", "maxLength": 300},
		"tags": {"type": "array", "items": {"type": "string"}},
		"a/b": {"enum": [1, 2]}
	},
	"required": ["port"]
}`

func jsonSchema(content string) appconfigd.Validator {
	return appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: content}
}

func lambda(content string) appconfigd.Validator {
	return appconfigd.Validator{Type: appconfigd.ValidatorLambda, Content: content}
}

func profile(validators ...appconfigd.Validator) *appconfigd.ConfigurationProfile {
	return &appconfigd.ConfigurationProfile{ApplicationID: "app1234", ID: "prof567", Validators: validators}
}

func version(content string) *appconfigd.HostedConfigurationVersion {
	return &appconfigd.HostedConfigurationVersion{
		ApplicationID:          "app1234",
		ConfigurationProfileID: "prof567",
		VersionNumber:          3,
		ContentType:            "application/json",
		Content:                []byte(content),
	}
}

// asBadRequest returns err as an *appconfigd.Error with code EBadRequest, failing
// the test otherwise.
func asBadRequest(t *testing.T, err error) *appconfigd.Error {
	t.Helper()
	if !appconfigd.IsCode(err, appconfigd.EBadRequest) {
		t.Fatalf("err = %v; want an EBadRequest *appconfigd.Error", err)
	}
	var e *appconfigd.Error
	errors.As(err, &e)
	return e
}

// wantFragments fails the test unless msg contains every fragment.
func wantFragments(t *testing.T, msg string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message = %q; want it to contain %q", msg, f)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		validator appconfigd.Validator
		// wantErr lists fragments of the expected message; nil means
		// Check must pass.
		wantErr []string
	}{
		{
			name:      "JSONSchemaDraft04Accepted",
			validator: jsonSchema(portSchema),
		},
		{
			name:      "JSONSchemaDraft04IsTheDefault",
			validator: jsonSchema(`{"type": "integer", "minimum": 1, "exclusiveMinimum": true}`),
		},
		{
			// In draft-07 exclusiveMinimum is a number, so the boolean
			// draft-04 form breaks the draft-07 meta-schema.
			name:      "JSONSchemaDollarSchemaHonoured",
			validator: jsonSchema(`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "integer", "minimum": 1, "exclusiveMinimum": true}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "/exclusiveMinimum"},
		},
		{
			name:      "JSONSchemaDraft2020Accepted",
			validator: jsonSchema(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"p": {"type": "integer"}}, "properties": {"port": {"$ref": "#/$defs/p"}}}`),
		},
		{
			name:      "JSONSchemaLocalRefAccepted",
			validator: jsonSchema(`{"definitions": {"p": {"type": "integer"}}, "properties": {"port": {"$ref": "#/definitions/p"}}}`),
		},
		{
			name:      "JSONSchemaMetaSchemaRefAccepted",
			validator: jsonSchema(`{"$ref": "http://json-schema.org/draft-04/schema#"}`),
		},
		{
			name:      "JSONSchemaWrongKeywordTypeRejected",
			validator: jsonSchema(`{"type": "object", "properties": {"port": {"minimum": "one"}}}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "/properties/port/minimum"},
		},
		{
			name:      "JSONSchemaNotJSONRejected",
			validator: jsonSchema(`{"type": `),
			wantErr:   []string{"Content is not a valid JSON Schema", "not valid JSON"},
		},
		{
			name:      "JSONSchemaMissingLocalRefRejected",
			validator: jsonSchema(`{"properties": {"port": {"$ref": "#/definitions/nope"}}}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "#/definitions/nope"},
		},
		{
			name:      "JSONSchemaRelativeRefRefused",
			validator: jsonSchema(`{"properties": {"port": {"$ref": "common.json#/port"}}}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "common.json", "never loads"},
		},
		{
			name:      "JSONSchemaFileRefRefused",
			validator: jsonSchema(`{"$ref": "file:///etc/passwd"}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "file:///etc/passwd", "never loads"},
		},
		{
			name:      "JSONSchemaRefAgainstRemoteIDRefused",
			validator: jsonSchema(`{"id": "http://example.com/root.json", "properties": {"a": {"$ref": "defs.json#/a"}}}`),
			wantErr:   []string{"http://example.com/defs.json", "never loads"},
		},
		{
			name:      "JSONSchemaUnsupportedDraftRejected",
			validator: jsonSchema(`{"$schema": "http://json-schema.org/draft-03/schema#"}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "draft-03", "not a supported draft"},
		},
		{
			// Go's regexp (RE2) has no look-ahead; better to say so at
			// Check than to fail every deployment.
			name:      "JSONSchemaUnsupportedRegexRejected",
			validator: jsonSchema(`{"type": "string", "pattern": "^(?!admin)"}`),
			wantErr:   []string{"Content is not a valid JSON Schema", "/pattern"},
		},
		{
			name:      "LambdaARNAccepted",
			validator: lambda("arn:aws:lambda:us-east-1:111122223333:function:validate"),
		},
		{
			name:      "LambdaOtherTextAccepted",
			validator: lambda("validate-config"),
		},
		{
			name:      "WebhookHTTPSAccepted",
			validator: lambda("https://hooks.example.com/validate?token=abc"),
		},
		{
			name:      "WebhookHTTPAccepted",
			validator: lambda("http://127.0.0.1:8080/validate"),
		},
		{
			name:      "WebhookWithoutHostRejected",
			validator: lambda("https:///validate"),
			wantErr:   []string{"Content is not a valid webhook URL", "no host"},
		},
		{
			name:      "WebhookUnparsableRejected",
			validator: lambda("http://[::1/validate"),
			wantErr:   []string{"Content is not a valid webhook URL"},
		},
		{
			name:      "UnknownTypeRejected",
			validator: appconfigd.Validator{Type: "XML_SCHEMA", Content: "<xs:schema/>"},
			wantErr:   []string{"JSON_SCHEMA", "LAMBDA", "XML_SCHEMA"},
		},
	}
	r := validation.NewRunner()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := r.Check(tt.validator)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			e := asBadRequest(t, err)
			wantFragments(t, e.Message, tt.wantErr...)
		})
	}
}

// TestCheckRemoteRefNeverFetched proves the refusal happens before any
// request: a schema pointing at a live server must not reach it.
func TestCheckRemoteRefNeverFetched(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"type": "integer"}`)
	}))
	defer srv.Close()

	for _, schema := range []string{
		fmt.Sprintf(`{"$ref": %q}`, srv.URL+"/schema.json"),
		fmt.Sprintf(`{"$schema": %q}`, srv.URL+"/meta.json"),
	} {
		err := validation.NewRunner().Check(jsonSchema(schema))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, srv.URL)
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("schema server got %d requests; want 0", got)
	}
}

// detail is the part of an InvalidConfigurationDetail the tests pin down;
// Reason is the library's wording and is only checked for fragments.
type detail struct {
	Location, Constraint, Type, Value string
}

func TestValidateJSONSchema(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name    string
		schema  string
		content string
		// want is nil when the content must pass.
		want        []detail
		wantReason  []string // fragments of the first detail's Reason
		wantMessage []string // fragments of the error message
	}{
		{
			name:    "JSONSchemaValidContentPasses",
			schema:  portSchema,
			content: `{"port": 8080, "name": "web", "tags": ["a"], "a/b": 2}`,
		},
		{
			name:        "JSONSchemaMinimumViolated",
			schema:      portSchema,
			content:     `{"port": 0}`,
			want:        []detail{{"/port", "minimum", "JSON_SCHEMA", "0"}},
			wantReason:  []string{"minimum"},
			wantMessage: []string{"Configuration failed JSON Schema validation", "Validators[0]", "/port: "},
		},
		{
			name:        "JSONSchemaRequiredMissing",
			schema:      portSchema,
			content:     `{"name": "web"}`,
			want:        []detail{{"", "required", "JSON_SCHEMA", `{"name":"web"}`}},
			wantReason:  []string{"port"},
			wantMessage: []string{"(root): ", "port"},
		},
		{
			name:        "JSONSchemaTypeViolatedInArray",
			schema:      portSchema,
			content:     `{"port": 1, "tags": ["a", 3]}`,
			want:        []detail{{"/tags/1", "type", "JSON_SCHEMA", "3"}},
			wantMessage: []string{"/tags/1: "},
		},
		{
			name:    "JSONSchemaEveryLeafErrorReported",
			schema:  portSchema,
			content: `{"port": 70000, "tags": [true]}`,
			want: []detail{
				{"/port", "maximum", "JSON_SCHEMA", "70000"},
				{"/tags/0", "type", "JSON_SCHEMA", "true"},
			},
			wantMessage: []string{"/port: ", "/tags/0: "},
		},
		{
			name:    "JSONSchemaPointerEscaped",
			schema:  portSchema,
			content: `{"port": 1, "a/b": 5}`,
			want:    []detail{{"/a~1b", "enum", "JSON_SCHEMA", "5"}},
		},
		{
			name:    "JSONSchemaLongValueTruncated",
			schema:  portSchema,
			content: `{"port": 1, "name": "` + long + `"}`,
			want:    []detail{{"/name", "maxLength", "JSON_SCHEMA", `"` + long[:255] + "…"}},
		},
		{
			name:    "JSONSchemaValueKeepsHTMLCharacters",
			schema:  `{"properties": {"html": {"type": "integer"}}}`,
			content: `{"html": "<b>&</b>"}`,
			want:    []detail{{"/html", "type", "JSON_SCHEMA", `"<b>&</b>"`}},
		},
		{
			name:    "JSONSchemaDraft04ExclusiveMinimumBoolean",
			schema:  `{"properties": {"port": {"minimum": 1, "exclusiveMinimum": true}}}`,
			content: `{"port": 1}`,
			want:    []detail{{"/port", "exclusiveMinimum", "JSON_SCHEMA", "1"}},
		},
		{
			name:    "JSONSchemaDraft04ExclusiveMinimumBooleanPasses",
			schema:  `{"properties": {"port": {"minimum": 1, "exclusiveMinimum": true}}}`,
			content: `{"port": 2}`,
		},
		{
			// const arrived in draft-06: draft-04 ignores it.
			name:    "JSONSchemaDraft04IgnoresConst",
			schema:  `{"properties": {"mode": {"const": "on"}}}`,
			content: `{"mode": "off"}`,
		},
		{
			name:    "JSONSchemaDollarSchemaHonoured",
			schema:  `{"$schema": "http://json-schema.org/draft-06/schema#", "properties": {"mode": {"const": "on"}}}`,
			content: `{"mode": "off"}`,
			want:    []detail{{"/mode", "const", "JSON_SCHEMA", `"off"`}},
		},
		{
			name:    "JSONSchemaLargeIntegerKeepsPrecision",
			schema:  `{"properties": {"id": {"maximum": 9007199254740992}}}`,
			content: `{"id": 9007199254740993}`,
			want:    []detail{{"/id", "maximum", "JSON_SCHEMA", "9007199254740993"}},
		},
		{
			name:    "JSONSchemaNotViolated",
			schema:  `{"properties": {"mode": {"not": {"enum": ["debug"]}}}}`,
			content: `{"mode": "debug"}`,
			want:    []detail{{"/mode", "not", "JSON_SCHEMA", `"debug"`}},
		},
		{
			name:    "JSONSchemaFalseSchemaViolated",
			schema:  `{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"legacy": false}}`,
			content: `{"legacy": 1}`,
			want:    []detail{{"/legacy", "false", "JSON_SCHEMA", "1"}},
		},
		{
			name:    "JSONSchemaDependenciesViolated",
			schema:  `{"dependencies": {"tls": ["cert"]}}`,
			content: `{"tls": true}`,
			want:    []detail{{"", "dependencies", "JSON_SCHEMA", `{"tls":true}`}},
		},
		{
			// Each failed branch of anyOf is a leaf: the details say
			// what every alternative wanted.
			name:    "JSONSchemaAnyOfReportsEachBranch",
			schema:  `{"properties": {"port": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}`,
			content: `{"port": "80"}`,
			want: []detail{
				{"/port", "type", "JSON_SCHEMA", `"80"`},
				{"/port", "type", "JSON_SCHEMA", `"80"`},
			},
		},
		{
			name:        "JSONSchemaNonJSONContentFails",
			schema:      portSchema,
			content:     `port=8080`,
			want:        []detail{{"", "", "JSON_SCHEMA", ""}},
			wantReason:  []string{"configuration is not valid JSON", "at byte"},
			wantMessage: []string{"Validators[0]", "configuration is not valid JSON"},
		},
		{
			name:        "JSONSchemaTrailingDataFails",
			schema:      portSchema,
			content:     `{"port": 1} {"port": 2}`,
			want:        []detail{{"", "", "JSON_SCHEMA", ""}},
			wantMessage: []string{"configuration is not valid JSON"},
		},
	}
	r := validation.NewRunner()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := r.Validate(context.Background(), profile(jsonSchema(tt.schema)), version(tt.content))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v; want nil", err)
				}
				return
			}
			e := asBadRequest(t, err)
			var got []detail
			for _, d := range e.InvalidConfiguration {
				got = append(got, detail{d.Location, d.Constraint, d.Type, d.Value})
				if d.Reason == "" {
					t.Errorf("detail %+v has no Reason", d)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("InvalidConfiguration mismatch (-want +got):\n%s", diff)
			}
			if len(e.InvalidConfiguration) > 0 {
				wantFragments(t, e.InvalidConfiguration[0].Reason, tt.wantReason...)
			}
			wantFragments(t, e.Message, tt.wantMessage...)
		})
	}
}

// TestValidateJSONSchemaManyErrorsBounded keeps a configuration with
// thousands of errors from producing an unbounded response.
func TestValidateJSONSchemaManyErrorsBounded(t *testing.T) {
	t.Parallel()
	items := strings.TrimSuffix(strings.Repeat("1,", 5000), ",")
	err := validation.NewRunner().Validate(context.Background(),
		profile(jsonSchema(`{"type": "array", "items": {"type": "string"}}`)),
		version("["+items+"]"))
	e := asBadRequest(t, err)
	if got := len(e.InvalidConfiguration); got == 0 || got > 100 {
		t.Errorf("len(InvalidConfiguration) = %d; want 1..100", got)
	}
	if got := len(e.Message); got > 1024 {
		t.Errorf("len(Message) = %d; want at most 1024", got)
	}
	wantFragments(t, e.Message, "more)")
}

// TestValidateJSONSchemaStoredInvalidSchema covers a profile stored before
// Check ran (or with a schema a newer library rejects): Validate must fail
// it as a bad request, not pass it or crash.
func TestValidateJSONSchemaStoredInvalidSchema(t *testing.T) {
	t.Parallel()
	err := validation.NewRunner().Validate(context.Background(),
		profile(jsonSchema(`{"$ref": "https://example.com/s.json"}`)), version(`{}`))
	e := asBadRequest(t, err)
	wantFragments(t, e.Message, "Validators[0].Content is not a valid JSON Schema")
}

// TestValidateConcurrent shares one Runner, and so one cached schema,
// between goroutines; run with -race.
func TestValidateConcurrent(t *testing.T) {
	t.Parallel()
	r := validation.NewRunner()
	p := profile(jsonSchema(portSchema))
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			content := fmt.Sprintf(`{"port": %d}`, i) // port 0 fails
			err := r.Validate(context.Background(), p, version(content))
			if (err != nil) != (i == 0) {
				t.Errorf("Validate(port %d) = %v", i, err)
			}
		})
	}
	wg.Wait()
}

// TestCheckManySchemas pushes more distinct schemas through one Runner than
// its cache holds, from several goroutines, and checks it keeps working.
func TestCheckManySchemas(t *testing.T) {
	t.Parallel()
	r := validation.NewRunner()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 150 {
				schema := fmt.Sprintf(`{"properties": {"n": {"maximum": %d}}}`, g*1000+i)
				if err := r.Check(jsonSchema(schema)); err != nil {
					t.Errorf("Check(%s) = %v", schema, err)
					return
				}
				err := r.Validate(context.Background(), profile(jsonSchema(schema)), version(`{"n": 100000}`))
				if !appconfigd.IsCode(err, appconfigd.EBadRequest) {
					t.Errorf("Validate(%s) = %v; want EBadRequest", schema, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
