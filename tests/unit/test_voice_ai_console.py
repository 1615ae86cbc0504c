"""The five console-driven platforms: values keyed by the platform's own labels.

Smallest, NLPearl and Rapida are set up in a web console, Vocallabs through an API that only
takes the DID, and Pipecat through Daily's dial-out, which cannot do digest auth.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pulumi_exotel.voice_ai import InvalidInput, nlpearl, pipecat, rapida, smallest, vocallabs
from pulumi_exotel.voice_ai.inputs import Body
from tests.unit.test_voice_ai_common import (
    ACCOUNT_DOMAIN,
    CALLEE,
    DID,
    EDGE_TCP,
    EDGE_TLS,
    PASSWORD,
    USER_NAME,
    resolve,
    stand_ins,
)

pytestmark = pytest.mark.unit


#: What each of the three console screens below asks for besides its own address fields.
DID_AND_LOGIN = {"Phone Number": DID, "Username": USER_NAME, "Password": PASSWORD}


@pytest.mark.parametrize(
    ("helper", "options", "own_fields"),
    [
        (smallest.import_sip, {"transport": "tls"}, {"SIP Termination URL": EDGE_TLS}),
        (smallest.import_sip, {"transport": "tcp"}, {"SIP Termination URL": EDGE_TCP}),
        # NLPearl's outbound goes to the trunk's SIP domain, not to an edge.
        (
            nlpearl.custom_voip_outbound,
            {},
            {"SIP Trunk URL": f"sip:{ACCOUNT_DOMAIN}", "User Part": USER_NAME},
        ),
        (rapida.sip_trunk_credential, {}, {"SIP URI": EDGE_TCP}),  # the TCP edge by default
    ],
    ids=["smallest-tls", "smallest-tcp", "nlpearl", "rapida"],
)
def test_console_screen_values_are_keyed_by_its_labels_and_secret(
    helper: Callable[..., Body], options: dict[str, str], own_fields: dict[str, str]
) -> None:
    s = stand_ins()
    values, secret = resolve(helper(s.trunk, s.credential, s.did, **options))
    assert values == {**DID_AND_LOGIN, **own_fields}
    assert secret


def test_rapida_refuses_tls_it_does_not_document() -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput, match="Rapida documents SIP over UDP or TCP"):
        rapida.sip_trunk_credential(s.trunk, s.credential, s.did, transport="tls")


def test_vocallabs_gets_the_did_and_nothing_secret() -> None:
    s = stand_ins()
    values, secret = resolve(vocallabs.create_sip_call(s.did))
    assert values == {"did": DID}
    assert not secret
    values, _ = resolve(vocallabs.create_sip_call(s.did, to=CALLEE))
    assert values == {"did": DID, "phone_number": CALLEE}


@pytest.mark.parametrize(("transport", "edge"), [("tls", EDGE_TLS), ("tcp", EDGE_TCP)])
def test_pipecat_dials_out_through_the_edge_by_ip_allowlist(transport: str, edge: str) -> None:
    s = stand_ins()
    settings, secret = resolve(
        pipecat.start_dialout(s.trunk, CALLEE, whitelisted_ip=s.acl, transport=transport)
    )
    assert settings == {"sipUri": f"sip:{CALLEE}@{edge};transport={transport}"}
    assert not secret


def test_pipecat_refuses_digest_and_says_what_works_instead() -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput) as caught:
        pipecat.start_dialout(s.trunk, CALLEE, whitelisted_ip=s.acl, credential=s.credential)
    message = str(caught.value)
    assert "no digest" in message and "WhitelistedIp" in message and "SBC" in message
    assert PASSWORD not in message


def test_pipecat_callee_must_be_e164() -> None:
    s = stand_ins()
    with pytest.raises(InvalidInput, match="^to '98765'"):
        pipecat.start_dialout(s.trunk, "98765", whitelisted_ip=s.acl)
