"""Secrets never reach state, previews or logs in plain text; bad input fails at preview.

A failed preview makes no API call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_exotel.emulator.server import Account, EmulatorServer
from tests.conftest import Stats
from tests.engine.conftest import PROGRAMS, emulator_config
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

TOKEN_CANARY = "CanaryToken_7f3a9c1e5b2d4680"
PASSWORD_CANARY = "CanaryPassword_0d9e8f7a6b5c"


def test_canaries_absent_from_state_output_and_verbose_logs(
    pulumi_on_path: str, tmp_path: Path
) -> None:
    account = Account(sid="canary1", api_key="canary_key", api_token=TOKEN_CANARY)
    with EmulatorServer(tmp_path / "emulator.sqlite", [account]) as server:
        ws = Workspace.create(PROGRAMS / "lifecycle", tmp_path / "ws")
        ws.config(emulator_config(server), secret=("exotel:apiToken",))
        ws.config({"t:credUser": "canary_user"})
        ws.config({"t:credPassword": PASSWORD_CANARY}, secret=("t:credPassword",))

        seen = []
        seen.append(ws.preview("--diff").stdout)
        seen += ws.verbose("up", "--logflow")
        seen.append(ws.export())
        seen.append(str(ws.outputs()))
        seen.append((ws.root / "Pulumi.test.yaml").read_text())
        seen += ws.verbose("refresh")
        seen += ws.verbose("destroy")

        everything = "\n".join(seen)
        assert len(everything) > 10_000, "verbose logs were expected to be long"
        assert TOKEN_CANARY not in everything
        assert PASSWORD_CANARY not in everything
        # The password did reach Exotel: the outputs carried it as a secret.
        assert "[secret]" in seen[4] or "secret" in seen[4]


def test_invalid_phone_number_fails_preview_naming_the_field(
    workspace: Callable[..., Workspace], stats: Stats
) -> None:
    ws = workspace(PROGRAMS / "lifecycle")
    ws.config({"t:did": "98765-43210"})
    stats.reset()
    proc = ws.preview(check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "phone_number" in text
    assert "98765-43210" in text
    assert "E.164" in text
    assert stats.total() == 0, stats.log()
