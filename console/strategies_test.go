package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// strategiesForm returns a valid strategy form named name.
func strategiesForm(name string) url.Values {
	return url.Values{
		"name":            {name},
		"description":     {"steady"},
		"duration":        {"15"},
		"growth_type":     {"EXPONENTIAL"},
		"growth_factor":   {"12.5"},
		"final_bake_time": {"5"},
	}
}

// strategiesNew creates a strategy through the service.
func strategiesNew(t *testing.T, tc *testConsole, name string) *appconfigd.DeploymentStrategy {
	t.Helper()
	st, err := tc.Service.CreateDeploymentStrategy(t.Context(), &appconfigd.DeploymentStrategy{
		Name: name, DeploymentDurationInMinutes: 10, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 20, FinalBakeTimeInMinutes: 1,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func strategiesGet(t *testing.T, tc *testConsole, id string) *appconfigd.DeploymentStrategy {
	t.Helper()
	st, err := tc.Service.GetDeploymentStrategy(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStrategiesList(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)
	strategiesNew(t, tc, "mine")

	p := b.get("/console/strategies")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	p.mustContain(t, "AppConfig.AllAtOnce", "AppConfig.Canary10Percent20Minutes", `<span class="badge">predefined</span>`, ">mine</a>",
		`<label for="strategy-duration">`, `name="duration" type="number" min="0" max="1440"`, `name="final_bake_time" type="number" min="0" max="1440"`,
		`name="growth_factor" type="number" min="1" max="100" step="any"`)
}

func TestCreateStrategy(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)

	t.Run("CreatesWithoutReplication", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		b := tc.signIn(t, adminID, adminSecret)
		p := b.submit("/console/strategies", strategiesForm("steady"))
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/strategies/") {
			t.Fatalf("got %d to %q, want 303 to the new strategy", p.status, p.location)
		}
		got := strategiesGet(t, tc, strings.TrimPrefix(p.location, "/console/strategies/"))
		want := appconfigd.DeploymentStrategy{ID: got.ID, Name: "steady", Description: "steady", DeploymentDurationInMinutes: 15, GrowthType: appconfigd.GrowthExponential, GrowthFactor: 12.5, FinalBakeTimeInMinutes: 5, ReplicateTo: appconfigd.ReplicateNone, CreatedAt: got.CreatedAt}
		if *got != want {
			t.Fatalf("got %+v, want %+v", *got, want)
		}
		b.get(p.location).mustContain(t, "Created deployment strategy steady.", tc.Service.DeploymentStrategyARN(got.ID))
		audit, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{Operation: "CreateDeploymentStrategy"}, appconfigd.ListInput{})
		if err != nil || len(audit.Items) == 0 || audit.Items[0].KeyName != "alice" {
			t.Fatalf("audit %+v, %v: want an entry by alice", audit, err)
		}
	})
	t.Run("NumbersAtTheFormsLimitsAreAccepted", func(t *testing.T) {
		t.Parallel()
		form := strategiesForm("limits-high")
		form.Set("duration", "1440")
		form.Set("final_bake_time", "1440")
		form.Set("growth_factor", "100")
		if p := b.submit("/console/strategies", form); p.status != http.StatusSeeOther {
			t.Fatalf("at the maximums: status %d, want 303:\n%s", p.status, p.body)
		}
		form = strategiesForm("limits-low")
		form.Set("duration", "0")
		form.Set("final_bake_time", "0")
		form.Set("growth_factor", "1")
		if p := b.submit("/console/strategies", form); p.status != http.StatusSeeOther {
			t.Fatalf("at the minimums: status %d, want 303:\n%s", p.status, p.body)
		}
	})
	for _, tt := range []struct {
		name, field, value, message string
	}{
		{"DurationThatIsNotANumber", "duration", "ten", "Deployment duration must be a whole number"},
		{"DurationWithAFraction", "duration", "1.5", "Deployment duration must be a whole number"},
		{"BakeThatIsNotANumber", "final_bake_time", "", "Final bake time must be a whole number"},
		{"GrowthFactorThatIsNotANumber", "growth_factor", "lots", "Growth factor must be a number"},
		{"DurationOverTheLimit", "duration", "1441", "DeploymentDurationInMinutes must be between 0 and 1440"},
		{"GrowthFactorUnderTheLimit", "growth_factor", "0.5", "GrowthFactor must be between 1.0 and 100.0"},
		{"UnknownGrowthType", "growth_type", "SIDEWAYS", "GrowthType must be LINEAR or EXPONENTIAL"},
	} {
		t.Run(tt.name+"IsShownInThePage", func(t *testing.T) {
			t.Parallel()
			form := strategiesForm("bad-" + tt.name)
			form.Set(tt.field, tt.value)
			p := b.submit("/console/strategies", form)
			if p.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", p.status)
			}
			p.mustContain(t, `role="alert"`, tt.message, `value="bad-`+tt.name+`"`)
		})
	}
}

func TestEditStrategy(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)

	t.Run("UpdatesNumbersButNotTheName", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		b := tc.signIn(t, adminID, adminSecret)
		st := strategiesNew(t, tc, "keeps-name")
		form := strategiesForm("another-name")
		p := b.submit("/console/strategies/"+st.ID, form)
		if p.status != http.StatusSeeOther || p.location != "/console/strategies/"+st.ID {
			t.Fatalf("got %d to %q, want 303 to the strategy", p.status, p.location)
		}
		got := strategiesGet(t, tc, st.ID)
		if got.Name != "keeps-name" || got.Description != "steady" || got.DeploymentDurationInMinutes != 15 || got.GrowthType != appconfigd.GrowthExponential || got.GrowthFactor != 12.5 || got.FinalBakeTimeInMinutes != 5 {
			t.Fatalf("got %+v, want the form's numbers under the old name", got)
		}
		b.get(p.location).mustContain(t, "Saved deployment strategy keeps-name.", "The name of a strategy cannot change")
	})
	t.Run("ErrorKeepsTheInput", func(t *testing.T) {
		t.Parallel()
		st := strategiesNew(t, tc, "edit-bad")
		form := strategiesForm("edit-bad")
		form.Set("final_bake_time", "abc")
		p := b.submit("/console/strategies/"+st.ID, form)
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Final bake time must be a whole number", `value="abc"`)
		if got := strategiesGet(t, tc, st.ID); got.FinalBakeTimeInMinutes != 1 {
			t.Fatalf("final bake %d, want 1 (unchanged)", got.FinalBakeTimeInMinutes)
		}
	})
	t.Run("DeletesAndReturnsToTheList", func(t *testing.T) {
		t.Parallel()
		// A browser of its own: parallel subtests would take its one-time message.
		b := tc.signIn(t, adminID, adminSecret)
		st := strategiesNew(t, tc, "doomed")
		p := b.submit("/console/strategies/"+st.ID+"/delete", nil)
		if p.status != http.StatusSeeOther || p.location != "/console/strategies" {
			t.Fatalf("got %d to %q, want 303 to the list", p.status, p.location)
		}
		if _, err := tc.Service.GetDeploymentStrategy(t.Context(), st.ID); !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Fatalf("GetDeploymentStrategy after delete: %v, want not found", err)
		}
		b.get(p.location).mustContain(t, "Deleted deployment strategy doomed.")
	})
	t.Run("PredefinedIsReadOnly", func(t *testing.T) {
		t.Parallel()
		p := b.get("/console/strategies/AppConfig.AllAtOnce")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, "AppConfig.AllAtOnce", "predefined", "Quick")
		p.mustNotContain(t, "Delete strategy", `name="growth_factor"`)
		del := b.submit("/console/strategies/AppConfig.AllAtOnce/delete", nil)
		if del.status != http.StatusBadRequest {
			t.Fatalf("delete: status %d, want 400", del.status)
		}
		del.mustContain(t, `role="alert"`, "predefined and cannot be deleted")
		if upd := b.submit("/console/strategies/AppConfig.AllAtOnce", strategiesForm("x")); upd.status != http.StatusBadRequest {
			t.Fatalf("update: status %d, want 400", upd.status)
		}
	})
	t.Run("UnknownStrategyIsNotFound", func(t *testing.T) {
		t.Parallel()
		if p := b.get("/console/strategies/nosuch"); p.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", p.status)
		}
	})
}

func TestStrategyReader(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	st := strategiesNew(t, tc, "shared")
	b := tc.signIn(t, readerID, readerSecret)

	t.Run("SeesStrategiesReadOnly", func(t *testing.T) {
		list := b.get("/console/strategies")
		list.mustContain(t, ">shared</a>", "AppConfig.AllAtOnce")
		list.mustNotContain(t, "Create a deployment strategy")
		page := b.get("/console/strategies/" + st.ID)
		if page.status != http.StatusOK {
			t.Fatalf("status %d", page.status)
		}
		page.mustContain(t, "shared")
		page.mustNotContain(t, "Delete strategy", `name="growth_factor"`)
	})
	t.Run("CannotChange", func(t *testing.T) {
		for _, path := range []string{"/console/strategies", "/console/strategies/" + st.ID, "/console/strategies/" + st.ID + "/delete"} {
			if p := b.submit(path, strategiesForm("by-reader")); p.status != http.StatusForbidden {
				t.Fatalf("POST %s: status %d, want 403", path, p.status)
			}
		}
		if got := strategiesGet(t, tc, st.ID); got.Description != "" || got.GrowthFactor != 20 {
			t.Fatalf("strategy %+v, want it unchanged", got)
		}
		out, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{AccessKeyID: readerID}, appconfigd.ListInput{})
		if err != nil || len(out.Items) != 3 {
			t.Fatalf("audit %+v, %v: want the three refused attempts", out, err)
		}
	})
}
