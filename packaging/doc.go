// Package packaging builds what appconfigd ships as: the Debian package
// (its systemd unit, default configuration and the copyright file that
// lists the licences of every module the binary links), and holds the
// container image's Dockerfile rules and the Kubernetes example's checks.
// It is a build tool's library; the server never imports it.
package packaging
