package appconfigd

import (
	"context"
	"slices"
)

// Role is what an access key may do.
type Role string

// Roles.
const (
	// RoleAdmin may call every operation.
	RoleAdmin Role = "admin"
	// RoleReader may only read configurations through the data plane,
	// optionally only those of some applications.
	RoleReader Role = "reader"
)

// Principal is who sent a request: the access key that signed it and what
// that key may do.
type Principal struct {
	AccessKeyID string
	// Name is the key's name in the key configuration, for logs and the
	// audit trail.
	Name string
	Role Role
	// Applications limits a reader to these applications, by ID or name;
	// empty means every application.
	Applications []string
}

// IsAdmin reports whether p may call every operation.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// CanRead reports whether p may read configurations of the application
// with the given ID and name.
func (p Principal) CanRead(appID, appName string) bool {
	switch p.Role {
	case RoleAdmin:
		return true
	case RoleReader:
		return len(p.Applications) == 0 || slices.Contains(p.Applications, appID) || slices.Contains(p.Applications, appName)
	}
	return false
}

type principalKey struct{}

// NewContextWithPrincipal returns a context carrying p.
func NewContextWithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal of the request, if any.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// authorizeRead refuses a read of an application's configuration that the
// request's principal may not read; operation is the operation called, the
// action the refusal names as AWS's access-denied messages do. A context
// without a principal is an in-process caller, not a request: the wire
// surfaces always set one.
func authorizeRead(ctx context.Context, operation, appID, appName string) error {
	p, ok := PrincipalFromContext(ctx)
	if !ok || p.CanRead(appID, appName) {
		return nil
	}
	return Errorf(EAccessDenied, "User: %s is not authorized to perform: appconfig:%s on application %s", p.Name, operation, appID)
}
