#!/usr/bin/env bash
# Builds crane (go-containerregistry's CLI, the engine inside ko) from Debian's source
# package, offline, as a peer for the benchmarks and the interoperability tests.
# Usage: scripts/build-crane.sh [DEST]   (default /usr/local/bin/crane). Needs root for
# apt-get when the source package is missing; Go 1.23 from bookworm-backports.
set -euo pipefail
dest=${1:-/usr/local/bin/crane}
if [ -x "$dest" ] && "$dest" version >/dev/null 2>&1; then exit 0; fi
src=/usr/share/gocode/src/github.com/google/go-containerregistry/cmd/crane
if [ ! -d "$src" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports golang-github-google-go-containerregistry-dev >/dev/null
fi
go=$(command -v go || echo /usr/lib/go-1.23/bin/go)
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$(dirname "$dest")"
# The package ships as a GOPATH tree: build it in GOPATH mode, with nothing fetched.
GO111MODULE=off GOFLAGS= GOPATH="$gopath:/usr/share/gocode" \
  "$go" build -o "$dest.tmp" github.com/google/go-containerregistry/cmd/crane
mv "$dest.tmp" "$dest"
