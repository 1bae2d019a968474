package adminapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// AuditEntryJSON is an audit entry as GET /admin/audit and `appconfigd
// audit --json` print it: every member always present, Time in RFC 3339
// with nanoseconds, in UTC. Member names are spelled as the AWS APIs spell
// them (RequestId). It is exported so that both stay one format.
type AuditEntryJSON struct {
	Time        string
	RequestID   string `json:"RequestId"`
	AccessKeyID string `json:"AccessKeyId"`
	KeyName     string
	Operation   string
	Resource    string
	Status      int
	ErrorCode   appconfigd.ErrorCode
	Message     string
}

// NewAuditEntryJSON returns e in its JSON form.
func NewAuditEntryJSON(e *appconfigd.AuditEntry) AuditEntryJSON {
	return AuditEntryJSON{
		Time:        e.Time.UTC().Format(time.RFC3339Nano),
		RequestID:   e.RequestID,
		AccessKeyID: e.AccessKeyID,
		KeyName:     e.KeyName,
		Operation:   e.Operation,
		Resource:    e.Resource,
		Status:      e.Status,
		ErrorCode:   e.ErrorCode,
		Message:     e.Message,
	}
}

// handleListAudit serves GET /admin/audit: the audit trail newest first,
// a page at a time. Query keys: since and until (RFC 3339; since is
// inclusive, until exclusive), access_key_id, operation, max_results
// (1..50, default 50) and next_token.
func (s *Server) handleListAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var (
		filter appconfigd.AuditFilter
		in     appconfigd.ListInput
		err    error
	)
	if filter.Since, err = queryTime(q.Get("since"), "since"); err != nil {
		return err
	}
	if filter.Until, err = queryTime(q.Get("until"), "until"); err != nil {
		return err
	}
	filter.AccessKeyID = q.Get("access_key_id")
	filter.Operation = q.Get("operation")
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n == 0 {
			// The Service reads 0 as "not given"; a client that sent
			// it asked for something else.
			return appconfigd.Errorf(appconfigd.EBadRequest, "max_results must be an integer between 1 and 50, got %q", v)
		}
		in.MaxResults = n
	}
	in.NextToken = q.Get("next_token")
	out, err := s.Service.ListAudit(r.Context(), filter, in)
	if err != nil {
		return err
	}
	body := struct {
		Entries   []AuditEntryJSON
		NextToken string `json:",omitempty"`
	}{Entries: make([]AuditEntryJSON, 0, len(out.Items)), NextToken: out.NextToken}
	for _, e := range out.Items {
		body.Entries = append(body.Entries, NewAuditEntryJSON(e))
	}
	awsjson.WriteJSON(w, http.StatusOK, body)
	return nil
}

// queryTime parses an RFC 3339 query value; "" is the zero time.
func queryTime(v, key string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, appconfigd.Errorf(appconfigd.EBadRequest, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z, got %q", key, v)
	}
	return t, nil
}

// changes reports whether a request with method may change something, and
// so belongs in the audit trail. Every admin route that is not a GET
// changes something.
func changes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}
