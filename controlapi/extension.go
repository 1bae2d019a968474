package controlapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Extensions (docs/WIRE.md §3.13).

// actionJSON is the Action structure (docs/WIRE.md Appendix B).
type actionJSON struct {
	Name        string `json:",omitempty"`
	Description string `json:",omitempty"`
	Uri         string `json:",omitempty"`
	RoleArn     string `json:",omitempty"`
}

// parameterJSON is the Parameter structure; Required and Dynamic are
// always sent, as booleans of the model are.
type parameterJSON struct {
	Description string `json:",omitempty"`
	Required    bool
	Dynamic     bool
}

// createExtensionRequest is the CreateExtension body; the
// Latest-Version-Number header travels beside it.
type createExtensionRequest struct {
	Name        string
	Description string
	Actions     map[string][]actionJSON
	Parameters  map[string]parameterJSON
	Tags        map[string]string
}

// updateExtensionRequest is the UpdateExtension body: VersionNumber
// selects the version, the other members replace what they give.
type updateExtensionRequest struct {
	Description   *string
	Actions       map[string][]actionJSON
	Parameters    map[string]parameterJSON
	VersionNumber *int
}

// extensionJSON is the Extension output shape.
type extensionJSON struct {
	Id            string
	Name          string
	VersionNumber int
	Arn           string
	Description   string                   `json:",omitempty"`
	Actions       map[string][]actionJSON  `json:",omitempty"`
	Parameters    map[string]parameterJSON `json:",omitempty"`
}

// extensionSummaryJSON is a ListExtensions item (ExtensionSummary).
type extensionSummaryJSON struct {
	Id            string
	Name          string
	VersionNumber int
	Arn           string
	Description   string `json:",omitempty"`
}

type listExtensionsResponse struct {
	Items     []extensionSummaryJSON
	NextToken string `json:",omitempty"`
}

func (s *Server) toExtensionJSON(e *appconfigd.Extension) extensionJSON {
	out := extensionJSON{
		Id:            e.ID,
		Name:          e.Name,
		VersionNumber: e.VersionNumber,
		Arn:           s.Service.ExtensionARN(e),
		Description:   e.Description,
		Actions:       make(map[string][]actionJSON, len(e.Actions)),
	}
	for point, list := range e.Actions {
		for _, a := range list {
			out.Actions[string(point)] = append(out.Actions[string(point)], actionJSON{
				Name: a.Name, Description: a.Description, Uri: a.URI, RoleArn: a.RoleARN,
			})
		}
	}
	if len(e.Parameters) > 0 {
		out.Parameters = make(map[string]parameterJSON, len(e.Parameters))
		for name, p := range e.Parameters {
			out.Parameters[name] = parameterJSON(p)
		}
	}
	return out
}

// fromActionsJSON converts the Actions member; nil stays nil, which
// UpdateExtension reads as unchanged.
func fromActionsJSON(in map[string][]actionJSON) map[appconfigd.ActionPoint][]appconfigd.ExtensionAction {
	if in == nil {
		return nil
	}
	out := make(map[appconfigd.ActionPoint][]appconfigd.ExtensionAction, len(in))
	for point, list := range in {
		actions := make([]appconfigd.ExtensionAction, len(list))
		for i, a := range list {
			actions[i] = appconfigd.ExtensionAction{Name: a.Name, Description: a.Description, URI: a.Uri, RoleARN: a.RoleArn}
		}
		out[appconfigd.ActionPoint(point)] = actions
	}
	return out
}

// fromParametersJSON converts the Parameters member; nil stays nil.
func fromParametersJSON(in map[string]parameterJSON) map[string]appconfigd.ExtensionParameter {
	if in == nil {
		return nil
	}
	out := make(map[string]appconfigd.ExtensionParameter, len(in))
	for name, p := range in {
		out[name] = appconfigd.ExtensionParameter(p)
	}
	return out
}

// optionalNumber parses an optional integer member that travels outside
// the body (where says how, for the message); it returns 0 when absent.
func optionalNumber(v string, given bool, member, where string) (int, error) {
	if !given {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 0, badRequest("%s must be a positive integer (%s), got %q", member, where, v)
	}
	return n, nil
}

// queryNumber reads an optional positive integer query parameter.
func queryNumber(r *http.Request, name, member string) (int, error) {
	v, ok, err := queryValue(r, name, member)
	if err != nil {
		return 0, err
	}
	return optionalNumber(v, ok, member, "query "+name)
}

// handleCreateExtension serves POST /extensions → 201. The
// Latest-Version-Number header makes a new version of the extension with
// the same name.
func (s *Server) handleCreateExtension(w http.ResponseWriter, r *http.Request) error {
	var req createExtensionRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	var latest *int
	if vs := r.Header.Values("Latest-Version-Number"); len(vs) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(vs[0]))
		if err != nil || n < 0 || len(vs) > 1 {
			return badRequest("LatestVersionNumber must be one integer (header Latest-Version-Number), got %q", strings.Join(vs, ", "))
		}
		latest = &n
	}
	e := &appconfigd.Extension{
		Name:        req.Name,
		Description: req.Description,
		Actions:     fromActionsJSON(req.Actions),
		Parameters:  fromParametersJSON(req.Parameters),
	}
	e, err := s.Service.CreateExtension(r.Context(), e, latest, req.Tags)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, s.toExtensionJSON(e))
	return nil
}

// handleGetExtension serves GET /extensions/{ExtensionIdentifier}, the
// latest version unless the version_number query names one.
func (s *Server) handleGetExtension(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathIdentifier(r, "ExtensionIdentifier", appconfigd.MaxExtensionIdentifierLength)
	if err != nil {
		return err
	}
	version, err := queryNumber(r, "version_number", "VersionNumber")
	if err != nil {
		return err
	}
	e, err := s.Service.GetExtension(r.Context(), ident, version)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, s.toExtensionJSON(e))
	return nil
}

// handleListExtensions serves GET /extensions, with the name query as a
// filter.
func (s *Server) handleListExtensions(w http.ResponseWriter, r *http.Request) error {
	in, err := listInput(r)
	if err != nil {
		return err
	}
	name, given, err := queryValue(r, "name", "Name")
	if err != nil {
		return err
	}
	if given && name == "" {
		return badRequest("Name must be 1 to 64 characters long (query name), got 0")
	}
	out, err := s.Service.ListExtensions(r.Context(), name, in)
	if err != nil {
		return err
	}
	resp := listExtensionsResponse{Items: make([]extensionSummaryJSON, len(out.Items)), NextToken: out.NextToken}
	for i, e := range out.Items {
		resp.Items[i] = extensionSummaryJSON{
			Id: e.ID, Name: e.Name, VersionNumber: e.VersionNumber, Arn: s.Service.ExtensionARN(e), Description: e.Description,
		}
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleUpdateExtension serves PATCH /extensions/{ExtensionIdentifier}.
func (s *Server) handleUpdateExtension(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathIdentifier(r, "ExtensionIdentifier", appconfigd.MaxExtensionIdentifierLength)
	if err != nil {
		return err
	}
	var req updateExtensionRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	u := appconfigd.ExtensionUpdate{
		Description: req.Description,
		Actions:     fromActionsJSON(req.Actions),
		Parameters:  fromParametersJSON(req.Parameters),
	}
	if req.VersionNumber != nil {
		if *req.VersionNumber < 1 {
			return badRequest("VersionNumber must be a positive integer, got %d", *req.VersionNumber)
		}
		u.VersionNumber = *req.VersionNumber
	}
	e, err := s.Service.UpdateExtension(r.Context(), ident, u)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusOK, s.toExtensionJSON(e))
	return nil
}

// handleDeleteExtension serves DELETE /extensions/{ExtensionIdentifier} →
// 204: the version the version query names, or the latest.
func (s *Server) handleDeleteExtension(w http.ResponseWriter, r *http.Request) error {
	ident, err := pathIdentifier(r, "ExtensionIdentifier", appconfigd.MaxExtensionIdentifierLength)
	if err != nil {
		return err
	}
	version, err := queryNumber(r, "version", "VersionNumber")
	if err != nil {
		return err
	}
	if err := s.Service.DeleteExtension(r.Context(), ident, version); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
