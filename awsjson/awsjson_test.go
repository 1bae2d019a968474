package awsjson_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type request struct {
		Name  string
		Count *int
		Tags  map[string]string
	}
	tests := []struct {
		name     string
		body     string
		wantErr  bool
		mentions string
	}{
		{"Object", `{"Name":"a","Count":2}`, false, ""},
		{"EmptyBodyIsEmptyObject", ``, false, ""},
		{"UnknownMembersIgnored", `{"Name":"a","Future":{"x":1}}`, false, ""},
		{"WrongTypeNamesMember", `{"Name":5}`, true, "Name"},
		{"FloatForIntegerNamesMember", `{"Count":1.5}`, true, "Count"},
		{"NotAnObject", `[1,2]`, true, "JSON object"},
		{"Truncated", `{"Name":`, true, "not valid JSON"},
		{"Garbage", `nope`, true, "JSON object"},
		{"TwoObjects", `{} {}`, true, "single JSON object"},
		{"TrailingBracket", `{"Name":"a"}]`, true, "single JSON object"},
		{"Null", `null`, true, "JSON object"},
		{"InvalidUTF8", "{\"Name\":\"caf\xe9\"}", true, "UTF-8"},
		{"LoneHighSurrogate", `{"Name":"\ud800"}`, true, "UTF-8"},
		{"LoneLowSurrogate", `{"Name":"a\uDC00b"}`, true, "surrogate"},
		{"HighSurrogateThenLetter", `{"Name":"\ud800\u0041"}`, true, "byte 9"},
		{"LoneSurrogateInMemberName", `{"\ud800":"a"}`, true, "UTF-8"},
		{"SurrogatePair", `{"Name":"\ud83d\ude80"}`, false, ""},
		{"EscapedBackslashBeforeU", `{"Name":"\\ud800"}`, false, ""},
		{"SurrogateLikeTextOutsideEscape", `{"Name":"ud800 \" \\"}`, false, ""},
		{"TrailingBrace", `{"Name":"a"}}`, true, "single JSON object"},
		{"TrailingWhitespace", "{\"Name\":\"a\"} \n\t", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v request
			err := awsjson.DecodeJSON(httptest.NewRequest("POST", "/", strings.NewReader(tt.body)), &v)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("DecodeJSON(%s) = %v, want nil", tt.body, err)
				}
				return
			}
			var e *appconfigd.Error
			if !errors.As(err, &e) || e.Code != appconfigd.EBadRequest {
				t.Fatalf("DecodeJSON(%s) = %v, want a BadRequest *appconfigd.Error", tt.body, err)
			}
			if !strings.Contains(e.Message, tt.mentions) {
				t.Errorf("message %q does not mention %q", e.Message, tt.mentions)
			}
		})
	}
}

func TestFloatAlwaysHasDecimalPoint(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{100: "100.0", 0: "0.0", 12.5: "12.5", 33.33: "33.33"} {
		b, err := json.Marshal(awsjson.Float(in))
		if err != nil || string(b) != want {
			t.Errorf("Float(%g) encodes as %s (%v), want %s", in, b, err, want)
		}
	}
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	awsjson.WriteError(rec, awsjson.Exception{Name: "ConflictException", Status: 409}, map[string]any{"Message": "busy"})
	if rec.Code != 409 || rec.Header().Get("X-Amzn-ErrorType") != "ConflictException" {
		t.Errorf("status %d, X-Amzn-ErrorType %q; want 409 ConflictException", rec.Code, rec.Header().Get("X-Amzn-ErrorType"))
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["Message"] != "busy" || body["__type"] != "ConflictException" {
		t.Errorf("body = %s, want Message and __type", rec.Body)
	}
}
