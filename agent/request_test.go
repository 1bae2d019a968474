package agent

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers []string
		want    map[string]string
		wantErr bool
	}{
		{"None", nil, nil, false},
		{"One", []string{"country=US"}, map[string]string{"country": "US"}, false},
		{"CommaSeparated", []string{"country=US,plan=pro"}, map[string]string{"country": "US", "plan": "pro"}, false},
		{"SeveralHeaders", []string{"country=US", "plan=pro"}, map[string]string{"country": "US", "plan": "pro"}, false},
		{"Spaces", []string{" country = US , plan= pro "}, map[string]string{"country": "US", "plan": "pro"}, false},
		{"EqualsInValue", []string{"query=a=b"}, map[string]string{"query": "a=b"}, false},
		{"EmptyValue", []string{"country="}, map[string]string{"country": ""}, false},
		{"EmptyItems", []string{"country=US,,"}, map[string]string{"country": "US"}, false},
		{"LaterWins", []string{"country=US", "country=CA"}, map[string]string{"country": "CA"}, false},
		{"NoEquals", []string{"country"}, nil, true},
		{"EmptyKey", []string{"=US"}, nil, true},
		{"OneBadItem", []string{"country=US,plan"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseContext(tt.headers)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseContext(%q) error = %v; want error %v", tt.headers, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseContext(%q) (-want +got):\n%s", tt.headers, diff)
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		target     string
		headers    map[string][]string
		wantFlags  []string
		wantEntity string
		wantErr    bool
	}{
		{"Plain", "/x", nil, nil, "", false},
		{"Flags", "/x?flag=a&flag=b&other=c", nil, []string{"a", "b"}, "", false},
		{"Entity", "/x", map[string][]string{"Entity-Id": {"user-123"}}, nil, "user-123", false},
		{"EntityAtLimit", "/x", map[string][]string{"Entity-Id": {strings.Repeat("e", maxEntityID)}}, nil, strings.Repeat("e", maxEntityID), false},
		{"EntityTooLong", "/x", map[string][]string{"Entity-Id": {strings.Repeat("e", maxEntityID+1)}}, nil, "", true},
		{"EntityTwice", "/x", map[string][]string{"Entity-Id": {"a", "b"}}, nil, "", true},
		{"BadContext", "/x", map[string][]string{"Context": {"nokey"}}, nil, "", true},
		{"BadQuery", "/x?flag=%zz", nil, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			for k, vs := range tt.headers {
				r.Header[k] = vs
			}
			got, err := parseRequest(r)
			if tt.wantErr {
				var he *httpError
				if err == nil || !errors.As(err, &he) || he.status != http.StatusBadRequest {
					t.Errorf("parseRequest error = %v; want a 400", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseRequest: %v", err)
			}
			if !cmp.Equal(got.flags, tt.wantFlags) || got.entity != tt.wantEntity {
				t.Errorf("parseRequest = flags %q entity %q; want %q %q", got.flags, got.entity, tt.wantFlags, tt.wantEntity)
			}
		})
	}
}
