# pipes-emulator as a container: a static binary on scratch, its spec and default fixtures
# embedded. Build: docker build -t pipes-emulator .
#
# GO_IMAGE names the build stage's Go image, so that a mirror or a local image can stand in for
# Docker Hub's (scripts/container-smoke builds one from the machine's Go when the registry is out
# of reach).
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
# Lets a smoke test find and remove this stage's image.
LABEL pipes-emulator.stage=build
WORKDIR /src
ARG GOPROXY
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOPROXY=${GOPROXY}
# Modules first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/pipes-emulator ./cmd/pipes-emulator

FROM scratch
COPY --from=build /out/pipes-emulator /pipes-emulator
# Not root: a numeric user, since scratch has no /etc/passwd.
USER 65532:65532
# Listen on every interface of the container; custom fixtures: mount a directory and set
# PIPES_EMULATOR_FIXTURES to it.
ENV PIPES_EMULATOR_ADDR=0.0.0.0:4110
EXPOSE 4110
# The image has no shell or curl: the binary checks itself.
HEALTHCHECK --interval=2s --timeout=3s --start-period=1s --retries=3 CMD ["/pipes-emulator", "healthcheck"]
ENTRYPOINT ["/pipes-emulator"]
