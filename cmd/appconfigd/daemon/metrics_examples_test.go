package daemon

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// The example alert rules and dashboard (docs/OPERATIONS.md, "Alert
// rules" and "Dashboard").
var (
	alertRulesFile = filepath.Join("..", "..", "..", "docs", "monitoring", "appconfigd-alerts.yml")
	dashboardFile  = filepath.Join("..", "..", "..", "docs", "monitoring", "appconfigd-dashboard.json")
)

// dashboard is what the test reads of a Grafana dashboard.
type dashboard struct {
	Title  string `json:"title"`
	Panels []struct {
		Title   string        `json:"title"`
		Targets []panelTarget `json:"targets"`
	} `json:"panels"`
}

// panelTarget is one query of a dashboard's panel.
type panelTarget struct {
	Expr string `json:"expr"`
}

func TestAlertRulesPassPromtool(t *testing.T) {
	t.Parallel()
	promtool := apptest.NeedCommand(t, "promtool", "install Debian's prometheus package (.ci/deps does)")
	out, err := exec.CommandContext(t.Context(), promtool, "check", "rules", alertRulesFile).CombinedOutput()
	if err != nil {
		t.Errorf("promtool check rules %s: %v\n%s", alertRulesFile, err, out)
	}
}

func TestDashboardParses(t *testing.T) {
	t.Parallel()
	var d dashboard
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.Title == "" || len(d.Panels) == 0 {
		t.Fatalf("%s: title %q and %d panels, want a title and panels", dashboardFile, d.Title, len(d.Panels))
	}
	for _, p := range d.Panels {
		if p.Title == "" || len(p.Targets) == 0 || slices.ContainsFunc(p.Targets, func(t panelTarget) bool { return t.Expr == "" }) {
			t.Errorf("%s: panel %q has no title, no query or an empty one", dashboardFile, p.Title)
		}
	}
}

// TestMonitoringExamplesNameLiveMetrics checks that every appconfigd
// metric the rules and the dashboard query is one a live server serves,
// once it has answered polls and has a deployment in progress: a renamed
// metric must not leave them querying nothing.
func TestMonitoringExamplesNameLiveMetrics(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) {})
	p := deployProfile(t, d)
	c := client(d.URL(), http.DefaultClient)
	slow := must(c.CreateDeploymentStrategy(t.Context(), &appconfig.CreateDeploymentStrategyInput{
		Name: aws.String("slow"), DeploymentDurationInMinutes: aws.Int32(60), FinalBakeTimeInMinutes: 0,
		GrowthFactor: aws.Float32(10), ReplicateTo: types.ReplicateToNone,
	}))
	must(c.StartDeployment(t.Context(), &appconfig.StartDeploymentInput{
		ApplicationId: aws.String(p.app), EnvironmentId: aws.String(p.env), ConfigurationProfileId: aws.String(p.profile),
		ConfigurationVersion: aws.String("2"), DeploymentStrategyId: slow.Id,
	}))
	poll(t, d, startSession(t, d))
	// The fleet view is merged every appconfigd.FleetFlushInterval.
	if err := d.Service().FlushFleet(t.Context()); err != nil {
		t.Fatal(err)
	}
	status, body := scrape(t, d.URL()+metricsPath)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", status, body)
	}
	served := map[string]bool{}
	for line := range strings.Lines(body) {
		if end := strings.IndexAny(line, "{ "); end > 0 && !strings.HasPrefix(line, "#") {
			served[line[:end]] = true
		}
	}
	name := regexp.MustCompile(`\bappconfigd_[a-z_]+`)
	for _, file := range []string{alertRulesFile, dashboardFile} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		names := name.FindAllString(string(b), -1)
		if len(names) == 0 {
			t.Errorf("%s names no appconfigd metric", file)
		}
		for _, n := range names {
			if !served[n] {
				t.Errorf("%s queries %s, which GET /metrics does not serve", file, n)
			}
		}
	}
}
