# Sourced (not run) by the setup-*.sh scripts that build a pinned tool from the Go module proxy
# into a cache outside the clone. Defines:
#   here   the repository root
#   cache  $PULUMI_EXOTEL_CACHE, else ~/.cache/pulumi-exotel (or under $XDG_CACHE_HOME)
#   log    a line to stderr, prefixed with the calling script's name
#   need_go WHAT   make `go` callable (the official tarball's /usr/local/go/bin counts) or stop,
#                  saying Go is needed to build WHAT

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PULUMI_EXOTEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-exotel}"

log() { echo "$(basename "$0" .sh): $*" >&2; }

need_go() {
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || { log "Go is needed to build $1 (none on PATH)"; exit 1; }
}
