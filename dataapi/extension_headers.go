package dataapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
)

// Extension headers of GetLatestConfiguration. AWS's data plane keeps the
// version number and deployment progress to itself (docs/WIRE.md §6 Q6), though its
// Agent needs both (Configuration-Version, Entity-Id rollouts, docs/WIRE.md §4.4).
// appconfigd sends them as extra headers, which SDKs ignore, so that
// `appconfigd agent` can offer the same. See docs/COMPATIBILITY.md.
const (
	// HeaderEntityRollout, set to "1" on a request, asks for the
	// deployment in progress and its progress (appconfigd.PollOptions).
	HeaderEntityRollout = "Appconfigd-Entity-Rollout"
	// HeaderConfigurationVersion is the hosted version number the session
	// has after the poll; absent while nothing was ever deployed.
	HeaderConfigurationVersion = "Appconfigd-Configuration-Version"
	// HeaderRolloutID identifies the deployment in progress.
	HeaderRolloutID = "Appconfigd-Rollout-Id"
	// HeaderRolloutPercentage is the share of entities that get the
	// version being deployed, 0 to 100.
	HeaderRolloutPercentage = "Appconfigd-Rollout-Percentage"
	// HeaderRolloutTargetVersion is the version being deployed.
	HeaderRolloutTargetVersion = "Appconfigd-Rollout-Target-Version"
	// HeaderRolloutBaselineVersion is the version entities outside the
	// rollout keep, 0 for none.
	HeaderRolloutBaselineVersion = "Appconfigd-Rollout-Baseline-Version"
	// HeaderSessionVersion is the version the session would get without
	// entity rollout.
	HeaderSessionVersion = "Appconfigd-Session-Version"
	// HeaderWaitForChange asks a poll to wait up to that many seconds for
	// a change, and answers how long the server was willing to wait, 0
	// when it would not (docs/WIRE.md §2.5).
	HeaderWaitForChange = "Appconfigd-Wait-For-Change"
)

// setExtensionHeaders adds the extension headers for a poll's result;
// wait is the wait it asked for.
func setExtensionHeaders(h http.Header, out *appconfigd.LatestConfiguration, wait time.Duration) {
	if out.VersionNumber != 0 {
		h.Set(HeaderConfigurationVersion, strconv.Itoa(out.VersionNumber))
	}
	if r := out.Rollout; r != nil {
		h.Set(HeaderRolloutID, r.ID)
		h.Set(HeaderRolloutPercentage, strconv.FormatFloat(r.Percentage, 'f', -1, 64))
		h.Set(HeaderRolloutTargetVersion, strconv.Itoa(r.TargetVersion))
		h.Set(HeaderRolloutBaselineVersion, strconv.Itoa(r.BaselineVersion))
		h.Set(HeaderSessionVersion, strconv.Itoa(r.SessionVersion))
	}
	switch out.Waited {
	case appconfigd.WaitOffered:
		h.Set(HeaderWaitForChange, strconv.Itoa(int(wait/time.Second)))
	case appconfigd.WaitRefused:
		h.Set(HeaderWaitForChange, "0")
	}
}

// waitForChange reads HeaderWaitForChange: 0 when the request does not
// ask to wait, at most appconfigd.MaxWaitForChange (docs/WIRE.md §2.5).
func waitForChange(h http.Header) (time.Duration, error) {
	v := h.Values(HeaderWaitForChange)
	switch {
	case len(v) == 0:
		return 0, nil
	case len(v) > 1:
		return 0, appconfigd.Errorf(appconfigd.EBadRequest, "%s must be given once, got %d", HeaderWaitForChange, len(v))
	}
	digits := strings.TrimSpace(v[0])
	if digits == "" || strings.Trim(digits, "0123456789") != "" || strings.Trim(digits, "0") == "" {
		return 0, appconfigd.Errorf(appconfigd.EBadRequest, "%s must be a whole number of seconds, at least 1, got %q", HeaderWaitForChange, v[0])
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		// Digits only, so too large for an int: more than the cap.
		return appconfigd.MaxWaitForChange, nil
	}
	return min(time.Duration(min(n, math.MaxInt32))*time.Second, appconfigd.MaxWaitForChange), nil
}
