// Package version tells which build of appconfigd runs, from the Go build
// information that the go command stamps into every binary: the module
// version for `go install github.com/appconfigd/appconfigd/cmd/appconfigd@vX`,
// a pseudo-version and the commit for a `go build` in a Git checkout.
// appconfigd version, the start log line, /healthz and the
// appconfigd_build_info metric all report it, so they always agree.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Devel is the version of a build that carries none, such as go run's or
// a test binary's.
const Devel = "(devel)"

// Info describes a build.
type Info struct {
	// Version is the module version, such as v1.2.0 or a pseudo-version
	// v0.0.0-20261204144500-4a5b01b0e3c1, else Devel.
	Version string
	// Revision, Time and Modified describe the commit the binary was
	// built from, when the go command could read it from Git: its hash,
	// its time (RFC 3339) and whether the work tree had changes.
	Revision string
	Time     string
	Modified bool
	// GoVersion and Platform (GOOS/GOARCH) say how it was built.
	GoVersion string
	Platform  string
}

// Read returns the running binary's Info. It is read once: /healthz asks
// on every probe, and the build information never changes.
var Read = sync.OnceValue(func() Info {
	info := Info{Version: Devel, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info = fromBuildInfo(bi, info)
	}
	return info
})

// fromBuildInfo fills info from bi, apart so that tests can give a build
// information of their own.
func fromBuildInfo(bi *debug.BuildInfo, info Info) Info {
	if v := bi.Main.Version; v != "" {
		info.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is the line appconfigd version prints, such as
// "appconfigd v1.2.0 (go1.26.8 linux/amd64)" or, for a build from a
// checkout, "appconfigd v0.0.0-… (commit 4a5b01b0e3c1, 2026-12-04T14:45:00Z,
// modified; go1.26.8 linux/amd64)".
func (i Info) String() string {
	var build []string
	if i.Revision != "" {
		commit := "commit " + i.Revision
		if len(i.Revision) > 12 {
			commit = "commit " + i.Revision[:12]
		}
		build = append(build, commit)
		if i.Time != "" {
			build = append(build, i.Time)
		}
		if i.Modified {
			build = append(build, "modified")
		}
	}
	toolchain := i.GoVersion + " " + i.Platform
	if len(build) == 0 {
		return fmt.Sprintf("appconfigd %s (%s)", i.Version, toolchain)
	}
	return fmt.Sprintf("appconfigd %s (%s; %s)", i.Version, strings.Join(build, ", "), toolchain)
}
