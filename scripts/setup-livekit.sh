#!/usr/bin/env bash
# Make a `livekit-server` binary usable and print the directory that holds it (last line of stdout).
#
# The LiveKit engine tests run a real livekit-server (with Redis) on loopback. It is built from
# the Go module proxy at a pinned version through the small wrapper module tools/livekit-server
# (its go.sum pins the whole module graph), into a cache outside the clone keyed by version.
# v1.13.5 is the newest release without `replace` directives to forks the proxy refuses.
#
# 1. A `livekit-server` already on PATH that reports this version is used as it is.
# 2. Otherwise the cached binary, if present (a warm run takes well under a second).
# 3. Otherwise a build: about 3.5 min cold on 2 cores (module downloads included).
# Nothing is downloaded from anywhere but the Go module proxy.
set -euo pipefail

# shellcheck source=scripts/go-build-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/go-build-lib.sh"  # here, cache, log, need_go

LIVEKIT_VERSION="1.13.5"
dir="$cache/livekit-server-v$LIVEKIT_VERSION"

if [ -z "${PULUMI_EXOTEL_FORCE_BUILD:-}" ] && command -v livekit-server >/dev/null 2>&1; then
  existing="$(dirname "$(command -v livekit-server)")"
  if [ "$existing" != "$dir" ] \
      && livekit-server --version 2>/dev/null | grep -qx "livekit-server version $LIVEKIT_VERSION"; then
    log "using the livekit-server already on PATH: $existing"
    echo "$existing"
    exit 0
  fi
fi

if [ -z "${PULUMI_EXOTEL_FORCE_BUILD:-}" ] && [ -x "$dir/livekit-server" ]; then
  echo "$dir"
  exit 0
fi

need_go livekit-server
log "building livekit-server v$LIVEKIT_VERSION from the Go module proxy into $dir (cold: ~3.5 min on 2 cores)"
start=$(date +%s)
mkdir -p "$dir"
partial="$dir/livekit-server.partial"
rm -f "$partial"
cd "$here/tools/livekit-server"
# -mod=readonly: the build resolves from the committed go.sum, never rewrites it.
GOFLAGS="-mod=readonly" go build -trimpath -ldflags "-s -w" -o "$partial" \
  github.com/livekit/livekit-server/cmd/server
"$partial" --version >/dev/null
mv -f "$partial" "$dir/livekit-server"
log "built in $(( $(date +%s) - start )) s: $("$dir/livekit-server" --version)"
echo "$dir"
