package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	base := Info{Version: Devel, GoVersion: "go1.26.8", Platform: "linux/amd64"}
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"Installed", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "appconfigd v1.2.0 (go1.26.8 linux/amd64)"},
		{"NoVersion", debug.BuildInfo{}, "appconfigd (devel) (go1.26.8 linux/amd64)"},
		{"FromACheckout", debug.BuildInfo{
			Main: debug.Module{Version: "v0.0.0-20261204144500-4a5b01b0e3c1+dirty"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "4a5b01b0e3c1d2e3f4a5b6c7d8e9f00112233445"},
				{Key: "vcs.time", Value: "2026-12-04T14:45:00Z"},
				{Key: "vcs.modified", Value: "true"},
			},
		}, "appconfigd v0.0.0-20261204144500-4a5b01b0e3c1+dirty (commit 4a5b01b0e3c1, 2026-12-04T14:45:00Z, modified; go1.26.8 linux/amd64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := fromBuildInfo(&tt.bi, base).String(); got != tt.want {
				t.Errorf("String() = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

func TestReadNamesTheToolchain(t *testing.T) {
	t.Parallel()
	got := Read()
	if got.GoVersion == "" || got.Platform == "" || got.Version == "" {
		t.Errorf("Read() = %+v; want a version, a Go version and a platform", got)
	}
}
