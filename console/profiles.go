package console

import (
	"net/http"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// handleCreateProfile creates a configuration profile in the hosted store
// (CreateConfigurationProfile), the only location appconfigd serves.
func (s *Server) handleCreateProfile(rq *request) error {
	a, err := s.application(rq)
	if err != nil {
		return err
	}
	in := &appconfigd.ConfigurationProfile{
		Name:        strings.TrimSpace(rq.PostFormValue("name")),
		Description: rq.PostFormValue("description"),
		Type:        rq.PostFormValue("type"),
		LocationURI: appconfigd.LocationHosted,
	}
	form := *in
	p, err := s.Service.CreateConfigurationProfile(rq.ctx(), a.ID, in, nil)
	if err != nil {
		data, derr := s.applicationData(rq, a)
		if derr != nil {
			return derr
		}
		data.ProfileForm = &form
		return rq.showError(err, "application", "Application "+a.Name, data)
	}
	return rq.redirect(profilePath(a.ID, p.ID), "Created configuration profile "+p.Name+".")
}

// profileForm is the edit form of a profile, as shown or as the user left
// it after an error.
type profileForm struct {
	Name        string
	Description string
	// JSONSchema is the content of the profile's first JSON Schema
	// validator; empty when it has none.
	JSONSchema string
}

// profileData is what a configuration profile's page shows.
type profileData struct {
	Application *appconfigd.Application
	Profile     *appconfigd.ConfigurationProfile
	ARN         string
	// FeatureFlags is whether the profile holds feature flags, which have
	// their own page.
	FeatureFlags bool
	// MoreJSONSchemas counts the JSON Schema validators after the first,
	// which the form cannot edit and keeps as they are.
	MoreJSONSchemas int
	Form            profileForm
}

// profile finds the application and configuration profile of the
// request's {app} and {profile} path segments, as the key may see them.
func (s *Server) profile(rq *request) (*appconfigd.Application, *appconfigd.ConfigurationProfile, error) {
	a, err := s.application(rq)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Service.GetConfigurationProfile(rq.ctx(), a.ID, rq.PathValue("profile"))
	if err != nil {
		return nil, nil, err
	}
	return a, p, nil
}

func (s *Server) profileData(a *appconfigd.Application, p *appconfigd.ConfigurationProfile) *profileData {
	d := &profileData{
		Application:  a,
		Profile:      p,
		ARN:          s.Service.ConfigurationProfileARN(a.ID, p.ID),
		FeatureFlags: p.EffectiveType() == appconfigd.ProfileTypeFeatureFlags,
		Form:         profileForm{Name: p.Name, Description: p.Description},
	}
	schemas := 0
	for _, v := range p.Validators {
		if v.Type != appconfigd.ValidatorJSONSchema {
			continue
		}
		if schemas == 0 {
			d.Form.JSONSchema = v.Content
		}
		schemas++
	}
	if schemas > 1 {
		d.MoreJSONSchemas = schemas - 1
	}
	return d
}

// handleProfile shows a configuration profile: its settings, its
// validators, and the forms that edit and delete it.
func (s *Server) handleProfile(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "profile", "Configuration profile "+p.Name, s.profileData(a, p))
}

// handleUpdateProfile changes a profile's name, description and JSON
// Schema validator (UpdateConfigurationProfile). Its other validators,
// webhooks and Lambda functions, stay as they are.
func (s *Server) handleUpdateProfile(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	form := profileForm{
		Name:        strings.TrimSpace(rq.PostFormValue("name")),
		Description: rq.PostFormValue("description"),
		JSONSchema:  strings.TrimSpace(rq.PostFormValue("json_schema")),
	}
	validators := withJSONSchema(p.Validators, form.JSONSchema)
	updated, err := s.Service.UpdateConfigurationProfile(rq.ctx(), a.ID, p.ID, appconfigd.ConfigurationProfileUpdate{
		Name:        &form.Name,
		Description: &form.Description,
		Validators:  &validators,
	})
	if err != nil {
		data := s.profileData(a, p)
		data.Form = form
		return rq.showError(err, "profile", "Configuration profile "+p.Name, data)
	}
	return rq.redirect(profilePath(a.ID, updated.ID), "Saved configuration profile "+updated.Name+".")
}

// withJSONSchema returns validators with the first JSON Schema validator's
// content replaced by schema, in its place; an empty schema removes it, and
// a schema where there was none is added at the end. The others are kept
// in their order.
func withJSONSchema(validators []appconfigd.Validator, schema string) []appconfigd.Validator {
	out := make([]appconfigd.Validator, 0, len(validators)+1)
	replaced := false
	for _, v := range validators {
		if v.Type == appconfigd.ValidatorJSONSchema && !replaced {
			replaced = true
			if schema != "" {
				out = append(out, appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: schema})
			}
			continue
		}
		out = append(out, v)
	}
	if !replaced && schema != "" {
		out = append(out, appconfigd.Validator{Type: appconfigd.ValidatorJSONSchema, Content: schema})
	}
	return out
}

// handleDeleteProfile deletes a configuration profile
// (DeleteConfigurationProfile). Like the AWS CLI without
// --deletion-protection-check, it follows the account's deletion
// protection (ACCOUNT_DEFAULT) unless the user ticks the bypass box, the
// CLI's BYPASS (docs/COMPATIBILITY.md, "Deletion protection").
func (s *Server) handleDeleteProfile(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteConfigurationProfile(rq.ctx(), a.ID, p.ID, rq.deletionCheck("bypass_deletion_protection")); err != nil {
		return rq.showError(err, "profile", "Configuration profile "+p.Name, s.profileData(a, p))
	}
	return rq.redirect(Path+"/applications/"+a.ID, "Deleted configuration profile "+p.Name+".")
}

// profilePath is the console path of a profile's page.
func profilePath(appID, profileID string) string {
	return Path + "/applications/" + appID + "/profiles/" + profileID
}
