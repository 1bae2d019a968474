package featureflag_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd/featureflag"
)

// parse parses a retrieval-time body, failing the test on error.
func parse(t *testing.T, body []byte, contentType string) *featureflag.Set {
	t.Helper()
	set, err := featureflag.ParseRetrieval(body, contentType)
	if err != nil {
		t.Fatalf("ParseRetrieval(%q): %v", contentType, err)
	}
	return set
}

// resolveCase is a flag request and the JSON Resolve should answer.
type resolveCase struct {
	name string
	keys []string
	ctx  map[string]string
	want string
}

// checkResolve runs each case as a subtest against set.
func checkResolve(t *testing.T, set *featureflag.Set, tests []resolveCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := set.Resolve(tt.keys, tt.ctx)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Resolve(%q, %v) = %s; want %s", tt.keys, tt.ctx, got, tt.want)
			}
		})
	}
}

// TestParseRetrieval_AWSSample reads AWS's verbatim multi-variant sample
// (docs/WIRE.md §4.2, UG local-development samples).
func TestParseRetrieval_AWSSample(t *testing.T) {
	t.Parallel()
	set := parse(t, readFile(t, filepath.Join("testdata", "aws-sample.ion")), featureflag.ContentTypeIon)
	if got, want := set.Keys(), []string{"button_color", "tiered_release"}; !slices.Equal(got, want) {
		t.Errorf("Keys = %q; want %q", got, want)
	}
	tests := []resolveCase{
		{"NoContextGetsTheDefault", nil, nil,
			`{"button_color":{"color":"orange","enabled":true},"tiered_release":{"_variant":"HideFeature","enabled":false}}`},
		{"OtherGroupGetsTheDefault", []string{"tiered_release"}, map[string]string{"group": "Tier3", "userId": "u1"},
			`{"tiered_release":{"_variant":"HideFeature","enabled":false}}`},
		{"BasicFlagIgnoresContext", []string{"button_color"}, map[string]string{"group": "Tier1"},
			`{"button_color":{"color":"orange","enabled":true}}`},
	}
	checkResolve(t, set, tests)
	t.Run("SplitSelectsAShareOfTier2", func(t *testing.T) {
		t.Parallel()
		const users = 2000
		shown := 0
		for i := range users {
			got, err := set.Resolve([]string{"tiered_release"}, map[string]string{"group": "Tier2", "userId": fmt.Sprintf("user-%d", i)})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if strings.Contains(string(got), `"ShowFeature"`) {
				shown++
			}
		}
		// pct::7: expect 7% give or take what 2000 draws allow.
		if pct := 100 * float64(shown) / users; pct < 5 || pct > 9 {
			t.Errorf("ShowFeature for %.1f%% of Tier2 users; want about 7%%", pct)
		}
	})
}

// TestParseRetrieval_LocalDevelopmentFiles reads retrieval-time JSON written
// by hand, as the Agent's local development mode takes it, whatever type
// the file's suffix gave it.
func TestParseRetrieval_LocalDevelopmentFiles(t *testing.T) {
	t.Parallel()
	body := readFile(t, filepath.Join("testdata", "aws-local-dev-sample.json"))
	want := `{"background_worker":{"enabled":true,"num_threads":4,"queue_name":"MyWorkQueue"},"emergency_shutoff_switch":{"enabled":false},"logger_settings":{"enabled":true,"level":"INFO"}}`
	for _, contentType := range []string{"application/json", "application/json; charset=utf-8", "application/octet-stream", ""} {
		t.Run(contentType, func(t *testing.T) {
			t.Parallel()
			got, err := parse(t, body, contentType).Resolve(nil, nil)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if string(got) != want {
				t.Errorf("Resolve = %s; want %s", got, want)
			}
		})
	}
}

func TestParseRetrieval_ContentTypes(t *testing.T) {
	t.Parallel()
	ionBody := []byte(`'a'::'''{"enabled": true}'''`)
	tests := []struct {
		name, contentType string
		body              []byte
	}{
		{"IonAsServed", featureflag.ContentTypeIon, ionBody},
		{"IonWithSpacedParameter", "application/ion; type=AWS.AppConfig.FeatureFlags", ionBody},
		{"IonWithoutParameter", "application/ion", ionBody},
		{"IonSniffed", "application/octet-stream", ionBody},
		{"IonWithComment", "", []byte("// local file\n'a'::'''{\"enabled\": true}'''")},
		{"JSON", featureflag.ContentTypeJSON, []byte(` {"a": {"enabled": true}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(t, tt.body, tt.contentType).Resolve(nil, nil)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if want := `{"a":{"enabled":true}}`; string(got) != want {
				t.Errorf("Resolve = %s; want %s", got, want)
			}
		})
	}
}

// TestParseRetrieval_Refuses: a document that does not read as a whole is
// refused.
func TestParseRetrieval_Refuses(t *testing.T) {
	t.Parallel()
	json, ion := featureflag.ContentTypeJSON, featureflag.ContentTypeIon
	tests := []struct {
		name, body, contentType, want string
	}{
		{"BadJSON", `{"a": `, json, "must be an object of flags"},
		{"JSONArray", `[]`, json, "must be an object of flags"},
		{"JSONNull", `null`, json, "must be an object of flags"},
		{"BadIon", `'a'::[`, ion, "retrieval-time Ion"},
		{"NoAnnotation", `'''{}'''`, ion, "exactly one annotation"},
		{"TwoAnnotations", `a::b::'''{}'''`, ion, "exactly one annotation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, err := featureflag.ParseRetrieval([]byte(tt.body), tt.contentType)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseRetrieval(%s) = %v, %v; want an error containing %q", tt.body, set, err, tt.want)
			}
		})
	}
}

// TestParseRetrieval_UnreadableFlag: a flag that does not read fails the
// requests that ask for it (or for every flag), and no other.
func TestParseRetrieval_UnreadableFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, flag, want string
	}{
		{"NumberFlag", `a::1`, "must be a string or a list of variants"},
		{"FlagContentNotJSON", `a::'''{"enabled": }'''`, "content: not valid JSON"},
		{"DefaultNotLast", `a::['''{}''', [(eq $x "y"), '''{}''']]`, "the default variant must be the last element"},
		{"VariantNotAPair", `a::[[(eq $x "y")], '''{}''']`, "a [rule, content] pair"},
		{"VariantRuleNotSExp", `a::[["(eq $x \"y\")", '''{}'''], '''{}''']`, "a [rule, content] pair"},
		{"VariantRuleDoesNotParse", `a::[[(frobnicate $x), '''{}'''], '''{}''']`, "frobnicate"},
		{"VariantContentNotJSON", `a::[[(eq $x "y"), '''{'''], '''{}''']`, "not valid JSON"},
		{"DefaultContentNotJSON", `a::['''nope''']`, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := tt.flag + "\nb::'''{\"enabled\": true}'''"
			set, err := featureflag.ParseRetrieval([]byte(body), featureflag.ContentTypeIon)
			if err != nil {
				t.Fatalf("ParseRetrieval(%s): %v; want the readable flag kept", body, err)
			}
			if got, err := set.Resolve([]string{"b"}, nil); err != nil || string(got) != `{"b":{"enabled":true}}` {
				t.Errorf(`Resolve(b) = %s, %v; want {"b":{"enabled":true}}`, got, err)
			}
			for _, keys := range [][]string{{"a"}, nil} {
				_, err := set.Resolve(keys, nil)
				var ue *featureflag.UnreadableFlagError
				if !errors.As(err, &ue) || ue.Key != "a" || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Resolve(%q) = %v; want an UnreadableFlagError for a containing %q", keys, err, tt.want)
				}
			}
		})
	}
}

func TestSet_Resolve(t *testing.T) {
	t.Parallel()
	set := parse(t, []byte(`
'b'::'''{"enabled": true, "ratio": 1e3, "html": "<b>&</b>", "z": [2, 1]}'''
'a'::'''{"enabled": false}'''
'mv'::[
  [(eq $plan "pro"), '''{"_variant": "Pro", "enabled": true, "limit": 100}'''],
  [(exists key::"plan"), '''{"_variant": "Any plan", "enabled": true, "limit": 10}'''],
  '''{"_variant": "Default", "enabled": false}'''
]
'no_default'::[[(eq $plan "pro"), '''{"_variant": "Pro", "enabled": true}''']]
'b'::'''{"enabled": true, "last": "wins"}'''
`), featureflag.ContentTypeIon)
	if got, want := set.Keys(), []string{"a", "b", "mv", "no_default"}; !slices.Equal(got, want) {
		t.Errorf("Keys = %q; want %q", got, want)
	}
	tests := []resolveCase{
		{"OneFlag", []string{"a"}, nil, `{"a":{"enabled":false}}`},
		{"SomeFlagsSortedOnce", []string{"mv", "a", "mv"}, nil, `{"a":{"enabled":false},"mv":{"_variant":"Default","enabled":false}}`},
		{"KeyRepeatedInTheConfigurationKeepsTheLast", []string{"b"}, nil, `{"b":{"enabled":true,"last":"wins"}}`},
		{"FirstMatchingVariantWins", []string{"mv"}, map[string]string{"plan": "pro"}, `{"mv":{"_variant":"Pro","enabled":true,"limit":100}}`},
		{"LaterVariantMatches", []string{"mv"}, map[string]string{"plan": "free"}, `{"mv":{"_variant":"Any plan","enabled":true,"limit":10}}`},
		{"NoMatchWithoutDefaultIsDisabled", []string{"no_default"}, map[string]string{"plan": "free"}, `{"no_default":{"enabled":false}}`},
		{"MatchWithoutDefault", []string{"no_default"}, map[string]string{"plan": "pro"}, `{"no_default":{"_variant":"Pro","enabled":true}}`},
	}
	checkResolve(t, set, tests)
	t.Run("NumbersAndTextAsWritten", func(t *testing.T) {
		t.Parallel()
		set := parse(t, []byte(`{"b": {"enabled": true, "ratio": 1e3, "html": "<b>&</b>", "z": [2, 1]}}`), featureflag.ContentTypeJSON)
		got, err := set.Resolve(nil, nil)
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if want := `{"b":{"enabled":true,"html":"<b>&</b>","ratio":1e3,"z":[2,1]}}`; string(got) != want {
			t.Errorf("Resolve = %s; want %s", got, want)
		}
	})
	t.Run("UnknownFlag", func(t *testing.T) {
		t.Parallel()
		got, err := set.Resolve([]string{"a", "ghost"}, nil)
		var unknown *featureflag.UnknownFlagError
		if !errors.As(err, &unknown) || unknown.Key != "ghost" {
			t.Fatalf("Resolve = %s, %v; want *UnknownFlagError{Key: ghost}", got, err)
		}
		if !strings.Contains(err.Error(), `"ghost"`) {
			t.Errorf("Error() = %q; want it to name the flag", err)
		}
	})
	t.Run("EmptyConfiguration", func(t *testing.T) {
		t.Parallel()
		got, err := parse(t, []byte(`{}`), featureflag.ContentTypeJSON).Resolve(nil, nil)
		if err != nil || string(got) != `{}` {
			t.Errorf("Resolve = %s, %v; want {}", got, err)
		}
	})
}
