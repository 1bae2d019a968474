package awsjson_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/appconfigd/appconfigd/awsjson"
)

// uuidV4 is the shape of AWS's request IDs: a random (version 4, RFC 4122
// variant) UUID in lower case.
var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWithRequestID(t *testing.T) {
	t.Parallel()
	var inHandler string
	h := awsjson.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inHandler = awsjson.RequestID(r.Context())
	}))
	seen := make(map[string]bool)
	for range 100 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/configuration", nil))
		id := rec.Header().Get("X-Amzn-RequestId")
		if !uuidV4.MatchString(id) {
			t.Fatalf("X-Amzn-RequestId = %q, want a version 4 UUID", id)
		}
		if inHandler != id {
			t.Fatalf("RequestID in the handler = %q, want the header's %q", inHandler, id)
		}
		if seen[id] {
			t.Fatalf("request ID %q given twice", id)
		}
		seen[id] = true
	}
}
