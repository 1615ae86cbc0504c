#!/usr/bin/env bash
# The whole test suite (what `make test` and .ci/run run): lint, types, every test tier on the
# newest supported Pulumi SDK (.venv), then the provider tier and the core engine tests again
# on the oldest one (.venv-oldest, cached like .venv), so both ends of the `pulumi` range in
# pyproject.toml are tested. PULUMI_EXOTEL_SKIP_OLDEST=1 skips the second pass (for a quick local run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# The lower bound of `pulumi` in pyproject.toml; the newest is whatever pip resolves for .venv.
OLDEST_PULUMI="3.260.0"
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
echo "== pytest provider tier + core engine tests (pulumi $OLDEST_PULUMI, the oldest supported)"
# The engine tests whose outcome depends on the SDK's dynamic-provider host (check, diff with
# replaces, create/read with inputs, update, delete, secrets, error text, stable outputs); the
# platform stacks, the demo and the README walk-throughs (their own venvs) go through the same
# host calls, so running them twice would only double the slowest tier.
.venv-oldest/bin/pytest -q -p no:cacheprovider -m "provider or engine" tests/provider \
  tests/engine/test_lifecycle.py tests/engine/test_error_messages.py \
  tests/engine/test_secrets_and_validation.py tests/engine/test_stable_outputs.py \
  tests/engine/test_examples.py tests/engine/test_rotation.py \
  tests/engine/test_platform_retell.py
