"""Emulator: phone-number mappings and the trunk-maps lookup over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

NUMBER = "+919876543210"


def test_map_number_stores_null_mode_and_a_digit_string_id(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    data = ok_data(
        emulator_api.post(f"/trunks/{trunk_sid}/phone-numbers", json={"phone_number": NUMBER})
    )
    assert data["id"].isdigit()
    assert (data["phone_number"], data["trunk_sid"], data["mode"]) == (NUMBER, trunk_sid, None)
    assert set(data) == {"id", "phone_number", "trunk_sid", "date_created", "date_updated", "mode"}
    listing = listed(emulator_api.get(f"/trunks/{trunk_sid}/phone-numbers"))
    assert listing == [data]


def test_child_ids_increase(emulator_api: httpx.Client, trunk_sid: str) -> None:
    ids = [
        ok_data(
            emulator_api.post(
                f"/trunks/{trunk_sid}/phone-numbers", json={"phone_number": f"+9198765432{n:02}"}
            )
        )["id"]
        for n in range(3)
    ]
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    assert len(set(ids)) == 3


def test_number_already_mapped_is_a_409_inside_http_200(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    path = f"/trunks/{trunk_sid}/phone-numbers"
    ok_data(emulator_api.post(path, json={"phone_number": NUMBER, "mode": "pstn"}))
    again = emulator_api.post(path, json={"phone_number": NUMBER, "mode": "flow"})
    assert error_of(again) == (
        200,
        409,
        1008,
        f"Unable to create DidTrunkMapping with TrunkSid {trunk_sid}",
    )
    # A DID routes to one trunk: mapping it to another trunk of the account is a duplicate too.
    other = create_trunk(emulator_api, "other")
    elsewhere = emulator_api.post(f"/trunks/{other}/phone-numbers", json={"phone_number": NUMBER})
    assert error_of(elsewhere)[:3] == (200, 409, 1008)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (400, 400, 1001, "PhoneNumber is mandatory")),
        ({"phone_number": "080-486-36999"}, (400, 400, 1002, "Invalid PhoneNumber")),
        ({"phone_number": "919876543210"}, (400, 400, 1002, "Invalid PhoneNumber")),
        ({"phone_number": ""}, (404, 404, 1000, "Not Found")),
        ({"phone_number": "+" + "9" * 31}, (404, 404, 1000, "Not Found")),
        ({"phone_number": NUMBER, "mode": "sip"}, (400, 400, 1002, "Invalid Mode")),
    ],
)
def test_map_number_validation(
    emulator_api: httpx.Client,
    trunk_sid: str,
    body: dict[str, str],
    expected: tuple[int, int, int, str],
) -> None:
    response = emulator_api.post(f"/trunks/{trunk_sid}/phone-numbers", json=body)
    assert error_of(response) == expected


def test_map_number_on_unknown_trunk_is_404(emulator_api: httpx.Client) -> None:
    response = emulator_api.post(
        "/trunks/trmum1unknown/phone-numbers", json={"phone_number": NUMBER}
    )
    assert error_of(response) == (404, 404, 1000, "Not Found")


def test_put_changes_mode_only_with_the_matching_number(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    path = f"/trunks/{trunk_sid}/phone-numbers"
    mapping = ok_data(emulator_api.post(path, json={"phone_number": NUMBER}))
    updated = ok_data(
        emulator_api.put(f"{path}/{mapping['id']}", json={"phone_number": NUMBER, "mode": "flow"})
    )
    assert (updated["id"], updated["mode"]) == (mapping["id"], "flow")
    assert updated["date_updated"] >= mapping["date_updated"]

    no_mode = emulator_api.put(f"{path}/{mapping['id']}", json={"phone_number": NUMBER})
    assert error_of(no_mode) == (400, 400, 1001, "Mode is mandatory")
    no_number = emulator_api.put(f"{path}/{mapping['id']}", json={"mode": "pstn"})
    assert error_of(no_number) == (400, 400, 1001, "PhoneNumber is mandatory")
    other_number = emulator_api.put(
        f"{path}/{mapping['id']}", json={"phone_number": "+919999999999", "mode": "pstn"}
    )
    assert error_of(other_number)[:3] == (400, 400, 1002)
    missing = emulator_api.put(f"{path}/999999", json={"phone_number": NUMBER, "mode": "pstn"})
    assert error_of(missing) == (404, 404, 1000, "Not Found")
    assert listed(emulator_api.get(path))[0]["mode"] == "flow"


def test_delete_mapping_by_query_id(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/phone-numbers"
    mapping = ok_data(emulator_api.post(path, json={"phone_number": NUMBER}))
    # The path form is for PUT only (CREDDOC): DELETE .../{id} is not a route.
    assert error_of(emulator_api.delete(f"{path}/{mapping['id']}"))[:3] == (404, 404, 1000)
    deleted = ok_data(emulator_api.delete(path, params={"id": mapping["id"]}))
    assert deleted == mapping
    assert listed(emulator_api.get(path)) == []
    assert error_of(emulator_api.delete(path, params={"id": mapping["id"]}))[:3] == (404, 404, 1000)
    assert error_of(emulator_api.delete(path)) == (400, 400, 1001, "Id is mandatory")


def test_child_ids_are_not_shared_between_kinds(emulator_api: httpx.Client, trunk_sid: str) -> None:
    mapping = ok_data(
        emulator_api.post(f"/trunks/{trunk_sid}/phone-numbers", json={"phone_number": NUMBER})
    )
    ok_data(emulator_api.post(f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": "44.248.146.11"}))
    wrong_kind = emulator_api.delete(
        f"/trunks/{trunk_sid}/whitelisted-ips", params={"id": mapping["id"]}
    )
    assert error_of(wrong_kind)[2] == 1000


def test_trunk_maps_finds_the_trunk_of_an_exophone(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    mapping = ok_data(
        emulator_api.post(
            f"/trunks/{trunk_sid}/phone-numbers", json={"phone_number": NUMBER, "mode": "pstn"}
        )
    )
    found = listed(emulator_api.get("/trunk-maps", params={"exophone": NUMBER}))
    assert found == [
        {
            "exophone": NUMBER,
            "trunk_sid": trunk_sid,
            "phone_number_id": mapping["id"],
            "mode": "pstn",
        }
    ]
    assert listed(emulator_api.get("/trunk-maps", params={"exophone": "+911111111111"})) == []
    other = emulator_api.get("/trunk-maps", params={"exophone": NUMBER, "trunk_sid": "trmum1x"})
    assert listed(other) == []
    assert error_of(emulator_api.get("/trunk-maps")) == (400, 400, 1001, "Exophone is mandatory")
