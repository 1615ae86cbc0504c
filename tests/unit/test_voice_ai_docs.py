"""The platform docs agree with the code.

docs/voice-ai.md (and the README block between the voice-ai markers, when the README has one)
must be exactly what `python -m pulumi_exotel.voice_ai.docs` prints today, and every row of those
tables must describe what the helper really returns.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_exotel.voice_ai import PROFILES
from pulumi_exotel.voice_ai.docs import BEGIN_MARKER, END_MARKER, render_markdown
from pulumi_exotel.voice_ai.mapping import Exotel
from tests.unit.test_voice_ai_common import (
    ACCOUNT_DOMAIN,
    DID,
    EDGE_TCP,
    EDGE_TLS,
    PASSWORD,
    SAMPLE_CALLS,
    USER_NAME,
    resolve,
    stand_ins,
)

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate with: python -m pulumi_exotel.voice_ai.docs > docs/voice-ai.md"


def test_docs_file_is_the_renderers_output() -> None:
    committed = (REPO / "docs" / "voice-ai.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), REGENERATE


def test_readme_block_is_the_renderers_output() -> None:
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if BEGIN_MARKER not in text:
        pytest.skip("the README has no voice-ai block yet")
    block = text.split(BEGIN_MARKER, 1)[1].split(END_MARKER, 1)[0]
    assert block.strip() == render_markdown().strip(), "README voice-ai block is stale"


def test_module_entry_point_prints_the_document() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "pulumi_exotel.voice_ai.docs"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    assert printed == render_markdown()


def test_every_public_helper_is_documented() -> None:
    for profile in PROFILES:
        module = importlib.import_module(f"pulumi_exotel.voice_ai.{profile.key}")
        documented = {call.helper for call in profile.calls} | {profile.inbound.helper}
        public = {name for name in module.__all__ if name != "PROFILE"}
        assert public == documented, profile.key


def exotel_values(transport: str) -> dict[Exotel, Any]:
    """What each Exotel source holds for the stand-ins, with ``transport`` chosen."""
    edge = EDGE_TLS if transport == "tls" else EDGE_TCP
    host, port = edge.split(":")
    return {
        Exotel.EDGE: edge,
        Exotel.EDGE_HOST: host,
        Exotel.EDGE_PORT: int(port),
        Exotel.TRANSPORT: transport,
        Exotel.USER_NAME: USER_NAME,
        Exotel.PASSWORD: PASSWORD,
        Exotel.NUMBER: DID,
        Exotel.NUMBERS: [DID],
        Exotel.SIP_DOMAIN: ACCOUNT_DOMAIN,
    }


def at_path(body: dict[str, Any], path: str) -> Any:
    node: Any = body
    for part in path.split("."):
        node = node[part[:-2]][0] if part.endswith("[]") else node[part]
    return node


CALLS = [(profile, call) for profile in PROFILES for call in profile.calls]


@pytest.mark.parametrize(("profile", "call"), CALLS, ids=[f"{p.key}.{c.helper}" for p, c in CALLS])
def test_each_documented_row_holds_that_exotel_value(profile: Any, call: Any) -> None:
    module = importlib.import_module(f"pulumi_exotel.voice_ai.{profile.key}")
    parameters = inspect.signature(getattr(module, call.helper)).parameters
    transport = parameters["transport"].default if "transport" in parameters else "tls"
    values = exotel_values(transport)
    body, _ = resolve(SAMPLE_CALLS[(profile.key, call.helper)](stand_ins()))
    for field in call.fields:
        if isinstance(field.source, Exotel):
            expected = values[field.source]
            if field.spelling is not None:
                expected = field.spelling[expected]
            assert at_path(body, field.path) == expected, field.path
