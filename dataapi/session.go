package dataapi

import (
	"net/http"
	"strconv"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
)

// maxSessionBody bounds StartConfigurationSession bodies: three identifiers
// of at most 128 characters and one integer fit many times over.
const maxSessionBody = 16 << 10

type startConfigurationSessionRequest struct {
	ApplicationIdentifier                string
	EnvironmentIdentifier                string
	ConfigurationProfileIdentifier       string
	RequiredMinimumPollIntervalInSeconds *int
}

type startConfigurationSessionResponse struct {
	InitialConfigurationToken string
}

// handleStartConfigurationSession serves POST /configurationsessions
// (wire §1.2).
func (s *Server) handleStartConfigurationSession(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxSessionBody)
	var req startConfigurationSessionRequest
	if err := awsjson.DecodeJSON(r, &req); err != nil {
		return err
	}
	in := appconfigd.StartSessionInput{
		ApplicationIdentifier:          req.ApplicationIdentifier,
		EnvironmentIdentifier:          req.EnvironmentIdentifier,
		ConfigurationProfileIdentifier: req.ConfigurationProfileIdentifier,
	}
	if req.RequiredMinimumPollIntervalInSeconds != nil {
		in.RequiredMinimumPollIntervalInSeconds = *req.RequiredMinimumPollIntervalInSeconds
		if in.RequiredMinimumPollIntervalInSeconds == 0 {
			// Zero would otherwise mean "not requested".
			return appconfigd.Errorf(appconfigd.EBadRequest, "RequiredMinimumPollIntervalInSeconds must be between %d and %d, got 0", appconfigd.MinPollInterval, appconfigd.MaxPollInterval)
		}
	}
	token, err := s.Service.StartConfigurationSession(r.Context(), in)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, startConfigurationSessionResponse{InitialConfigurationToken: token})
	return nil
}

// handleGetLatestConfiguration serves GET /configuration (wire §1.3): the
// configuration bytes as the body, metadata in headers, and a fresh token
// on every success.
func (s *Server) handleGetLatestConfiguration(w http.ResponseWriter, r *http.Request) error {
	tokens := r.URL.Query()["configuration_token"]
	switch {
	case len(tokens) == 0 || tokens[0] == "":
		return appconfigd.Errorf(appconfigd.EBadRequest, "ConfigurationToken is required (query parameter configuration_token)")
	case len(tokens) > 1:
		return appconfigd.Errorf(appconfigd.EBadRequest, "ConfigurationToken must be given once, got %d configuration_token parameters", len(tokens))
	}
	opts := appconfigd.PollOptions{EntityRollout: r.Header.Get(HeaderEntityRollout) == "1"}
	out, err := s.Service.GetLatestConfiguration(r.Context(), tokens[0], opts)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Next-Poll-Configuration-Token", out.NextPollConfigurationToken)
	// Plain decimal: the Go SDK parses it with strconv.ParseInt(v, 0, 32).
	h.Set("Next-Poll-Interval-In-Seconds", strconv.Itoa(out.NextPollIntervalInSeconds))
	if out.ContentType != "" {
		h.Set("Content-Type", out.ContentType)
	} else {
		// Nothing deployed yet: send no Content-Type rather than let
		// net/http guess one.
		h["Content-Type"] = nil
	}
	if out.VersionLabel != "" {
		h.Set("Version-Label", out.VersionLabel)
	}
	setExtensionHeaders(h, out)
	h.Set("Content-Length", strconv.Itoa(len(out.Content)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out.Content)
	if err != nil {
		// The client went away; there is nobody to answer.
		s.Logger.Debug("write configuration", "request_id", awsjson.RequestID(r.Context()), "err", err)
	}
	return nil
}
