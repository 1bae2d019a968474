package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
)

// auditPageSize is how many audit entries one page of the audit trail
// shows.
const auditPageSize = 50

// datetimeLocal are the forms a datetime-local input sends: browsers
// leave the seconds out when they are zero.
var datetimeLocal = []string{"2006-01-02T15:04", "2006-01-02T15:04:05"}

// auditData is what the audit trail page shows.
type auditData struct {
	// Filter is the filter form as the user filled it in.
	Filter auditForm
	// Operations are the operation names the filter suggests.
	Operations []string
	Entries    []*appconfigd.AuditEntry
	// Older links to the next page, "" on the last.
	Older string
}

// auditForm is the filter form's fields, in UTC.
type auditForm struct {
	Since, Until, AccessKeyID, Operation string
}

// handleAudit shows the audit trail, newest first, a page at a time. The
// audit trail is admin data, as GET /admin/audit is: a reader key is
// refused.
func (s *Server) handleAudit(rq *request) error {
	if !rq.p.IsAdmin() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is a reader and may not read the audit trail", rq.p.Name)
	}
	q := rq.URL.Query()
	data := &auditData{
		Filter: auditForm{
			Since:       q.Get("since"),
			Until:       q.Get("until"),
			AccessKeyID: strings.TrimSpace(q.Get("key")),
			Operation:   strings.TrimSpace(q.Get("operation")),
		},
		Operations: s.auditedOperations(),
	}
	filter := appconfigd.AuditFilter{AccessKeyID: data.Filter.AccessKeyID, Operation: data.Filter.Operation}
	var err error
	if filter.Since, err = parseUTC("Since", data.Filter.Since); err != nil {
		return rq.showError(err, "audit", "Audit trail", data)
	}
	if filter.Until, err = parseUTC("Until", data.Filter.Until); err != nil {
		return rq.showError(err, "audit", "Audit trail", data)
	}
	out, err := s.Service.ListAudit(rq.ctx(), filter, appconfigd.ListInput{MaxResults: auditPageSize, NextToken: q.Get("next")})
	if err != nil {
		return rq.showError(err, "audit", "Audit trail", data)
	}
	data.Entries = out.Items
	if out.NextToken != "" {
		older := url.Values{"next": {out.NextToken}}
		for k, v := range map[string]string{"since": data.Filter.Since, "until": data.Filter.Until, "key": data.Filter.AccessKeyID, "operation": data.Filter.Operation} {
			if v != "" {
				older.Set(k, v)
			}
		}
		data.Older = Path + "/audit?" + older.Encode()
	}
	return rq.render(http.StatusOK, "audit", "Audit trail", data)
}

// parseUTC reads a datetime-local input's value as a time in UTC; empty
// is no time.
func parseUTC(field, value string) (time.Time, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, nil
	}
	for _, layout := range datetimeLocal {
		if t, err := time.ParseInLocation(layout, value, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, appconfigd.Errorf(appconfigd.EBadRequest, "%s must be a date and time such as 2026-05-01T12:30, got %q", field, value)
}

// auditedOperations returns the operations the filter's list suggests:
// the console's changes, by name. Any other name, such as one only the
// AWS API or the admin API calls, can be typed in.
func (s *Server) auditedOperations() []string {
	var ops []string
	for _, rt := range s.routes() {
		if rt.change != "" && !slices.Contains(ops, rt.change) {
			ops = append(ops, rt.change)
		}
	}
	slices.Sort(ops)
	return ops
}
