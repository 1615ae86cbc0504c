"""examples/ci/github-actions.yml reads outputs that exist and masks the password before use.

The workflow cannot run here; these checks keep it in step with the stack-output contract
(`pulumi_exotel.outputs.STACK_OUTPUT_KEYS`) and the example's platform exports.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_exotel.outputs import STACK_OUTPUT_KEYS
from pulumi_exotel.voice_ai import PROFILES

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "examples" / "ci" / "github-actions.yml"
PLATFORM_HELPERS = {p.key: {c.helper for c in p.calls} for p in PROFILES}


def run_scripts() -> list[str]:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def test_every_key_read_from_the_stack_exists() -> None:
    reads = 0
    for script in run_scripts():
        for line in script.replace("\\\n", " ").splitlines():
            whole = re.search(r"pulumi stack output --json.*\|\s*jq -\w '\.(\w+)'", line)
            files = re.findall(r"jq -\w '\.(\w+)' \"\$RUNNER_TEMP/outputs\.json\"", line)
            one = re.search(
                r"pulumi stack output (\w+) --json --show-secrets \| jq '\.(\w+)'", line
            )
            for key in files + ([whole[1]] if whole else []):
                assert key in STACK_OUTPUT_KEYS, key
                reads += 1
            if one:
                assert one[2] in PLATFORM_HELPERS[one[1]], one.groups()
                reads += 1
    assert reads >= 6


def test_password_is_masked_before_anything_else_uses_it() -> None:
    scripts = [s for s in run_scripts() if "--show-secrets" in s and "sip_password" in s]
    assert len(scripts) == 2  # one per job
    for script in scripts:
        lines = [
            ln.strip()
            for ln in script.splitlines()
            if ln.strip() and not ln.strip().startswith("#")
        ]
        read = next(i for i, line in enumerate(lines) if "sip_password" in line)
        assert lines[read + 1] == 'echo "::add-mask::$password"'
    assert "set -x" not in WORKFLOW.read_text(encoding="utf-8")
