package console

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
)

// handleStartDeployment starts a deployment (StartDeployment) from the
// environment page's form, or from the form shown after a hosted version
// was created, and sends the user to its live page.
func (s *Server) handleStartDeployment(rq *request) error {
	a, e, err := s.environment(rq)
	if err != nil {
		return err
	}
	form := startForm{
		Profile:     rq.PostFormValue("profile"),
		Version:     strings.TrimSpace(rq.PostFormValue("version")),
		Strategy:    rq.PostFormValue("strategy"),
		Description: rq.PostFormValue("description"),
	}
	d, err := s.Service.StartDeployment(rq.ctx(), a.ID, e.ID, appconfigd.StartDeploymentInput{
		ConfigurationProfileID: form.Profile,
		ConfigurationVersion:   form.Version,
		DeploymentStrategyID:   form.Strategy,
		Description:            form.Description,
	})
	if err != nil {
		data, derr := s.environmentData(rq, a, e)
		if derr != nil {
			return derr
		}
		data.Start = form
		return rq.showError(err, "environment", "Environment "+e.Name, data)
	}
	return rq.redirect(deploymentPath(d), "Started deployment "+strconv.Itoa(d.DeploymentNumber)+".")
}

// deploymentData is what a deployment's live page shows.
type deploymentData struct {
	Application  *appconfigd.Application
	Environment  *appconfigd.Environment
	Deployment   *appconfigd.Deployment
	StrategyName string
	// Live is the part of the page deployment.js keeps up to date.
	Live *deploymentSnapshot
	// EventsURL is the stream of the page's updates.
	EventsURL string
}

// deploymentSnapshot is the live part of a deployment's page, as the page
// first shows it and as the event stream sends it whenever it changes.
type deploymentSnapshot struct {
	State appconfigd.DeploymentState `json:"state"`
	// Badge is the state badge's class: ok, warn or bad.
	Badge      string  `json:"badge"`
	Percentage float64 `json:"percentage"`
	// CompletedAt is when the deployment ended, as the page shows times
	// (when); empty while it runs.
	CompletedAt string `json:"completedAt,omitempty"`
	// Final is set once the deployment can no longer change by itself:
	// the stream ends after sending it.
	Final bool `json:"final"`
	// CanStop and CanRevert say which of the Stop and Revert buttons
	// apply.
	CanStop   bool `json:"canStop"`
	CanRevert bool `json:"canRevert"`
	// Events is the event log, newest first.
	Events []eventView `json:"events"`
	Fleet  fleetShare  `json:"fleet"`
}

// eventView is one entry of a deployment's event log.
type eventView struct {
	Type        appconfigd.EventType   `json:"type"`
	TriggeredBy appconfigd.TriggeredBy `json:"triggeredBy"`
	Description string                 `json:"description"`
	// At is when it happened in RFC 3339, for <time datetime>; Time is
	// the same as the page shows times (when).
	At   string `json:"at"`
	Time string `json:"time"`
}

// fleetShare is the share of the sessions that polled the deployment's
// profile in the last minute that hold the deployment's version.
type fleetShare struct {
	// Sessions counts the profile's sessions, OnVersion those of them on
	// the deployment's version.
	Sessions  int `json:"sessions"`
	OnVersion int `json:"onVersion"`
	// Percent is OnVersion of Sessions, rounded; 0 without sessions.
	Percent int `json:"percent"`
}

// deployment finds the application, environment and deployment of the
// request's path, as the key may see them.
func (s *Server) deployment(rq *request) (*appconfigd.Application, *appconfigd.Environment, *appconfigd.Deployment, error) {
	a, e, err := s.environment(rq)
	if err != nil {
		return nil, nil, nil, err
	}
	n, err := strconv.Atoi(rq.PathValue("n"))
	if err != nil || n < 1 {
		return nil, nil, nil, appconfigd.Errorf(appconfigd.ENotFound, "Deployment %s not found", rq.PathValue("n"))
	}
	d, err := s.Service.GetDeployment(rq.ctx(), a.ID, e.ID, n)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, e, d, nil
}

// handleDeployment shows a deployment's live page.
func (s *Server) handleDeployment(rq *request) error {
	a, e, d, err := s.deployment(rq)
	if err != nil {
		return err
	}
	data, err := s.deploymentData(rq, a, e, d)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "deployment", "Deployment "+strconv.Itoa(d.DeploymentNumber), data)
}

func (s *Server) deploymentData(rq *request, a *appconfigd.Application, e *appconfigd.Environment, d *appconfigd.Deployment) (*deploymentData, error) {
	live, err := s.snapshot(rq, a, e, d)
	if err != nil {
		return nil, err
	}
	data := &deploymentData{Application: a, Environment: e, Deployment: d, StrategyName: d.DeploymentStrategyID, Live: live, EventsURL: deploymentPath(d) + "/events"}
	// The strategy may have been deleted since; its ID is all there is
	// then.
	if st, err := s.Service.GetDeploymentStrategy(rq.ctx(), d.DeploymentStrategyID); err == nil {
		data.StrategyName = st.Name
	} else if !appconfigd.IsCode(err, appconfigd.ENotFound) {
		return nil, err
	}
	return data, nil
}

// snapshot returns the live part of d's page.
func (s *Server) snapshot(rq *request, a *appconfigd.Application, e *appconfigd.Environment, d *appconfigd.Deployment) (*deploymentSnapshot, error) {
	ctx := rq.ctx()
	snap := &deploymentSnapshot{
		State:      d.State,
		Percentage: d.PercentageComplete,
		Badge:      "warn",
		CanStop:    d.State.Active(),
		Events:     make([]eventView, 0, len(d.EventLog)),
	}
	if !d.CompletedAt.IsZero() {
		snap.CompletedAt = when(d.CompletedAt)
	}
	switch d.State {
	case appconfigd.DeploymentRolledBack, appconfigd.DeploymentReverted:
		snap.Final, snap.Badge = true, "bad"
	case appconfigd.DeploymentComplete:
		snap.Final, snap.Badge = true, "ok"
		// A complete deployment may be reverted within the revert window
		// while it is the environment's latest (docs/WIRE.md §3.10).
		if s.now().Sub(d.CompletedAt) <= appconfigd.RevertWindow {
			latest, err := s.Service.ListDeployments(ctx, a.ID, e.ID, appconfigd.ListInput{MaxResults: 1})
			if err != nil {
				return nil, err
			}
			snap.CanRevert = len(latest.Items) == 1 && latest.Items[0].DeploymentNumber == d.DeploymentNumber
		}
	}
	for _, ev := range slices.Backward(d.EventLog) {
		snap.Events = append(snap.Events, eventView{Type: ev.EventType, TriggeredBy: ev.TriggeredBy, Description: ev.Description, At: ev.OccurredAt.UTC().Format(time.RFC3339), Time: when(ev.OccurredAt)})
	}
	fleet, err := s.Service.FleetView(ctx, a.ID, e.ID)
	if err != nil {
		return nil, err
	}
	snap.Fleet = shareOf(fleet, d)
	return snap, nil
}

// shareOf returns the share of the fleet of d's profile on d's version in
// the shortest window.
func shareOf(fleet *appconfigd.EnvironmentFleet, d *appconfigd.Deployment) fleetShare {
	var share fleetShare
	for _, entry := range fleet.Entries {
		if entry.Key.ConfigurationProfileID != d.ConfigurationProfileID || len(entry.Windows) == 0 {
			continue
		}
		w := entry.Windows[0]
		share.Sessions = w.Sessions
		for _, v := range w.Versions {
			if v.Version == d.VersionNumber {
				share.OnVersion = v.Sessions
			}
		}
	}
	if share.Sessions > 0 {
		// A session that changed version within the window counts under
		// both, so the estimate may exceed the whole.
		share.Percent = min(100, (share.OnVersion*100+share.Sessions/2)/share.Sessions)
	}
	return share
}

// now returns the service's time, which tests move.
func (s *Server) now() time.Time {
	return s.Service.Clock.Now()
}

// handleStopDeployment rolls back a deployment in progress
// (StopDeployment).
func (s *Server) handleStopDeployment(rq *request) error {
	return s.stopDeployment(rq, false, "Stopped deployment %d: it was rolled back.")
}

// handleRevertDeployment reverts a complete deployment (StopDeployment
// with Allow-Revert, docs/WIRE.md §3.10).
func (s *Server) handleRevertDeployment(rq *request) error {
	return s.stopDeployment(rq, true, "Reverted deployment %d.")
}

func (s *Server) stopDeployment(rq *request, allowRevert bool, message string) error {
	a, e, d, err := s.deployment(rq)
	if err != nil {
		return err
	}
	stopped, err := s.Service.StopDeployment(rq.ctx(), a.ID, e.ID, d.DeploymentNumber, allowRevert)
	if err != nil {
		data, derr := s.deploymentData(rq, a, e, d)
		if derr != nil {
			return derr
		}
		return rq.showError(err, "deployment", "Deployment "+strconv.Itoa(d.DeploymentNumber), data)
	}
	return rq.redirect(deploymentPath(stopped), fmt.Sprintf(message, stopped.DeploymentNumber))
}

// deploymentPath is the console path of a deployment's live page.
func deploymentPath(d *appconfigd.Deployment) string {
	return environmentPath(d.ApplicationID, d.EnvironmentID) + "/deployments/" + strconv.Itoa(d.DeploymentNumber)
}
