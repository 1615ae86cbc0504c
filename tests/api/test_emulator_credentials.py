"""Emulator: SIP digest credentials over real HTTP (the password is write-only)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

PASSWORD = "S3cret_pass_word_42"


def create(client: httpx.Client, trunk_sid: str, **body: Any) -> httpx.Response:
    payload = {"user_name": "voice_ai_user", "password": PASSWORD, **body}
    return client.post(f"/trunks/{trunk_sid}/credentials", json=payload)


def test_create_credential_never_returns_the_password(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    response = create(emulator_api, trunk_sid, friendly_name="voice_ai_platform")
    data = ok_data(response)
    assert set(data) == {
        "id",
        "trunk_sid",
        "user_name",
        "friendly_name",
        "date_created",
        "date_updated",
    }
    assert (data["user_name"], data["friendly_name"], data["trunk_sid"]) == (
        "voice_ai_user",
        "voice_ai_platform",
        trunk_sid,
    )
    assert PASSWORD not in response.text
    assert PASSWORD not in emulator_api.get(f"/trunks/{trunk_sid}/credentials").text


def test_credentials_list_has_total_page_and_its_own_uri_order(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    created = ok_data(create(emulator_api, trunk_sid))
    response = emulator_api.get(f"/trunks/{trunk_sid}/credentials")
    assert listed(response) == [created]
    base = f"/v2/accounts/demo1/trunks/{trunk_sid}/credentials"
    assert response.json()["metadata"] == {
        "total": 1,
        "page_size": 50,
        "page": 1,
        "first_page_uri": f"{base}?page_size=50&offset=0",
        "prev_page_uri": None,
        "next_page_uri": None,
    }


def test_credentials_list_filters_by_id(emulator_api: httpx.Client, trunk_sid: str) -> None:
    first = ok_data(create(emulator_api, trunk_sid, user_name="first"))
    ok_data(create(emulator_api, trunk_sid, user_name="second"))
    path = f"/trunks/{trunk_sid}/credentials"
    assert listed(emulator_api.get(path, params={"id": first["id"]})) == [first]
    assert listed(emulator_api.get(path, params={"id": "999999"})) == []


def test_duplicate_user_name_on_a_trunk_is_a_409_inside_http_200(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    ok_data(create(emulator_api, trunk_sid))
    assert error_of(create(emulator_api, trunk_sid)) == (
        200,
        409,
        1008,
        "Unable to create credential with UserName voice_ai_user",
    )
    other = create_trunk(emulator_api, "other")
    ok_data(create(emulator_api, other))  # another trunk may reuse the user name


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"user_name": None}, (400, 400, 1001, "UserName is mandatory")),
        ({"password": None}, (400, 400, 1001, "Password is mandatory")),
        (
            {"password": "p@ss-word"},
            (400, 400, 1002, "Allowed characters for Password is alphanumeric and _"),
        ),
        (
            {"friendly_name": "elevenlabs-prod"},
            (400, 400, 1002, "Allowed characters for FriendlyName is alphanumberic and _"),
        ),
        (
            {"friendly_name": "f" * 33},
            (400, 400, 1002, "Maximum allowed length for FriendlyName is 32"),
        ),
        ({"user_name": "bad user"}, (400, 400, 1002, "Invalid UserName")),
    ],
)
def test_credential_validation(
    emulator_api: httpx.Client, trunk_sid: str, body: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    payload = {"user_name": "voice_ai_user", "password": PASSWORD, **body}
    payload = {key: value for key, value in payload.items() if value is not None}
    response = emulator_api.post(f"/trunks/{trunk_sid}/credentials", json=payload)
    assert error_of(response) == expected
    assert "p@ss-word" not in response.text


def test_put_updates_any_field_by_path_id(emulator_api: httpx.Client, trunk_sid: str) -> None:
    created = ok_data(create(emulator_api, trunk_sid))
    path = f"/trunks/{trunk_sid}/credentials/{created['id']}"
    labelled = ok_data(emulator_api.put(path, json={"friendly_name": "prod_voice_ai"}))
    assert (labelled["friendly_name"], labelled["user_name"]) == ("prod_voice_ai", "voice_ai_user")
    rotated = emulator_api.put(path, json={"password": "N3w_password"})
    assert "N3w_password" not in rotated.text
    renamed = ok_data(emulator_api.put(path, json={"user_name": "renamed_user"}))
    assert (renamed["id"], renamed["user_name"]) == (created["id"], "renamed_user")
    bad = emulator_api.put(path, json={"password": "bad pass"})
    assert error_of(bad)[2] == 1002
    missing = emulator_api.put(f"/trunks/{trunk_sid}/credentials/1", json={"friendly_name": "x"})
    assert error_of(missing)[:3] == (404, 404, 1000)


def test_put_refuses_renaming_onto_a_taken_user_name(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    ok_data(create(emulator_api, trunk_sid, user_name="alice"))
    bob = ok_data(create(emulator_api, trunk_sid, user_name="bob"))
    clash = emulator_api.put(
        f"/trunks/{trunk_sid}/credentials/{bob['id']}", json={"user_name": "alice"}
    )
    assert error_of(clash)[:3] == (200, 409, 1008)
    names = {c["user_name"] for c in listed(emulator_api.get(f"/trunks/{trunk_sid}/credentials"))}
    assert names == {"alice", "bob"}


def test_delete_by_query_id_returns_the_deleted_credential(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    created = ok_data(create(emulator_api, trunk_sid))
    path = f"/trunks/{trunk_sid}/credentials"
    assert ok_data(emulator_api.delete(path, params={"id": created["id"]})) == created
    assert listed(emulator_api.get(path)) == []
    assert error_of(emulator_api.delete(path, params={"id": created["id"]}))[:3] == (404, 404, 1000)
    # The path form is for PUT only.
    assert error_of(emulator_api.delete(f"{path}/{created['id']}"))[:3] == (404, 404, 1000)
