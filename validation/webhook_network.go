package validation

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// BlockedByDefault are the networks webhook validators may not reach unless
// they are listed explicitly: link-local addresses, where cloud instance
// metadata services answer with credentials (169.254.169.254 and AWS's
// fd00:ec2::254). Whoever can create a validator could otherwise make the
// server fetch them.
var BlockedByDefault = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
}

// NetworkPolicy says which addresses webhook validators may connect to.
// It is checked on the address actually dialled, after name resolution, so
// a name that resolves somewhere else later cannot get around it.
type NetworkPolicy struct {
	// Allow, when set, lists the only networks webhooks may reach.
	// Empty means every address outside BlockedByDefault.
	Allow []netip.Prefix
}

// Allows reports whether a webhook may connect to addr. An IPv4-mapped
// address counts as its IPv4 address, and a zone (fe80::1%eth0) is
// ignored: prefixes never contain zoned addresses, and the kernel ignores
// the zone of an address that is not link-local.
func (p NetworkPolicy) Allows(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	if len(p.Allow) > 0 {
		return containsAddr(p.Allow, addr)
	}
	return !containsAddr(BlockedByDefault, addr)
}

func containsAddr(prefixes []netip.Prefix, addr netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// control refuses a connection to an address the policy does not allow,
// before anything is sent.
func (p NetworkPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook address %q: %w", address, err)
	}
	if !p.Allows(ap.Addr()) {
		return fmt.Errorf("address %s is outside the networks webhook validators may reach (--validator-networks)", ap.Addr().Unmap().WithZone(""))
	}
	return nil
}

// defaultWebhookClient serves Runners without an HTTPClient.
var defaultWebhookClient = NewWebhookClient(NetworkPolicy{})

// NewWebhookClient returns an HTTP client for webhook validators that
// connects only where p allows. It uses no proxy: through a proxy the
// policy would see only the proxy's address.
func NewWebhookClient(p NetworkPolicy) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = dialer.DialContext
	return &http.Client{Transport: tr}
}
