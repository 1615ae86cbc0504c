"""Gap-free rotation end to end, Vapi side on its twin: while one `pulumi up` rotates the Exotel
digest credential, a loop keeps reading what Vapi would dial with right now (the credential's
gateway and digest user from the API, the password from the twin's store: Vapi never returns
it) and REGISTERs with it over TLS at the local Kamailio edge. None may be rejected, and
afterwards the old password is."""

from __future__ import annotations

import httpx
import pytest

pytest.importorskip("vapi", reason="the Vapi resources need vapi-server-sdk (the vapi extra)")

from pulumi_exotel.sip import verify_credential  # noqa: E402
from pulumi_exotel.twins.vapi import VapiTwinServer  # noqa: E402
from tests.engine.conftest import EXAMPLES  # noqa: E402
from tests.engine.rotation import registers_while_rotating, tried_and_rejected  # noqa: E402
from tests.engine.test_sip_edge import Stack, edge_stack, edge_workspace  # noqa: E402, F401
from tests.twin_fixtures import twin_fixture  # noqa: E402

pytestmark = [pytest.mark.engine, pytest.mark.sip]

KEY = "vapi-rotation-key"


twin = twin_fixture(lambda: VapiTwinServer(token=KEY), scope="function")


def held_by_vapi(twin: VapiTwinServer) -> tuple[str, str, str]:
    """``(gateway host:port, user, password)`` of the one credential Vapi holds."""
    [credential] = httpx.get(
        f"{twin.base_url}/credential", headers={"Authorization": f"Bearer {KEY}"}
    ).json()
    stored = httpx.get(f"{twin.base_url}/_twin/credential/{credential['id']}").json()
    [gateway] = stored["gateways"]
    assert gateway["outboundProtocol"] == "tls"
    plan = stored["outboundAuthenticationPlan"]
    # The SDK types the port as a float, so it travels as 443.0.
    edge = f"{gateway['ip']}:{int(gateway['port'])}"
    return edge, plan["authUsername"], plan["authPassword"]


def test_keepers_rotation_through_vapi_rejects_no_registration(
    edge_stack: Stack,  # noqa: F811 (the fixture imported above)
    twin: VapiTwinServer,
) -> None:
    ws = edge_workspace(edge_stack, EXAMPLES / "vapi-end-to-end")
    ws.config({"vapi:baseUrl": twin.base_url})
    ws.config({"vapi:apiKey": KEY}, secret=("vapi:apiKey",))
    ws.up()
    realm = ws.outputs()["sip_realm"]
    ca_file = str(edge_stack.edge.ca_file)
    gateway, old_user, old_password = held_by_vapi(twin)
    assert gateway == edge_stack.edge.tls_edge
    assert old_user == ws.outputs()["sip_username"]

    def register_as_vapi() -> tuple[str, str]:
        edge, user, password = held_by_vapi(twin)
        result = verify_credential(edge, "tls", realm, user, password, ca_file=ca_file, timeout=3.0)
        return user, result.outcome

    outcomes = registers_while_rotating(ws, {"rotation": "2026-12"}, register_as_vapi)

    _, new_user, new_password = held_by_vapi(twin)
    tried, rejected = tried_and_rejected("vapi", outcomes)
    assert rejected == 0, outcomes
    assert tried >= 10  # enough to span the update; both users must appear (below)
    assert new_user == ws.outputs()["sip_username"] != old_user
    assert outcomes[(old_user, "accepted")] > 0 and outcomes[(new_user, "accepted")] > 0

    edge = edge_stack.edge.tls_edge
    old = verify_credential(edge, "tls", realm, old_user, old_password, ca_file=ca_file)
    assert old.outcome == "rejected"
    assert register_as_vapi() == (new_user, "accepted")
    assert new_password != old_password
