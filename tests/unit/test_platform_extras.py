"""Importing a platform module whose SDK is not installed names the extra to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

# Run in a fresh interpreter where the SDK's top-level package cannot be imported.
_BLOCKED_IMPORT = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {sdk!r} or name.startswith({sdk!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Block())
import {module}
"""


@pytest.mark.parametrize(
    ("module", "sdk", "extra"),
    [
        ("pulumi_exotel.platforms.retell", "retell", "retell"),
        ("pulumi_exotel.platforms.elevenlabs", "elevenlabs", "elevenlabs"),
        ("pulumi_exotel.twins.retell", "retell", "retell"),
        ("pulumi_exotel.twins.elevenlabs", "elevenlabs", "elevenlabs"),
        ("pulumi_exotel.platforms.vapi", "vapi", "vapi"),
        ("pulumi_exotel.twins.vapi", "vapi", "vapi"),
    ],
)
def test_missing_sdk_names_the_extra(module: str, sdk: str, extra: str) -> None:
    code = _BLOCKED_IMPORT.format(sdk=sdk, module=module)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode != 0
    assert f"pip install 'pulumi-exotel[{extra}]'" in proc.stderr, proc.stderr[-2000:]


def test_platforms_package_imports_no_sdk() -> None:
    sdks = "('retell', 'elevenlabs', 'livekit', 'vapi')"
    code = f"import sys, pulumi_exotel.platforms; print([m for m in {sdks} if m in sys.modules])"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip() == "[]"
