"""DestinationUriProvider against the emulator: inbound destinations, their routing and the ACL."""

from __future__ import annotations

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.base import ExotelProviderError
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider

FQDN_DEST = "sip.example.com:5061;transport=tls"
IP = "44.248.146.11"
IP_DEST = f"{IP}:5061;transport=tls"
OTHER_DEST = "sip9.example.com:5061;transport=tls"


@pytest.mark.parametrize(
    ("news", "field", "words"),
    [
        ({"destination": "sip.example.com:5060;transport=udp"}, "destination", "no UDP"),
        ({"destination": "sip.example.com:5061"}, "destination", "host:port;transport=tls"),
        ({"destination": "10.0.0.9:5061;transport=tls"}, "destination", "public IPv4"),
        ({"destination": FQDN_DEST, "priority": -1}, "priority", "between 0 and 65535"),
        ({"destination": FQDN_DEST, "weight": 0}, "weight", "between 1 and 65535"),
        ({"destination": FQDN_DEST, "whitelisted_ip": "1153"}, "whitelisted_ip", "<acl_id>"),
        (
            {"destination": FQDN_DEST, "whitelisted_ip": "trmum1other/1153"},
            "whitelisted_ip",
            "ACL entry of trunk trmum1other",
        ),
    ],
)
def test_check_refuses_bad_inputs_before_any_request(
    destinations: Engine,
    stats: Stats,
    trunk_sid: str,
    news: dict[str, object],
    field: str,
    words: str,
) -> None:
    stats.reset()
    failures = destinations.failures({"trunk_sid": trunk_sid, **news})
    assert list(failures) == [field]
    assert words in failures[field]
    assert stats.total() == 0


def test_check_normalises_the_destination(destinations: Engine, stats: Stats) -> None:
    inputs = destinations.check(
        {"trunk_sid": "trmum1abc", "destination": "SIP:Sip.Example.com:5061;transport=TLS"}
    )
    assert inputs["destination"] == FQDN_DEST
    assert (inputs["priority"], inputs["weight"]) == (0, 1)
    assert stats.total() == 0


def test_create_sets_routing_and_read_agrees(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    id_, outs = destinations.create(
        {"trunk_sid": trunk_sid, "destination": FQDN_DEST, "priority": 5, "weight": 3}
    )
    assert id_ == f"{trunk_sid}/{outs['destination_id']}"
    assert (outs["destination"], outs["priority"], outs["weight"]) == (FQDN_DEST, 5, 3)
    assert outs["type"] == "public"
    [entry] = api.list_destination_uris(trunk_sid)
    assert (entry.destination, entry.priority, entry.weight) == (f"sip:{FQDN_DEST}", 5, 3)
    assert destinations.read(id_, outs) == (id_, outs)


def test_diff_is_local_and_says_update_or_replace(
    destinations: Engine, trunk_sid: str, stats: Stats
) -> None:
    news = {"trunk_sid": trunk_sid, "destination": FQDN_DEST}
    id_, outs = destinations.create(news)
    stats.reset()
    as_stored = destinations.diff(id_, outs, {**news, "destination": f"sip:{FQDN_DEST.upper()}"})
    assert as_stored.changes is False
    rerouted = destinations.diff(id_, outs, {**news, "priority": 1, "weight": 9})
    assert (rerouted.changes, rerouted.replaces) == (True, [])
    moved = destinations.diff(
        id_, outs, {**news, "destination": "sip2.example.com:5061;transport=tls"}
    )
    assert moved.replaces == ["destination"]
    assert moved.delete_before_replace is False
    ordering_only = destinations.diff(id_, outs, {**news, "whitelisted_ip": f"{trunk_sid}/7"})
    assert ordering_only.changes is False
    assert stats.total() == 0


def test_update_changes_priority_and_weight_in_place(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    news = {"trunk_sid": trunk_sid, "destination": FQDN_DEST}
    id_, outs = destinations.create(news)
    outs = destinations.update(id_, outs, {**news, "priority": 2, "weight": 7})
    assert outs["destination_id"] == id_.split("/")[1]
    [entry] = api.list_destination_uris(trunk_sid)
    assert (entry.id, entry.priority, entry.weight) == (outs["destination_id"], 2, 7)
    assert destinations.read(id_, outs) == (id_, outs)


def test_an_ip_destination_without_its_acl_says_what_to_add(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    with pytest.raises(ExotelProviderError) as caught:
        destinations.create({"trunk_sid": trunk_sid, "destination": IP_DEST})
    message = str(caught.value)
    assert f'exotel.WhitelistedIp("...", trunk_sid=<the trunk>.trunk_sid, ip="{IP}")' in message
    assert "whitelisted_ip=" in message
    assert "Exotel code 1002" in message and "request_id" in message
    assert api.list_destination_uris(trunk_sid) == []


def test_an_ip_destination_after_its_acl_is_created(
    destinations: Engine, acls: Engine, trunk_sid: str
) -> None:
    acl_id, _ = acls.create({"trunk_sid": trunk_sid, "ip": IP})
    id_, outs = destinations.create(
        {"trunk_sid": trunk_sid, "destination": f"sip:{IP_DEST}", "whitelisted_ip": acl_id}
    )
    assert outs["destination"] == IP_DEST
    assert outs["whitelisted_ip"] == acl_id
    assert destinations.read(id_, outs) == (id_, outs)


def test_an_existing_destination_is_an_error_unless_adopted(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    existing = api.create_destination_uri(trunk_sid, FQDN_DEST)
    news = {"trunk_sid": trunk_sid, "destination": FQDN_DEST, "priority": 4}
    with pytest.raises(ExotelProviderError, match="already exists.*adopt=True"):
        destinations.create(news)
    id_, outs = destinations.create({**news, "adopt": True})
    assert id_ == f"{trunk_sid}/{existing.id}"
    assert outs["priority"] == 4
    assert destinations.diff(id_, outs, news).changes is False
    assert len(api.list_destination_uris(trunk_sid)) == 1


LISTING = "GET /v2/accounts/{account_sid}/trunks/{trunk_sid}/destination-uris"
POST = "POST /v2/accounts/{account_sid}/trunks/{trunk_sid}/destination-uris"


def test_many_creates_on_a_trunk_list_it_once_and_write_once_each(
    destinations: Engine, trunk_sid: str, api: ExotelClient, stats: Stats
) -> None:
    stats.reset()
    for n in range(6):
        destinations.create(
            {"trunk_sid": trunk_sid, "destination": f"sip{n}.example.com:5061;transport=tls"}
        )
    assert stats.routes() == {LISTING: 1, POST: 6}
    assert len(api.list_destination_uris(trunk_sid)) == 6


def test_the_same_destination_twice_in_one_program_is_an_error_not_a_repeat(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    news = {"trunk_sid": trunk_sid, "destination": FQDN_DEST}
    destinations.create(news)
    with pytest.raises(ExotelProviderError, match="two DestinationUri resources") as caught:
        destinations.create({**news, "destination": f"sip:{FQDN_DEST.upper()}"})
    assert "adopt" not in str(caught.value)  # adopting would make two resources own one entry
    assert len(api.list_destination_uris(trunk_sid)) == 1


def test_a_destination_deleted_during_the_run_can_be_created_again(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    outside = api.create_destination_uri(trunk_sid, FQDN_DEST)
    destinations.create({"trunk_sid": trunk_sid, "destination": OTHER_DEST})
    api.delete_destination_uri(trunk_sid, outside.id)  # after this run listed the trunk
    id_, outs = destinations.create({"trunk_sid": trunk_sid, "destination": FQDN_DEST})
    destinations.delete(id_, outs)  # ... and one this run deleted itself
    destinations.create({"trunk_sid": trunk_sid, "destination": FQDN_DEST})
    assert sorted(e.normalized for e in api.list_destination_uris(trunk_sid)) == [
        FQDN_DEST,
        OTHER_DEST,
    ]


def test_two_resources_of_one_program_cannot_both_adopt_one_destination(
    destinations: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    api.create_destination_uri(trunk_sid, FQDN_DEST)
    news = {"trunk_sid": trunk_sid, "destination": FQDN_DEST, "adopt": True}
    destinations.create(news)
    with pytest.raises(ExotelProviderError, match="two DestinationUri resources"):
        destinations.create(news)
    assert len(api.list_destination_uris(trunk_sid)) == 1
