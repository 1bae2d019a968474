package awsjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// fuzzRequest has a member of every kind the control plane's request types
// have: strings, numbers, optional (pointer) members, tag maps, lists of
// structures and an optional list.
type fuzzRequest struct {
	Name                        string
	Description                 *string
	DeploymentDurationInMinutes int
	FinalBakeTimeInMinutes      *int
	GrowthFactor                float64
	RequiredMinimum             *float64
	Enabled                     bool
	Tags                        map[string]string
	Monitors                    []struct{ AlarmArn, AlarmRoleArn string }
	Validators                  *[]struct{ Type, Content string }
}

// fuzzBodyLimit is the small body bound half of the runs decode under, as
// the handlers do with http.MaxBytesReader.
const fuzzBodyLimit = 64

// FuzzDecodeJSON: DecodeJSON never panics, whatever the body; every error
// is an *appconfigd.Error with code EBadRequest and a readable message; a
// body over the reader's bound is refused; and what it accepts is empty or
// exactly one valid JSON value in UTF-8, an object (not null).
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		``,
		`   `,
		`{}`,
		`{"Name":"app","Description":"d","Tags":{"k":"v"}}`,
		`{"Name":"s","DeploymentDurationInMinutes":10,"FinalBakeTimeInMinutes":5,"GrowthFactor":12.5,"GrowthType":"LINEAR"}`,
		`{"Name":"e","Monitors":[{"AlarmArn":"arn:aws:cloudwatch:us-east-1:000000000000:alarm:a","AlarmRoleArn":"arn:aws:iam::000000000000:role/r"}]}`,
		`{"Validators":[{"Type":"JSON_SCHEMA","Content":"{\"type\":\"object\"}"}]}`,
		`{"Validators":[]}`,
		`{"RequiredMinimum":15,"Enabled":true}`,
		`{"Name":null,"Tags":null,"Validators":null}`,
		`{"Name":"caf\u00e9 \u2615","Description":"\ud83d\ude80"}`,
		`{"Name":"\ud800"}`,
		`{"Name":"\udc00\ud800"}`,
		`{"Name":"\\ud800","\ud83d\ude00":"\ud83d\u0041"}`,
		"{\"Name\":\"\xff\xfe\"}",
		"\xef\xbb\xbf{}",
		`{"Name":`,
		`{"Name":"x"} garbage`,
		`{} {}`,
		`{}}`,
		`{"Name":"x"}]`,
		`[{"Name":"x"}]`,
		`"Name"`,
		`42`,
		`null`,
		`true`,
		`{"Name":5}`,
		`{"DeploymentDurationInMinutes":"5"}`,
		`{"DeploymentDurationInMinutes":1e309}`,
		`{"DeploymentDurationInMinutes":9223372036854775808}`,
		`{"DeploymentDurationInMinutes":99999999999999999999}`,
		`{"DeploymentDurationInMinutes":-1}`,
		`{"DeploymentDurationInMinutes":1.5}`,
		`{"GrowthFactor":1e309}`,
		`{"GrowthFactor":-0}`,
		`{"Tags":[]}`,
		`{"Tags":{"k":1}}`,
		`{"Monitors":{}}`,
		`{"Monitors":[1]}`,
		`{"Validators":"x"}`,
		`{"Enabled":"true"}`,
		`{"Name":"a\u0000b"}`,
		"{\"Name\":\"a\x01b\"}",
		`{"Name":"x","Name":"y"}`,
		`{"name":"lower case still matches"}`,
		`{"Name":"` + strings.Repeat("a", 100) + `"}`,
		`{"Name":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		strings.Repeat("{", 50),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, bounded := range []bool{false, true} {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			if bounded {
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, fuzzBodyLimit)
			}
			var v fuzzRequest
			err := awsjson.DecodeJSON(r, &v)
			if err != nil {
				var e *appconfigd.Error
				if !errors.As(err, &e) || e.Code != appconfigd.EBadRequest {
					t.Fatalf("DecodeJSON(%q) error %v (%T); want an EBadRequest *appconfigd.Error", body, err, err)
				}
				if e.Message == "" || !utf8.ValidString(e.Message) {
					t.Fatalf("DecodeJSON(%q) error message %q is empty or not UTF-8", body, e.Message)
				}
				continue
			}
			if bounded && len(body) > fuzzBodyLimit {
				t.Fatalf("DecodeJSON accepted %d bytes through a %d-byte bound", len(body), fuzzBodyLimit)
			}
			// JSON white space is space, tab, CR and LF (RFC 8259 §2).
			trimmed := bytes.Trim(body, " \t\r\n")
			if len(trimmed) == 0 {
				continue // an empty body counts as {}
			}
			if !utf8.Valid(body) {
				t.Fatalf("DecodeJSON(%q) accepted a body that is not UTF-8, which encoding/json would have altered: %+v", body, v)
			}
			if !json.Valid(body) {
				t.Fatalf("DecodeJSON(%q) accepted a body that is not one valid JSON value: %+v", body, v)
			}
			if trimmed[0] != '{' {
				t.Fatalf("DecodeJSON(%q) accepted a body that is not a JSON object: %+v", body, v)
			}
			if hasReplacement(t, body) && !bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) && !bytes.ContainsRune(body, utf8.RuneError) {
				t.Fatalf("DecodeJSON(%q) accepted a body that encoding/json reads with U+FFFD the client never sent (a lone surrogate escape)", body)
			}
		}
	})
}

// hasReplacement reports whether decoding body, valid JSON, yields U+FFFD
// in any string, key or value.
func hasReplacement(t *testing.T, body []byte) bool {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // numbers out of float64's range are still valid JSON
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q, a valid body: %v", body, err)
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, utf8.RuneError)
		case []any:
			return slices.ContainsFunc(v, walk)
		case map[string]any:
			for k, e := range v {
				if strings.ContainsRune(k, utf8.RuneError) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
