"""What preview shows is what up does: an in-place update of a trunk leaves its children alone.

Renaming a trunk and changing its caller id is one PUT and one settings call; the trunk keeps
its SID, so its mapping, credential, ACL entry and destinations must preview as unchanged, not
as replaced (a replaced credential reads as a password rotation).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

LIFECYCLE = PROGRAMS / "lifecycle"
CHILDREN = {"did", "cred", "acl", "dest", "ipdest"}


def preview_ops(ws: Workspace) -> dict[str, str]:
    """``logical name → op`` of every dynamic resource in ``pulumi preview --json``."""
    plan: dict[str, Any] = json.loads(ws.preview("--json", "--show-sames").stdout)
    return {
        step["urn"].rsplit("::", 1)[1]: step["op"]
        for step in plan["steps"]
        if "pulumi-python:dynamic/" in step["urn"]
    }


def test_renaming_a_trunk_and_changing_its_caller_id_previews_and_applies_as_one_update(
    workspace: Callable[..., Workspace],
) -> None:
    ws = workspace(LIFECYCLE)
    ws.config({"t:callerId": "+918047090000"})
    ws.up()
    before = ws.outputs()
    ws.config({"t:trunkName": "renamed_trunk", "t:callerId": "+918047090001"})

    ops = preview_ops(ws)
    assert ops["trunk"] == "update", ops
    assert not [name for name, op in ops.items() if "replace" in op], ops
    assert {name: ops[name] for name in CHILDREN} == dict.fromkeys(CHILDREN, "same")
    # The stack's outputs (trunk SID, realm, the edge addresses a voice-AI platform is pointed
    # at, the credential) stay known in the preview: no "Outputs:" section of values to change.
    text = ws.preview().stdout
    assert "Outputs:" not in text and "output<string>" not in text, text

    ws.up()
    history = json.loads(ws.run("stack", "history", "--json", "--stack", ws.stack).stdout)
    changes = {op: n for op, n in history[0]["resourceChanges"].items() if n}  # newest first
    assert changes == {"update": 1, "same": len(CHILDREN) + 1}, changes  # + the stack itself
    after = ws.outputs()
    assert after["ids"] == before["ids"]  # the same trunk and the same children
    assert after["trunk_sid"] == before["trunk_sid"]
