"""Every documented Exotel error and quirk, provoked in the emulator and read by the client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.client import (
    AuthFailed,
    BatchItemError,
    Duplicate,
    ExotelClient,
    Forbidden,
    InvalidParameter,
    InvalidRequestBody,
    MissingParameter,
    NotFound,
    RetryPolicy,
    Trunk,
    UnsupportedContentType,
)
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import settings_for

pytestmark = pytest.mark.api


@pytest.fixture
def trunk(client: ExotelClient) -> Trunk:
    return client.create_trunk("errors_trunk")


def api_requests(emulator: EmulatorServer) -> int:
    total: int = httpx.get(f"{emulator.base_url}/_emulator/stats").json()["total"]
    return total


def test_wrong_token_is_auth_failed_and_not_retried(
    emulator: EmulatorServer, emulator_settings: ExotelSettings
) -> None:
    wrong = ExotelSettings(**{**emulator_settings.model_dump(), "api_token": "not_the_token"})

    with ExotelClient(wrong) as client, pytest.raises(AuthFailed) as info:
        client.list_trunks()

    assert (info.value.http_status, info.value.code) == (401, 1010)
    assert "not_the_token" not in str(info.value)
    assert api_requests(emulator) == 1


def test_unknown_trunk_is_not_found_1000(client: ExotelClient) -> None:
    with pytest.raises(NotFound) as info:
        client.create_phone_mapping("trmum1000000000000000000000a1n", "+919876543210")

    assert (info.value.http_status, info.value.code) == (404, 1000)


def test_missing_parameter_is_1001(client: ExotelClient, trunk: Trunk) -> None:
    with pytest.raises(MissingParameter) as info:
        client.create_digest_credential(trunk.trunk_sid, "", "Str0ngPassword_1")

    assert info.value.code == 1001
    assert info.value.description == "UserName is mandatory"


def test_invalid_parameter_is_1002_with_exotels_description(client: ExotelClient) -> None:
    with pytest.raises(InvalidParameter) as info:
        client.create_trunk("this_name_is_far_too_long")

    assert info.value.code == 1002
    assert info.value.description == "Maximum allowed length for TrunkName is 16"


def test_unparseable_body_is_1007(client: ExotelClient, trunk: Trunk) -> None:
    with pytest.raises(InvalidRequestBody) as info:
        client.create_whitelisted_ip(trunk.trunk_sid, "44.248.146.11", mask=-1)

    assert info.value.code == 1007
    assert "uint8" in (info.value.description or "")


def test_duplicate_mapping_arrives_in_http_200_and_is_duplicate(
    client: ExotelClient, trunk: Trunk
) -> None:
    client.create_phone_mapping(trunk.trunk_sid, "+919876543210")

    with pytest.raises(Duplicate) as info:
        client.create_phone_mapping(trunk.trunk_sid, "+919876543210")

    assert (info.value.http_status, info.value.code) == (200, 1008)
    assert trunk.trunk_sid in str(info.value)


def test_duplicate_acl_and_trunk_name_are_duplicate(client: ExotelClient, trunk: Trunk) -> None:
    client.create_whitelisted_ip(trunk.trunk_sid, "44.248.146.10")

    with pytest.raises(Duplicate):
        client.create_whitelisted_ip(trunk.trunk_sid, "44.248.146.10")
    with pytest.raises(Duplicate):
        client.create_trunk(trunk.trunk_name)
    assert len(client.list_whitelisted_ips(trunk.trunk_sid)) == 1


def test_wrong_content_type_is_1011(client: ExotelClient, emulator: EmulatorServer) -> None:
    # The client always sends JSON, so the wrong type is sent by hand and the answer is read
    # through the client's own choke point.
    response = httpx.post(
        f"{emulator.base_url}/v2/accounts/{DEFAULT_ACCOUNT.sid}/trunks",
        content=b"trunk_name=x",
        headers={"Content-Type": "text/plain"},
        auth=(DEFAULT_ACCOUNT.api_key, DEFAULT_ACCOUNT.api_token),
    )

    with pytest.raises(UnsupportedContentType) as info:
        client._core.unwrap(response)

    assert (info.value.http_status, info.value.code) == (415, 1011)
    assert info.value.description == "text/plain"


def test_destination_not_whitelisted_is_a_207_item_failure(
    client: ExotelClient, trunk: Trunk
) -> None:
    with pytest.raises(BatchItemError) as info:
        client.create_destination_uri(trunk.trunk_sid, "44.248.146.99:5061;transport=tls")

    assert isinstance(info.value, InvalidParameter)
    assert info.value.http_status == 207
    assert info.value.index == 0
    assert info.value.description == "Destination not whitelisted"
    assert client.list_destination_uris(trunk.trunk_sid) == []


def test_private_destination_is_not_a_valid_ip_or_fqdn(client: ExotelClient, trunk: Trunk) -> None:
    with pytest.raises(InvalidParameter) as info:
        client.create_destination_uri(trunk.trunk_sid, "10.0.0.1:5061;transport=tls")

    assert info.value.description == "Destination is not a valid Ip or Fqdn"


@pytest.fixture(scope="module")
def strict_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """An emulator switched to the other documented variants: 403/1003 and a real HTTP 409."""
    db = Path(tmp_path_factory.mktemp("strict")) / "exotel.sqlite"
    with EmulatorServer(db, unknown_trunk_403=True, duplicate_trunk_http_409=True) as server:
        yield server


@pytest.fixture
def strict_client(strict_emulator: EmulatorServer) -> Iterator[ExotelClient]:
    settings = settings_for(strict_emulator, rate_limit_per_minute=100_000)
    httpx.post(f"{strict_emulator.base_url}/_emulator/reset").raise_for_status()
    with ExotelClient(settings, retry_policy=RetryPolicy(initial_backoff=0.05)) as client:
        yield client


def test_foreign_trunk_variant_is_forbidden_1003(strict_client: ExotelClient) -> None:
    with pytest.raises(Forbidden) as info:
        strict_client.create_whitelisted_ip("trmum1000000000000000000000a1n", "44.248.146.11")

    assert (info.value.http_status, info.value.code) == (403, 1003)


def test_duplicate_trunk_as_a_real_409_is_duplicate(strict_client: ExotelClient) -> None:
    strict_client.create_trunk("twice")

    with pytest.raises(Duplicate) as info:
        strict_client.create_trunk("twice")

    assert (info.value.http_status, info.value.code) == (409, 1008)
