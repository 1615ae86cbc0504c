"""Running external programs from tests: a command (our CLI, bash, a script) run to its end with
its output captured, and what a test does when a tool (pulumi, kamailio, sipp) is missing.

Developers running a single tier may not have every tool: the test is skipped with a hint.
Under `make test` / CI (PULUMI_EXOTEL_REQUIRE_ENGINE=1) a missing tool is a failure, so a
green run always means every tier really ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, NoReturn

import pytest


def run_captured(
    argv: list[str], *, timeout: float, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` to its end with stdout and stderr captured as text; the exit code is the
    caller's to check (a test often expects a failure). ``options``: ``cwd``, ``env``, ``input``."""
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, check=False, **options
    )


def run_cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``pulumi-exotel <args>`` in a process of its own, run as :func:`run_captured` does."""
    return run_captured(
        [sys.executable, "-m", "pulumi_exotel.cli", *args], timeout=timeout, env=env
    )


def missing_tool(message: str) -> NoReturn:
    if os.environ.get("PULUMI_EXOTEL_REQUIRE_ENGINE"):
        pytest.fail(message)
    pytest.skip(message)


def require_kamailio() -> str:
    """Kamailio's path, or the missing-tool outcome with the install hint."""
    from pulumi_exotel.edge.kamailio import KamailioNotFound, find_kamailio

    try:
        return find_kamailio()
    except KamailioNotFound as exc:
        missing_tool(str(exc))
