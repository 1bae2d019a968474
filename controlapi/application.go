package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Applications (docs/WIRE.md §3.5).

type createApplicationRequest struct {
	Name        string
	Description string
	Tags        map[string]string
}

type updateApplicationRequest struct {
	Name        *string
	Description *string
}

// applicationJSON is the Application output shape.
type applicationJSON struct {
	Id          string
	Name        string
	Description string `json:",omitempty"`
}

type listApplicationsResponse struct {
	Items     []applicationJSON
	NextToken string `json:",omitempty"`
}

func toApplicationJSON(a *appconfigd.Application) applicationJSON {
	return applicationJSON{Id: a.ID, Name: a.Name, Description: a.Description}
}

// handleCreateApplication serves POST /applications → 201.
func (s *Server) handleCreateApplication(w http.ResponseWriter, r *http.Request) error {
	var req createApplicationRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.Service.CreateApplication(r.Context(), &appconfigd.Application{Name: req.Name, Description: req.Description}, req.Tags)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, toApplicationJSON(a))
	return nil
}

// handleGetApplication serves GET /applications/{ApplicationId}.
func (s *Server) handleGetApplication(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	a, err := s.Service.GetApplication(r.Context(), appID)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toApplicationJSON(a))
	return nil
}

// handleListApplications serves GET /applications.
func (s *Server) handleListApplications(w http.ResponseWriter, r *http.Request) error {
	in, err := listInput(r)
	if err != nil {
		return err
	}
	out, err := s.Service.ListApplications(r.Context(), in)
	if err != nil {
		return err
	}
	resp := listApplicationsResponse{Items: make([]applicationJSON, len(out.Items)), NextToken: out.NextToken}
	for i, a := range out.Items {
		resp.Items[i] = toApplicationJSON(a)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateApplication serves PATCH /applications/{ApplicationId}; absent
// members stay unchanged (docs/WIRE.md §3.3).
func (s *Server) handleUpdateApplication(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	var req updateApplicationRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.Service.UpdateApplication(r.Context(), appID, appconfigd.ApplicationUpdate{Name: req.Name, Description: req.Description})
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toApplicationJSON(a))
	return nil
}

// handleDeleteApplication serves DELETE /applications/{ApplicationId} → 204.
func (s *Server) handleDeleteApplication(w http.ResponseWriter, r *http.Request) error {
	appID, err := pathIdentifier(r, "ApplicationId", maxApplicationIdentifier)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteApplication(r.Context(), appID); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
