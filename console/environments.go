package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// maxVersionChoices bounds how many hosted versions of each profile the
// start-deployment form suggests: one page of the listing, newest first.
// Older versions can still be typed in.
const maxVersionChoices = 50

// environmentData is what an environment's page shows.
type environmentData struct {
	Application *appconfigd.Application
	Environment *appconfigd.Environment
	// Profiles is what the environment serves of each of the
	// application's profiles.
	Profiles []profileServing
	// Deployments is the deployment history, newest first.
	Deployments []*appconfigd.Deployment
	// DeploymentsTruncated says the history goes on past the list.
	DeploymentsTruncated bool
	// Strategies and Versions fill the start-deployment form.
	Strategies []*appconfigd.DeploymentStrategy
	Versions   []versionChoice
	// Start is the start-deployment form as the user left it.
	Start startForm
	// Settings is the settings form as the user left it.
	Settings settingsForm
	// Fleet is the environment's fleet view.
	Fleet *appconfigd.EnvironmentFleet
}

// profileServing is what an environment serves of one profile.
type profileServing struct {
	Profile *appconfigd.ConfigurationProfile
	// Version is the version sessions get outside a rollout, 0 for none.
	Version int
	// Rollout is the deployment in progress, if any.
	Rollout *appconfigd.RolloutServing
	// Latest is the profile's latest deployment to the environment, nil
	// for none.
	Latest *appconfigd.Deployment
}

// versionChoice is a hosted version the start-deployment form suggests.
type versionChoice struct {
	ProfileName string
	Version     *appconfigd.HostedConfigurationVersion
}

// startForm is the start-deployment form's fields.
type startForm struct {
	Profile, Version, Strategy, Description string
}

// settingsForm is the environment settings form's fields.
type settingsForm struct {
	Name, Description string
	// Monitors holds the alarm ARNs, one per line.
	Monitors string
}

// environment finds the application and environment of the request's
// {app} and {env} path segments, as the key may see them.
func (s *Server) environment(rq *request) (*appconfigd.Application, *appconfigd.Environment, error) {
	a, err := s.application(rq)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.Service.GetEnvironment(rq.ctx(), a.ID, rq.PathValue("env"))
	if err != nil {
		return nil, nil, err
	}
	return a, e, nil
}

// handleCreateEnvironment creates an environment (CreateEnvironment).
func (s *Server) handleCreateEnvironment(rq *request) error {
	a, err := s.application(rq)
	if err != nil {
		return err
	}
	in := &appconfigd.Environment{Name: strings.TrimSpace(rq.PostFormValue("name")), Description: rq.PostFormValue("description")}
	e, err := s.Service.CreateEnvironment(rq.ctx(), a.ID, in, nil)
	if err != nil {
		data, derr := s.applicationData(rq, a)
		if derr != nil {
			return derr
		}
		data.EnvironmentForm = in
		return rq.showError(err, "application", "Application "+a.Name, data)
	}
	return rq.redirect(Path+"/applications/"+a.ID+"/environments/"+e.ID, "Created environment "+e.Name+".")
}

// handleEnvironment shows an environment: what it serves, its
// deployments, its fleet, and the forms to deploy and change it.
func (s *Server) handleEnvironment(rq *request) error {
	a, e, err := s.environment(rq)
	if err != nil {
		return err
	}
	data, err := s.environmentData(rq, a, e)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "environment", "Environment "+e.Name, data)
}

func (s *Server) environmentData(rq *request, a *appconfigd.Application, e *appconfigd.Environment) (*environmentData, error) {
	ctx := rq.ctx()
	profiles, _, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.ConfigurationProfile], error) {
		return s.Service.ListConfigurationProfiles(ctx, a.ID, appconfigd.ConfigurationProfileFilter{}, in)
	})
	if err != nil {
		return nil, err
	}
	deployments, deploymentsTruncated, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Deployment], error) {
		return s.Service.ListDeployments(ctx, a.ID, e.ID, in)
	})
	if err != nil {
		return nil, err
	}
	fleet, err := s.Service.FleetView(ctx, a.ID, e.ID)
	if err != nil {
		return nil, err
	}
	data := &environmentData{
		Application: a,
		Environment: e,
		Deployments: deployments,
		// The oldest deployments past the bound are not listed.
		DeploymentsTruncated: deploymentsTruncated,
		Fleet:                fleet,
		Settings:             settingsOf(e),
	}
	serving := s.Service.Serving()
	for _, p := range profiles {
		ps := profileServing{Profile: p}
		for _, sp := range serving.Profiles {
			if sp.ApplicationID == a.ID && sp.EnvironmentID == e.ID && sp.ConfigurationProfileID == p.ID {
				ps.Version, ps.Rollout = sp.Version, sp.Rollout
			}
		}
		// The history is newest first: the first of the profile's is
		// its latest.
		if i := slices.IndexFunc(deployments, func(d *appconfigd.Deployment) bool { return d.ConfigurationProfileID == p.ID }); i >= 0 {
			ps.Latest = deployments[i]
		}
		data.Profiles = append(data.Profiles, ps)
	}
	if !rq.canChange() {
		return data, nil
	}
	data.Strategies, _, err = collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.DeploymentStrategy], error) {
		return s.Service.ListDeploymentStrategies(ctx, in)
	})
	if err != nil {
		return nil, err
	}
	for _, p := range profiles {
		vs, err := s.Service.ListHostedConfigurationVersions(ctx, a.ID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{MaxResults: maxVersionChoices})
		if err != nil {
			return nil, err
		}
		for _, v := range vs.Items {
			data.Versions = append(data.Versions, versionChoice{ProfileName: p.Name, Version: v})
		}
	}
	if len(profiles) > 0 {
		data.Start.Profile = profiles[0].ID
	}
	return data, nil
}

// settingsOf returns the settings form filled in from e.
func settingsOf(e *appconfigd.Environment) settingsForm {
	arns := make([]string, len(e.Monitors))
	for i, m := range e.Monitors {
		arns[i] = m.AlarmARN
	}
	return settingsForm{Name: e.Name, Description: e.Description, Monitors: strings.Join(arns, "\n")}
}

// handleUpdateEnvironment changes an environment's name, description and
// monitors (UpdateEnvironment).
func (s *Server) handleUpdateEnvironment(rq *request) error {
	a, e, err := s.environment(rq)
	if err != nil {
		return err
	}
	form := settingsForm{Name: strings.TrimSpace(rq.PostFormValue("name")), Description: rq.PostFormValue("description"), Monitors: rq.PostFormValue("monitors")}
	monitors := parseMonitors(form.Monitors, e.Monitors)
	updated, err := s.Service.UpdateEnvironment(rq.ctx(), a.ID, e.ID, appconfigd.EnvironmentUpdate{Name: &form.Name, Description: &form.Description, Monitors: &monitors})
	if err != nil {
		data, derr := s.environmentData(rq, a, e)
		if derr != nil {
			return derr
		}
		data.Settings = form
		return rq.showError(err, "environment", "Environment "+e.Name, data)
	}
	return rq.redirect(environmentPath(a.ID, e.ID), "Saved environment "+updated.Name+".")
}

// parseMonitors reads alarm ARNs, one per line, into monitors. The form
// has no field for a monitor's AlarmRoleArn, which appconfigd does not
// use; an ARN that was already monitored keeps the role it had, so that
// saving the form loses nothing set through the API.
func parseMonitors(text string, old []appconfigd.Monitor) []appconfigd.Monitor {
	monitors := []appconfigd.Monitor{}
	for line := range strings.Lines(text) {
		arn := strings.TrimSpace(line)
		if arn == "" || slices.ContainsFunc(monitors, func(m appconfigd.Monitor) bool { return m.AlarmARN == arn }) {
			continue
		}
		m := appconfigd.Monitor{AlarmARN: arn}
		if i := slices.IndexFunc(old, func(o appconfigd.Monitor) bool { return o.AlarmARN == arn }); i >= 0 {
			m.AlarmRoleARN = old[i].AlarmRoleARN
		}
		monitors = append(monitors, m)
	}
	return monitors
}

// handleDeleteEnvironment deletes an environment (DeleteEnvironment),
// bypassing deletion protection when the user ticked the box, as the AWS
// CLI's --deletion-protection-check BYPASS does.
func (s *Server) handleDeleteEnvironment(rq *request) error {
	a, e, err := s.environment(rq)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteEnvironment(rq.ctx(), a.ID, e.ID, rq.deletionCheck("bypass")); err != nil {
		data, derr := s.environmentData(rq, a, e)
		if derr != nil {
			return derr
		}
		return rq.showError(err, "environment", "Environment "+e.Name, data)
	}
	return rq.redirect(Path+"/applications/"+a.ID, "Deleted environment "+e.Name+".")
}

// environmentPath is the console path of an environment's page.
func environmentPath(appID, envID string) string {
	return Path + "/applications/" + appID + "/environments/" + envID
}
