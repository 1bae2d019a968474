package console

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// pagedList serves n items in pages of 50, as the service's listings do.
func pagedList(n int) func(in appconfigd.ListInput) (*appconfigd.ListOutput[int], error) {
	return func(in appconfigd.ListInput) (*appconfigd.ListOutput[int], error) {
		from := 0
		if in.NextToken != "" {
			from, _ = strconv.Atoi(in.NextToken)
		}
		to := min(from+50, n)
		out := &appconfigd.ListOutput[int]{}
		for i := from; i < to; i++ {
			out.Items = append(out.Items, i)
		}
		if to < n {
			out.NextToken = strconv.Itoa(to)
		}
		return out, nil
	}
}

func TestCollect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		total         int
		wantItems     int
		wantTruncated bool
	}{
		{total: 0, wantItems: 0},
		{total: 120, wantItems: 120},
		{total: maxListed, wantItems: maxListed},
		{total: maxListed + 1, wantItems: maxListed, wantTruncated: true},
		{total: 5000, wantItems: maxListed, wantTruncated: true},
	} {
		items, truncated, err := collect(pagedList(tt.total))
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != tt.wantItems || truncated != tt.wantTruncated {
			t.Errorf("collect of %d items: got %d items, truncated %v; want %d, %v", tt.total, len(items), truncated, tt.wantItems, tt.wantTruncated)
		}
	}
}

// TestTruncatedListsSayTheyAreCut renders the pages that list with a cut
// list, since making more than maxListed items through the service takes
// too long for a test.
func TestTruncatedListsSayTheyAreCut(t *testing.T) {
	t.Parallel()
	s := &Server{}
	s.Handler()
	a := &appconfigd.Application{ID: "abc1234", Name: "app"}
	p := &appconfigd.ConfigurationProfile{ID: "def5678", Name: "profile"}
	one := []*appconfigd.HostedConfigurationVersion{{VersionNumber: 1}}
	const cut = "Showing the first 1000; use the AWS CLI for the rest."
	if strconv.Itoa(maxListed) != "1000" {
		t.Fatalf("maxListed is %d; change the partial \"truncated\" and this test", maxListed)
	}
	for _, tt := range []struct {
		page      string
		cut, full any
	}{
		{"applications", &applicationsData{Applications: []*appconfigd.Application{a}, Form: a, Truncated: true}, &applicationsData{Applications: []*appconfigd.Application{a}, Form: a}},
		{"versions", &versionsData{Application: a, Profile: p, Versions: one, Truncated: true}, &versionsData{Application: a, Profile: p, Versions: one}},
		{"strategies", &strategiesData{Strategies: []*appconfigd.DeploymentStrategy{{ID: "s1", Name: "s"}}, Form: newStrategyForm(nil), Truncated: true}, &strategiesData{Strategies: []*appconfigd.DeploymentStrategy{{ID: "s1", Name: "s"}}, Form: newStrategyForm(nil)}},
	} {
		for _, c := range []struct {
			data any
			want bool
		}{{tt.cut, true}, {tt.full, false}} {
			w := httptest.NewRecorder()
			rq := &request{Request: httptest.NewRequest(http.MethodGet, "/console/x", nil), w: w, s: s}
			if err := rq.render(http.StatusOK, tt.page, "title", c.data); err != nil {
				t.Fatalf("render %s: %v", tt.page, err)
			}
			if got := strings.Contains(w.Body.String(), cut); got != c.want {
				t.Errorf("page %s says the list is cut: %v, want %v", tt.page, got, c.want)
			}
		}
	}
}
