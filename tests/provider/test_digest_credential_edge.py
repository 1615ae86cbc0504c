"""``verify_at_edge`` for real: the emulator provisions a local Kamailio edge, and the provider
proves the new credential with a REGISTER over TLS (skipped where Kamailio is not installed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import CONFIG_KEYS
from pulumi_exotel.edge import KamailioEdge, KamailioNotFound, SubscriberStore, find_kamailio
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from pulumi_exotel.resources import digest_credential
from pulumi_exotel.resources.base import ExotelProviderError, configure_stack
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from tests.conftest import settings_for
from tests.provider.conftest import Engine, configure

pytestmark = [pytest.mark.provider, pytest.mark.sip]

PASSWORD = "Edge_Checked_Pass_1"


class SwitchableSink:
    """The edge's subscriber store, with a switch that stops credentials reaching it."""

    def __init__(self, store: SubscriberStore) -> None:
        self.store = store
        self.provisioning = True

    def upsert(self, user_name: str, realm: str, password: str) -> None:
        if self.provisioning:
            self.store.upsert(user_name, realm, password)

    def delete(self, user_name: str, realm: str) -> None:
        self.store.delete(user_name, realm)

    def replace_all(self, credentials: Sequence[tuple[str, str, str]]) -> None:
        self.store.replace_all(credentials if self.provisioning else [])


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EmulatorServer, KamailioEdge, SwitchableSink]]:
    try:
        find_kamailio()
    except KamailioNotFound as exc:
        pytest.skip(str(exc))
    root: Path = tmp_path_factory.mktemp("edge-world")
    with SubscriberStore(root / "subscribers.sqlite") as store:
        sink = SwitchableSink(store)
        with (
            KamailioEdge(root / "edge", store.db_path) as edge,
            EmulatorServer(
                root / "exotel.sqlite", [DEFAULT_ACCOUNT], credential_sink=sink
            ) as server,
        ):
            yield server, edge, sink


@pytest.fixture
def setup(
    world: tuple[EmulatorServer, KamailioEdge, SwitchableSink], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, ExotelClient, str, SwitchableSink]]:
    server, edge, sink = world
    for _key, env in CONFIG_KEYS.values():
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setattr(digest_credential, "_VERIFY_PAUSE_SECONDS", 0.0)
    settings = settings_for(server)
    config: dict[str, Any] = {
        "exotel:apiKey": settings.api_key,
        "exotel:apiToken": DEFAULT_ACCOUNT.api_token,
        "exotel:accountSid": settings.account_sid,
        "exotel:baseUrl": server.base_url,
        "exotel:edgeHost": edge.host,
        "exotel:edgeTcpPort": str(edge.tcp_port),
        "exotel:edgeTlsPort": str(edge.tls_port),
        "exotel:edgeCaFile": str(edge.ca_file),
    }
    provider = DigestCredentialProvider()
    configure(provider, config)
    api = ExotelClient(settings)
    trunk = api.create_trunk(f"edge_{len(api.list_trunks())}")
    sink.provisioning = True
    yield Engine(provider), api, trunk.trunk_sid, sink
    sink.provisioning = True
    configure_stack({})


def test_a_new_credential_is_proven_at_the_edge(
    setup: tuple[Engine, ExotelClient, str, SwitchableSink],
) -> None:
    credentials, api, trunk_sid, _sink = setup
    id_, outs = credentials.create(
        {"trunk_sid": trunk_sid, "user_name_prefix": "edge", "verify_at_edge": True}
    )
    assert outs["verify_at_edge"] is True
    assert [c.id for c in api.list_digest_credentials(trunk_sid)] == [outs["credential_id"]]


def test_a_credential_the_edge_refuses_is_not_kept(
    setup: tuple[Engine, ExotelClient, str, SwitchableSink],
) -> None:
    credentials, api, trunk_sid, sink = setup
    sink.provisioning = False  # Exotel says yes, the edge never hears of it
    with pytest.raises(ExotelProviderError) as caught:
        credentials.create(
            {
                "trunk_sid": trunk_sid,
                "user_name": "edge_user",
                "password": PASSWORD,
                "verify_at_edge": True,
            }
        )
    message = str(caught.value)
    assert "did not accept credential 'edge_user'" in message
    assert "rejected" in message
    assert PASSWORD not in message
    assert api.list_digest_credentials(trunk_sid) == []
