"""Every client method against the emulator over loopback HTTP: create, read, update, delete."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pulumi_exotel.client import ExotelClient, NotFound, Trunk
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.server import EmulatorServer

pytestmark = pytest.mark.api


@pytest.fixture
def trunk(client: ExotelClient) -> Trunk:
    return client.create_trunk("client_trunk")


def requests_to(emulator: EmulatorServer, method: str, template: str) -> int:
    stats = httpx.get(f"{emulator.base_url}/_emulator/stats").json()
    count: int = stats["by_route"].get(f"{method} /v2/accounts/{{account_sid}}{template}", 0)
    return count


# --- trunks ----------------------------------------------------------------------------------


def test_trunk_create_list_get_find_update_delete(client: ExotelClient) -> None:
    created = client.create_trunk("alpha_trunk")

    assert created.trunk_sid.startswith("trmum")
    assert created.domain_name == f"{client.settings.account_sid}.pstn.exotel.com"
    assert created.nso_code == "ANY-ANY"
    assert created.status == "active"
    assert [t.trunk_sid for t in client.list_trunks()] == [created.trunk_sid]
    assert client.get_trunk(created.trunk_sid) == created
    assert client.find_trunk("alpha_trunk") == created
    assert client.find_trunk("beta_trunk") is None

    renamed = client.update_trunk(created.trunk_sid, trunk_name="beta_trunk")

    assert renamed.trunk_name == "beta_trunk"
    assert client.find_trunk("beta_trunk") is not None

    client.delete_trunk(created.trunk_sid)

    assert client.list_trunks() == []
    with pytest.raises(NotFound):
        client.get_trunk(created.trunk_sid)
    with pytest.raises(NotFound):
        client.delete_trunk(created.trunk_sid)


def test_list_trunks_filters_by_trunk_sid(client: ExotelClient) -> None:
    first = client.create_trunk("first")
    client.create_trunk("second")

    assert client.list_trunks(trunk_sid=first.trunk_sid) == [first]
    assert len(client.list_trunks()) == 2


# --- phone mappings --------------------------------------------------------------------------


def test_phone_mapping_lifecycle(client: ExotelClient, trunk: Trunk) -> None:
    sid = trunk.trunk_sid
    created = client.create_phone_mapping(sid, "+919876543210")

    assert created.mode == "pstn"
    assert created.trunk_sid == sid
    assert created.id.isdigit()
    assert client.list_phone_mappings(sid) == [created]
    assert client.find_phone_mapping(sid, "+919876543210") == created
    assert client.find_phone_mapping(sid, "+919876543211") is None

    updated = client.update_phone_mapping(
        sid, created.id, phone_number="+919876543210", mode="flow"
    )

    assert updated.mode == "flow"
    assert client.list_phone_mappings(sid)[0].mode == "flow"

    client.delete_phone_mapping(sid, created.id)

    assert client.list_phone_mappings(sid) == []
    with pytest.raises(NotFound):
        client.delete_phone_mapping(sid, created.id)


def test_listing_pages_past_fifty_items(
    client: ExotelClient, trunk: Trunk, emulator: EmulatorServer
) -> None:
    numbers = [f"+9198765{i:05d}" for i in range(57)]
    for number in numbers:
        client.create_phone_mapping(trunk.trunk_sid, number)
    httpx.post(f"{emulator.base_url}/_emulator/stats/reset").raise_for_status()

    listed = client.list_phone_mappings(trunk.trunk_sid)

    assert sorted(m.phone_number for m in listed) == numbers
    assert len({m.id for m in listed}) == 57
    assert requests_to(emulator, "GET", "/trunks/{trunk_sid}/phone-numbers") == 2


# --- whitelisted IPs -------------------------------------------------------------------------


def test_whitelisted_ip_lifecycle(client: ExotelClient, trunk: Trunk) -> None:
    sid = trunk.trunk_sid
    created = client.create_whitelisted_ip(sid, "44.248.146.11")

    assert (created.ip, created.mask, created.trunk_sid) == ("44.248.146.11", 32, sid)
    assert client.list_whitelisted_ips(sid) == [created]
    assert client.find_whitelisted_ip(sid, "44.248.146.11") == created
    assert client.find_whitelisted_ip(sid, "44.248.146.12") is None

    client.delete_whitelisted_ip(sid, created.id)

    assert client.list_whitelisted_ips(sid) == []
    with pytest.raises(NotFound):
        client.delete_whitelisted_ip(sid, created.id)


# --- destination URIs ------------------------------------------------------------------------


def test_destination_uri_lifecycle(client: ExotelClient, trunk: Trunk) -> None:
    sid = trunk.trunk_sid
    client.create_whitelisted_ip(sid, "44.248.146.11")
    created = client.create_destination_uri(sid, "44.248.146.11:5061;transport=tls")

    assert created.destination == "sip:44.248.146.11:5061;transport=tls"
    assert (created.type, created.priority, created.weight) == ("public", 0, 1)
    assert client.list_destination_uris(sid) == [created]
    assert client.find_destination_uri(sid, "SIP:44.248.146.11:5061;transport=TLS") == created
    assert client.find_destination_uri(sid, "44.248.146.11:5060;transport=tcp") is None

    updated = client.update_destination_uri(sid, created.id, priority=2, weight=7)

    assert (updated.priority, updated.weight) == (2, 7)
    assert updated.destination == created.destination

    client.delete_destination_uri(sid, created.id)

    assert client.list_destination_uris(sid) == []
    with pytest.raises(NotFound):
        client.delete_destination_uri(sid, created.id)


def test_fqdn_destination_needs_no_acl(client: ExotelClient, trunk: Trunk) -> None:
    created = client.create_destination_uri(trunk.trunk_sid, "sbc.example.com:5060;transport=tcp")

    assert created.normalized == "sbc.example.com:5060;transport=tcp"


# --- digest credentials ----------------------------------------------------------------------


def test_digest_credential_lifecycle(client: ExotelClient, trunk: Trunk) -> None:
    sid = trunk.trunk_sid
    created = client.create_digest_credential(
        sid, "agent_1", "Str0ngPassword_1", friendly_name="livekit"
    )

    assert (created.user_name, created.friendly_name, created.trunk_sid) == (
        "agent_1",
        "livekit",
        sid,
    )
    assert "Str0ngPassword_1" not in repr(created)
    assert client.list_digest_credentials(sid) == [created]
    assert client.list_digest_credentials(sid, credential_id=created.id) == [created]
    assert client.get_digest_credential(sid, created.id) == created
    assert client.find_digest_credential(sid, "agent_1") == created
    assert client.find_digest_credential(sid, "agent_2") is None

    updated = client.update_digest_credential(
        sid, created.id, password="N3wPassword_2", friendly_name="retell"
    )

    assert (updated.user_name, updated.friendly_name) == ("agent_1", "retell")

    client.delete_digest_credential(sid, created.id)

    assert client.list_digest_credentials(sid) == []
    with pytest.raises(NotFound):
        client.get_digest_credential(sid, created.id)
    with pytest.raises(NotFound):
        client.delete_digest_credential(sid, created.id)


# --- trunk settings --------------------------------------------------------------------------


def test_trunk_settings_set_list_overwrite_delete(client: ExotelClient, trunk: Trunk) -> None:
    sid = trunk.trunk_sid
    alias = "trunk_external_alias"

    (created,) = client.set_trunk_settings(sid, {alias: "+911234567890"})

    assert (created.name, created.value) == (alias, "+911234567890")
    assert client.list_trunk_settings(sid) == [created]

    client.set_trunk_settings(sid, {alias: "+911234567891"})

    found = client.find_trunk_setting(sid, alias)
    assert found is not None and found.value == "+911234567891"

    client.delete_trunk_setting(sid, alias)

    assert client.find_trunk_setting(sid, alias) is None
    with pytest.raises(NotFound):
        client.delete_trunk_setting(sid, alias)


# --- sharing ---------------------------------------------------------------------------------


def test_four_threads_share_one_client(client: ExotelClient, trunk: Trunk) -> None:
    numbers = [f"+9180000{i:05d}" for i in range(24)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(lambda n: client.create_phone_mapping(trunk.trunk_sid, n), numbers))

    assert [m.phone_number for m in created] == numbers
    assert len({m.id for m in created}) == 24
    assert len(client.list_phone_mappings(trunk.trunk_sid)) == 24


def test_clients_of_one_account_share_one_limiter(emulator_settings: ExotelSettings) -> None:
    with ExotelClient(emulator_settings) as a, ExotelClient(emulator_settings) as b:
        assert a.limiter is b.limiter
