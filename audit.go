package appconfigd

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry records one request that tried to change something through
// the control plane or the admin API: which access key sent it, what it
// asked for, when, and how it ended. Refused and failed requests are
// recorded too, since an attempt is as telling as a success; requests
// whose sender could not be authenticated are not, since there is no
// verified key to name and recording them would let anyone fill the log.
type AuditEntry struct {
	// Time is when the request ended; [Service.RecordAudit] sets it when
	// zero.
	Time time.Time
	// RequestID is the x-amzn-RequestId the client got, to find the
	// request in the server log.
	RequestID string
	// AccessKeyID and KeyName identify the access key that signed the
	// request.
	AccessKeyID string
	KeyName     string
	// Operation is the AWS operation name (CreateApplication) or, for the
	// admin API, appconfigd's own (PutAlarm).
	Operation string
	// Resource is the path of the request, which names what it changed.
	Resource string
	// Status is the HTTP status sent.
	Status int
	// ErrorCode and Message describe a failure as the client saw it; both
	// are empty on success.
	ErrorCode ErrorCode
	Message   string
}

// StatusClientClosedRequest is the Status recorded for a request whose
// client hung up before it was answered, the code nginx logs for it: no
// status was sent, and the failure is not the server's. A change that
// committed before the client left is recorded with the status it earned.
const StatusClientClosedRequest = 499

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	// Since keeps entries at or after it; Until keeps those before it.
	Since, Until time.Time
	// AccessKeyID and Operation keep entries with exactly that value.
	AccessKeyID string
	Operation   string
}

// Matches reports whether e passes the filter. Stores filter in SQL; this
// states the rule once, for tests and in-memory callers.
func (f AuditFilter) Matches(e *AuditEntry) bool {
	switch {
	case !f.Since.IsZero() && e.Time.Before(f.Since):
		return false
	case !f.Until.IsZero() && !e.Time.Before(f.Until):
		return false
	case f.AccessKeyID != "" && e.AccessKeyID != f.AccessKeyID:
		return false
	case f.Operation != "" && e.Operation != f.Operation:
		return false
	}
	return true
}

// DefaultAuditRetention is how long audit entries are kept unless
// Service.AuditRetention says otherwise.
const DefaultAuditRetention = 90 * 24 * time.Hour

// maxAuditText bounds each text of an audit entry, in bytes. The request
// path and error messages come from clients; without a bound one request
// could store a URL as long as the server's header limit.
const maxAuditText = 2048

// auditText makes s storable in every store and bounded: invalid UTF-8 and
// NUL characters, which PostgreSQL text refuses, become U+FFFD, and a long
// text is cut at a character boundary and marked with an ellipsis. An
// audit entry must be written whatever the request carried.
func auditText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) <= maxAuditText {
		return s
	}
	const ellipsis = "…"
	cut := maxAuditText - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// SetError records err as the failure of the request: its code and, for an
// [*Error], the message the client got. Any other error is an internal
// one whose text may hold internals the client never saw: the entry keeps
// only EInternal, and RequestID finds the details in the server log. Set
// Status first: for a request whose client hung up
// ([StatusClientClosedRequest]), err is only the trace of the
// cancellation, and the entry says that the client left instead.
func (e *AuditEntry) SetError(err error) {
	if err == nil {
		return
	}
	if e.Status == StatusClientClosedRequest {
		e.Message = "The client closed the connection before the request was answered"
		return
	}
	e.ErrorCode = ErrorCodeOf(err)
	var ae *Error
	if errors.As(err, &ae) {
		e.Message = ae.Message
	}
}
