#!/usr/bin/env bash
# The whole test suite (what `make test` and .ci/run run): lint, types, every test tier.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
pulumi_bin="$(bash scripts/bootstrap.sh | tail -n 1)"
export PATH="$pulumi_bin:$PATH"
# In this script a missing Pulumi CLI or Kamailio is a failure, never a skip.
export PULUMI_EXOTEL_REQUIRE_ENGINE=1
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check pulumi_exotel
echo "== mypy"; .venv/bin/mypy
echo "== pytest"
# pytest exits 5 when it collected no test: that is a failure here too.
.venv/bin/pytest -q -p no:cacheprovider "$@"
