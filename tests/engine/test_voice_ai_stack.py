"""Platform values from a real stack: the voice-ai-platforms example run by the real engine.

Field names are the platforms' own labels; values are the stack's real trunk, DID and
credential; anything carrying the password stays secret; every inbound destination helper
yields a string the emulator accepts as a destination URI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.voice_ai import nlpearl, rapida, smallest, vocallabs
from tests.engine.conftest import EXAMPLES
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine


@pytest.fixture
def stack(workspace: Callable[..., Workspace]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    ws = workspace(EXAMPLES / "voice-ai-platforms")
    ws.up()
    yield ws.outputs(), ws.outputs(show_secrets=True)


def test_console_platforms_get_their_labels_filled_from_the_stack(
    stack: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    public, out = stack
    did = out["dids"][0]
    user, password = out["sip_username"], out["sip_password"]
    assert user and len(password) == 32

    assert out["smallest"]["import_sip"] == {
        "Phone Number": did,
        "SIP Termination URL": out["edge_tls"],
        "Username": user,
        "Password": password,
    }
    nl = out["nlpearl"]["custom_voip_outbound"]
    assert nl["SIP Trunk URL"] == f"sip:{out['sip_realm']}"
    assert (nl["Phone Number"], nl["Username"], nl["Password"]) == (did, user, password)
    rp = out["rapida"]["sip_trunk_credential"]
    assert (rp["Username"], rp["Password"], rp["Phone Number"]) == (user, password, did)
    assert rp["SIP URI"] in (out["edge_tls"], out["edge_tcp"])
    assert did in str(out["vocallabs"]["create_sip_call"])
    assert "password" not in str(out["vocallabs"]["create_sip_call"]).lower()

    # Pipecat/Daily dial-out carries no digest credential at all (Daily has no such fields).
    dialout = out["pipecat"]["start_dialout"]
    assert password not in str(dialout) and user not in str(dialout)
    assert out["edge_tls"].split(":")[0] in str(dialout) or out["edge_tcp"].split(":")[0] in str(
        dialout
    )

    # Whatever carries the password is secret in the plain outputs.
    for platform in ("smallest", "nlpearl", "rapida", "livekit", "retell", "vapi", "bolna"):
        assert password not in str(public[platform]), platform
    assert public["smallest"] == "[secret]" or public["smallest"]["import_sip"] == "[secret]"


def test_every_inbound_destination_is_accepted_by_the_emulator(
    stack: tuple[dict[str, Any], dict[str, Any]], emulator_settings: Any
) -> None:
    _, out = stack
    # The fixed-host platforms were created by `pulumi up` itself.
    assert len(out["inbound_destinations"]) == 6
    console_targets = [
        smallest.inbound_destination("sip:abc123.atoms.smallest.ai:5061;transport=tls"),
        nlpearl.inbound_destination("customer42.sip.nlpearl.ai"),
        vocallabs.inbound_destination("sip.vocallabs.example.com:5060;transport=tcp"),
        rapida.inbound_destination(),
    ]
    with ExotelClient(emulator_settings) as client:
        for destination in console_targets:
            created = client.create_destination_uri(out["trunk_sid"], destination)
            assert created.destination.lower() == f"sip:{destination}".lower()
        listed = {d.destination for d in client.list_destination_uris(out["trunk_sid"])}
    assert len(listed) == 6 + len(console_targets) - 1  # rapida's host is also a fixed one
