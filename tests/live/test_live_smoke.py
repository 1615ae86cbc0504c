"""Against real Exotel: only with EXOTEL_LIVE=1 and EXOTEL_API_KEY/TOKEN/ACCOUNT_SID set.

Creates a uniquely named trunk with one credential, reads them back, and deletes them, so
an account is left as it was. Never runs in CI (no network here).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("EXOTEL_LIVE") != "1", reason="set EXOTEL_LIVE=1 to run"),
]


@pytest.fixture
def client() -> Iterator[ExotelClient]:
    with ExotelClient(ExotelSettings.load()) as live:
        yield live


def test_trunk_and_credential_round_trip(client: ExotelClient) -> None:
    name = f"pe_live_{secrets.token_hex(3)}"
    trunk = client.create_trunk(name)
    try:
        assert client.find_trunk(name) is not None
        cred = client.create_digest_credential(
            trunk.trunk_sid, f"{name}_u", secrets.token_urlsafe(24).replace("-", "_")
        )
        listed = client.list_digest_credentials(trunk.trunk_sid)
        assert [c.id for c in listed] == [cred.id]
        client.delete_digest_credential(trunk.trunk_sid, cred.id)
    finally:
        client.delete_trunk(trunk.trunk_sid)
    assert client.find_trunk(name) is None
