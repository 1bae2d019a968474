package featureflag_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/featureflag"
)

// FuzzValidate checks that Validate never panics and that whatever it
// accepts can be stamped, still validates once stamped, converts to the
// retrieval-time format, and parses back.
func FuzzValidate(f *testing.F) {
	for _, doc := range []string{
		wireExample,
		everyConstraint,
		`{"version": "1"}`,
		oneFlag(levelAttr, `{"enabled": true, "level": "TRACE"}`),
		variants(levelAttr, `{"name": "QA", "enabled": true, "rule": "(eq $a \"b\")", "attributeValues": {"level": "INFO"}}`, `{"name": "D", "enabled": false}`),
		`{"version": "1", "flags": {"a": {"name": "\u0000'''\\"}}, "values": {"a": {"enabled": true}}}`,
	} {
		f.Add([]byte(doc))
	}
	cases, _ := filepath.Glob(filepath.Join("testdata", "retrieval", "*.json"))
	for _, name := range cases {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if featureflag.Validate(doc) != nil {
			return
		}
		stamped, err := featureflag.Stamp(doc, doc, time.Unix(1e9, 0))
		if err != nil {
			t.Fatalf("Stamp of a valid document: %v", err)
		}
		if err := featureflag.Validate(stamped); err != nil {
			t.Fatalf("Validate(Stamp(doc)) = %v\nstamped: %s", err, stamped)
		}
		body, contentType, err := featureflag.Retrieval(doc)
		if err != nil {
			t.Fatalf("Retrieval of a valid document: %v", err)
		}
		set, err := featureflag.ParseRetrieval(body, contentType)
		if err != nil {
			t.Fatalf("ParseRetrieval(Retrieval(doc)) = %v\nbody: %s", err, body)
		}
		if _, err := set.Resolve(nil, map[string]string{"a": "b"}); err != nil {
			t.Fatalf("Resolve: %v", err)
		}
	})
}
