#!/usr/bin/env bash
# Make a Pulumi CLI usable and print the directory that holds it (last line of stdout).
#
# 1. A `pulumi` already on PATH (with a Python language host beside it) is used as it is.
# 2. Otherwise the CLI (github.com/pulumi/pulumi/pkg/v3) is built from the Go module proxy at a
#    pinned version, version-stamped, with our small Python language host (tools/pulumi-cli,
#    see its main.go for why) and Pulumi's two helper scripts from the sdk/v3 module beside it,
#    into a cache outside the clone keyed by version. A warm run takes well under a second.
# Nothing is downloaded from anywhere but the Go module proxy.
set -euo pipefail

PULUMI_VERSION="3.274.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PULUMI_EXOTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-exotel}"
bin="$cache/pulumi-v$PULUMI_VERSION/bin"

log() { echo "setup-pulumi: $*" >&2; }

if [ -z "${PULUMI_EXOTEL_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1 \
    && command -v pulumi-language-python >/dev/null 2>&1; then
  existing="$(dirname "$(command -v pulumi)")"
  if [ "$existing" != "$bin" ]; then
    log "using the Pulumi CLI already on PATH: $existing ($(pulumi version 2>/dev/null))"
  fi
  echo "$existing"
  exit 0
fi

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-python" ] \
    && [ -x "$bin/pulumi-language-python-exec" ] && [ -x "$bin/pulumi-resource-pulumi-python" ]; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi CLI (none on PATH)"; exit 1; }
log "building Pulumi CLI v$PULUMI_VERSION from the Go module proxy into $bin (cold: 8-10 min on 2 cores)"
start=$(date +%s)
tmp="$cache/pulumi-v$PULUMI_VERSION/bin.partial"
rm -rf "$tmp"; mkdir -p "$tmp"
cd "$here/tools/pulumi-cli"
export GOFLAGS="-mod=mod"
stamp="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
go build -trimpath -ldflags "-s -w $stamp" -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
go build -trimpath -ldflags "-s -w -X main.version=$PULUMI_VERSION" -o "$tmp/pulumi-language-python" \
  ./cmd/pulumi-language-python
sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$tmp/pulumi-language-python-exec"
install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$tmp/pulumi-resource-pulumi-python"
"$tmp/pulumi" version >/dev/null
rm -rf "$bin"; mv "$tmp" "$bin"
log "built in $(( $(date +%s) - start )) s: $("$bin/pulumi" version)"
echo "$bin"
