package controlapi

import (
	"net/http"
	"strconv"

	"github.com/appconfigd/appconfigd"
)

// handleGetConfiguration serves the deprecated GetConfiguration
// (docs/WIRE.md §3.15): GET
// /applications/{Application}/environments/{Environment}/configurations/{Configuration}
// answers 200 with the content, or 204 without a body when the client
// already has the version served, as AWS documents; both SDKs accept any
// 2xx. Configuration-Version and Content-Type come with either.
func (s *Server) handleGetConfiguration(w http.ResponseWriter, r *http.Request) error {
	var in appconfigd.GetConfigurationInput
	var err error
	for _, p := range []struct {
		dst  *string
		name string
	}{{&in.Application, "Application"}, {&in.Environment, "Environment"}, {&in.Configuration, "Configuration"}} {
		if *p.dst, err = pathIdentifier(r, p.name, maxApplicationIdentifier); err != nil {
			return err
		}
	}
	if in.ClientID, _, err = queryValue(r, "client_id", "ClientId"); err != nil {
		return err
	}
	if in.ClientConfigurationVersion, _, err = queryValue(r, "client_configuration_version", "ClientConfigurationVersion"); err != nil {
		return err
	}
	out, err := s.Service.GetConfiguration(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Configuration-Version", out.ConfigurationVersion)
	w.Header().Set("Content-Type", out.ContentType)
	if out.Unchanged {
		writeNoContent(w)
		return nil
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out.Content)))
	w.WriteHeader(http.StatusOK)
	// An error here means the client went away: there is nobody to
	// answer.
	_, _ = w.Write(out.Content)
	return nil
}
