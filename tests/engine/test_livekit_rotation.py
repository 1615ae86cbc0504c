"""Rotation end to end with LiveKit: one `pulumi up` creates the new Exotel credential, updates
the LiveKit outbound trunk in place, then deletes the old credential, and no call attempt in
between finds LiveKit holding a credential the SIP edge refuses.

A loop keeps asking the real livekit-server which credential its trunk holds (its list call
returns ``auth_username`` and ``auth_password``) and REGISTERs with it at the local Kamailio
edge, at the address and over the transport the trunk holds, throughout the `pulumi up`.
"""

from __future__ import annotations

import pytest
from livekit.protocol import sip

from pulumi_exotel.sip import verify_credential
from tests.engine.conftest import PROGRAMS
from tests.engine.rotation import registers_while_rotating, tried_and_rejected
from tests.engine.test_sip_edge import Stack, edge_stack, edge_workspace  # noqa: F401
from tests.livekit_server import LiveKit

pytestmark = [pytest.mark.engine, pytest.mark.sip]


def test_keepers_rotation_updates_livekit_in_place_with_no_rejected_register(
    edge_stack: Stack,  # noqa: F811 (the fixture imported above)
    livekit: LiveKit,
) -> None:
    api = livekit.api()
    ws = edge_workspace(edge_stack, PROGRAMS / "livekit")
    ws.config(livekit.config, secret=("livekit:apiSecret",))
    ws.up()
    realm = ws.outputs()["sip_realm"]
    (before,) = api.outbound_trunks()
    assert before.address == edge_stack.edge.tls_edge
    assert before.transport == sip.SIPTransport.SIP_TRANSPORT_TLS
    ca_file = str(edge_stack.edge.ca_file)

    def register_as_livekit() -> tuple[str, str]:
        (held,) = api.outbound_trunks()  # what LiveKit would dial out with right now
        result = verify_credential(
            held.address,
            "tls",
            realm,
            held.auth_username,
            held.auth_password,
            ca_file=ca_file,
            timeout=3.0,
        )
        return held.auth_username, result.outcome

    assert register_as_livekit() == (before.auth_username, "accepted")
    livekit.proxy.reset()  # the loop reads LiveKit directly, not through the proxy
    outcomes = registers_while_rotating(ws, {"t:keepers": "2"}, register_as_livekit)

    (after,) = api.outbound_trunks()
    tried, rejected = tried_and_rejected("livekit", outcomes)
    assert rejected == 0, outcomes
    assert tried >= 30
    assert after.sip_trunk_id == before.sip_trunk_id  # updated in place, not replaced
    assert after.auth_username != before.auth_username
    assert after.auth_username == ws.outputs()["sip_username"]
    assert outcomes[(before.auth_username, "accepted")] > 0
    assert outcomes[(after.auth_username, "accepted")] > 0
    assert livekit.proxy.calls["UpdateSIPOutboundTrunk"] == 1
    assert livekit.proxy.calls["CreateSIPOutboundTrunk"] == 0

    edge = edge_stack.edge.tls_edge
    old = verify_credential(
        edge, "tls", realm, before.auth_username, before.auth_password, ca_file=ca_file
    )
    assert old.outcome == "rejected"
    assert register_as_livekit() == (after.auth_username, "accepted")
