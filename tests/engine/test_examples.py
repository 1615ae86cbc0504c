"""Every example and the root demo project: up, a no-change preview with zero API calls, destroy.

They also all honour the stack-output contract of docs/outputs.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.outputs import STACK_OUTPUT_KEYS
from tests.conftest import Stats
from tests.engine.conftest import EXAMPLES
from tests.engine.harness import REPO, Workspace

pytestmark = pytest.mark.engine

PROJECTS = {
    "root": REPO,
    "livekit-outbound": EXAMPLES / "livekit-outbound",
    "retell-inbound": EXAMPLES / "retell-inbound",
    "static-ip-pbx": EXAMPLES / "static-ip-pbx",
    "voice-ai-platforms": EXAMPLES / "voice-ai-platforms",
}


def check_output_contract(outputs: dict[str, Any]) -> None:
    missing = set(STACK_OUTPUT_KEYS) - set(outputs)
    assert not missing, f"stack outputs lack contract keys {missing}"
    for key in ("trunk_sid", "sip_realm", "edge_tcp", "edge_tls", "inbound_dial_uri"):
        assert isinstance(outputs[key], str) and outputs[key], key
    assert outputs["inbound_dial_uri"] == f"sip:{outputs['trunk_sid']}"
    assert outputs["sip_realm"].endswith(".pstn.exotel.com")
    assert isinstance(outputs["dids"], list)
    assert all(d.startswith("+") for d in outputs["dids"])
    assert isinstance(outputs["inbound_destinations"], list)
    if outputs["sip_username"]:
        assert outputs["sip_password"] == "[secret]"
    else:
        assert outputs["sip_password"] == ""


@pytest.mark.parametrize("name", list(PROJECTS))
def test_example_up_no_change_preview_destroy(
    name: str,
    workspace: Callable[..., Workspace],
    stats: Stats,
    emulator_settings: Any,
) -> None:
    project = PROJECTS[name]
    if not (project / "Pulumi.yaml").exists():
        pytest.fail(f"{project} has no Pulumi.yaml")
    ws = workspace(project)
    ws.up()
    check_output_contract(ws.outputs())

    stats.reset()
    ws.preview("--expect-no-changes")
    assert stats.total() == 0, stats.log()

    ws.destroy()
    with ExotelClient(emulator_settings) as client:
        assert client.list_trunks() == []


def test_livekit_example_output_is_accepted_by_livekit_protocol(
    workspace: Callable[..., Workspace], emulator_settings: Any
) -> None:
    from google.protobuf import json_format
    from livekit.protocol.sip import SIPOutboundTrunkInfo

    ws = workspace(PROJECTS["livekit-outbound"])
    ws.up()
    outputs = ws.outputs(show_secrets=True)
    body = outputs["livekit_outbound_trunk"]
    info = json_format.ParseDict(body, SIPOutboundTrunkInfo(), ignore_unknown_fields=False)

    assert info.auth_username == outputs["sip_username"]
    assert info.auth_password == outputs["sip_password"]
    assert info.address == outputs["edge_tls"]
    assert (
        info.transport
        == SIPOutboundTrunkInfo.DESCRIPTOR.fields_by_name["transport"]
        .enum_type.values_by_name["SIP_TRANSPORT_TLS"]
        .number
    )
    assert list(info.numbers) == outputs["dids"]
    # The credential is the real one the emulator holds for this trunk.
    with ExotelClient(emulator_settings) as client:
        users = [c.user_name for c in client.list_digest_credentials(outputs["trunk_sid"])]
    assert users == [info.auth_username]
    # The public outputs never show it.
    assert ws.outputs()["livekit_outbound_trunk"] == "[secret]"
