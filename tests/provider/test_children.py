"""What every child of a trunk (DID mapping, ACL entry, destination, digest credential) does the
same way against the emulator: an object deleted outside Pulumi reads as gone, and a create whose
answer was lost still ends with exactly one object. Each kind's own rules are in its own file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider


@dataclass(frozen=True)
class Kind:
    """One kind of child as a test drives it: its engine fixture, the inputs of one object, the
    output holding its Exotel id, the API path its POST goes to, and the API's list and delete."""

    engine: str
    news: dict[str, Any]
    id_key: str
    post_path: str
    list: Callable[[ExotelClient, str], Sequence[Any]]
    delete: Callable[[ExotelClient, str, str], None]


KINDS = {
    "phone_mapping": Kind(
        "mappings",
        {"phone_number": "+918047091234", "mode": "flow"},
        "mapping_id",
        "/phone-numbers$",
        ExotelClient.list_phone_mappings,
        ExotelClient.delete_phone_mapping,
    ),
    "whitelisted_ip": Kind(
        "acls",
        {"ip": "44.248.146.11"},
        "acl_id",
        "/whitelisted-ips$",
        ExotelClient.list_whitelisted_ips,
        ExotelClient.delete_whitelisted_ip,
    ),
    "destination_uri": Kind(
        "destinations",
        {"destination": "sip.example.com:5061;transport=tls"},
        "destination_id",
        "/destination-uris$",
        ExotelClient.list_destination_uris,
        ExotelClient.delete_destination_uri,
    ),
    "credential_fixed_name": Kind(
        "credentials",
        {"user_name": "livekit_prod", "password": "Correct_Horse_Battery_9"},
        "credential_id",
        "/credentials$",
        ExotelClient.list_digest_credentials,
        ExotelClient.delete_digest_credential,
    ),
    "credential_generated_name": Kind(
        "credentials",
        {"user_name_prefix": "livekit"},
        "credential_id",
        "/credentials$",
        ExotelClient.list_digest_credentials,
        ExotelClient.delete_digest_credential,
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


def test_out_of_band_delete_reads_as_gone_and_delete_is_idempotent(
    kind: Kind, request: pytest.FixtureRequest, trunk_sid: str, api: ExotelClient
) -> None:
    engine: Engine = request.getfixturevalue(kind.engine)
    id_, outs = engine.create({"trunk_sid": trunk_sid, **kind.news})
    kind.delete(api, trunk_sid, outs[kind.id_key])
    assert engine.read(id_, outs) == ("", {})
    engine.delete(id_, outs)
    engine.delete(id_, outs)


def test_a_lost_create_response_still_ends_with_one_object(
    kind: Kind, request: pytest.FixtureRequest, trunk_sid: str, api: ExotelClient, stats: Stats
) -> None:
    engine: Engine = request.getfixturevalue(kind.engine)
    stats.fault("drop_response", "POST", kind.post_path)
    id_, outs = engine.create({"trunk_sid": trunk_sid, **kind.news})
    assert [entry.id for entry in kind.list(api, trunk_sid)] == [outs[kind.id_key]]
    # ... and it is the object asked for, as Exotel holds it.
    assert {key: outs[key] for key in kind.news} == kind.news
    assert engine.read(id_, outs) == (id_, outs)
