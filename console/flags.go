package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/appconfigd/appconfigd"
)

// object is a JSON object that keeps its members' order, so that a flag
// edited in the console leaves the rest of the document as it was
// ordered: flags are served in document order (docs/WIRE.md §4.2).
type object struct {
	keys   []string
	values map[string]json.RawMessage
}

// UnmarshalJSON reads a JSON object, member by member.
func (o *object) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	o.keys, o.values = nil, make(map[string]json.RawMessage)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		o.set(t.(string), v)
	}
	_, err := dec.Token()
	return err
}

// MarshalJSON writes the members in their order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(o.values[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// set sets member k, appending it when it is new.
func (o *object) set(k string, v json.RawMessage) {
	if o.values == nil {
		o.values = make(map[string]json.RawMessage)
	}
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

// remove deletes member k.
func (o *object) remove(k string) {
	if _, ok := o.values[k]; !ok {
		return
	}
	delete(o.values, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			return
		}
	}
}

// member decodes member k into v; a missing member leaves v as it is.
func (o *object) member(k string, v any) error {
	raw, ok := o.values[k]
	if !ok {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// flagDocument is a feature-flag profile's deployment-time document
// (docs/WIRE.md §4.1), as far as the flags page reads and edits it.
type flagDocument struct {
	doc    object
	flags  object
	values object
}

func parseFlagDocument(content []byte) (*flagDocument, error) {
	d := &flagDocument{}
	if err := json.Unmarshal(content, &d.doc); err != nil {
		return nil, err
	}
	if err := d.doc.member("flags", &d.flags); err != nil {
		return nil, err
	}
	if err := d.doc.member("values", &d.values); err != nil {
		return nil, err
	}
	return d, nil
}

// bytes returns the document with its edits, indented.
func (d *flagDocument) bytes() ([]byte, error) {
	values, err := json.Marshal(d.values)
	if err != nil {
		return nil, err
	}
	d.doc.set("values", values)
	b, err := json.Marshal(d.doc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = json.Indent(&buf, b, "", "  ")
	return buf.Bytes(), err
}

// flagDefinition is one entry of "flags".
type flagDefinition struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Attributes  object `json:"attributes"`
}

// attributeDefinition is one entry of a flag's "attributes".
type attributeDefinition struct {
	Description string `json:"description"`
	Constraints *struct {
		Type     string `json:"type"`
		Required bool   `json:"required"`
	} `json:"constraints"`
}

// flagVariant is one entry of a flag value's "_variants".
type flagVariant struct {
	Name            string `json:"name"`
	Enabled         bool   `json:"enabled"`
	Rule            string `json:"rule"`
	AttributeValues object `json:"attributeValues"`
}

// flagRow is one flag as the flags page shows it.
type flagRow struct {
	Key         string
	Name        string
	Description string
	Enabled     bool
	Attributes  []flagAttribute
	// Variants, when there are any, make the flag multi-variant; the
	// last is the default.
	Variants []variantRow
}

// flagAttribute is one declared attribute of a flag and its value.
type flagAttribute struct {
	Name     string
	Type     string
	Required bool
	// Input is the form control that edits it: "checkbox", "number",
	// "text", or "json" for arrays and unconstrained attributes.
	Input string
	// Value is the value as JSON text, empty when it has none; Text is
	// what the control shows.
	Value, Text string
	Checked     bool
}

// variantRow is one variant of a multi-variant flag.
type variantRow struct {
	Name    string
	Enabled bool
	Rule    string
	Values  []string
}

// flagRows reads the flags of d in document order.
func (d *flagDocument) flagRows() ([]flagRow, error) {
	var rows []flagRow
	for _, key := range d.flags.keys {
		var def flagDefinition
		if err := d.flags.member(key, &def); err != nil {
			return nil, fmt.Errorf("flag %s: %w", key, err)
		}
		var value object
		if err := d.values.member(key, &value); err != nil {
			return nil, fmt.Errorf("value of flag %s: %w", key, err)
		}
		row := flagRow{Key: key, Name: def.Name, Description: def.Description}
		if err := value.member("enabled", &row.Enabled); err != nil {
			return nil, err
		}
		for _, name := range def.Attributes.keys {
			var ad attributeDefinition
			if err := def.Attributes.member(name, &ad); err != nil {
				return nil, err
			}
			row.Attributes = append(row.Attributes, newFlagAttribute(name, ad, value.values[name]))
		}
		var variants []flagVariant
		if err := value.member("_variants", &variants); err != nil {
			return nil, err
		}
		for _, v := range variants {
			vr := variantRow{Name: v.Name, Enabled: v.Enabled, Rule: v.Rule}
			for _, k := range v.AttributeValues.keys {
				vr.Values = append(vr.Values, k+": "+string(v.AttributeValues.values[k]))
			}
			row.Variants = append(row.Variants, vr)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func newFlagAttribute(name string, ad attributeDefinition, value json.RawMessage) flagAttribute {
	a := flagAttribute{Name: name, Input: "json", Value: string(value), Text: string(value)}
	if ad.Constraints != nil {
		a.Type, a.Required = ad.Constraints.Type, ad.Constraints.Required
	}
	switch a.Type {
	case "boolean":
		a.Input, a.Checked = "checkbox", string(value) == "true"
	case "number":
		a.Input = "number"
	case "string":
		a.Input = "text"
		var s string
		if json.Unmarshal(value, &s) == nil {
			a.Text = s
		}
	}
	return a
}

// attributeValue turns what the form sent for attribute a into its JSON
// value; nil means no value (an empty field).
func attributeValue(a flagAttribute, sent string, present bool) (json.RawMessage, error) {
	switch a.Input {
	case "checkbox":
		return json.RawMessage(strconv.FormatBool(present)), nil
	case "text":
		if sent == "" {
			return nil, nil
		}
		return json.Marshal(sent)
	}
	if sent == "" {
		return nil, nil
	}
	if a.Input == "number" {
		if _, err := strconv.ParseFloat(sent, 64); err != nil {
			return nil, appconfigd.Errorf(appconfigd.EBadRequest, "Attribute %s must be a number, got %q", a.Name, sent)
		}
	}
	if !json.Valid([]byte(sent)) {
		return nil, appconfigd.Errorf(appconfigd.EBadRequest, "Attribute %s must be a JSON value (an array is written [\"a\", \"b\"] or [1, 2]), got %q", a.Name, sent)
	}
	return json.RawMessage(sent), nil
}

// flagsData is what the flags page shows.
type flagsData struct {
	Application *appconfigd.Application
	Profile     *appconfigd.ConfigurationProfile
	// Latest is the version the flags are read from; nil when there is none.
	Latest *appconfigd.HostedConfigurationVersion
	Flags  []flagRow
}

// flagsPage reads the flags of the request's profile from its latest
// version.
func (s *Server) flagsPage(rq *request) (*flagsData, *flagDocument, error) {
	a, p, err := s.profile(rq)
	if err != nil {
		return nil, nil, err
	}
	if p.Type != appconfigd.ProfileTypeFeatureFlags {
		return nil, nil, appconfigd.Errorf(appconfigd.EBadRequest, "Configuration profile %s is not a feature-flag profile (type %s)", p.Name, appconfigd.ProfileTypeFeatureFlags)
	}
	d := &flagsData{Application: a, Profile: p}
	if d.Latest, err = s.latestVersion(rq, a, p); err != nil || d.Latest == nil {
		return d, nil, err
	}
	doc, err := parseFlagDocument(d.Latest.Content)
	if err == nil {
		d.Flags, err = doc.flagRows()
	}
	if err != nil {
		// The service stores only valid documents; one that does not
		// read is a fault, not the user's.
		return nil, nil, fmt.Errorf("console: read flags of version %d of profile %s: %w", d.Latest.VersionNumber, p.ID, err)
	}
	return d, doc, nil
}

func flagsTitle(p *appconfigd.ConfigurationProfile) string { return "Feature flags of " + p.Name }

// handleFlags shows a feature-flag profile's flags as its latest version
// defines them.
func (s *Server) handleFlags(rq *request) error {
	d, _, err := s.flagsPage(rq)
	if err != nil {
		return err
	}
	return rq.render(http.StatusOK, "flags", flagsTitle(d.Profile), d)
}

// flagToChange finds the request's {flag} among d's flags, refusing a
// multi-variant flag, whose values live in its variants.
func flagToChange(rq *request, d *flagsData) (*flagRow, error) {
	if d.Latest == nil {
		return nil, appconfigd.Errorf(appconfigd.ENotFound, "Configuration profile %s has no version yet", d.Profile.Name)
	}
	key := rq.PathValue("flag")
	for i := range d.Flags {
		f := &d.Flags[i]
		if f.Key != key {
			continue
		}
		if len(f.Variants) > 0 {
			return nil, appconfigd.Errorf(appconfigd.EBadRequest, "Flag %s has variants; change it in the editor", key)
		}
		return f, nil
	}
	return nil, appconfigd.Errorf(appconfigd.ENotFound, "Flag %s not found in version %d", key, d.Latest.VersionNumber)
}

// changeFlag changes the flag of the request's {flag} path segment in a
// new version (CreateHostedConfigurationVersion): change gets the flag as
// the page shows it and its stored value, changes the value and says what
// it did. An error it returns is shown on the flags page.
func (s *Server) changeFlag(rq *request, change func(f *flagRow, value *object) (what string, err error)) error {
	d, doc, err := s.flagsPage(rq)
	if err != nil {
		return err
	}
	f, err := flagToChange(rq, d)
	if err != nil {
		return rq.showError(err, "flags", flagsTitle(d.Profile), d)
	}
	var value object
	if err := doc.values.member(f.Key, &value); err != nil {
		return err
	}
	what, err := change(f, &value)
	if err != nil {
		return rq.showError(err, "flags", flagsTitle(d.Profile), d)
	}
	return s.saveFlag(rq, d, doc, f.Key, value, what)
}

// handleToggleFlag flips a flag's "enabled" in a new version
// (CreateHostedConfigurationVersion).
func (s *Server) handleToggleFlag(rq *request) error {
	return s.changeFlag(rq, func(f *flagRow, value *object) (string, error) {
		value.set("enabled", json.RawMessage(strconv.FormatBool(!f.Enabled)))
		if f.Enabled {
			return "Disabled flag " + f.Key, nil
		}
		return "Enabled flag " + f.Key, nil
	})
}

// handleEditFlag sets a flag's attribute values in a new version
// (CreateHostedConfigurationVersion).
func (s *Server) handleEditFlag(rq *request) error {
	return s.changeFlag(rq, func(f *flagRow, value *object) (string, error) {
		if _, ok := value.values["enabled"]; !ok {
			value.set("enabled", json.RawMessage("false"))
		}
		for i := range f.Attributes {
			a := &f.Attributes[i]
			field := "attr_" + a.Name
			sent := rq.PostFormValue(field)
			_, present := rq.PostForm[field]
			v, err := attributeValue(*a, sent, present)
			// Keep what the user typed, for the page that shows the
			// error.
			a.Text, a.Checked = sent, present
			if err != nil {
				return "", err
			}
			if v == nil {
				value.remove(a.Name)
			} else {
				value.set(a.Name, v)
			}
		}
		return "Edited flag " + f.Key, nil
	})
}

// saveFlag stores doc with flag key's value replaced as a new version,
// checked as the editor checks, and sends the user to the page that
// offers to deploy it.
func (s *Server) saveFlag(rq *request, d *flagsData, doc *flagDocument, key string, value object, what string) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	doc.values.set(key, raw)
	content, err := doc.bytes()
	if err != nil {
		return err
	}
	a, p := d.Application, d.Profile
	if err := s.Service.CheckConfigurationContent(rq.ctx(), a.ID, p.ID, content, d.Latest.ContentType); err != nil {
		return rq.showError(err, "flags", flagsTitle(p), d)
	}
	v, err := s.Service.CreateHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, &appconfigd.HostedConfigurationVersion{
		Content: content, ContentType: d.Latest.ContentType, Description: what + " in the console",
	}, nil)
	if err != nil {
		return rq.showError(err, "flags", flagsTitle(p), d)
	}
	n := strconv.Itoa(v.VersionNumber)
	return rq.redirect(versionsPath(a.ID, p.ID)+"/"+n+"/created", what+": created version "+n+".")
}

// createdData is what the page after a flag change shows: the new
// version and a deployment form per environment.
type createdData struct {
	*versionData
	Environments []*appconfigd.Environment
	Strategies   []*appconfigd.DeploymentStrategy
}

// handleVersionCreated shows a version just created and offers to deploy
// it to each of the application's environments.
func (s *Server) handleVersionCreated(rq *request) error {
	vd, err := s.version(rq)
	if err != nil {
		return err
	}
	d := &createdData{versionData: vd}
	if d.Environments, _, err = collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.Environment], error) {
		return s.Service.ListEnvironments(rq.ctx(), vd.Application.ID, in)
	}); err != nil {
		return err
	}
	if d.Strategies, _, err = collect(func(in appconfigd.ListInput) (*appconfigd.ListOutput[*appconfigd.DeploymentStrategy], error) {
		return s.Service.ListDeploymentStrategies(rq.ctx(), in)
	}); err != nil {
		return err
	}
	return rq.render(http.StatusOK, "version_created", versionTitle(vd.Profile, vd.Version.VersionNumber)+" created", d)
}
