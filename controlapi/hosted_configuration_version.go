package controlapi

import (
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// Hosted configuration versions (docs/WIRE.md §3.8) are raw-body operations: the
// content is the whole HTTP body, and every other member travels in a
// header. Header names are the model's: VersionLabel has no hyphen.

// hostedConfigurationVersionSummaryJSON is a ListHostedConfigurationVersions
// item (docs/WIRE.md Appendix B). KmsKeyArn is not sent: appconfigd resolves no KMS
// keys.
type hostedConfigurationVersionSummaryJSON struct {
	ApplicationId          string
	ConfigurationProfileId string
	VersionNumber          int
	Description            string `json:",omitempty"`
	ContentType            string `json:",omitempty"`
	VersionLabel           string `json:",omitempty"`
}

type listHostedConfigurationVersionsResponse struct {
	Items     []hostedConfigurationVersionSummaryJSON
	NextToken string `json:",omitempty"`
}

// handleCreateHostedConfigurationVersion serves POST
// .../configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions
// → 201, answering with the stored version as GetHostedConfigurationVersion
// does.
func (s *Server) handleCreateHostedConfigurationVersion(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	var latest *int
	if vs := r.Header.Values("Latest-Version-Number"); len(vs) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(vs[0]))
		if err != nil {
			return badRequest("LatestVersionNumber must be an integer (header Latest-Version-Number), got %q", vs[0])
		}
		latest = &n
	}
	content, err := s.readHostedContent(w, r)
	if err != nil {
		return err
	}
	v := &appconfigd.HostedConfigurationVersion{
		// The Service requires ContentType and names the member when it
		// is missing; the SDK always sends one (application/octet-stream
		// by default).
		ContentType:  r.Header.Get("Content-Type"),
		Description:  r.Header.Get("Description"),
		VersionLabel: r.Header.Get("VersionLabel"),
		Content:      content,
	}
	v, err = s.Service.CreateHostedConfigurationVersion(r.Context(), appID, profileID, v, latest)
	if err != nil {
		return err
	}
	writeHostedConfigurationVersion(w, http.StatusCreated, v)
	return nil
}

// readHostedContent returns the configuration content, bounded by the
// Service's Limits.HostedConfigurationSizeBytes: the bytes the
// authenticator read to hash them, without a copy, or else (authentication
// off) the body read now. A larger body is a PayloadTooLargeException
// measured in kilobytes: of the declared Content-Length when there is one,
// else of what was read before the limit stopped it.
func (s *Server) readHostedContent(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := s.Service.Limits.HostedConfigurationSizeBytes
	if r.ContentLength > int64(limit) {
		return nil, appconfigd.PayloadTooLarge(int(min(r.ContentLength, math.MaxInt32)), limit)
	}
	if b, ok := auth.BodyBytes(r); ok {
		if len(b) > limit {
			return nil, appconfigd.PayloadTooLarge(len(b), limit)
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, appconfigd.PayloadTooLarge(limit+1, limit)
	case err != nil:
		return nil, badRequest("could not read the configuration content: %v", err)
	case len(b) > limit:
		return nil, appconfigd.PayloadTooLarge(len(b), limit)
	}
	return b, nil
}

// handleGetHostedConfigurationVersion serves GET
// .../hostedconfigurationversions/{VersionNumber}.
func (s *Server) handleGetHostedConfigurationVersion(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	number, err := pathNumber(r, "VersionNumber")
	if err != nil {
		return err
	}
	v, err := s.Service.GetHostedConfigurationVersion(r.Context(), appID, profileID, number)
	if err != nil {
		return err
	}
	writeHostedConfigurationVersion(w, http.StatusOK, v)
	return nil
}

// handleListHostedConfigurationVersions serves GET
// .../hostedconfigurationversions, newest first, with the optional query
// filter version_label (exact, or a prefix when it ends with "*").
func (s *Server) handleListHostedConfigurationVersions(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	in, err := listInput(r)
	if err != nil {
		return err
	}
	label, _, err := queryValue(r, "version_label", "VersionLabel")
	if err != nil {
		return err
	}
	filter := appconfigd.HostedConfigurationVersionFilter{VersionLabel: label}
	out, err := s.Service.ListHostedConfigurationVersions(r.Context(), appID, profileID, filter, in)
	if err != nil {
		return err
	}
	resp := listHostedConfigurationVersionsResponse{Items: make([]hostedConfigurationVersionSummaryJSON, len(out.Items)), NextToken: out.NextToken}
	for i, v := range out.Items {
		resp.Items[i] = hostedConfigurationVersionSummaryJSON{
			ApplicationId:          v.ApplicationID,
			ConfigurationProfileId: v.ConfigurationProfileID,
			VersionNumber:          v.VersionNumber,
			Description:            v.Description,
			ContentType:            v.ContentType,
			VersionLabel:           v.VersionLabel,
		}
	}
	awsjson.WriteJSON(w, http.StatusOK, resp)
	return nil
}

// handleDeleteHostedConfigurationVersion serves DELETE
// .../hostedconfigurationversions/{VersionNumber} → 204.
func (s *Server) handleDeleteHostedConfigurationVersion(w http.ResponseWriter, r *http.Request) error {
	appID, profileID, err := profilePathIdentifiers(r)
	if err != nil {
		return err
	}
	number, err := pathNumber(r, "VersionNumber")
	if err != nil {
		return err
	}
	if err := s.Service.DeleteHostedConfigurationVersion(r.Context(), appID, profileID, number); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

// writeHostedConfigurationVersion writes the HostedConfigurationVersion
// output shape: the content as the body and the metadata in the headers the
// SDK reads (Application-Id, Configuration-Profile-Id, Version-Number,
// Content-Type, Description, VersionLabel; docs/WIRE.md Appendix A). Content-Type is
// the stored type verbatim, parameters included (docs/WIRE.md §7.4).
func writeHostedConfigurationVersion(w http.ResponseWriter, status int, v *appconfigd.HostedConfigurationVersion) {
	h := w.Header()
	h.Set("Application-Id", v.ApplicationID)
	h.Set("Configuration-Profile-Id", v.ConfigurationProfileID)
	h.Set("Version-Number", strconv.Itoa(v.VersionNumber))
	h.Set("Content-Type", v.ContentType)
	if v.Description != "" {
		h.Set("Description", v.Description)
	}
	if v.VersionLabel != "" {
		h.Set("VersionLabel", v.VersionLabel)
	}
	h.Set("Content-Length", strconv.Itoa(len(v.Content)))
	w.WriteHeader(status)
	// A failed write means the client went away; nobody is left to tell.
	_, _ = w.Write(v.Content)
}
