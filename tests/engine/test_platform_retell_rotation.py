"""Gap-free rotation end to end, Retell side on its twin: while one `pulumi up` rotates the
Exotel digest credential, a loop keeps reading the credential Retell currently holds (from the
twin's store: Retell's API never returns passwords) and REGISTERs with it at the local Kamailio
edge. No REGISTER may be rejected, and afterwards the old password is."""

from __future__ import annotations

import pytest

pytest.importorskip("retell")

from pulumi_exotel.sip import verify_credential  # noqa: E402
from pulumi_exotel.twins.retell import RetellTwin  # noqa: E402
from tests.engine.conftest import EXAMPLES  # noqa: E402
from tests.engine.rotation import registers_while_rotating, tried_and_rejected  # noqa: E402
from tests.engine.test_sip_edge import Stack, edge_stack, edge_workspace  # noqa: E402, F401
from tests.twin_fixtures import twin_fixture  # noqa: E402

pytestmark = [pytest.mark.engine, pytest.mark.sip]

KEY = "retell-rotation-key"
NUMBER = "+918047091260"


twin = twin_fixture(lambda: RetellTwin(KEY), scope="function")


def test_keepers_rotation_through_retell_rejects_no_registration(
    edge_stack: Stack,  # noqa: F811
    twin: RetellTwin,
) -> None:
    ws = edge_workspace(edge_stack, EXAMPLES / "retell-end-to-end")
    ws.config({"retell:baseUrl": twin.base_url, "transport": "tcp"})
    ws.config({"retell:apiKey": KEY}, secret=("retell:apiKey",))
    ws.up()
    realm = ws.outputs()["sip_realm"]
    old_user, old_password = twin.credential(NUMBER)
    assert old_user == ws.outputs()["sip_username"] and old_password

    def register() -> tuple[str, str]:
        user, password = twin.credential(NUMBER)
        result = verify_credential(
            edge_stack.edge.tcp_edge, "tcp", realm, user or "", password or "", timeout=3.0
        )
        return user or "", result.outcome

    outcomes = registers_while_rotating(ws, {"rotation": "2"}, register)

    new_user, new_password = twin.credential(NUMBER)
    assert new_user == ws.outputs()["sip_username"] != old_user
    tried, rejected = tried_and_rejected("retell", outcomes)
    assert tried >= 50
    assert rejected == 0, outcomes
    assert outcomes[(old_user, "accepted")] > 0 and outcomes[(new_user, "accepted")] > 0

    edge = edge_stack.edge.tcp_edge
    assert verify_credential(edge, "tcp", realm, old_user, old_password).outcome == "rejected"
    assert verify_credential(edge, "tcp", realm, new_user, new_password or "").outcome == "accepted"
