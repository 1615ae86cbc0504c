#!/usr/bin/env bash
# The whole test suite (what `make test` and .ci/run run): lint, types, every test tier on the
# newest supported Pulumi SDK (.venv), then the provider and engine tiers again on the oldest
# one (.venv-oldest, cached like .venv), so both ends of the `pulumi` range in pyproject.toml
# are tested. PULUMI_EXOTEL_SKIP_OLDEST=1 skips the second pass (for a quick local run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# The lower bound of `pulumi` in pyproject.toml; the newest is whatever pip resolves for .venv.
OLDEST_PULUMI="3.216.0"
pulumi_bin="$(bash scripts/bootstrap.sh | tail -n 1)"
export PATH="$pulumi_bin:$PATH"
# In this script a missing Pulumi CLI or Kamailio is a failure, never a skip.
export PULUMI_EXOTEL_REQUIRE_ENGINE=1
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check pulumi_exotel
echo "== mypy"; .venv/bin/mypy
echo "== pytest (pulumi $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("pulumi"))'))"
# pytest exits 5 when it collected no test: that is a failure here too.
.venv/bin/pytest -q -p no:cacheprovider "$@"

if [ -n "${PULUMI_EXOTEL_SKIP_OLDEST:-}" ] || [ "$#" -gt 0 ]; then
  exit 0  # a run narrowed to some tests stays narrow
fi
stamp=.venv-oldest/.installed
if [ ! -x .venv-oldest/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "test: installing pulumi==$OLDEST_PULUMI into .venv-oldest" >&2
  python3 -m venv .venv-oldest
  .venv-oldest/bin/python -m pip install -q --upgrade pip >&2
  .venv-oldest/bin/python -m pip install -q "pulumi==$OLDEST_PULUMI" -e '.[test]' >&2
  touch "$stamp"
fi
echo "== pytest provider + engine tiers (pulumi $OLDEST_PULUMI, the oldest supported)"
# make demo and the README walk-through install their own environments: not SDK-specific here.
.venv-oldest/bin/pytest -q -p no:cacheprovider -m "provider or engine" \
  --deselect tests/engine/test_demo.py --deselect tests/engine/test_readme_walkthrough.py
