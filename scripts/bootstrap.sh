#!/usr/bin/env bash
# Install everything the demo and the tests need, idempotently; print PATH additions on stdout.
#  - Python venv in .venv with the package (editable) and its test extras
#  - Debian packages for the local SIP edge (Kamailio, sipp, stunnel) and Redis when missing
#  - livekit-server for the LiveKit tests (scripts/setup-livekit.sh: PATH, the cache, or a build)
#  - the Pulumi CLI (scripts/setup-pulumi.sh: an existing install, the cache, or a build)
# The last line of stdout is the Pulumi bin dir; the livekit-server dir is the line before it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

stamp=.venv/.installed
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing Python dependencies into .venv" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >&2
  .venv/bin/python -m pip install -q -e '.[test]' >&2
  touch "$stamp"
fi

bash scripts/install-sip-edge.sh >&2
bash scripts/setup-livekit.sh | tail -n 1
bash scripts/setup-pulumi.sh
