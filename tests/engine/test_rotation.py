"""Rotation through `keepers`: the new credential exists before the old one is deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Stats
from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine


def test_keepers_change_creates_new_credential_before_deleting_old(
    workspace: Callable[..., Workspace], stats: Stats
) -> None:
    ws = workspace(PROGRAMS / "lifecycle")
    ws.up()
    before = ws.outputs(show_secrets=True)

    ws.config({"t:keepers": "2026-12"})
    stats.reset()
    ws.up()
    after = ws.outputs(show_secrets=True)

    assert after["sip_username"] != before["sip_username"]
    assert after["sip_password"] != before["sip_password"]
    assert ws.outputs()["sip_password"] == "[secret]"

    calls = [
        (entry["method"], entry["path"])
        for entry in stats.log()
        if "/credentials" in entry["path"] and entry["method"] in ("POST", "DELETE")
    ]
    assert [method for method, _ in calls] == ["POST", "DELETE"], calls
    # Only the credential was touched: the trunk and its other children stayed put.
    assert all("/credentials" in e["path"] for e in stats.log() if e["method"] != "GET")
