"""`exotel:rateLimitStore` through the real CLI: a Redis nobody runs fails `pulumi up` quickly
with one message naming the setting and the address, never the password, and nothing is sent."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.conftest import Stats
from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace
from tests.redis_server import free_port

pytestmark = pytest.mark.engine

REDIS_PASSWORD = "RedisCanary_51c0ffee"


def test_up_with_an_unreachable_redis_store_fails_naming_the_setting(
    workspace: Callable[..., Workspace], stats: Stats
) -> None:
    port = free_port()  # nothing listens here
    ws = workspace(PROGRAMS / "lifecycle")
    ws.config(
        {"exotel:rateLimitStore": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"},
        secret=("exotel:rateLimitStore",),
    )
    stats.reset()

    started = time.monotonic()
    proc = ws.run("up", "--yes", "--skip-preview", check=False)
    elapsed = time.monotonic() - started

    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "exotel:rateLimitStore" in output
    assert "EXOTEL_RATE_LIMIT_STORE" in output
    assert f"127.0.0.1:{port}" in output
    assert REDIS_PASSWORD not in output
    assert elapsed < 120  # a few seconds of Redis timeouts plus the CLI, never a hang
    assert stats.total() == 0  # no request went out without the budget
