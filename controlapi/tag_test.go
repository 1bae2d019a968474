package controlapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTags(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	appID := e.createApplication("web")
	arn := e.svc.ApplicationARN(appID)
	// As the SDKs send it: the whole ARN in one percent-encoded segment.
	path := "/tags/" + url.PathEscape(arn)

	t.Run("NoneIsAnEmptyObject", func(t *testing.T) {
		rec := e.do("GET", path, "")
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != `{"Tags":{}}` {
			t.Errorf("body = %s, want {\"Tags\":{}}", got)
		}
	})

	t.Run("TagResource", func(t *testing.T) {
		rec := e.do("POST", path, `{"Tags":{"team":"a","env":"prod"}}`)
		wantStatus(t, rec, http.StatusNoContent)
		if rec.Body.Len() != 0 {
			t.Errorf("body = %q, want none", rec.Body)
		}
		if got := e.do("GET", path, "").Body.String(); got != `{"Tags":{"env":"prod","team":"a"}}` {
			t.Errorf("tags = %s, want env and team", got)
		}
	})

	t.Run("UnescapedARNIsAccepted", func(t *testing.T) {
		if got := e.do("GET", "/tags/"+arn, "").Body.String(); got != `{"Tags":{"env":"prod","team":"a"}}` {
			t.Errorf("tags = %s, want env and team", got)
		}
	})

	t.Run("UntagResource", func(t *testing.T) {
		wantStatus(t, e.do("DELETE", path+"?tagKeys=env&tagKeys=missing", ""), http.StatusNoContent)
		if got := e.do("GET", path, "").Body.String(); got != `{"Tags":{"team":"a"}}` {
			t.Errorf("tags = %s, want only team", got)
		}
	})

	for _, tc := range []struct{ name, query string }{
		{"UntagEmptyKey", "?tagKeys="},
		{"UntagKeyTooLong", "?tagKeys=" + strings.Repeat("k", 129)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantBadRequestNaming(t, e.do("DELETE", path+tc.query, ""), "TagKeys")
			if got := e.do("GET", path, "").Body.String(); got != `{"Tags":{"team":"a"}}` {
				t.Errorf("tags after the failed request = %s, want only team", got)
			}
		})
	}

	bad := []struct {
		name, body, member string
	}{
		{"TagsMissing", `{}`, "Tags"},
		{"TagsWrongType", `{"Tags":["a"]}`, "Tags"},
		{"TagValueWrongType", `{"Tags":{"a":1}}`, "Tags"},
		{"TagKeyReserved", `{"Tags":{"aws:x":"1"}}`, "aws:"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			wantBadRequestNaming(t, e.do("POST", path, tc.body), tc.member)
			if got := e.do("GET", path, "").Body.String(); got != `{"Tags":{"team":"a"}}` {
				t.Errorf("tags after the failed request = %s, want only team", got)
			}
		})
	}

	t.Run("UnknownResource", func(t *testing.T) {
		missing := e.svc.ApplicationARN("zzzzzzz")
		body := wantError(t, e.do("GET", "/tags/"+url.PathEscape(missing), ""), http.StatusNotFound, "ResourceNotFoundException")
		if got := body["ResourceName"]; got != missing {
			t.Errorf("ResourceName = %v, want %s", got, missing)
		}
	})

	t.Run("MalformedARN", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("GET", "/tags/not-an-arn-at-all-really", ""), "ResourceArn")
	})

	t.Run("EmptyARN", func(t *testing.T) {
		wantBadRequestNaming(t, e.do("GET", "/tags/", ""), "ResourceArn")
	})
}
