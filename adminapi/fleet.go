package adminapi

import (
	"net/http"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
)

// handleReaders is handle for a read that readers may call too: the
// authenticator lets every key through and the Service refuses readers
// of other applications (appconfigd.Service.FleetView). Reads are not
// audited.
func (s *Server) handleReaders(op string, fn awsjson.RequestFunc) http.Handler {
	run := fn.HandlerFunc()
	o := awsjson.Operation{Operation: auth.Operation{Name: op}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		surface := s.surface()
		surface.Serve(w, r, o, run)
	})
}

// handleFleet serves GET /admin/fleet?application=APP&environment=ENV:
// the fleet view of an environment, each given by ID or name
// (docs/COMPATIBILITY.md, "Fleet view"). At is when the replicas'
// sketches were last merged, RFC 3339 in UTC, empty before the first
// merge.
func (s *Server) handleFleet(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	for _, key := range []string{"application", "environment"} {
		if q.Get(key) == "" {
			return appconfigd.Errorf(appconfigd.EBadRequest, "the query parameter %s is required", key)
		}
	}
	out, err := s.Service.FleetView(r.Context(), q.Get("application"), q.Get("environment"))
	if err != nil {
		return err
	}
	type version struct {
		Version      int
		VersionLabel string `json:",omitempty"`
		Sessions     int
	}
	type window struct {
		Minutes  int
		Sessions int
		Versions []version
	}
	type profile struct {
		ConfigurationProfileID   string `json:"ConfigurationProfileId"`
		ConfigurationProfileName string
		Windows                  []window
	}
	body := struct {
		ApplicationID   string `json:"ApplicationId"`
		ApplicationName string
		EnvironmentID   string `json:"EnvironmentId"`
		EnvironmentName string
		At              string
		Profiles        []profile
	}{
		ApplicationID: out.ApplicationID, ApplicationName: out.ApplicationName,
		EnvironmentID: out.EnvironmentID, EnvironmentName: out.EnvironmentName,
		Profiles: make([]profile, 0, len(out.Entries)),
	}
	if !out.At.IsZero() {
		body.At = out.At.UTC().Format(time.RFC3339)
	}
	for _, e := range out.Entries {
		p := profile{ConfigurationProfileID: e.Key.ConfigurationProfileID, ConfigurationProfileName: e.ProfileName, Windows: make([]window, 0, len(e.Windows))}
		for _, w := range e.Windows {
			win := window{Minutes: w.Minutes, Sessions: w.Sessions, Versions: make([]version, 0, len(w.Versions))}
			for _, v := range w.Versions {
				win.Versions = append(win.Versions, version(v))
			}
			p.Windows = append(p.Windows, win)
		}
		body.Profiles = append(body.Profiles, p)
	}
	awsjson.WriteJSON(w, http.StatusOK, body)
	return nil
}
