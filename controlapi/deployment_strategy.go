package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Deployment strategies (docs/WIRE.md §3.9).

// createDeploymentStrategyRequest is the CreateDeploymentStrategy body.
// DeploymentDurationInMinutes and GrowthFactor are required by the model,
// but old Go SDKs omitted zero-valued numbers, so an absent number counts
// as 0 and the Service's range checks report it (docs/WIRE.md §3.3, "Request
// body").
type createDeploymentStrategyRequest struct {
	Name                        string
	Description                 string
	DeploymentDurationInMinutes int
	FinalBakeTimeInMinutes      int
	GrowthFactor                float64
	GrowthType                  string
	ReplicateTo                 string
	Tags                        map[string]string
}

// updateDeploymentStrategyRequest holds the members
// UpdateDeploymentStrategy may change; Name and ReplicateTo cannot.
type updateDeploymentStrategyRequest struct {
	Description                 *string
	DeploymentDurationInMinutes *int
	FinalBakeTimeInMinutes      *int
	GrowthFactor                *float64
	GrowthType                  *string
}

// deploymentStrategyJSON is the DeploymentStrategy output shape. The
// numbers are always sent, zeros included, and GrowthFactor keeps its
// decimal point (100.0), as in AWS's own output (docs/WIRE.md §3.9).
type deploymentStrategyJSON struct {
	Id                          string
	Name                        string
	Description                 string `json:",omitempty"`
	DeploymentDurationInMinutes int
	GrowthType                  string
	GrowthFactor                awsjson.Float
	FinalBakeTimeInMinutes      int
	ReplicateTo                 string `json:",omitempty"`
}

type listDeploymentStrategiesResponse struct {
	Items     []deploymentStrategyJSON
	NextToken string `json:",omitempty"`
}

func toDeploymentStrategyJSON(st *appconfigd.DeploymentStrategy) deploymentStrategyJSON {
	return deploymentStrategyJSON{
		Id:                          st.ID,
		Name:                        st.Name,
		Description:                 st.Description,
		DeploymentDurationInMinutes: st.DeploymentDurationInMinutes,
		GrowthType:                  string(st.GrowthType),
		GrowthFactor:                awsjson.Float(st.GrowthFactor),
		FinalBakeTimeInMinutes:      st.FinalBakeTimeInMinutes,
		ReplicateTo:                 st.ReplicateTo,
	}
}

// handleCreateDeploymentStrategy serves POST /deploymentstrategies → 201.
func (s *Server) handleCreateDeploymentStrategy(w http.ResponseWriter, r *http.Request) error {
	var req createDeploymentStrategyRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	st := &appconfigd.DeploymentStrategy{
		Name:                        req.Name,
		Description:                 req.Description,
		DeploymentDurationInMinutes: req.DeploymentDurationInMinutes,
		FinalBakeTimeInMinutes:      req.FinalBakeTimeInMinutes,
		GrowthFactor:                req.GrowthFactor,
		GrowthType:                  appconfigd.GrowthType(req.GrowthType),
		ReplicateTo:                 req.ReplicateTo,
	}
	st, err := s.Service.CreateDeploymentStrategy(r.Context(), st, req.Tags)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, toDeploymentStrategyJSON(st))
	return nil
}

// handleGetDeploymentStrategy serves GET
// /deploymentstrategies/{DeploymentStrategyId}, predefined strategies
// included.
func (s *Server) handleGetDeploymentStrategy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "DeploymentStrategyId", maxStrategyIdentifier)
	if err != nil {
		return err
	}
	st, err := s.Service.GetDeploymentStrategy(r.Context(), id)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toDeploymentStrategyJSON(st))
	return nil
}

// handleListDeploymentStrategies serves GET /deploymentstrategies.
func (s *Server) handleListDeploymentStrategies(w http.ResponseWriter, r *http.Request) error {
	in, err := listInput(r)
	if err != nil {
		return err
	}
	out, err := s.Service.ListDeploymentStrategies(r.Context(), in)
	if err != nil {
		return err
	}
	resp := listDeploymentStrategiesResponse{Items: make([]deploymentStrategyJSON, len(out.Items)), NextToken: out.NextToken}
	for i, st := range out.Items {
		resp.Items[i] = toDeploymentStrategyJSON(st)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateDeploymentStrategy serves PATCH
// /deploymentstrategies/{DeploymentStrategyId}.
func (s *Server) handleUpdateDeploymentStrategy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "DeploymentStrategyId", maxStrategyIdentifier)
	if err != nil {
		return err
	}
	var req updateDeploymentStrategyRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	u := appconfigd.DeploymentStrategyUpdate{
		Description:                 req.Description,
		DeploymentDurationInMinutes: req.DeploymentDurationInMinutes,
		FinalBakeTimeInMinutes:      req.FinalBakeTimeInMinutes,
		GrowthFactor:                req.GrowthFactor,
	}
	if req.GrowthType != nil {
		g := appconfigd.GrowthType(*req.GrowthType)
		u.GrowthType = &g
	}
	st, err := s.Service.UpdateDeploymentStrategy(r.Context(), id, u)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, toDeploymentStrategyJSON(st))
	return nil
}

// handleDeleteDeploymentStrategy serves DELETE
// /deployementstrategies/{DeploymentStrategyId} (the model's spelling) and
// its correctly spelled alias → 204.
func (s *Server) handleDeleteDeploymentStrategy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "DeploymentStrategyId", maxStrategyIdentifier)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteDeploymentStrategy(r.Context(), id); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
