"""Emulator: destination URIs (batch POST with per-item results) over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import error_of, listed, ok_data

pytestmark = pytest.mark.api

IP = "44.248.146.11"
NOT_VALID = "Destination is not a valid Ip or Fqdn"


def post_destinations(client: httpx.Client, trunk_sid: str, *destinations: str) -> httpx.Response:
    return client.post(
        f"/trunks/{trunk_sid}/destination-uris",
        json={"destinations": [{"destination": d} for d in destinations]},
    )


def whitelist(client: httpx.Client, trunk_sid: str, ip: str = IP, mask: int = 32) -> None:
    ok_data(client.post(f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": ip, "mask": mask}))


def test_fqdn_destination_is_stored_with_sip_prefix(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    response = post_destinations(emulator_api, trunk_sid, "sip.example.com:5061;transport=tls")
    body = response.json()
    assert (response.status_code, body["http_code"]) == (200, 200)
    assert body["metadata"] == {"total": 1, "success": 1, "failed": 0}
    item = body["response"][0]
    assert (item["code"], item["status"], item["error_data"]) == (200, "success", None)
    data = item["data"]
    assert data["id"].isdigit()
    assert data["destination"] == "sip:sip.example.com:5061;transport=tls"
    assert (data["type"], data["priority"], data["weight"], data["trunk_sid"]) == (
        "public",
        0,
        1,
        trunk_sid,
    )


def test_ip_destination_needs_an_acl_entry_first(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    refused = post_destinations(emulator_api, trunk_sid, f"{IP}:5061;transport=tls")
    body = refused.json()
    assert (refused.status_code, body["http_code"]) == (207, 207)
    assert body["metadata"] == {"total": 1, "success": 0, "failed": 1}
    item = body["response"][0]
    assert (item["code"], item["status"], item["data"]) == (400, "failure", None)
    assert item["error_data"] == {
        "code": 1002,
        "message": "Invalid parameter",
        "description": "Destination not whitelisted",
    }
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/destination-uris")) == []

    whitelist(emulator_api, trunk_sid)
    accepted = post_destinations(emulator_api, trunk_sid, f"{IP}:5061;transport=tls")
    assert accepted.status_code == 200
    assert accepted.json()["response"][0]["data"]["destination"] == f"sip:{IP}:5061;transport=tls"


def test_an_acl_range_covers_its_addresses(emulator_api: httpx.Client, trunk_sid: str) -> None:
    whitelist(emulator_api, trunk_sid, "44.248.146.0", 24)
    assert post_destinations(emulator_api, trunk_sid, "44.248.146.77:5061").status_code == 200
    assert post_destinations(emulator_api, trunk_sid, "44.248.147.1:5061").status_code == 207


def test_mixed_batch_reports_each_item(emulator_api: httpx.Client, trunk_sid: str) -> None:
    whitelist(emulator_api, trunk_sid)
    response = post_destinations(
        emulator_api,
        trunk_sid,
        f"{IP}:5061;transport=tls",
        "10.0.0.1:5060;transport=tcp",
        "45.1.1.1:5061;transport=tls",
        "sip.example.com:5060;transport=tcp",
    )
    body = response.json()
    assert response.status_code == 207
    assert body["metadata"] == {"total": 4, "success": 2, "failed": 2}
    outcomes = [
        item["data"]["destination"]
        if item["status"] == "success"
        else item["error_data"]["description"]
        for item in body["response"]
    ]
    assert outcomes == [
        f"sip:{IP}:5061;transport=tls",
        NOT_VALID,
        "Destination not whitelisted",
        "sip:sip.example.com:5060;transport=tcp",
    ]
    assert len(listed(emulator_api.get(f"/trunks/{trunk_sid}/destination-uris"))) == 2


@pytest.mark.parametrize(
    "destination",
    [
        "192.168.1.10:5061;transport=tls",  # private
        "203.0.113.50:5061;transport=tls",  # RFC 5737 documentation range
        "127.0.0.1:5061",
        "999.1.1.1:5061",
        "localhost:5061",
        "bad_host!.com:5061",
        "sip.example.com:70000",
        "sip.example.com:5061;transport=sctp",
        "sip.example.com:5061;lr",
        "",
    ],
)
def test_invalid_destinations_fail_their_item(
    emulator_api: httpx.Client, trunk_sid: str, destination: str
) -> None:
    response = post_destinations(emulator_api, trunk_sid, destination)
    assert response.status_code == 207
    assert response.json()["response"][0]["error_data"]["description"] == NOT_VALID


def test_post_appends_even_the_same_destination(emulator_api: httpx.Client, trunk_sid: str) -> None:
    first = post_destinations(emulator_api, trunk_sid, "a.example.com:5061;transport=tls")
    second = post_destinations(emulator_api, trunk_sid, "sip:a.example.com:5061;transport=tls")
    ids = [r.json()["response"][0]["data"]["id"] for r in (first, second)]
    listing = listed(emulator_api.get(f"/trunks/{trunk_sid}/destination-uris"))
    # Newest first, as in Exotel's only sample; the sip: prefix is never doubled.
    assert [d["id"] for d in listing] == list(reversed(ids))
    assert {d["destination"] for d in listing} == {"sip:a.example.com:5061;transport=tls"}


def test_udp_destination_is_accepted(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = post_destinations(emulator_api, trunk_sid, "sip.example.com:5060")
    assert response.json()["response"][0]["data"]["destination"] == "sip:sip.example.com:5060"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (400, 400, 1001, "Destinations is mandatory")),
        ({"destinations": []}, (400, 400, 1001, "Destinations is mandatory")),
        (
            {"destinations": "sip.example.com"},
            (
                400,
                400,
                1007,
                "json: cannot unmarshal string into Go struct field "
                "CreateDestinationUrisRequest.destinations of type []main.Destination",
            ),
        ),
        (
            {"destinations": [{"destination": 5061}]},
            (
                400,
                400,
                1007,
                "json: cannot unmarshal number into Go struct field "
                "CreateDestinationUrisRequest.destinations.destination of type string",
            ),
        ),
    ],
)
def test_destination_body_errors_fail_the_request(
    emulator_api: httpx.Client, trunk_sid: str, body: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    response = emulator_api.post(f"/trunks/{trunk_sid}/destination-uris", json=body)
    assert error_of(response) == expected


def test_missing_destination_key_fails_its_item(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = emulator_api.post(
        f"/trunks/{trunk_sid}/destination-uris", json={"destinations": [{}]}
    )
    item = response.json()["response"][0]
    assert (response.status_code, item["code"], item["error_data"]["code"]) == (207, 400, 1001)


def test_unknown_trunk_fails_the_whole_batch(emulator_api: httpx.Client) -> None:
    response = post_destinations(emulator_api, "trmum1unknown", "sip.example.com:5061")
    assert error_of(response) == (404, 404, 1000, "Not Found")


def test_put_changes_priority_and_weight(emulator_api: httpx.Client, trunk_sid: str) -> None:
    created = post_destinations(emulator_api, trunk_sid, "sip.example.com:5061;transport=tls")
    destination_id = created.json()["response"][0]["data"]["id"]
    path = f"/trunks/{trunk_sid}/destination-uris/{destination_id}"
    updated = ok_data(emulator_api.put(path, json={"priority": 5}))
    assert (updated["priority"], updated["weight"]) == (5, 1)
    updated = ok_data(emulator_api.put(path, json={"weight": 10}))
    assert (updated["priority"], updated["weight"]) == (5, 10)
    negative = emulator_api.put(path, json={"weight": -1})
    assert error_of(negative)[2] == 1007
    missing = emulator_api.put(f"/trunks/{trunk_sid}/destination-uris/1", json={"weight": 2})
    assert error_of(missing)[:3] == (404, 404, 1000)


def test_delete_destination_by_query_id(emulator_api: httpx.Client, trunk_sid: str) -> None:
    created = post_destinations(emulator_api, trunk_sid, "sip.example.com:5061;transport=tls")
    data = created.json()["response"][0]["data"]
    path = f"/trunks/{trunk_sid}/destination-uris"
    assert ok_data(emulator_api.delete(path, params={"id": data["id"]})) == data
    assert listed(emulator_api.get(path)) == []
    assert error_of(emulator_api.delete(path, params={"id": data["id"]}))[:3] == (404, 404, 1000)
