package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Environments (docs/WIRE.md §3.6).

// monitorJSON is the Monitor structure (docs/WIRE.md Appendix B), in requests and
// responses.
type monitorJSON struct {
	AlarmArn     string
	AlarmRoleArn string `json:",omitempty"`
}

type createEnvironmentRequest struct {
	Name        string
	Description string
	Monitors    []monitorJSON
	Tags        map[string]string
}

type updateEnvironmentRequest struct {
	Name        *string
	Description *string
	// Monitors is a pointer so that [] (remove every monitor) differs
	// from absent (keep them).
	Monitors *[]monitorJSON
}

// environmentJSON is the Environment output shape. State is CamelCase
// (ReadyForDeployment, Deploying, …) as the real service sends it and the
// SDK waiter EnvironmentReadyForDeployment expects (docs/WIRE.md §7.5), not the
// model's UPPER_SNAKE enum.
type environmentJSON struct {
	ApplicationId string
	Id            string
	Name          string
	Description   string `json:",omitempty"`
	State         appconfigd.EnvironmentState
	Monitors      []monitorJSON `json:",omitempty"`
}

type listEnvironmentsResponse struct {
	Items     []environmentJSON
	NextToken string `json:",omitempty"`
}

func toEnvironmentJSON(e *appconfigd.Environment) environmentJSON {
	out := environmentJSON{
		ApplicationId: e.ApplicationID,
		Id:            e.ID,
		Name:          e.Name,
		Description:   e.Description,
		State:         e.State(),
	}
	for _, m := range e.Monitors {
		out.Monitors = append(out.Monitors, monitorJSON{AlarmArn: m.AlarmARN, AlarmRoleArn: m.AlarmRoleARN})
	}
	return out
}

func fromMonitorsJSON(ms []monitorJSON) []appconfigd.Monitor {
	out := make([]appconfigd.Monitor, len(ms))
	for i, m := range ms {
		out[i] = appconfigd.Monitor{AlarmARN: m.AlarmArn, AlarmRoleARN: m.AlarmRoleArn}
	}
	return out
}

// handleCreateEnvironment serves POST
// /applications/{ApplicationId}/environments → 201.
func (s *Server) handleCreateEnvironment(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	var req createEnvironmentRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	e := &appconfigd.Environment{Name: req.Name, Description: req.Description, Monitors: fromMonitorsJSON(req.Monitors)}
	e, err = s.Service.CreateEnvironment(r.Context(), appID, e, req.Tags)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, toEnvironmentJSON(e))
	return nil
}

// handleGetEnvironment serves GET
// /applications/{ApplicationId}/environments/{EnvironmentId}.
func (s *Server) handleGetEnvironment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	e, err := s.Service.GetEnvironment(r.Context(), appID, envID)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toEnvironmentJSON(e))
	return nil
}

// handleListEnvironments serves GET
// /applications/{ApplicationId}/environments.
func (s *Server) handleListEnvironments(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	in, err := listInput(r)
	if err != nil {
		return err
	}
	out, err := s.Service.ListEnvironments(r.Context(), appID, in)
	if err != nil {
		return err
	}
	resp := listEnvironmentsResponse{Items: make([]environmentJSON, len(out.Items)), NextToken: out.NextToken}
	for i, e := range out.Items {
		resp.Items[i] = toEnvironmentJSON(e)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateEnvironment serves PATCH
// /applications/{ApplicationId}/environments/{EnvironmentId}.
func (s *Server) handleUpdateEnvironment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	var req updateEnvironmentRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	u := appconfigd.EnvironmentUpdate{Name: req.Name, Description: req.Description}
	if req.Monitors != nil {
		ms := fromMonitorsJSON(*req.Monitors)
		u.Monitors = &ms
	}
	e, err := s.Service.UpdateEnvironment(r.Context(), appID, envID, u)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toEnvironmentJSON(e))
	return nil
}

// handleDeleteEnvironment serves DELETE
// /applications/{ApplicationId}/environments/{EnvironmentId} → 204.
func (s *Server) handleDeleteEnvironment(w http.ResponseWriter, r *http.Request) error {
	appID, envID, err := environmentPathIdentifiers(r)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteEnvironment(r.Context(), appID, envID, deletionProtectionCheck(r)); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

// environmentPathIdentifiers returns the {ApplicationId} and {EnvironmentId}
// path labels.
func environmentPathIdentifiers(r *http.Request) (appID, envID string, err error) {
	if appID, err = pathIdentifier(r, "ApplicationId", maxApplicationIdentifier); err != nil {
		return "", "", err
	}
	if envID, err = pathIdentifier(r, "EnvironmentId", maxEnvironmentIdentifier); err != nil {
		return "", "", err
	}
	return appID, envID, nil
}

// deletionProtectionCheck returns the DeletionProtectionCheck of
// DeleteEnvironment and DeleteConfigurationProfile, which travels in the
// x-amzn-deletion-protection-check header (docs/WIRE.md §3.14): without the
// header, ACCOUNT_DEFAULT. The Service validates it, so a header sent empty
// is refused.
func deletionProtectionCheck(r *http.Request) appconfigd.DeletionProtectionCheck {
	vs := r.Header.Values("X-Amzn-Deletion-Protection-Check")
	if len(vs) == 0 {
		return appconfigd.DeletionProtectionAccountDefault
	}
	return appconfigd.DeletionProtectionCheck(vs[0])
}
