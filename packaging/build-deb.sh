#!/usr/bin/env bash
# Builds the Debian package of appconfigd into OUTDIR (default dist/):
# the static binary (CGO_ENABLED=0, so it runs on any Linux of its
# architecture) and nfpm, pinned in go.mod as a tool. VERSION (a Debian
# version) defaults to the one the go command stamps into the binary;
# GOARCH picks the architecture.
#
#   bash packaging/build-deb.sh [OUTDIR]
#   sudo dpkg -i dist/appconfigd_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
arch="${GOARCH:-$(go env GOARCH)}"
binary="$out/appconfigd-linux-$arch"
CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -buildvcs=auto -trimpath -ldflags='-s -w' -o "$binary" ./cmd/appconfigd
if [ -z "${VERSION:-}" ]; then
	# v1.2.0 → 1.2.0; a pseudo-version v0.0.0-20261204144500-4a5b01b0e3c1+dirty
	# → 0.0.0~20261204144500.4a5b01b0e3c1+dirty (a hyphen would start the
	# Debian revision); none at all → 0.0.0~dev.
	VERSION="$(go version -m "$binary" | awk '$1 == "mod" { print $3 }')"
	case "$VERSION" in
	v*) VERSION="${VERSION#v}" ;;
	*) VERSION=0.0.0-dev ;;
	esac
	VERSION="$(printf '%s' "$VERSION" | sed 's/-/~/; s/-/./g')"
fi
# nfpm expands variables in the version and arch, not in a file's source.
config="$out/nfpm.yaml"
sed "s|\${BINARY}|$binary|" packaging/deb/nfpm.yaml >"$config"
VERSION="$VERSION" ARCH="$arch" go tool nfpm package --config "$config" --packager deb --target "$out/" >&2
rm -f "$binary" "$config"
ls "$out"/appconfigd_"$VERSION"_"$arch".deb
