package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Configuration profiles (docs/WIRE.md §3.7).

// validatorJSON is the Validator structure (docs/WIRE.md Appendix B).
type validatorJSON struct {
	Type    string
	Content string
}

type createConfigurationProfileRequest struct {
	Name             string
	Description      string
	LocationUri      string
	RetrievalRoleArn string
	Validators       []validatorJSON
	Tags             map[string]string
	Type             string
	KmsKeyIdentifier string
}

// updateConfigurationProfileRequest holds the members UpdateConfigurationProfile
// may change; pointers tell absent (unchanged) from empty. An empty
// KmsKeyIdentifier clears it (model shape KmsKeyIdentifierOrEmpty, wire
// §3.3).
type updateConfigurationProfileRequest struct {
	Name             *string
	Description      *string
	RetrievalRoleArn *string
	Validators       *[]validatorJSON
	KmsKeyIdentifier *string
}

// configurationProfileJSON is the ConfigurationProfile output shape. Type is
// echoed as stored, so a profile created without one shows none (docs/WIRE.md §6
// Q10). KmsKeyArn is not sent: appconfigd resolves no KMS keys.
type configurationProfileJSON struct {
	ApplicationId    string
	Id               string
	Name             string
	Description      string          `json:",omitempty"`
	LocationUri      string          `json:",omitempty"`
	RetrievalRoleArn string          `json:",omitempty"`
	Validators       []validatorJSON `json:",omitempty"`
	Type             string          `json:",omitempty"`
	KmsKeyIdentifier string          `json:",omitempty"`
}

// configurationProfileSummaryJSON is a ListConfigurationProfiles item
// (docs/WIRE.md Appendix B, ConfigurationProfileSummary).
type configurationProfileSummaryJSON struct {
	ApplicationId  string
	Id             string
	Name           string
	LocationUri    string   `json:",omitempty"`
	ValidatorTypes []string `json:",omitempty"`
	Type           string   `json:",omitempty"`
}

type listConfigurationProfilesResponse struct {
	Items     []configurationProfileSummaryJSON
	NextToken string `json:",omitempty"`
}

func toConfigurationProfileJSON(p *appconfigd.ConfigurationProfile) configurationProfileJSON {
	out := configurationProfileJSON{
		ApplicationId:    p.ApplicationID,
		Id:               p.ID,
		Name:             p.Name,
		Description:      p.Description,
		LocationUri:      p.LocationURI,
		RetrievalRoleArn: p.RetrievalRoleARN,
		Type:             p.Type,
		KmsKeyIdentifier: p.KMSKeyIdentifier,
	}
	for _, v := range p.Validators {
		out.Validators = append(out.Validators, validatorJSON{Type: string(v.Type), Content: v.Content})
	}
	return out
}

func toConfigurationProfileSummaryJSON(p *appconfigd.ConfigurationProfile) configurationProfileSummaryJSON {
	out := configurationProfileSummaryJSON{
		ApplicationId: p.ApplicationID,
		Id:            p.ID,
		Name:          p.Name,
		LocationUri:   p.LocationURI,
		Type:          p.Type,
	}
	for _, v := range p.Validators {
		out.ValidatorTypes = append(out.ValidatorTypes, string(v.Type))
	}
	return out
}

func fromValidatorsJSON(vs []validatorJSON) []appconfigd.Validator {
	out := make([]appconfigd.Validator, len(vs))
	for i, v := range vs {
		out[i] = appconfigd.Validator{Type: appconfigd.ValidatorType(v.Type), Content: v.Content}
	}
	return out
}

// handleCreateConfigurationProfile serves POST
// /applications/{ApplicationId}/configurationprofiles → 201.
func (s *Server) handleCreateConfigurationProfile(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	var req createConfigurationProfileRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	p := &appconfigd.ConfigurationProfile{
		Name:             req.Name,
		Description:      req.Description,
		LocationURI:      req.LocationUri,
		RetrievalRoleARN: req.RetrievalRoleArn,
		Type:             req.Type,
		KMSKeyIdentifier: req.KmsKeyIdentifier,
		Validators:       fromValidatorsJSON(req.Validators),
	}
	p, err = s.Service.CreateConfigurationProfile(r.Context(), appID, p, req.Tags)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, toConfigurationProfileJSON(p))
	return nil
}

// handleGetConfigurationProfile serves GET
// /applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}.
func (s *Server) handleGetConfigurationProfile(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	p, err := s.Service.GetConfigurationProfile(r.Context(), appID, profileID)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toConfigurationProfileJSON(p))
	return nil
}

// handleListConfigurationProfiles serves GET
// /applications/{ApplicationId}/configurationprofiles, with the optional
// query filter type.
func (s *Server) handleListConfigurationProfiles(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	in, err := listInput(r)
	if err != nil {
		return err
	}
	typ, _, err := queryValue(r, "type", "Type")
	if err != nil {
		return err
	}
	filter := appconfigd.ConfigurationProfileFilter{Type: typ}
	out, err := s.Service.ListConfigurationProfiles(r.Context(), appID, filter, in)
	if err != nil {
		return err
	}
	resp := listConfigurationProfilesResponse{Items: make([]configurationProfileSummaryJSON, len(out.Items)), NextToken: out.NextToken}
	for i, p := range out.Items {
		resp.Items[i] = toConfigurationProfileSummaryJSON(p)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateConfigurationProfile serves PATCH
// /applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}.
func (s *Server) handleUpdateConfigurationProfile(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	var req updateConfigurationProfileRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	u := appconfigd.ConfigurationProfileUpdate{
		Name:             req.Name,
		Description:      req.Description,
		RetrievalRoleARN: req.RetrievalRoleArn,
		KMSKeyIdentifier: req.KmsKeyIdentifier,
	}
	if req.Validators != nil {
		vs := fromValidatorsJSON(*req.Validators)
		u.Validators = &vs
	}
	p, err := s.Service.UpdateConfigurationProfile(r.Context(), appID, profileID, u)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toConfigurationProfileJSON(p))
	return nil
}

// handleDeleteConfigurationProfile serves DELETE
// /applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}
// → 204.
func (s *Server) handleDeleteConfigurationProfile(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteConfigurationProfile(r.Context(), appID, profileID, deletionProtectionCheck(r)); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

// profilePathIdentifiers returns the {ApplicationId} and
// {ConfigurationProfileId} path labels.
func profilePathIdentifiers(r *http.Request) (appID, profileID string, err error) {
	if appID, err = pathIdentifier(r, "ApplicationId", maxApplicationIdentifier); err != nil {
		return "", "", err
	}
	if profileID, err = pathIdentifier(r, "ConfigurationProfileId", maxProfileIdentifier); err != nil {
		return "", "", err
	}
	return appID, profileID, nil
}

// handleValidateConfiguration serves ValidateConfiguration (docs/WIRE.md §3.11):
// POST …/validators?configuration_version=V runs the profile's validators
// against a hosted version and answers 204 when they all pass.
func (s *Server) handleValidateConfiguration(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	versions := r.URL.Query()["configuration_version"]
	if len(versions) != 1 || versions[0] == "" {
		return badRequest("ConfigurationVersion is required once (query parameter configuration_version)")
	}
	if err := s.Service.ValidateConfiguration(r.Context(), appID, profileID, versions[0]); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
