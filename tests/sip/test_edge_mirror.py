"""The local SIP edge authenticates exactly the credentials the emulator's API holds.

Real Kamailio reading the subscriber table the emulator writes. The scenario a user meets: the
emulator runs with the edge (`--sip-edge`), later without it while a credential is deleted,
then with the edge again. The deleted credential must no longer authenticate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from pulumi_exotel.sip import verify_credential
from tests.conftest import account_client, create_trunk, ok_data
from tests.tools import require_kamailio

pytestmark = pytest.mark.sip

REALM = f"{DEFAULT_ACCOUNT.sid}.pstn.exotel.com"
KEPT, GONE = ("kept_user", "Kept_pass_123"), ("gone_user", "Gone_pass_123")


@contextmanager
def emulator_with_edge(root: Path) -> Iterator[tuple[httpx.Client, KamailioEdge]]:
    """What `pulumi-exotel emulator --sip-edge` runs: Kamailio on a subscriber table the
    emulator provisions, both in ``root``."""
    with (
        SubscriberStore(root / "sip-edge" / "subscribers.sqlite") as store,
        KamailioEdge(root / "sip-edge", store.db_path) as edge,
        EmulatorServer(root / "exotel.sqlite", credential_sink=store) as server,
        account_client(server) as client,
    ):
        yield client, edge


def outcome(edge: KamailioEdge, user: tuple[str, str]) -> str:
    return verify_credential(edge.tcp_edge, "tcp", REALM, *user).outcome


def test_a_credential_deleted_while_the_edge_was_away_is_rejected_when_it_is_back(
    tmp_path: Path,
) -> None:
    require_kamailio()
    with emulator_with_edge(tmp_path) as (client, edge):
        trunk = create_trunk(client, "mirror")
        for user_name, password in (KEPT, GONE):
            ok_data(
                client.post(
                    f"/trunks/{trunk}/credentials",
                    json={"user_name": user_name, "password": password},
                )
            )
        assert outcome(edge, GONE) == "accepted"

    # The emulator alone (no --sip-edge): the API deletes the credential, no edge hears of it.
    with (
        EmulatorServer(tmp_path / "exotel.sqlite") as server,
        account_client(server) as client,
    ):
        listing = client.get(f"/trunks/{trunk}/credentials").json()["response"]
        gone_id = next(
            item["data"]["id"] for item in listing if item["data"]["user_name"] == GONE[0]
        )
        ok_data(client.delete(f"/trunks/{trunk}/credentials", params={"id": gone_id}))

    with emulator_with_edge(tmp_path) as (_client, edge):
        assert outcome(edge, GONE) == "rejected"
        assert outcome(edge, KEPT) == "accepted"
