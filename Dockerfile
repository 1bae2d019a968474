# syntax=docker/dockerfile:1
# The appconfigd container image: one static binary on a distroless base.
# packaging/dockerfile_test.go lints this file; keep both in step.

# Build stage: the Go release go.mod names, pinned so that builds repeat.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, on their own layer, so that editing the source does not
# download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: SQLite is pure Go (modernc), so the binary needs no libc
# and runs on the static distroless base.
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/appconfigd ./cmd/appconfigd
# The final stage has no shell to mkdir with: make the empty data
# directory here and copy it over with its owner.
RUN mkdir -p /out/data

# Final stage: no shell, no package manager, runs as nonroot by default.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/appconfigd /usr/bin/appconfigd
COPY --from=build --chown=65532:65532 /out/data /var/lib/appconfigd
# Stated even though the :nonroot base sets it, so that a change of base
# image cannot silently run the server as root (uid 65532).
USER nonroot:nonroot
# The SQLite database lives here; a volume keeps it across containers.
VOLUME /var/lib/appconfigd
EXPOSE 2771
# Exec forms only: the server gets signals directly, and there is no shell.
ENTRYPOINT ["/usr/bin/appconfigd"]
CMD ["serve", "--listen", ":2771", "--data", "/var/lib/appconfigd"]
# The binary checks itself: the image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/bin/appconfigd", "healthcheck", "--url", "http://127.0.0.1:2771/healthz"]
