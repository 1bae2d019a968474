package featureflag_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/appconfigd/appconfigd/featureflag"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/retrieval")

// TestRetrieval converts each testdata/retrieval/<case>.json and compares
// the bytes with <case>.golden.
func TestRetrieval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType string
	}{
		{"basic", featureflag.ContentTypeJSON},
		{"empty", featureflag.ContentTypeJSON},
		{"multi-variant", featureflag.ContentTypeIon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := readFile(t, filepath.Join("testdata", "retrieval", tt.name+".json"))
			body, contentType, err := featureflag.Retrieval(doc)
			if err != nil {
				t.Fatalf("Retrieval: %v", err)
			}
			if contentType != tt.contentType {
				t.Errorf("content type = %q; want %q", contentType, tt.contentType)
			}
			golden := filepath.Join("testdata", "retrieval", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); string(body) != string(want) {
				t.Errorf("Retrieval =\n%s\nwant (%s)\n%s", body, golden, want)
			}
			if _, err := featureflag.ParseRetrieval(body, contentType); err != nil {
				t.Errorf("ParseRetrieval(Retrieval) = %v; want nil", err)
			}
		})
	}
}

// TestRetrieval_ReproducesAWSSample converts a document whose flags are
// those of AWS's multi-variant sample (docs/WIRE.md §4.2) and expects AWS's bytes.
func TestRetrieval_ReproducesAWSSample(t *testing.T) {
	t.Parallel()
	body, _, err := featureflag.Retrieval(readFile(t, filepath.Join("testdata", "retrieval", "aws-sample.json")))
	if err != nil {
		t.Fatalf("Retrieval: %v", err)
	}
	if want := readFile(t, filepath.Join("testdata", "aws-sample.ion")); string(body) != string(want) {
		t.Errorf("Retrieval =\n%s\nwant AWS's sample\n%s", body, want)
	}
}

func TestRetrieval_WireExample(t *testing.T) {
	t.Parallel()
	body, contentType, err := featureflag.Retrieval([]byte(wireExample))
	if err != nil {
		t.Fatalf("Retrieval: %v", err)
	}
	if contentType != featureflag.ContentTypeIon {
		t.Errorf("content type = %q; want %q", contentType, featureflag.ContentTypeIon)
	}
	set, err := featureflag.ParseRetrieval(body, contentType)
	if err != nil {
		t.Fatalf("ParseRetrieval(%s): %v", body, err)
	}
	checkResolve(t, set, []resolveCase{
		{"RuleMatches", nil, map[string]string{"email": "ana@qa-testers.example.org"},
			`{"logger_settings":{"enabled":true,"level":"INFO"},"ui_refresh":{"_variant":"QA","dark_mode_support":true,"enabled":true}}`},
		{"DefaultVariant", nil, map[string]string{"email": "bo@example.com"},
			`{"logger_settings":{"enabled":true,"level":"INFO"},"ui_refresh":{"_variant":"Default Variant","enabled":false}}`},
	})
}

func TestRetrieval_RefusesInvalidDocuments(t *testing.T) {
	t.Parallel()
	body, _, err := featureflag.Retrieval([]byte(`{"version": "1", "values": {"ghost": {}}}`))
	var ve *featureflag.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("Retrieval = %s, %v; want a *ValidationError", body, err)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
