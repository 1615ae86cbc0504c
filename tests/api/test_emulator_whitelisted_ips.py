"""Emulator: whitelisted IPs (trunk ACL) over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import error_of, listed, ok_data

pytestmark = pytest.mark.api

IP = "44.248.146.11"


def test_whitelist_ip_defaults_mask_32(emulator_api: httpx.Client, trunk_sid: str) -> None:
    data = ok_data(emulator_api.post(f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": IP}))
    assert data["id"].isdigit()
    assert (data["ip"], data["mask"], data["friendly_name"], data["trunk_sid"]) == (
        IP,
        32,
        None,
        trunk_sid,
    )
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/whitelisted-ips")) == [data]


def test_duplicate_ip_is_a_409_inside_http_200(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/whitelisted-ips"
    ok_data(emulator_api.post(path, json={"ip": IP, "mask": 32}))
    again = emulator_api.post(path, json={"ip": IP, "mask": 32})
    assert error_of(again) == (200, 409, 1008, f"Unable to Whitelist-ip with ip {IP}")
    assert len(listed(emulator_api.get(path))) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (400, 400, 1001, "Ip is mandatory")),
        ({"ip": ""}, (400, 400, 1002, "Invalid ip")),
        ({"ip": "999.999.999.999"}, (400, 400, 1002, "Invalid ip")),
        ({"ip": "192.168.1"}, (400, 400, 1002, "Invalid ip")),
        ({"ip": "invalid.ip.address"}, (400, 400, 1002, "Invalid ip")),
        ({"ip": IP, "mask": 15}, (400, 400, 1002, "mask should be in-between 16 and 32")),
        ({"ip": IP, "mask": 99}, (400, 400, 1002, "mask should be in-between 16 and 32")),
        (
            {"ip": IP, "mask": -1},
            (
                400,
                400,
                1007,
                "json: cannot unmarshal number -1 into Go struct field "
                "CreateWhitelistipsRequest.mask of type uint8",
            ),
        ),
        (
            {"ip": IP, "mask": "32"},
            (
                400,
                400,
                1007,
                "json: cannot unmarshal string into Go struct field "
                "CreateWhitelistipsRequest.mask of type uint8",
            ),
        ),
    ],
)
def test_whitelist_validation(
    emulator_api: httpx.Client, trunk_sid: str, body: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    response = emulator_api.post(f"/trunks/{trunk_sid}/whitelisted-ips", json=body)
    assert error_of(response) == expected
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/whitelisted-ips")) == []


def test_parse_failure_message_is_exotels(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = emulator_api.post(
        f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": IP, "mask": -1}
    )
    assert (
        response.json()["response"]["error_data"]["message"]
        == "Invalid request body,failed parsing "
    )


def test_private_ip_can_be_whitelisted_as_live_exotel_did(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    data = ok_data(
        emulator_api.post(f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": "192.168.1.1"})
    )
    assert data["ip"] == "192.168.1.1"


def test_put_changes_ip_and_mask(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/whitelisted-ips"
    entry = ok_data(emulator_api.post(path, json={"ip": IP}))
    updated = ok_data(
        emulator_api.put(f"{path}/{entry['id']}", json={"ip": "44.248.146.12", "mask": 24})
    )
    assert (updated["id"], updated["ip"], updated["mask"]) == (entry["id"], "44.248.146.12", 24)
    no_mask = emulator_api.put(f"{path}/{entry['id']}", json={"ip": IP})
    assert error_of(no_mask) == (400, 400, 1001, "Mask is mandatory")
    missing = emulator_api.put(f"{path}/424242", json={"ip": IP, "mask": 32})
    assert error_of(missing)[:3] == (404, 404, 1000)


def test_delete_ip_by_query_id(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/whitelisted-ips"
    entry = ok_data(emulator_api.post(path, json={"ip": IP}))
    assert ok_data(emulator_api.delete(path, params={"id": entry["id"]})) == entry
    assert listed(emulator_api.get(path)) == []
    assert error_of(emulator_api.delete(path, params={"id": entry["id"]}))[:3] == (404, 404, 1000)
    assert error_of(emulator_api.delete(path, params={"id": "not-a-number"}))[:3] == (
        404,
        404,
        1000,
    )
