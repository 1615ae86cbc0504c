"""Inbound: every platform's destination is one `DestinationUri` accepts, as returned.

Checked with `pulumi_exotel.resources.validation.validate_destination`, the rule the
`DestinationUri` resource applies in `check`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_exotel import voice_ai
from pulumi_exotel.resources.validation import validate_destination
from pulumi_exotel.voice_ai import InvalidInput

pytestmark = pytest.mark.unit

FIXED: dict[str, tuple[Callable[[], str], str]] = {
    "livekit": (
        lambda: voice_ai.livekit.inbound_destination("vjnxecm0tjk"),
        "vjnxecm0tjk.sip.livekit.cloud:5061;transport=tls",
    ),
    "livekit-tcp": (
        lambda: voice_ai.livekit.inbound_destination("vjnxecm0tjk", transport="tcp"),
        "vjnxecm0tjk.sip.livekit.cloud:5060;transport=tcp",
    ),
    "retell": (voice_ai.retell.inbound_destination, "sip.retellai.com:5060;transport=tcp"),
    "elevenlabs": (
        voice_ai.elevenlabs.inbound_destination,
        "sip.rtc.elevenlabs.io:5060;transport=tcp",
    ),
    "vapi": (voice_ai.vapi.inbound_destination, "sip.vapi.ai:5061;transport=tls"),
    "bolna": (voice_ai.bolna.inbound_destination, "sip.bolna.ai:5060;transport=tcp"),
    "bolna-tls": (
        lambda: voice_ai.bolna.inbound_destination("tls"),
        "sip.bolna.ai:5061;transport=tls",
    ),
    "rapida": (voice_ai.rapida.inbound_destination, "sip-01.in.rapida.ai:5060;transport=tcp"),
    "smallest": (
        lambda: voice_ai.smallest.inbound_destination(
            "sip:t-42.atoms.smallest.ai:5061;transport=tls"
        ),
        "t-42.atoms.smallest.ai:5061;transport=tls",
    ),
    "nlpearl": (
        lambda: voice_ai.nlpearl.inbound_destination("pearl-acme.sip.nlpearl.ai"),
        "pearl-acme.sip.nlpearl.ai:5060;transport=tcp",
    ),
    "vocallabs": (
        lambda: voice_ai.vocallabs.inbound_destination(
            "sip.vocallabs.example.com:5080", transport="tcp"
        ),
        "sip.vocallabs.example.com:5080;transport=tcp",
    ),
    "pipecat": (
        lambda: voice_ai.pipecat.inbound_destination("sips:sbc.example.com"),
        "sbc.example.com:5061;transport=tls",
    ),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_inbound_destination_passes_destination_uri_validation(name: str) -> None:
    helper, expected = FIXED[name]
    destination = helper()
    assert destination == expected
    # Accepted and already canonical: DestinationUri will neither reject it nor see a diff.
    assert validate_destination(destination) == destination


@pytest.mark.parametrize(
    "given", ["VJNXECM0TJK", "vjnxecm0tjk.sip.livekit.cloud", "sip:vjnxecm0tjk.sip.livekit.cloud"]
)
def test_livekit_takes_the_project_id_or_its_sip_uri(given: str) -> None:
    assert (
        voice_ai.livekit.inbound_destination(given)
        == "vjnxecm0tjk.sip.livekit.cloud:5061;transport=tls"
    )


@pytest.mark.parametrize("given", ["", "my project", "a.b", "wss://x.livekit.cloud"])
def test_livekit_rejects_what_is_not_a_project_id(given: str) -> None:
    with pytest.raises(InvalidInput, match="^project_id"):
        voice_ai.livekit.inbound_destination(given)


@pytest.mark.parametrize(
    ("helper", "transport", "why"),
    [
        (voice_ai.vapi.inbound_destination, "tcp", "Vapi has no TCP"),
        (voice_ai.retell.inbound_destination, "tls", "TCP on 5060 only"),
        (voice_ai.elevenlabs.inbound_destination, "tls", "TCP on 5060 only"),
        (voice_ai.rapida.inbound_destination, "tls", "TCP only"),
        (voice_ai.bolna.inbound_destination, "udp", "no UDP"),
    ],
)
def test_unsupported_inbound_transport_is_a_clear_error(
    helper: Callable[[str], str], transport: str, why: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^transport '{transport}'.*{why}"):
        helper(transport)


@pytest.mark.parametrize(
    ("copied", "transport", "expected"),
    [
        ("sip:x1.atoms.smallest.ai", None, "x1.atoms.smallest.ai:5060;transport=tcp"),
        ("sips:x1.atoms.smallest.ai", None, "x1.atoms.smallest.ai:5061;transport=tls"),
        ("x1.atoms.smallest.ai", "tls", "x1.atoms.smallest.ai:5061;transport=tls"),
        (
            "  SIP:X1.Atoms.Smallest.AI:5080;Transport=TCP ",
            None,
            "x1.atoms.smallest.ai:5080;transport=tcp",
        ),
        ("x1.atoms.smallest.ai;transport=tls", "tls", "x1.atoms.smallest.ai:5061;transport=tls"),
        ("44.248.146.11:5061;transport=tls", None, "44.248.146.11:5061;transport=tls"),
    ],
)
def test_console_value_is_normalised_to_a_destination(
    copied: str, transport: str | None, expected: str
) -> None:
    assert voice_ai.smallest.inbound_destination(copied, transport) == expected


@pytest.mark.parametrize(
    ("copied", "transport", "rule"),
    [
        ("sip:+918047091234@x1.atoms.smallest.ai", None, "has a user part"),
        ("sip:x1.atoms.smallest.ai;lr", None, "URI parameter ';lr'|URI parameter 'lr'"),
        ("x1.atoms.smallest.ai;transport=udp", None, "no UDP"),
        ("x1.atoms.smallest.ai;transport=tls", "tcp", "says transport=tls but transport='tcp'"),
        ("10.1.2.3:5060;transport=tcp", None, "public IPv4"),
        ("localhost", None, "fully qualified domain name"),
        ("", None, "SIP host or URI"),
    ],
)
def test_console_value_that_cannot_be_a_destination_is_refused(
    copied: str, transport: str | None, rule: str
) -> None:
    with pytest.raises(InvalidInput, match=f"^sip_origination_url .*({rule})"):
        voice_ai.smallest.inbound_destination(copied, transport)
