package agent

import (
	"fmt"
	"net/url"
	"strings"
)

// Key names one configuration the way the caller names it: application,
// environment and configuration profile, each a name or an ID (wire
// §4.4). The agent keeps one cache entry, one session and one backup per
// Key, so the same configuration asked for by name and by ID is fetched
// twice, as two callers would see it.
type Key struct {
	Application string
	Environment string
	Profile     string
}

// String returns the key in the agent's App:Env:Config form, as
// PREFETCH_LIST and local development file names write it.
func (k Key) String() string {
	return k.Application + ":" + k.Environment + ":" + k.Profile
}

// ParseKey parses one PREFETCH_LIST item: App:Env:Config, or the path form
// /applications/App/environments/Env/configurations/Config that the 2023
// Lambda extension documentation used (docs/WIRE.md §4.4).
func ParseKey(s string) (Key, error) {
	if strings.HasPrefix(s, "/") {
		return parseKeyPath(s)
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return Key{}, fmt.Errorf("want Application:Environment:Configuration, got %q", s)
	}
	return Key{Application: parts[0], Environment: parts[1], Profile: parts[2]}, nil
}

// parseKeyPath parses /applications/A/environments/E/configurations/C with
// URL-encoded segments.
func parseKeyPath(s string) (Key, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 7 || parts[0] != "" || parts[1] != "applications" || parts[3] != "environments" || parts[5] != "configurations" {
		return Key{}, fmt.Errorf("want /applications/A/environments/E/configurations/C, got %q", s)
	}
	var names [3]string
	for i, seg := range []string{parts[2], parts[4], parts[6]} {
		name, err := url.PathUnescape(seg)
		if err != nil || name == "" {
			return Key{}, fmt.Errorf("bad path segment %q in %q", seg, s)
		}
		names[i] = name
	}
	return Key{Application: names[0], Environment: names[1], Profile: names[2]}, nil
}
