"""Emulator: trunk endpoints (create, list, get, update, delete) over real HTTP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.conftest import create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TRUNK_SID = re.compile(r"^trmum1[0-9a-f]{19}[a-z0-9]{3}$")


def trunk_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "trunk_name": "main_trunk",
        "nso_code": "ANY-ANY",
        "domain_name": "demo1.pstn.exotel.com",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def test_create_trunk_answers_the_documented_single_envelope(emulator_api: httpx.Client) -> None:
    response = emulator_api.post("/trunks", json=trunk_body())
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])
    assert body["method"] == "POST"
    data = ok_data(response)
    assert TRUNK_SID.match(data["trunk_sid"])
    assert len(data["trunk_sid"]) == 28
    sid = data["trunk_sid"]
    assert data == {
        "trunk_sid": sid,
        "trunk_name": "main_trunk",
        "domain_name": "demo1.pstn.exotel.com",
        "nso_code": "ANY-ANY",
        "status": "active",
        "auth_type": "IP-WHITELIST",
        "registration_enabled": "disabled",
        "secure_trunking": "disabled",
        "edge_preference": "auto",
        "date_created": data["date_created"],
        "date_updated": data["date_created"],
        "destination_uris": f"/v2/accounts/demo1/trunks/{sid}/destination-uris",
        "whitelisted_ips": f"/v2/accounts/demo1/trunks/{sid}/whitelisted-ips",
        "credentials": f"/v2/accounts/demo1/trunks/{sid}/credentials",
        "phone_numbers": f"/v2/accounts/demo1/trunks/{sid}/phone-numbers",
    }
    assert TIMESTAMP.match(data["date_created"])


def test_duplicate_trunk_name_is_a_409_inside_http_200(emulator_api: httpx.Client) -> None:
    ok_data(emulator_api.post("/trunks", json=trunk_body()))
    response = emulator_api.post("/trunks", json=trunk_body())
    assert error_of(response) == (200, 409, 1008, "Unable to create trunk with name main_trunk")
    assert response.json()["response"]["error_data"]["message"] == "Duplicate resource"
    assert len(listed(emulator_api.get("/trunks"))) == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"trunk_name": None}, (400, 400, 1001, "TrunkName is mandatory")),
        (
            {"trunk_name": "a" * 17},
            (400, 400, 1002, "Maximum allowed length for TrunkName is 16"),
        ),
        (
            {"trunk_name": "trunk-name"},
            (400, 400, 1002, "Allowed characters for TrunkName is alphanumeric and _"),
        ),
        (
            {"trunk_name": "trunk\n"},
            (400, 400, 1002, "Allowed characters for TrunkName is alphanumeric and _"),
        ),
        ({"nso_code": "any any"}, (400, 400, 1002, "Nso code is invalid")),
        ({"nso_code": None}, (400, 400, 1001, "NsoCode is mandatory")),
        (
            {"domain_name": "demo1.pstn.exotel.net"},
            (400, 400, 1002, "Domain name should end with .pstn.exotel.com"),
        ),
        ({"domain_name": None}, (400, 400, 1001, "DomainName is mandatory")),
    ],
)
def test_create_trunk_validation_uses_exotels_texts(
    emulator_api: httpx.Client, overrides: dict[str, Any], expected: tuple[int, int, int, str]
) -> None:
    response = emulator_api.post("/trunks", json=trunk_body(**overrides))
    assert error_of(response) == expected
    assert listed(emulator_api.get("/trunks")) == []


def test_empty_trunk_name_is_accepted_as_exotel_did(emulator_api: httpx.Client) -> None:
    assert ok_data(emulator_api.post("/trunks", json=trunk_body(trunk_name="")))["trunk_name"] == ""


def test_list_and_filter_trunks(emulator_api: httpx.Client) -> None:
    first = create_trunk(emulator_api, "first")
    second = create_trunk(emulator_api, "second")
    response = emulator_api.get("/trunks")
    assert [trunk["trunk_sid"] for trunk in listed(response)] == [first, second]
    assert response.json()["metadata"] == {
        "page_size": 50,
        "first_page_uri": "/v2/accounts/demo1/trunks?offset=0&page_size=50",
        "prev_page_uri": None,
        "next_page_uri": None,
    }
    only = emulator_api.get("/trunks", params={"trunk_sid": second})
    assert [trunk["trunk_name"] for trunk in listed(only)] == ["second"]
    assert listed(emulator_api.get("/trunks", params={"trunk_sid": "trmum1nope"})) == []


def test_get_one_trunk_by_path(emulator_api: httpx.Client, trunk_sid: str) -> None:
    assert ok_data(emulator_api.get(f"/trunks/{trunk_sid}"))["trunk_name"] == "fixture_trunk"
    assert error_of(emulator_api.get("/trunks/trmum1unknown")) == (404, 404, 1000, "Not Found")


def test_update_trunk_renames_and_keeps_identity(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    data = ok_data(emulator_api.put(f"/trunks/{trunk_sid}", json={"trunk_name": "renamed"}))
    assert (data["trunk_sid"], data["trunk_name"]) == (trunk_sid, "renamed")
    assert data["date_updated"] >= data["date_created"]
    assert ok_data(emulator_api.get(f"/trunks/{trunk_sid}"))["trunk_name"] == "renamed"
    auth = ok_data(emulator_api.put(f"/trunks/{trunk_sid}", json={"auth_type": "DIGEST"}))
    assert (auth["auth_type"], auth["trunk_name"]) == ("DIGEST", "renamed")


def test_update_trunk_refuses_a_taken_name_and_bad_fields(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    create_trunk(emulator_api, "taken")
    clash = emulator_api.put(f"/trunks/{trunk_sid}", json={"trunk_name": "taken"})
    assert error_of(clash)[:3] == (200, 409, 1008)
    bad_nso = emulator_api.put(f"/trunks/{trunk_sid}", json={"nso_code": "any any"})
    assert error_of(bad_nso) == (400, 400, 1002, "Nso code is invalid")
    missing = emulator_api.put("/trunks/trmum1unknown", json={"trunk_name": "x"})
    assert error_of(missing) == (404, 404, 1000, "Not Found")
    assert ok_data(emulator_api.get(f"/trunks/{trunk_sid}"))["trunk_name"] == "fixture_trunk"


def test_delete_trunk_by_query_returns_the_deleted_trunk(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    deleted = ok_data(emulator_api.delete("/trunks", params={"trunk_sid": trunk_sid}))
    assert (deleted["trunk_sid"], deleted["trunk_name"]) == (trunk_sid, "fixture_trunk")
    assert error_of(emulator_api.get(f"/trunks/{trunk_sid}"))[2] == 1000
    again = emulator_api.delete("/trunks", params={"trunk_sid": trunk_sid})
    assert error_of(again) == (404, 404, 1000, "Not Found")
    assert error_of(emulator_api.delete("/trunks")) == (400, 400, 1001, "TrunkSid is mandatory")


def test_delete_trunk_cascades_to_every_child(emulator_api: httpx.Client, trunk_sid: str) -> None:
    base = f"/trunks/{trunk_sid}"
    ok_data(emulator_api.post(f"{base}/phone-numbers", json={"phone_number": "+919876543210"}))
    ok_data(emulator_api.post(f"{base}/whitelisted-ips", json={"ip": "44.248.146.11"}))
    ok_data(emulator_api.post(f"{base}/credentials", json={"user_name": "u1", "password": "p1"}))
    emulator_api.post(
        f"{base}/settings",
        json={"settings": [{"name": "trunk_external_alias", "value": "+911234567890"}]},
    )
    ok_data(emulator_api.delete("/trunks", params={"trunk_sid": trunk_sid}))

    # The number and the IP are free again, on a new trunk: nothing of the old trunk survived.
    other = create_trunk(emulator_api, "other")
    ok_data(
        emulator_api.post(f"/trunks/{other}/phone-numbers", json={"phone_number": "+919876543210"})
    )
    for child in (
        "phone-numbers",
        "whitelisted-ips",
        "credentials",
        "settings",
        "destination-uris",
    ):
        assert error_of(emulator_api.get(f"{base}/{child}"))[2] == 1000
