#!/usr/bin/env bash
# Make a Pulumi CLI usable and print the directory that holds it (last line of stdout).
#
# 1. A `pulumi` already on PATH (with a Python language host beside it) is used as it is.
# 2. Otherwise the CLI (github.com/pulumi/pulumi/pkg/v3) is built from the Go module proxy at a
#    pinned version, version-stamped, into a cache outside the clone keyed by version. Beside it
#    (symlinks into a directory keyed by a hash of their sources): our small Python language host
#    (tools/pulumi-cli, see its main.go for why), Pulumi's exec script from the sdk/v3 module, and
#    our dynamic-provider shim (tools/pulumi-cli/pulumi-resource-pulumi-python). A warm run takes
#    well under a second; a changed host or shim rebuilds only those (a few seconds).
# Nothing is downloaded from anywhere but the Go module proxy.
set -euo pipefail

# shellcheck source=scripts/go-build-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/go-build-lib.sh"  # here, cache, log, need_go

PULUMI_VERSION="3.274.1"
bin="$cache/pulumi-v$PULUMI_VERSION/bin"

if [ -z "${PULUMI_EXOTEL_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1 \
    && command -v pulumi-language-python >/dev/null 2>&1; then
  existing="$(dirname "$(command -v pulumi)")"
  if [ "$existing" != "$bin" ]; then
    log "using the Pulumi CLI already on PATH: $existing ($(pulumi version 2>/dev/null))"
  fi
  echo "$existing"
  exit 0
fi

export GOFLAGS="-mod=mod"

# Our two plugins (the language host and the dynamic-provider shim) live in a directory keyed by
# a hash of their sources, and bin/ holds symlinks to them: a changed main.go or shim rebuilds
# only the host (seconds, not the CLI's minutes), and the switch is one rename per link, so a
# command running meanwhile sees either the old plugins or the new ones.
src="$here/tools/pulumi-cli"
host_key="$(cat "$src/cmd/pulumi-language-python/main.go" "$src/go.mod" "$src/go.sum" \
  "$src/pulumi-resource-pulumi-python" | sha256sum | cut -c1-16)"
hostdir="$cache/pulumi-v$PULUMI_VERSION/plugins-$host_key"

build_plugins() {
  [ -x "$hostdir/pulumi-language-python" ] && return 0
  need_go "the language host"
  log "building the Python language host ($host_key) into $hostdir"
  local part="$hostdir.partial.$$"
  rm -rf "$part"; mkdir -p "$part"
  (cd "$src" && go build -trimpath -ldflags "-s -w -X main.version=$PULUMI_VERSION" \
    -o "$part/pulumi-language-python" ./cmd/pulumi-language-python)
  local sdk
  sdk="$(cd "$src" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
  # Beside the host binary: the host finds the exec script next to its own (resolved) path.
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$part/pulumi-language-python-exec"
  install -m 0755 "$src/pulumi-resource-pulumi-python" "$part/pulumi-resource-pulumi-python"
  # Another process may have finished the same build first: keep whichever landed.
  mv -T "$part" "$hostdir" 2>/dev/null || rm -rf "$part"
}

link_plugins() {  # $1: the bin directory
  local name
  for name in pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python; do
    if [ "$(readlink "$1/$name" 2>/dev/null)" != "$hostdir/$name" ]; then
      ln -sfn "$hostdir/$name" "$1/.$name.$$"
      mv -T "$1/.$name.$$" "$1/$name"
    fi
  done
}

if [ -x "$bin/pulumi" ]; then
  build_plugins
  link_plugins "$bin"
  echo "$bin"
  exit 0
fi

need_go "the Pulumi CLI"
log "building Pulumi CLI v$PULUMI_VERSION from the Go module proxy into $bin (cold: 8-10 min on 2 cores)"
start=$(date +%s)
tmp="$cache/pulumi-v$PULUMI_VERSION/bin.partial"
rm -rf "$tmp"; mkdir -p "$tmp"
cd "$src"
stamp="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
go build -trimpath -ldflags "-s -w $stamp" -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
build_plugins
link_plugins "$tmp"
"$tmp/pulumi" version >/dev/null
rm -rf "$bin"; mv "$tmp" "$bin"
log "built in $(( $(date +%s) - start )) s: $("$bin/pulumi" version)"
echo "$bin"
