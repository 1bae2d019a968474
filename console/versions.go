package console

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/appconfigd/appconfigd"
)

// The content types the editor offers. A feature-flag profile takes only
// JSON, its deployment-time document (docs/WIRE.md §4.1).
var (
	editorContentTypes = []string{"application/json", "application/x-yaml", "text/plain"}
	flagContentTypes   = []string{"application/json"}
)

// versionsData is what a profile's versions page shows.
type versionsData struct {
	Application *appconfigd.Application
	Profile     *appconfigd.ConfigurationProfile
	// Versions are newest first, without content.
	Versions []*appconfigd.HostedConfigurationVersion
	// Truncated says the profile has older versions than the list shows.
	Truncated bool
	// From and To preselect the compare form: the two newest versions.
	From, To int
}

// handleVersions lists a profile's hosted versions.
func (s *Server) handleVersions(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	data, err := s.versionsData(rq, a, p)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "versions", "Versions of "+p.Name, data)
}

func (s *Server) versionsData(rq *request, a *appconfigd.Application, p *appconfigd.ConfigurationProfile) (*versionsData, error) {
	versions, truncated, err := collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.HostedConfigurationVersion], error) {
		return s.Service.ListHostedConfigurationVersions(rq.ctx(), a.ID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, in)
	})
	if err != nil {
		return nil, err
	}
	d := &versionsData{Application: a, Profile: p, Versions: versions, Truncated: truncated}
	if len(versions) > 0 {
		d.To, d.From = versions[0].VersionNumber, versions[0].VersionNumber
		if len(versions) > 1 {
			d.From = versions[1].VersionNumber
		}
	}
	return d, nil
}

// versionData is what one version's page shows.
type versionData struct {
	Application *appconfigd.Application
	Profile     *appconfigd.ConfigurationProfile
	Version     *appconfigd.HostedConfigurationVersion
	// Content is the version's content as the page shows it (prettyContent).
	Content string
}

// versionNumber reads a version number from the path segment or query
// value named name.
func versionNumber(value, name string) (int, error) {
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 {
		return 0, appconfigd.Errorf(appconfigd.EBadRequest, "The %s version must be a version number (1 or more), got %q", name, value)
	}
	return n, nil
}

// version finds the application, profile and hosted version of the
// request's path.
func (s *Server) version(rq *request) (*versionData, error) {
	a, p, err := s.profile(rq)
	if err != nil {
		return nil, err
	}
	n, err := versionNumber(rq.PathValue("version"), "requested")
	if err != nil {
		return nil, err
	}
	v, err := s.Service.GetHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, n)
	if err != nil {
		return nil, err
	}
	return &versionData{Application: a, Profile: p, Version: v, Content: prettyContent(v.ContentType, v.Content)}, nil
}

// handleVersion shows one hosted version: its metadata and its content.
func (s *Server) handleVersion(rq *request) error {
	d, err := s.version(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "version", versionTitle(d.Profile, d.Version.VersionNumber), d)
}

func versionTitle(p *appconfigd.ConfigurationProfile, n int) string {
	return "Version " + strconv.Itoa(n) + " of " + p.Name
}

// handleDeleteVersion deletes a hosted version
// (DeleteHostedConfigurationVersion).
func (s *Server) handleDeleteVersion(rq *request) error {
	d, err := s.version(rq)
	if err != nil {
		return err
	}
	n := d.Version.VersionNumber
	if err := s.Service.DeleteHostedConfigurationVersion(rq.ctx(), d.Application.ID, d.Profile.ID, n); err != nil {
		return rq.showError(err, "version", versionTitle(d.Profile, n), d)
	}
	return rq.redirect(versionsPath(d.Application.ID, d.Profile.ID), "Deleted version "+strconv.Itoa(n)+".")
}

// versionsPath is the console path of a profile's versions page.
func versionsPath(appID, profileID string) string {
	return profilePath(appID, profileID) + "/versions"
}

// prettyContent returns content as a page shows it: JSON indented, as
// people read it and as the diff compares it; anything else, and JSON
// that does not parse, as it is.
func prettyContent(contentType string, content []byte) string {
	if isJSONType(contentType) {
		var buf bytes.Buffer
		if err := json.Indent(&buf, bytes.TrimSpace(content), "", "  "); err == nil {
			return buf.String()
		}
	}
	return strings.ToValidUTF8(string(content), "\uFFFD")
}

// isJSONType reports whether a content type is JSON, parameters and
// structured suffixes (application/problem+json) included.
func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// editorForm is the editor's form as the user filled it in.
type editorForm struct {
	Content      string
	ContentType  string
	VersionLabel string
	Description  string
}

// editorData is what the editor shows.
type editorData struct {
	Application  *appconfigd.Application
	Profile      *appconfigd.ConfigurationProfile
	Form         editorForm
	ContentTypes []string
	// Valid says that the content passed the checks ("validate").
	Valid bool
}

// editorTitle is the editor's title.
func editorTitle(p *appconfigd.ConfigurationProfile) string { return "New version of " + p.Name }

// contentTypesFor returns the content types the editor offers for p, with
// current first when the latest version has another one.
func contentTypesFor(p *appconfigd.ConfigurationProfile, current string) []string {
	if p.Type == appconfigd.ProfileTypeFeatureFlags {
		return flagContentTypes
	}
	if current != "" && !slices.Contains(editorContentTypes, current) {
		return append([]string{current}, editorContentTypes...)
	}
	return editorContentTypes
}

// latestVersion returns a profile's newest hosted version with its
// content, or nil when it has none.
func (s *Server) latestVersion(rq *request, a *appconfigd.Application, p *appconfigd.ConfigurationProfile) (*appconfigd.HostedConfigurationVersion, error) {
	out, err := s.Service.ListHostedConfigurationVersions(rq.ctx(), a.ID, p.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{MaxResults: 1})
	if err != nil || len(out.Items) == 0 {
		return nil, err
	}
	return s.Service.GetHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, out.Items[0].VersionNumber)
}

// handleNewVersion shows the editor, filled with the latest version.
func (s *Server) handleNewVersion(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	latest, err := s.latestVersion(rq, a, p)
	if err != nil {
		return err
	}
	form := editorForm{ContentType: contentTypesFor(p, "")[0]}
	if latest != nil {
		form.Content = prettyContent(latest.ContentType, latest.Content)
		form.ContentType = latest.ContentType
	}
	d := &editorData{Application: a, Profile: p, Form: form, ContentTypes: contentTypesFor(p, form.ContentType)}
	return rq.render(http.StatusOK, "version_new", editorTitle(p), d)
}

// checkEditor reads the editor's form and checks its content against
// what creating and deploying it would check. It returns the page's data,
// the content and ok when the content is fit to save; otherwise it has
// shown the problem in the editor (ok false, nil error) or returns the
// error to show.
func (s *Server) checkEditor(rq *request) (d *editorData, content []byte, ok bool, err error) {
	a, p, err := s.profile(rq)
	if err != nil {
		return nil, nil, false, err
	}
	form := editorForm{
		// Browsers send a textarea's line breaks as CRLF.
		Content:      strings.ReplaceAll(rq.PostFormValue("content"), "\r\n", "\n"),
		ContentType:  rq.PostFormValue("content_type"),
		VersionLabel: strings.TrimSpace(rq.PostFormValue("version_label")),
		Description:  rq.PostFormValue("description"),
	}
	latest, err := s.latestVersion(rq, a, p)
	if err != nil {
		return nil, nil, false, err
	}
	d = &editorData{Application: a, Profile: p, Form: form, ContentTypes: contentTypesFor(p, "")}
	if latest != nil {
		d.ContentTypes = contentTypesFor(p, latest.ContentType)
	}
	if !slices.Contains(d.ContentTypes, form.ContentType) {
		return nil, nil, false, rq.showError(appconfigd.Errorf(appconfigd.EBadRequest, "Content type %q is not one the editor offers for this profile", form.ContentType), "version_new", editorTitle(p), d)
	}
	content = []byte(form.Content)
	if err := s.Service.CheckConfigurationContent(rq.ctx(), a.ID, p.ID, content, form.ContentType); err != nil {
		return nil, nil, false, rq.showError(err, "version_new", editorTitle(p), d)
	}
	return d, content, true, nil
}

// handleValidateVersion checks the editor's content without saving it,
// and shows the editor again with the verdict. It changes nothing, so it
// is not audited; but it may call the profile's webhook validators with
// content of the sender's choosing, so only keys that may save may
// validate.
func (s *Server) handleValidateVersion(rq *request) error {
	if !rq.canChange() {
		return appconfigd.Errorf(appconfigd.EAccessDenied, "User: %s is a reader and may not validate new versions", rq.p.Name)
	}
	d, _, ok, err := s.checkEditor(rq)
	if !ok {
		return err
	}
	d.Valid = true
	return rq.render(http.StatusOK, "version_new", editorTitle(d.Profile), d)
}

// handleCreateVersion checks the editor's content as handleValidateVersion
// does and stores it as a new version when it passes
// (CreateHostedConfigurationVersion).
func (s *Server) handleCreateVersion(rq *request) error {
	d, content, ok, err := s.checkEditor(rq)
	if !ok {
		return err
	}
	a, p, form := d.Application, d.Profile, d.Form
	v, err := s.Service.CreateHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, &appconfigd.HostedConfigurationVersion{
		Content: content, ContentType: form.ContentType, VersionLabel: form.VersionLabel, Description: form.Description,
	}, nil)
	if err != nil {
		return rq.showError(err, "version_new", editorTitle(p), d)
	}
	return rq.redirect(versionsPath(a.ID, p.ID)+"/"+strconv.Itoa(v.VersionNumber), "Created version "+strconv.Itoa(v.VersionNumber)+".")
}
