"""Importing the LiveKit resources without their SDK says which extra to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

_WITHOUT_LIVEKIT = """
import sys

class NoLiveKit:
    def find_spec(self, name, path=None, target=None):
        if name == "livekit" or name.startswith("livekit."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoLiveKit())
import pulumi_exotel.voice_ai.livekit  # the body helpers need no SDK
import pulumi_exotel.platforms.livekit
"""


def test_import_without_the_sdk_names_the_extra() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LIVEKIT], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), proc.stderr
    assert "pip install 'pulumi-exotel[livekit]'" in last
