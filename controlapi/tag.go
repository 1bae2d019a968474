package controlapi

import (
	"net/http"

	"github.com/appconfigd/appconfigd/awsjson"
)

// Tags (docs/WIRE.md §3.12) are keyed by resource ARN. The ARN is the {ResourceArn}
// path label, which the SDKs percent-encode into one segment; PathValue
// returns it decoded.

type tagResourceRequest struct {
	Tags map[string]string
}

// listTagsForResourceResponse is the ResourceTags output shape. Tags is
// always an object, {} when the resource has none.
type listTagsForResourceResponse struct {
	Tags map[string]string
}

// handleTagResource serves POST /tags/{ResourceArn} with {"Tags":{…}} →
// 204. Tags is required.
func (s *Server) handleTagResource(w http.ResponseWriter, r *http.Request) error {
	var req tagResourceRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.Tags == nil {
		return badRequest("Tags is required")
	}
	if err := s.Service.TagResource(r.Context(), r.PathValue("ResourceArn"), req.Tags); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

// handleUntagResource serves DELETE /tags/{ResourceArn}?tagKeys=a&tagKeys=b
// → 204. The SDKs send no tagKeys at all for an empty list, so an absent
// key removes nothing rather than failing.
func (s *Server) handleUntagResource(w http.ResponseWriter, r *http.Request) error {
	keys := r.URL.Query()["tagKeys"]
	if err := s.Service.UntagResource(r.Context(), r.PathValue("ResourceArn"), keys); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

// handleListTagsForResource serves GET /tags/{ResourceArn}.
func (s *Server) handleListTagsForResource(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.Service.ListTagsForResource(r.Context(), r.PathValue("ResourceArn"))
	if err != nil {
		return err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	awsjson.WriteJSON(w, http.StatusOK, listTagsForResourceResponse{Tags: tags})
	return nil
}
