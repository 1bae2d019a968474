package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Extension associations (docs/WIRE.md §3.13).

// createExtensionAssociationRequest is the CreateExtensionAssociation body.
type createExtensionAssociationRequest struct {
	ExtensionIdentifier    string
	ExtensionVersionNumber *int
	ResourceIdentifier     string
	Parameters             map[string]string
	Tags                   map[string]string
}

// updateExtensionAssociationRequest is the UpdateExtensionAssociation
// body; absent Parameters leave the values unchanged.
type updateExtensionAssociationRequest struct {
	Parameters map[string]string
}

// extensionAssociationJSON is the ExtensionAssociation output shape.
type extensionAssociationJSON struct {
	Id                     string
	ExtensionArn           string
	ResourceArn            string
	Arn                    string
	Parameters             map[string]string `json:",omitempty"`
	ExtensionVersionNumber int
}

// extensionAssociationSummaryJSON is a ListExtensionAssociations item.
type extensionAssociationSummaryJSON struct {
	Id           string
	ExtensionArn string
	ResourceArn  string
}

type listExtensionAssociationsResponse struct {
	Items     []extensionAssociationSummaryJSON
	NextToken string `json:",omitempty"`
}

func (s *Server) toExtensionAssociationJSON(a *appconfigd.ExtensionAssociation) extensionAssociationJSON {
	sum := s.toExtensionAssociationSummaryJSON(a)
	return extensionAssociationJSON{
		Id:                     sum.Id,
		ExtensionArn:           sum.ExtensionArn,
		ResourceArn:            sum.ResourceArn,
		Arn:                    s.Service.ExtensionAssociationARN(a.ID),
		Parameters:             a.Parameters,
		ExtensionVersionNumber: a.ExtensionVersionNumber,
	}
}

func (s *Server) toExtensionAssociationSummaryJSON(a *appconfigd.ExtensionAssociation) extensionAssociationSummaryJSON {
	return extensionAssociationSummaryJSON{
		Id:           a.ID,
		ExtensionArn: s.Service.ExtensionARN(&appconfigd.Extension{ID: a.ExtensionID, VersionNumber: a.ExtensionVersionNumber}),
		ResourceArn:  a.ResourceARN,
	}
}

// maxAssociationIdentifier bounds {ExtensionAssociationId}; the model's
// pattern admits only IDs, which the store then looks up.
const maxAssociationIdentifier = 64

// handleCreateExtensionAssociation serves POST /extensionassociations →
// 201.
func (s *Server) handleCreateExtensionAssociation(w http.ResponseWriter, r *http.Request) error {
	var req createExtensionAssociationRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	in := appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: req.ExtensionIdentifier,
		ResourceIdentifier:  req.ResourceIdentifier,
		Parameters:          req.Parameters,
		Tags:                req.Tags,
	}
	if req.ExtensionVersionNumber != nil {
		if *req.ExtensionVersionNumber < 1 {
			return badRequest("ExtensionVersionNumber must be a positive integer, got %d", *req.ExtensionVersionNumber)
		}
		in.ExtensionVersionNumber = *req.ExtensionVersionNumber
	}
	a, err := s.Service.CreateExtensionAssociation(r.Context(), in)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, s.toExtensionAssociationJSON(a))
	return nil
}

// handleGetExtensionAssociation serves GET
// /extensionassociations/{ExtensionAssociationId}.
func (s *Server) handleGetExtensionAssociation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "ExtensionAssociationId", maxAssociationIdentifier)
	if err != nil {
		return err
	}
	a, err := s.Service.GetExtensionAssociation(r.Context(), id)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, s.toExtensionAssociationJSON(a))
	return nil
}

// handleListExtensionAssociations serves GET /extensionassociations, with
// the resource_identifier, extension_identifier and
// extension_version_number queries as filters.
func (s *Server) handleListExtensionAssociations(w http.ResponseWriter, r *http.Request) error {
	page, err := listInput(r)
	if err != nil {
		return err
	}
	in := appconfigd.ListExtensionAssociationsInput{ListInput: page}
	if in.ResourceIdentifier, _, err = queryValue(r, "resource_identifier", "ResourceIdentifier"); err != nil {
		return err
	}
	if in.ExtensionIdentifier, _, err = queryValue(r, "extension_identifier", "ExtensionIdentifier"); err != nil {
		return err
	}
	if in.ExtensionVersionNumber, err = queryNumber(r, "extension_version_number", "ExtensionVersionNumber"); err != nil {
		return err
	}
	out, err := s.Service.ListExtensionAssociations(r.Context(), in)
	if err != nil {
		return err
	}
	resp := listExtensionAssociationsResponse{Items: make([]extensionAssociationSummaryJSON, len(out.Items)), NextToken: out.NextToken}
	for i, a := range out.Items {
		resp.Items[i] = s.toExtensionAssociationSummaryJSON(a)
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateExtensionAssociation serves PATCH
// /extensionassociations/{ExtensionAssociationId}.
func (s *Server) handleUpdateExtensionAssociation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "ExtensionAssociationId", maxAssociationIdentifier)
	if err != nil {
		return err
	}
	var req updateExtensionAssociationRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := s.Service.UpdateExtensionAssociation(r.Context(), id, req.Parameters)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, s.toExtensionAssociationJSON(a))
	return nil
}

// handleDeleteExtensionAssociation serves DELETE
// /extensionassociations/{ExtensionAssociationId} → 204.
func (s *Server) handleDeleteExtensionAssociation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathIdentifier(r, "ExtensionAssociationId", maxAssociationIdentifier)
	if err != nil {
		return err
	}
	if err := s.Service.DeleteExtensionAssociation(r.Context(), id); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
