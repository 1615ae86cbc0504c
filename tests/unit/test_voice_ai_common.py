"""The rules every Voice-AI helper shares: edge choice, transport, numbers, secret bodies.

Also home of the stand-ins the other `test_voice_ai_*` modules import: simple objects whose
attributes are Outputs, shaped like the real resources' outputs, and `resolve`, which waits for
an Output the way `pulumi.runtime.test` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest
from pulumi.runtime.sync_await import _sync_await

from pulumi_exotel import voice_ai
from pulumi_exotel.voice_ai import PROFILES, InvalidInput

pytestmark = pytest.mark.unit

ACCOUNT_DOMAIN = "acme1.pstn.exotel.com"
EDGE_TLS = "in.voip.exotel.com:443"
EDGE_TCP = "in.voip.exotel.com:5070"
USER_NAME = "agent_7f3k2m9q"
PASSWORD = "Pw_test_only_0123456789abcdefgh"
DID = "+918047091234"
CALLEE = "+919876543210"
VAPI_CREDENTIAL_ID = "3f2c6f1e-0d9b-4c55-9b1e-2b7c1d1e9a10"


def resolve(output: pulumi.Output[Any]) -> tuple[Any, bool]:
    """The value of a known Output and whether it is secret."""
    return _sync_await(output.future()), _sync_await(output.is_secret())


@dataclass
class StandIns:
    """Objects with the output attributes of the Trunk, DigestCredential, PhoneMapping and
    WhitelistedIp resources."""

    trunk: Any
    credential: Any
    did: Any
    acl: Any


def stand_ins(*, password: pulumi.Output[str] | None = None, did: str = DID) -> StandIns:
    known = pulumi.Output.from_input
    return StandIns(
        trunk=SimpleNamespace(
            trunk_sid=known("trmum1f708622631150902801a1n"),
            domain_name=known(ACCOUNT_DOMAIN),
            sip_realm=known(ACCOUNT_DOMAIN),
            edge_tcp=known(EDGE_TCP),
            edge_tls=known(EDGE_TLS),
            inbound_dial_uri=known("sip:trmum1f708622631150902801a1n"),
        ),
        credential=SimpleNamespace(
            user_name=known(USER_NAME),
            password=password if password is not None else pulumi.Output.secret(PASSWORD),
            sip_realm=known(ACCOUNT_DOMAIN),
        ),
        did=SimpleNamespace(phone_number=known(did)),
        acl=SimpleNamespace(ip=known("44.248.146.11")),
    )


#: One sample call of every helper that builds a body, keyed (platform key, helper name).
SAMPLE_CALLS: dict[tuple[str, str], Callable[[StandIns], pulumi.Output[Any]]] = {
    ("livekit", "outbound_trunk"): lambda s: voice_ai.livekit.outbound_trunk(
        s.trunk, s.credential, [s.did], name="exotel-out"
    ),
    ("livekit", "update_outbound_trunk_fields"): lambda s: (
        voice_ai.livekit.update_outbound_trunk_fields(s.trunk, s.credential, [s.did])
    ),
    ("retell", "import_phone_number"): lambda s: voice_ai.retell.import_phone_number(
        s.trunk,
        s.credential,
        s.did,
        nickname="exotel",
        outbound_agents=[{"agent_id": "agent_123", "weight": 1}],
    ),
    ("retell", "update_phone_number"): lambda s: voice_ai.retell.update_phone_number(
        s.trunk, s.credential, s.did
    ),
    ("elevenlabs", "create_sip_trunk_phone_number"): lambda s: (
        voice_ai.elevenlabs.create_sip_trunk_phone_number(
            s.trunk, s.credential, s.did, label="Exotel", media_encryption="disabled"
        )
    ),
    ("elevenlabs", "update_phone_number"): lambda s: voice_ai.elevenlabs.update_phone_number(
        s.trunk, s.credential
    ),
    ("vapi", "byo_sip_trunk_credential"): lambda s: voice_ai.vapi.byo_sip_trunk_credential(
        s.trunk, s.credential, name="exotel"
    ),
    ("vapi", "byo_phone_number"): lambda s: voice_ai.vapi.byo_phone_number(
        s.did, credential_id=VAPI_CREDENTIAL_ID
    ),
    ("bolna", "sip_trunk"): lambda s: voice_ai.bolna.sip_trunk(
        s.trunk, s.credential, name="exotel"
    ),
    ("bolna", "trunk_number"): lambda s: voice_ai.bolna.trunk_number(s.did),
    ("smallest", "import_sip"): lambda s: voice_ai.smallest.import_sip(
        s.trunk, s.credential, s.did
    ),
    ("nlpearl", "custom_voip_outbound"): lambda s: voice_ai.nlpearl.custom_voip_outbound(
        s.trunk, s.credential, s.did
    ),
    ("rapida", "sip_trunk_credential"): lambda s: voice_ai.rapida.sip_trunk_credential(
        s.trunk, s.credential, s.did
    ),
    ("vocallabs", "create_sip_call"): lambda s: voice_ai.vocallabs.create_sip_call(
        s.did, to=CALLEE
    ),
    ("pipecat", "start_dialout"): lambda s: voice_ai.pipecat.start_dialout(
        s.trunk, CALLEE, whitelisted_ip=s.acl
    ),
}

ALL_CALLS = [(profile, call) for profile in PROFILES for call in profile.calls]


def _id(item: Any) -> str:
    profile, call = item
    return f"{profile.key}.{call.helper}"


def test_every_helper_has_a_sample_call() -> None:
    documented = {(profile.key, call.helper) for profile, call in ALL_CALLS}
    assert documented == set(SAMPLE_CALLS)


@pytest.mark.parametrize("item", ALL_CALLS, ids=[_id(i) for i in ALL_CALLS])
def test_body_is_secret_exactly_when_it_carries_the_password(item: Any) -> None:
    profile, call = item
    body, secret = resolve(SAMPLE_CALLS[(profile.key, call.helper)](stand_ins()))
    assert secret is call.carries_password
    assert (PASSWORD in repr(body)) is call.carries_password


def test_body_is_secret_even_when_the_password_output_is_not() -> None:
    plain = stand_ins(password=pulumi.Output.from_input(PASSWORD))
    body, secret = resolve(
        voice_ai.livekit.outbound_trunk(plain.trunk, plain.credential, [plain.did], name="x")
    )
    assert body["auth_password"] == PASSWORD
    assert secret


@pytest.mark.parametrize(("transport", "edge"), [("tls", EDGE_TLS), ("tcp", EDGE_TCP)])
def test_transport_picks_the_trunk_edge(transport: str, edge: str) -> None:
    s = stand_ins()
    body, _ = resolve(
        voice_ai.retell.import_phone_number(s.trunk, s.credential, s.did, transport=transport)
    )
    assert body["termination_uri"] == edge
    assert body["transport"] == transport.upper()


def test_edge_override_replaces_the_trunk_edge() -> None:
    s = stand_ins()
    body, _ = resolve(
        voice_ai.vapi.byo_sip_trunk_credential(s.trunk, s.credential, edge="sbc.example.com:5071")
    )
    assert body["gateways"] == [{"ip": "sbc.example.com", "port": 5071, "outboundProtocol": "tls"}]


@pytest.mark.parametrize(
    "edge",
    [
        "in.voip.exotel.com",
        "10.0.0.5:5060",
        "host:99999",
        "sip:in.voip.exotel.com:443",
        "in.voip.exotel.com:443;x=y",
    ],
)
def test_bad_edge_override_fails_before_any_output(edge: str) -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput, match="^edge .* is invalid: must be host:port"):
        voice_ai.livekit.outbound_trunk(s.trunk, s.credential, [s.did], name="x", edge=edge)


UDP_CALLS: dict[str, Callable[[StandIns], Any]] = {
    "livekit": lambda s: voice_ai.livekit.outbound_trunk(
        s.trunk, s.credential, [s.did], name="x", transport="udp"
    ),
    "bolna": lambda s: voice_ai.bolna.sip_trunk(s.trunk, s.credential, name="x", transport="udp"),
    "smallest": lambda s: voice_ai.smallest.import_sip(
        s.trunk, s.credential, s.did, transport="udp"
    ),
    "pipecat": lambda s: voice_ai.pipecat.start_dialout(
        s.trunk, CALLEE, whitelisted_ip=s.acl, transport="udp"
    ),
}


@pytest.mark.parametrize("platform", sorted(UDP_CALLS))
def test_udp_is_refused_because_the_exotel_edge_has_none(platform: str) -> None:
    with pytest.raises(InvalidInput, match="transport 'udp'.*no UDP"):
        UDP_CALLS[platform](stand_ins())


def test_vapi_refuses_tcp_and_says_why() -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput, match="Vapi has no TCP.*use 'tls'"):
        voice_ai.vapi.byo_sip_trunk_credential(s.trunk, s.credential, transport="tcp")


def test_literal_number_that_is_not_e164_fails_at_once() -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput, match="phone_number '08047091234'.*E.164"):
        voice_ai.retell.import_phone_number(s.trunk, s.credential, "08047091234")


def test_mapped_number_that_is_not_e164_fails_when_known() -> None:
    s = stand_ins(did="8047091234")
    output = voice_ai.retell.import_phone_number(s.trunk, s.credential, s.did)
    with pytest.raises(InvalidInput, match="E.164"):
        resolve(output)


def test_livekit_takes_every_mapping_and_plain_numbers() -> None:
    s = stand_ins()
    body, _ = resolve(
        voice_ai.livekit.outbound_trunk(s.trunk, s.credential, [s.did, "+918047091235"], name="x")
    )
    assert body["numbers"] == [DID, "+918047091235"]


def test_optional_arguments_left_out_are_absent_from_the_body() -> None:
    s = stand_ins()
    body, _ = resolve(voice_ai.retell.import_phone_number(s.trunk, s.credential, s.did))
    assert not {"nickname", "inbound_agents", "outbound_agents"} & set(body)


def test_arguments_may_be_outputs_of_other_resources() -> None:
    s = stand_ins()
    credential_id = pulumi.Output.from_input(VAPI_CREDENTIAL_ID)
    body, secret = resolve(voice_ai.vapi.byo_phone_number(s.did, credential_id=credential_id))
    assert body["credentialId"] == VAPI_CREDENTIAL_ID
    assert not secret


def test_trunk_edge_is_used_as_configured_even_on_loopback() -> None:
    """A stack against the local emulator and SIP edge gets its loopback edge back unchanged."""
    s = stand_ins()
    s.trunk.edge_tls = pulumi.Output.from_input("127.0.0.1:5071")
    body, _ = resolve(voice_ai.vapi.byo_sip_trunk_credential(s.trunk, s.credential))
    assert body["gateways"][0]["ip"] == "127.0.0.1"
    assert body["gateways"][0]["port"] == 5071
