package dataapi

import (
	"net/http"
	"strconv"

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
)

// setExtensionHeaders adds the extension headers for a poll's result.
func setExtensionHeaders(h http.Header, out *appconfigd.LatestConfiguration) {
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
}
