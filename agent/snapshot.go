package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/appconfigd/appconfigd/featureflag"
)

// snapshot is one configuration as the agent holds it: the bytes and
// metadata the service sent, and the feature flags parsed from them.
type snapshot struct {
	content      []byte
	contentType  string
	versionLabel string
	// serverVersion is appconfigd's hosted version number, "" from real
	// AWS or a local file.
	serverVersion string
	kind          snapshotKind
	// flags is set for flag configurations; flagErr for an Ion flag
	// configuration that does not parse.
	flags   *featureflag.Set
	flagErr error
}

// snapshotKind tells how a configuration is served.
type snapshotKind int

const (
	// freeForm is served as stored; ?flag= is refused.
	freeForm snapshotKind = iota
	// jsonFlags is the retrieval format of basic flags (docs/WIRE.md §4.2),
	// served as stored unless ?flag= picks flags.
	jsonFlags
	// ionFlags is the retrieval format with multi-variant flags (wire
	// §4.2), which the agent always resolves to JSON.
	ionFlags
)

// flagProfileType is the type parameter of the Ion flag content type.
const flagProfileType = "AWS.AppConfig.FeatureFlags"

func newSnapshot(content []byte, contentType, versionLabel, serverVersion string) *snapshot {
	s := &snapshot{kind: freeForm, content: content, contentType: contentType, versionLabel: versionLabel, serverVersion: serverVersion}
	mediaType, params, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
	case mediaType == "application/ion" && strings.EqualFold(params["type"], flagProfileType):
		s.kind = ionFlags
		s.flags, s.flagErr = featureflag.ParseRetrieval(content, featureflag.ContentTypeIon)
	case mediaType == "application/ion" && params["type"] == "":
		// The exact content type AWS sends with Ion flags is not
		// recorded (docs/WIRE.md §6 Q13), so bare Ion counts as flags when it
		// holds some and every one reads; anything else is served as
		// stored.
		flags, err := featureflag.ParseRetrieval(content, featureflag.ContentTypeIon)
		if err == nil && len(flags.Keys()) > 0 && flags.Unreadable() == nil {
			s.kind, s.flags = ionFlags, flags
		}
	case mediaType == "application/json":
		// The data plane does not say a profile's type, so a JSON
		// configuration counts as flags when it has their retrieval
		// shape.
		if !looksLikeFlags(content) {
			break
		}
		if flags, err := featureflag.ParseRetrieval(content, featureflag.ContentTypeJSON); err == nil {
			s.kind, s.flags = jsonFlags, flags
		}
	}
	return s
}

// looksLikeFlags reports whether a JSON configuration has the shape of
// basic flags in retrieval format (docs/WIRE.md §4.2): an object whose every
// member is an object with a boolean "enabled".
func looksLikeFlags(content []byte) bool {
	var top map[string]map[string]json.RawMessage
	if err := json.Unmarshal(content, &top); err != nil || top == nil {
		return false
	}
	for _, flag := range top {
		var enabled bool
		if flag == nil || json.Unmarshal(flag["enabled"], &enabled) != nil {
			return false
		}
	}
	return true
}

// version is the agent's Configuration-Version header: appconfigd's
// version number, else the version label (real AWS sends no version
// number), else "" for none.
func (s *snapshot) version() string {
	if s.serverVersion != "" {
		return s.serverVersion
	}
	return s.versionLabel
}

// sameVersion reports whether a and b are the same configuration: the
// same version number when the service sends one, else the same bytes
// and metadata.
func sameVersion(a, b *snapshot) bool {
	if a.serverVersion != "" && b.serverVersion != "" {
		return a.serverVersion == b.serverVersion
	}
	return bytes.Equal(a.content, b.content) && a.contentType == b.contentType && a.versionLabel == b.versionLabel
}

// render returns the body and content type served for a request with
// flags (?flag=) and context (Context headers), docs/WIRE.md §4.4.
func (s *snapshot) render(flags []string, context map[string]string) ([]byte, string, error) {
	switch {
	case s.kind == ionFlags && s.flagErr != nil:
		return nil, "", errorf(http.StatusInternalServerError, "the feature flag configuration cannot be read: "+s.flagErr.Error())
	case s.kind == ionFlags || (s.kind == jsonFlags && len(flags) > 0):
		body, err := s.flags.Resolve(flags, context)
		var unknown *featureflag.UnknownFlagError
		if errors.As(err, &unknown) {
			return nil, "", errorf(http.StatusBadRequest, err.Error())
		}
		if err != nil {
			return nil, "", errorf(http.StatusInternalServerError, "resolve feature flags: "+err.Error())
		}
		return body, "application/json", nil
	case len(flags) > 0:
		return nil, "", errorf(http.StatusBadRequest, "the flag parameter is only for feature flag configurations (AWS.AppConfig.FeatureFlags)")
	}
	contentType := s.contentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return s.content, contentType, nil
}
