"""What a test does when an external tool (pulumi, kamailio, sipp) is missing.

Developers running a single tier may not have every tool: the test is skipped with a hint.
Under `make test` / CI (PULUMI_EXOTEL_REQUIRE_ENGINE=1) a missing tool is a failure, so a
green run always means every tier really ran.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


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
