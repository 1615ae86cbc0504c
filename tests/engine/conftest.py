"""Fixtures for the engine tier: the real `pulumi` CLI against the emulator on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.engine.harness import PROGRAMS, REPO, Workspace, pulumi_cli
from tests.livekit_server import livekit, livekit_server  # noqa: F401 (fixtures)
from tests.tools import missing_tool

pytestmark = pytest.mark.engine

EXAMPLES = REPO / "examples"
__all__ = ["EXAMPLES", "PROGRAMS", "emulator_config"]  # what the engine tests import from here


@pytest.fixture(scope="session")
def pulumi_on_path() -> str:
    path = pulumi_cli()
    if path is None:
        message = (
            "the pulumi CLI is not on PATH: run `bash scripts/setup-pulumi.sh` (make test does)"
        )
        missing_tool(message)
    return path


def emulator_config(server: Any, *, rate_limit: int = 100_000) -> dict[str, str]:
    account = server.accounts[0]
    return {
        "exotel:baseUrl": server.base_url,
        "exotel:accountSid": account.sid,
        "exotel:apiKey": account.api_key,
        "exotel:apiToken": account.api_token,
        "exotel:rateLimitPerMinute": str(rate_limit),
    }


@pytest.fixture
def workspace(
    pulumi_on_path: str, emulator: Any, tmp_path: Path
) -> Iterator[Callable[..., Workspace]]:
    """Factory: copy a project, init a stack and configure it for the emulator."""

    def make(
        project: Path,
        *,
        stack: str = "test",
        config: dict[str, str] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Workspace:
        ws = Workspace.create(project, tmp_path / stack, stack=stack, extra_env=extra_env)
        ws.config(emulator_config(emulator), secret=("exotel:apiToken",))
        if config:
            ws.config(config)
        return ws

    yield make
