package controlapi

import "net/http"

// changes reports whether operation op, requested with method, is one the
// audit trail records: every operation that may change something, whether
// it succeeds, fails or is refused to a key without the right. Reads are
// not recorded, and neither is ValidateConfiguration, a POST that changes
// nothing. The surface records only requests whose sender was
// authenticated (awsjson.Surface.Serve says why).
func changes(op, method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead:
		return false
	}
	return op != "ValidateConfiguration"
}
