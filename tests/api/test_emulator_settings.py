"""Emulator: trunk settings (the caller-ID alias) over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import error_of, listed, ok_data

pytestmark = pytest.mark.api

ALIAS = "trunk_external_alias"


def set_settings(client: httpx.Client, trunk_sid: str, *pairs: tuple[str, str]) -> httpx.Response:
    return client.post(
        f"/trunks/{trunk_sid}/settings",
        json={"settings": [{"name": name, "value": value} for name, value in pairs]},
    )


def test_set_alias_answers_the_batch_envelope(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = set_settings(emulator_api, trunk_sid, (ALIAS, "+918012345678"))
    body = response.json()
    assert (response.status_code, body["http_code"]) == (200, 200)
    assert body["metadata"] == {"total": 1, "success": 1, "failed": 0}
    data = body["response"][0]["data"]
    assert (data["name"], data["value"], data["trunk_sid"]) == (ALIAS, "+918012345678", trunk_sid)
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/settings")) == [data]


def test_second_post_upserts_by_name(emulator_api: httpx.Client, trunk_sid: str) -> None:
    first = set_settings(emulator_api, trunk_sid, (ALIAS, "+918012345678")).json()
    second = set_settings(emulator_api, trunk_sid, (ALIAS, "+918087654321")).json()
    listing = listed(emulator_api.get(f"/trunks/{trunk_sid}/settings"))
    assert [(s["name"], s["value"]) for s in listing] == [(ALIAS, "+918087654321")]
    assert (
        second["response"][0]["data"]["date_created"]
        == first["response"][0]["data"]["date_created"]
    )


def test_bad_setting_items_fail_alone(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = set_settings(
        emulator_api, trunk_sid, (ALIAS, "+918012345678"), ("ring_timeout", "30"), (ALIAS, "abc")
    )
    body = response.json()
    assert response.status_code == 207
    assert body["metadata"] == {"total": 3, "success": 1, "failed": 2}
    assert [item["code"] for item in body["response"]] == [200, 400, 400]
    assert [(item["error_data"] or {}).get("code") for item in body["response"]] == [
        None,
        1002,
        1002,
    ]


def test_settings_request_errors(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/settings"
    assert error_of(emulator_api.post(path, json={})) == (400, 400, 1001, "Settings is mandatory")
    missing_name = emulator_api.post(path, json={"settings": [{"value": "+918012345678"}]})
    item = missing_name.json()["response"][0]
    assert (missing_name.status_code, item["error_data"]["description"]) == (
        207,
        "Name is mandatory",
    )


def test_delete_setting_by_name(emulator_api: httpx.Client, trunk_sid: str) -> None:
    set_settings(emulator_api, trunk_sid, (ALIAS, "+918012345678"))
    path = f"/trunks/{trunk_sid}/settings"
    deleted = ok_data(emulator_api.delete(path, params={"name": ALIAS}))
    assert (deleted["name"], deleted["value"]) == (ALIAS, "+918012345678")
    assert listed(emulator_api.get(path)) == []
    assert error_of(emulator_api.delete(path, params={"name": ALIAS}))[:3] == (404, 404, 1000)
    assert error_of(emulator_api.delete(path)) == (400, 400, 1001, "Name is mandatory")
