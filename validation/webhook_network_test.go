package validation_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"

	"github.com/appconfigd/appconfigd/validation"
)

func TestNetworkPolicyAllows(t *testing.T) {
	t.Parallel()
	private := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	withMetadata := []netip.Prefix{netip.MustParsePrefix("169.254.169.254/32")}
	tests := []struct {
		name  string
		allow []netip.Prefix
		addr  string
		want  bool
	}{
		{"DefaultLoopback", nil, "127.0.0.1", true},
		{"DefaultPrivate", nil, "10.1.2.3", true},
		{"DefaultPublicIPv6", nil, "2001:db8::1", true},
		{"DefaultMetadata", nil, "169.254.169.254", false},
		{"DefaultMetadataIPv4Mapped", nil, "::ffff:169.254.169.254", false},
		{"DefaultMetadataIPv6", nil, "fd00:ec2::254", false},
		{"DefaultLinkLocalIPv6", nil, "fe80::1", false},
		{"DefaultLinkLocalIPv6WithZone", nil, "fe80::1%eth0", false},
		{"DefaultMetadataIPv6WithZone", nil, "fd00:ec2::254%1", false},
		{"ListedInside", private, "10.9.9.9", true},
		{"ListedOutside", private, "127.0.0.1", false},
		{"ListedMetadata", withMetadata, "169.254.169.254", true},
		{"ListedLinkLocalWithZone", []netip.Prefix{netip.MustParsePrefix("fe80::/10")}, "fe80::1%eth0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validation.NetworkPolicy{Allow: tt.allow}
			if got := p.Allows(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Allows(%s) with Allow %v = %v; want %v", tt.addr, tt.allow, got, tt.want)
			}
		})
	}
}

// TestWebhookClientRefusesAddress: a webhook at an address the policy
// refuses fails validation, naming the address, and is never called.
func TestWebhookClientRefusesAddress(t *testing.T) {
	t.Parallel()
	h := &webhook{status: http.StatusOK}
	srv := serveWebhook(t, h)
	r := &validation.Runner{HTTPClient: validation.NewWebhookClient(validation.NetworkPolicy{
		Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	})}
	err := r.Validate(context.Background(), profile(lambda(srv.URL)), version(`{}`))
	e := asBadRequest(t, err)
	wantFragments(t, e.Message, "could not be reached", "127.0.0.1 is outside the networks webhook validators may reach")
	if n := len(h.calls()); n != 0 {
		t.Errorf("webhook called %d times; want none", n)
	}
}

// TestWebhookClientDefault: the default client, of NewRunner and of a
// zero Runner, reaches a local webhook and refuses the instance metadata
// address without sending anything.
func TestWebhookClientDefault(t *testing.T) {
	t.Parallel()
	h := &webhook{status: http.StatusOK}
	srv := serveWebhook(t, h)
	for name, r := range map[string]*validation.Runner{"NewRunner": validation.NewRunner(), "ZeroRunner": {}} {
		if err := r.Validate(context.Background(), profile(lambda(srv.URL)), version(`{}`)); err != nil {
			t.Fatalf("%s: Validate with a local webhook = %v; want nil", name, err)
		}
		err := r.Validate(context.Background(), profile(lambda("http://169.254.169.254/latest/meta-data/")), version(`{}`))
		e := asBadRequest(t, err)
		wantFragments(t, e.Message, "169.254.169.254 is outside the networks webhook validators may reach")
	}
}
