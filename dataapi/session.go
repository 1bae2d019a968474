package dataapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/loadshed"
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
// (docs/WIRE.md §1.2).
func (s *Server) handleStartConfigurationSession(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
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
	token, err := s.Service.StartConfigurationSession(ctx, in)
	if err != nil {
		return err
	}
	awsjson.WriteJSON(w, http.StatusCreated, startConfigurationSessionResponse{InitialConfigurationToken: token})
	return nil
}

// handleGetLatestConfiguration serves GET /configuration (docs/WIRE.md §1.3): the
// configuration bytes as the body, metadata in headers, and a fresh token
// on every success.
func (s *Server) handleGetLatestConfiguration(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	token, err := requiredToken(r.URL)
	if err != nil {
		return err
	}
	opts := appconfigd.PollOptions{EntityRollout: r.Header.Get(HeaderEntityRollout) == "1"}
	if _, asked := r.Header[HeaderWaitForChange]; asked {
		var err error
		if opts.Wait, err = waitForChange(r.Header); err != nil {
			return err
		}
		awsjson.ObserveOperation(w, waitingPollOperation)
		opts.Waiting = func() { holdForWait(ctx, w) }
	}
	out, err := s.Service.GetLatestConfiguration(ctx, token, opts)
	if err != nil {
		return err
	}
	h := w.Header()
	// The keys are canonical already, which h.Set would check one by one,
	// and the values share one backing array.
	values := make([]string, 0, 5)
	set := func(key, value string) {
		values = append(values, value)
		h[key] = values[len(values)-1 : len(values) : len(values)]
	}
	set("Next-Poll-Configuration-Token", out.NextPollConfigurationToken)
	// Plain decimal: the Go SDK parses it with strconv.ParseInt(v, 0, 32).
	set("Next-Poll-Interval-In-Seconds", strconv.Itoa(out.NextPollIntervalInSeconds))
	if out.ContentType != "" {
		set("Content-Type", out.ContentType)
	} else {
		// Nothing deployed yet: send no Content-Type rather than let
		// net/http guess one.
		h["Content-Type"] = nil
	}
	if out.VersionLabel != "" {
		set("Version-Label", out.VersionLabel)
	}
	setExtensionHeaders(h, out, opts.Wait)
	set("Content-Length", strconv.Itoa(len(out.Content)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out.Content)
	if err != nil {
		// The client went away; there is nobody to answer.
		s.logger().Debug("write configuration", "request_id", awsjson.RequestID(ctx), "err", err)
	}
	return nil
}

// holdForWait prepares a request that starts to wait for a change: it
// gives back its load-shedding slot, since it will wait without working
// (waiting polls are bounded by Service.MaxWaiters instead), and moves its
// write deadline past the longest wait. That is MaxWaitForChange, not the
// wait asked for: the rest of the session's interval may be longer.
func holdForWait(ctx context.Context, w http.ResponseWriter) {
	loadshed.Release(ctx)
	extendDeadlines(http.NewResponseController(w))
}

// extendDeadlines moves the connection's write deadline past the longest
// wait, which the server's write timeout would otherwise cut short. (Its
// read timeout does not apply: net/http clears the read deadline while a
// handler runs.)
func extendDeadlines(rc *http.ResponseController) {
	// Fails only for a writer without deadlines (a test's recorder) or a
	// connection already gone, which the poll finds out when it writes.
	_ = rc.SetWriteDeadline(time.Now().Add(appconfigd.MaxWaitForChange + waitWriteMargin))
}

// waitingPollOperation names polls that wait for a change in the request
// metrics, so that their latency, up to a minute by design, is told apart
// from that of polls answered at once.
const waitingPollOperation = "GetLatestConfigurationWaiting"

// waitWriteMargin is the time a waiting poll keeps, beyond its wait, to
// answer.
const waitWriteMargin = 30 * time.Second

// requiredToken returns the one configuration_token parameter of u, or
// the BadRequest that a missing or repeated one gets.
func requiredToken(u *url.URL) (string, error) {
	token, n := configurationToken(u)
	switch {
	case n == 0 || token == "":
		return "", appconfigd.Errorf(appconfigd.EBadRequest, "ConfigurationToken is required (query parameter configuration_token)")
	case n > 1:
		return "", appconfigd.Errorf(appconfigd.EBadRequest, "ConfigurationToken must be given once, got %d configuration_token parameters", n)
	}
	return token, nil
}

// configurationToken returns the first configuration_token parameter of u
// and how many there are, as u.Query() counts them. A query of that one
// parameter, what every poll sends, is read without building Query's map.
func configurationToken(u *url.URL) (first string, n int) {
	const name = "configuration_token"
	if q := u.RawQuery; !strings.ContainsAny(q, "&;") {
		if q == "" {
			return "", 0
		}
		// The one parameter, decoded as url.ParseQuery decodes it: a
		// malformed escape drops it.
		k, v, _ := strings.Cut(q, "=")
		k, err := url.QueryUnescape(k)
		if err != nil || k != name {
			return "", 0
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return "", 0
		}
		return v, 1
	}
	tokens := u.Query()[name]
	if len(tokens) == 0 {
		return "", 0
	}
	return tokens[0], len(tokens)
}
