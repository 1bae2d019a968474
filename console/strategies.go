package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// The bounds of a strategy's numbers, as appconfigd.DeploymentStrategy's
// Validate checks them (docs/WIRE.md §3.9). The forms give them to the
// browser so that it can refuse a wrong number before sending it; the
// service still checks, and its message is shown when a browser does not.
const (
	maxStrategyMinutes = 1440
	minGrowthFactor    = 1
	maxGrowthFactor    = 100
)

// strategyForm is a strategy's form as shown, or as the user left it after
// an error: the numbers stay text, so that what the user typed comes back.
type strategyForm struct {
	Name          string
	Description   string
	Duration      string
	GrowthType    string
	GrowthFactor  string
	FinalBakeTime string
	MaxMinutes    int
	MinGrowth     int
	MaxGrowth     int
	GrowthTypes   []appconfigd.GrowthType
}

// newStrategyForm returns the form for st, or for a new strategy when st
// is nil: a gradual rollout with a bake, so that a strategy is not
// all-at-once by accident.
func newStrategyForm(st *appconfigd.DeploymentStrategy) strategyForm {
	f := strategyForm{
		Duration:      "10",
		GrowthType:    string(appconfigd.GrowthLinear),
		GrowthFactor:  "10",
		FinalBakeTime: "10",
	}
	if st != nil {
		f.Name = st.Name
		f.Description = st.Description
		f.Duration = strconv.Itoa(st.DeploymentDurationInMinutes)
		f.GrowthType = string(st.GrowthType)
		f.GrowthFactor = strconv.FormatFloat(st.GrowthFactor, 'f', -1, 64)
		f.FinalBakeTime = strconv.Itoa(st.FinalBakeTimeInMinutes)
	}
	return f.withLimits()
}

// withLimits adds what the form's fields show besides the values.
func (f strategyForm) withLimits() strategyForm {
	f.MaxMinutes, f.MinGrowth, f.MaxGrowth = maxStrategyMinutes, minGrowthFactor, maxGrowthFactor
	f.GrowthTypes = []appconfigd.GrowthType{appconfigd.GrowthLinear, appconfigd.GrowthExponential}
	return f
}

// readStrategyForm reads the strategy form of rq, keeping the text the user
// typed.
func readStrategyForm(rq *request) strategyForm {
	return strategyForm{
		Name:          strings.TrimSpace(rq.PostFormValue("name")),
		Description:   rq.PostFormValue("description"),
		Duration:      strings.TrimSpace(rq.PostFormValue("duration")),
		GrowthType:    rq.PostFormValue("growth_type"),
		GrowthFactor:  strings.TrimSpace(rq.PostFormValue("growth_factor")),
		FinalBakeTime: strings.TrimSpace(rq.PostFormValue("final_bake_time")),
	}.withLimits()
}

// numbers parses the form's numbers. A browser checks type=number fields,
// but one that does not (or a script) may send anything: that is the
// user's mistake, answered with a BadRequest that names the field.
func (f strategyForm) numbers() (duration, bake int, growth float64, err error) {
	if duration, err = formMinutes("Deployment duration", f.Duration); err != nil {
		return 0, 0, 0, err
	}
	if bake, err = formMinutes("Final bake time", f.FinalBakeTime); err != nil {
		return 0, 0, 0, err
	}
	if growth, err = strconv.ParseFloat(f.GrowthFactor, 64); err != nil {
		return 0, 0, 0, appconfigd.Errorf(appconfigd.EBadRequest, "Growth factor must be a number from %d to %d, got %q", minGrowthFactor, maxGrowthFactor, shortInput(f.GrowthFactor))
	}
	return duration, bake, growth, nil
}

// formMinutes parses a whole number of minutes from the field named label.
func formMinutes(label, text string) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, appconfigd.Errorf(appconfigd.EBadRequest, "%s must be a whole number of minutes from 0 to %d, got %q", label, maxStrategyMinutes, shortInput(text))
	}
	return n, nil
}

// shortInput shortens what a user typed for an error message.
func shortInput(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// strategiesData is what the deployment strategies page shows.
type strategiesData struct {
	Strategies []*appconfigd.DeploymentStrategy
	// Truncated says the service has more strategies than the page
	// lists.
	Truncated bool
	Form      strategyForm
}

// handleStrategies lists every deployment strategy, the predefined ones
// too, with the form that creates one.
func (s *Server) handleStrategies(rq *request) error {
	data, err := s.strategiesData(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "strategies", "Deployment strategies", data)
}

func (s *Server) strategiesData(rq *request) (*strategiesData, error) {
	strategies, truncated, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.DeploymentStrategy], error) {
		return s.Service.ListDeploymentStrategies(rq.ctx(), in)
	})
	if err != nil {
		return nil, err
	}
	return &strategiesData{Strategies: strategies, Truncated: truncated, Form: newStrategyForm(nil)}, nil
}

// handleCreateStrategy creates a deployment strategy
// (CreateDeploymentStrategy). It is never replicated to SSM documents
// (ReplicateTo NONE), which appconfigd would store but not do.
func (s *Server) handleCreateStrategy(rq *request) error {
	form := readStrategyForm(rq)
	st, err := createStrategy(rq, form)
	if err != nil {
		data, lerr := s.strategiesData(rq)
		if lerr != nil {
			return lerr
		}
		data.Form = form
		return rq.showError(err, "strategies", "Deployment strategies", data)
	}
	return rq.redirect(strategyPath(st.ID), "Created deployment strategy "+st.Name+".")
}

func createStrategy(rq *request, form strategyForm) (*appconfigd.DeploymentStrategy, error) {
	duration, bake, growth, err := form.numbers()
	if err != nil {
		return nil, err
	}
	return rq.s.Service.CreateDeploymentStrategy(rq.ctx(), &appconfigd.DeploymentStrategy{
		Name:                        form.Name,
		Description:                 form.Description,
		DeploymentDurationInMinutes: duration,
		GrowthType:                  appconfigd.GrowthType(form.GrowthType),
		GrowthFactor:                growth,
		FinalBakeTimeInMinutes:      bake,
		ReplicateTo:                 appconfigd.ReplicateNone,
	}, nil)
}

// strategyData is what a deployment strategy's page shows.
type strategyData struct {
	Strategy *appconfigd.DeploymentStrategy
	ARN      string
	Form     strategyForm
}

func (s *Server) strategyData(st *appconfigd.DeploymentStrategy) *strategyData {
	return &strategyData{Strategy: st, ARN: s.Service.DeploymentStrategyARN(st.ID), Form: newStrategyForm(st)}
}

// handleStrategy shows a deployment strategy and, unless it is predefined,
// the forms that edit and delete it.
func (s *Server) handleStrategy(rq *request) error {
	st, err := s.Service.GetDeploymentStrategy(rq.ctx(), rq.PathValue("id"))
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "strategy", strategyTitle(st), s.strategyData(st))
}

// handleUpdateStrategy changes a strategy's description and numbers
// (UpdateDeploymentStrategy); its name cannot change, as on AWS.
func (s *Server) handleUpdateStrategy(rq *request) error {
	st, err := s.Service.GetDeploymentStrategy(rq.ctx(), rq.PathValue("id"))
	if err != nil {
		return err
	}
	form := readStrategyForm(rq)
	form.Name = st.Name
	updated, err := updateStrategy(rq, st.ID, form)
	if err != nil {
		data := s.strategyData(st)
		data.Form = form
		return rq.showError(err, "strategy", strategyTitle(st), data)
	}
	return rq.redirect(strategyPath(updated.ID), "Saved deployment strategy "+updated.Name+".")
}

func updateStrategy(rq *request, id string, form strategyForm) (*appconfigd.DeploymentStrategy, error) {
	duration, bake, growth, err := form.numbers()
	if err != nil {
		return nil, err
	}
	growthType := appconfigd.GrowthType(form.GrowthType)
	return rq.s.Service.UpdateDeploymentStrategy(rq.ctx(), id, appconfigd.DeploymentStrategyUpdate{
		Description:                 &form.Description,
		DeploymentDurationInMinutes: &duration,
		FinalBakeTimeInMinutes:      &bake,
		GrowthFactor:                &growth,
		GrowthType:                  &growthType,
	})
}

// handleDeleteStrategy deletes a deployment strategy
// (DeleteDeploymentStrategy); the predefined ones cannot be deleted.
func (s *Server) handleDeleteStrategy(rq *request) error {
	st, err := s.Service.GetDeploymentStrategy(rq.ctx(), rq.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Service.DeleteDeploymentStrategy(rq.ctx(), st.ID); err != nil {
		return rq.showError(err, "strategy", strategyTitle(st), s.strategyData(st))
	}
	return rq.redirect(Path+"/strategies", "Deleted deployment strategy "+st.Name+".")
}

func strategyTitle(st *appconfigd.DeploymentStrategy) string {
	return "Deployment strategy " + st.Name
}

// strategyPath is the console path of a strategy's page.
func strategyPath(id string) string {
	return Path + "/strategies/" + id
}
