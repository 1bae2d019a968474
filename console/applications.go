package console

import (
	"net/http"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// applicationsData is what the applications page shows.
type applicationsData struct {
	Applications []*appconfigd.Application
	// Truncated says the service has more applications than the page
	// lists.
	Truncated bool
	// Form is the create form as the user left it after an error.
	Form *appconfigd.Application
}

// handleApplications lists the applications the key may read.
func (s *Server) handleApplications(rq *request) error {
	data, err := s.applicationsData(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "applications", "Applications", data)
}

func (s *Server) applicationsData(rq *request) (*applicationsData, error) {
	apps, truncated, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Application], error) {
		return s.Service.ListApplications(rq.ctx(), in)
	})
	if err != nil {
		return nil, err
	}
	data := &applicationsData{Form: &appconfigd.Application{}, Truncated: truncated}
	for _, a := range apps {
		if rq.p.CanRead(a.ID, a.Name) {
			data.Applications = append(data.Applications, a)
		}
	}
	return data, nil
}

// handleCreateApplication creates an application (CreateApplication).
func (s *Server) handleCreateApplication(rq *request) error {
	in := &appconfigd.Application{Name: strings.TrimSpace(rq.PostFormValue("name")), Description: rq.PostFormValue("description")}
	a, err := s.Service.CreateApplication(rq.ctx(), in, nil)
	if err != nil {
		data, lerr := s.applicationsData(rq)
		if lerr != nil {
			return lerr
		}
		data.Form = in
		return rq.showError(err, "applications", "Applications", data)
	}
	return rq.redirect(Path+"/applications/"+a.ID, "Created application "+a.Name+".")
}

// applicationData is what an application's page shows.
type applicationData struct {
	Application  *appconfigd.Application
	Environments []*appconfigd.Environment
	Profiles     []*appconfigd.ConfigurationProfile
	// EnvironmentForm is the create-environment form as the user left
	// it after an error; nil shows it empty.
	EnvironmentForm *appconfigd.Environment
	// ProfileForm is the create-profile form as the user left it after
	// an error; nil shows it empty.
	ProfileForm *appconfigd.ConfigurationProfile
	// Settings is the settings form: the stored name and description, or
	// what the user typed after a failed change, while the page's title
	// and breadcrumb keep the stored name.
	Settings applicationSettings
}

// applicationSettings is the application settings form's fields.
type applicationSettings struct {
	Name, Description string
}

// application finds the application of the request's {app} path segment,
// as the key may see it.
func (s *Server) application(rq *request) (*appconfigd.Application, error) {
	a, err := s.Service.GetApplication(rq.ctx(), rq.PathValue("app"))
	if err != nil {
		return nil, err
	}
	return a, rq.requireRead(a)
}

// handleApplication shows an application: its settings, environments and
// configuration profiles.
func (s *Server) handleApplication(rq *request) error {
	a, err := s.application(rq)
	if err != nil {
		return err
	}
	data, err := s.applicationData(rq, a)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "application", "Application "+a.Name, data)
}

func (s *Server) applicationData(rq *request, a *appconfigd.Application) (*applicationData, error) {
	envs, _, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Environment], error) {
		return s.Service.ListEnvironments(rq.ctx(), a.ID, in)
	})
	if err != nil {
		return nil, err
	}
	profiles, _, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.ConfigurationProfile], error) {
		return s.Service.ListConfigurationProfiles(rq.ctx(), a.ID, appconfigd.ConfigurationProfileFilter{}, in)
	})
	if err != nil {
		return nil, err
	}
	return &applicationData{Application: a, Environments: envs, Profiles: profiles, Settings: applicationSettings{Name: a.Name, Description: a.Description}}, nil
}

// handleUpdateApplication changes an application's name and description
// (UpdateApplication).
func (s *Server) handleUpdateApplication(rq *request) error {
	a, err := s.application(rq)
	if err != nil {
		return err
	}
	form := applicationSettings{Name: strings.TrimSpace(rq.PostFormValue("name")), Description: rq.PostFormValue("description")}
	updated, err := s.Service.UpdateApplication(rq.ctx(), a.ID, appconfigd.ApplicationUpdate{Name: &form.Name, Description: &form.Description})
	if err != nil {
		data, derr := s.applicationData(rq, a)
		if derr != nil {
			return derr
		}
		data.Settings = form
		return rq.showError(err, "application", "Application "+a.Name, data)
	}
	return rq.redirect(Path+"/applications/"+updated.ID, "Saved application "+updated.Name+".")
}

// handleDeleteApplication deletes an application (DeleteApplication),
// which AWS allows only once it has no environments or profiles.
func (s *Server) handleDeleteApplication(rq *request) error {
	a, err := s.application(rq)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteApplication(rq.ctx(), a.ID); err != nil {
		data, derr := s.applicationData(rq, a)
		if derr != nil {
			return derr
		}
		return rq.showError(err, "application", "Application "+a.Name, data)
	}
	return rq.redirect(Path+"/applications", "Deleted application "+a.Name+".")
}
