package controlapi

import (
	"context"
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// auditTimeout bounds the write of one audit entry, which runs after the
// client may have gone: it must neither be cut short by the request's
// cancellation nor hang the handler on a stuck store.
const auditTimeout = 10 * time.Second

// changes reports whether operation op, requested with method, is one the
// audit trail records: every operation that may change something, whether
// it succeeds, fails or is refused to a key without the right. Reads are
// not recorded, and neither is ValidateConfiguration, a POST that changes
// nothing.
//
// handle calls it only for requests whose sender was authenticated.
// Requests that failed authentication (no signature, an unknown key, a bad
// signature) or were throttled are not recorded: there is no verified key
// to name, and recording them would let anyone fill the trail and the
// store with forged entries; the access log still has them.
func changes(op, method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead:
		return false
	}
	return op != "ValidateConfiguration"
}

// recordAudit writes the audit entry of a request handle has answered:
// status is what rw sent, err what fn or the authorization check returned.
// It never changes the response; a failure is logged with the request ID.
func (s *Server) recordAudit(r *http.Request, op string, p appconfigd.Principal, rw *responseWriter, err error) {
	e := &appconfigd.AuditEntry{
		RequestID:   awsjson.RequestID(r.Context()),
		AccessKeyID: p.AccessKeyID,
		KeyName:     p.Name,
		Operation:   op,
		Resource:    r.URL.Path,
		Status:      rw.status,
	}
	if e.Status == 0 {
		// The handler wrote nothing; net/http sends 200.
		e.Status = http.StatusOK
	}
	e.SetError(err)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditTimeout)
	defer cancel()
	if err := s.Service.RecordAudit(ctx, e); err != nil {
		s.logger().Error("record audit entry", "request_id", e.RequestID, "op", op, "err", err)
	}
}
