"""Emulator: what every endpoint shares — auth, content type, body parsing, routing, paging,
account isolation and the rate limiter — over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.rate_limit import SlidingWindowLimiter
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import OTHER_ACCOUNT, account_client, create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

TRUNK = {"trunk_name": "t1", "nso_code": "ANY-ANY", "domain_name": "demo1.pstn.exotel.com"}


def api_url(server: EmulatorServer, path: str, sid: str = DEFAULT_ACCOUNT.sid) -> str:
    return f"{server.base_url}/v2/accounts/{sid}{path}"


# -- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [
        None,
        ("demo_api_key", "wrong_token"),
        ("wrong_key", "demo_api_token"),
        ("other_key", "other_token"),  # valid, but for another account than the path's
    ],
)
def test_bad_credentials_get_401_and_change_nothing(
    emulator: EmulatorServer, emulator_api: httpx.Client, auth: tuple[str, str] | None
) -> None:
    response = httpx.post(api_url(emulator, "/trunks"), json=TRUNK, auth=auth)
    assert error_of(response) == (401, 401, 1010, "Authorization failed")
    assert response.json()["response"]["error_data"]["message"] == "Authorization failed"
    assert "demo_api_token" not in response.text
    assert listed(emulator_api.get("/trunks")) == []


def test_bearer_tokens_are_not_accepted(emulator: EmulatorServer) -> None:
    headers = {"Authorization": "Bearer demo_api_token"}
    assert httpx.get(api_url(emulator, "/trunks"), headers=headers).status_code == 401


def test_credentials_in_the_url_userinfo_work(emulator: EmulatorServer) -> None:
    url = emulator.base_url.replace("http://", "http://demo_api_key:demo_api_token@")
    assert httpx.get(f"{url}/v2/accounts/demo1/trunks").status_code == 200


def test_unknown_account_is_401(emulator: EmulatorServer) -> None:
    response = httpx.get(
        api_url(emulator, "/trunks", sid="nobody"), auth=("demo_api_key", "demo_api_token")
    )
    assert error_of(response)[:3] == (401, 401, 1010)


# -- accounts are isolated ------------------------------------------------------------------


def test_accounts_never_see_each_others_objects(
    emulator: EmulatorServer, emulator_api: httpx.Client
) -> None:
    mine = create_trunk(emulator_api, "same_name")
    with account_client(emulator, OTHER_ACCOUNT) as other:
        theirs = create_trunk(
            other, "same_name", account_sid=OTHER_ACCOUNT.sid
        )  # names are per account
        assert [t["trunk_sid"] for t in listed(other.get("/trunks"))] == [theirs]
        assert error_of(other.get(f"/trunks/{mine}"))[:3] == (404, 404, 1000)
        assert error_of(other.delete("/trunks", params={"trunk_sid": mine}))[:3] == (404, 404, 1000)
        add = other.post(f"/trunks/{mine}/phone-numbers", json={"phone_number": "+919876543210"})
        assert error_of(add)[:3] == (404, 404, 1000)
        # A phone number is unique per account, not across accounts.
        ok_data(
            other.post(f"/trunks/{theirs}/phone-numbers", json={"phone_number": "+919876543210"})
        )
    assert [t["trunk_sid"] for t in listed(emulator_api.get("/trunks"))] == [mine]
    ok_data(
        emulator_api.post(f"/trunks/{mine}/phone-numbers", json={"phone_number": "+919876543210"})
    )


# -- content type and body parsing ---------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_non_json_content_type_is_415_with_the_type_received(
    emulator_api: httpx.Client, content_type: str
) -> None:
    response = emulator_api.post(
        "/trunks", content=b'{"trunk_name": "t1"}', headers={"Content-Type": content_type}
    )
    assert error_of(response) == (415, 415, 1011, content_type)
    assert response.json()["response"]["error_data"]["message"] == "unsupported content type"
    assert listed(emulator_api.get("/trunks")) == []


def test_json_content_type_with_charset_is_fine(emulator_api: httpx.Client) -> None:
    response = emulator_api.post(
        "/trunks",
        content=json.dumps(TRUNK).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    ok_data(response)


def test_put_needs_json_too(emulator_api: httpx.Client, trunk_sid: str) -> None:
    response = emulator_api.put(f"/trunks/{trunk_sid}", content=b"trunk_name=x")
    assert error_of(response)[:3] == (415, 415, 1011)


@pytest.mark.parametrize(
    ("raw", "description"),
    [
        (b"", "unexpected EOF"),
        (b'{"trunk_name": "t1"', "unexpected EOF"),
        (b"[1, 2]", "json: cannot unmarshal array into Go value of type main.CreateTrunkRequest"),
        (
            b'{"trunk_name": 7}',
            "json: cannot unmarshal number into Go struct field CreateTrunkRequest.trunk_name "
            "of type string",
        ),
        (b"{bad}", "invalid character 'b' at offset 1"),
        (b'{"trunk_name": NaN}', "invalid character 'N' looking for beginning of value"),
    ],
)
def test_undecodable_bodies_are_1007_with_the_parser_text(
    emulator_api: httpx.Client, raw: bytes, description: str
) -> None:
    response = emulator_api.post(
        "/trunks", content=raw, headers={"Content-Type": "application/json"}
    )
    assert error_of(response) == (400, 400, 1007, description)
    assert (
        response.json()["response"]["error_data"]["message"]
        == "Invalid request body,failed parsing "
    )


def test_unknown_fields_are_ignored_like_go_does(emulator_api: httpx.Client) -> None:
    ok_data(emulator_api.post("/trunks", json={**TRUNK, "colour": "blue"}))


# -- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nothing-here"), ("PATCH", "/trunks"), ("DELETE", "/trunks/trmum1abc/credentials/5")],
)
def test_unknown_routes_answer_the_error_envelope(
    emulator_api: httpx.Client, method: str, path: str
) -> None:
    assert error_of(emulator_api.request(method, path)) == (404, 404, 1000, "Not Found")


def test_underscore_paths_of_old_docs_do_not_exist(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    assert emulator_api.get(f"/trunks/{trunk_sid}/phone_numbers").status_code == 404


# -- pagination -----------------------------------------------------------------------------


def test_paging_past_fifty_items(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/phone-numbers"
    numbers = [f"+9198765{n:05}" for n in range(57)]
    for number in numbers:
        ok_data(emulator_api.post(path, json={"phone_number": number}))

    first = emulator_api.get(path)
    base = f"/v2/accounts/demo1{path}"
    assert len(listed(first)) == 50
    assert first.json()["metadata"] == {
        "page_size": 50,
        "first_page_uri": f"{base}?offset=0&page_size=50",
        "prev_page_uri": None,
        "next_page_uri": f"{base}?offset=50&page_size=50",
    }
    second = emulator_api.get(
        first.json()["metadata"]["next_page_uri"].removeprefix("/v2/accounts/demo1")
    )
    assert len(listed(second)) == 7
    assert second.json()["metadata"]["next_page_uri"] is None
    assert second.json()["metadata"]["prev_page_uri"] == f"{base}?offset=0&page_size=50"
    seen = [m["phone_number"] for m in listed(first) + listed(second)]
    assert seen == numbers


def test_small_pages_walk_every_trunk_once(emulator_api: httpx.Client) -> None:
    sids = [create_trunk(emulator_api, f"t{n}") for n in range(7)]
    walked: list[str] = []
    url: str | None = "/trunks?offset=0&page_size=3"
    pages = 0
    while url:
        body = emulator_api.get(url).json()
        walked += [item["data"]["trunk_sid"] for item in body["response"]]
        next_uri = body["metadata"]["next_page_uri"]
        url = next_uri.removeprefix("/v2/accounts/demo1") if next_uri else None
        pages += 1
    assert (walked, pages) == (sids, 3)


def test_credentials_pages_number_from_one(emulator_api: httpx.Client, trunk_sid: str) -> None:
    path = f"/trunks/{trunk_sid}/credentials"
    for n in range(3):
        ok_data(emulator_api.post(path, json={"user_name": f"user{n}", "password": "pw"}))
    body = emulator_api.get(path, params={"page_size": 2, "offset": 2}).json()
    base = f"/v2/accounts/demo1{path}"
    assert body["metadata"] == {
        "total": 3,
        "page_size": 2,
        "page": 2,
        "first_page_uri": f"{base}?page_size=2&offset=0",
        "prev_page_uri": f"{base}?page_size=2&offset=0",
        "next_page_uri": None,
    }
    assert [c["data"]["user_name"] for c in body["response"]] == ["user2"]


def test_page_size_is_capped_and_bad_values_refused(emulator_api: httpx.Client) -> None:
    assert (
        emulator_api.get("/trunks", params={"page_size": 1000}).json()["metadata"]["page_size"]
        == 100
    )
    for params in ({"offset": "-1"}, {"page_size": "ten"}, {"offset": "1.5"}):
        assert error_of(emulator_api.get("/trunks", params=params))[:3] == (400, 400, 1002)


# -- rate limit -----------------------------------------------------------------------------


@pytest.fixture
def limited_server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(
        tmp_path / "limited.sqlite", [DEFAULT_ACCOUNT, OTHER_ACCOUNT], rate_limit_per_minute=3
    ) as server:
        yield server


def test_rate_limit_answers_429_with_retry_after(limited_server: EmulatorServer) -> None:
    with account_client(limited_server) as client:
        statuses = [client.get("/trunks").status_code for _ in range(3)]
        limited = client.get("/trunks")
    assert statuses == [200, 200, 200]
    assert error_of(limited)[:3] == (429, 429, 1030)
    assert limited.json()["response"]["error_data"]["message"] == "Too Many Requests"
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    # The window is per account: the other account is not throttled.
    with account_client(limited_server, OTHER_ACCOUNT) as other:
        assert other.get("/trunks").status_code == 200


def test_rate_limited_write_changes_nothing(limited_server: EmulatorServer) -> None:
    with account_client(limited_server) as client:
        for _ in range(3):
            client.get("/trunks")
        assert client.post("/trunks", json=TRUNK).status_code == 429
    assert limited_server.backend is not None
    assert limited_server.backend.list_trunks(DEFAULT_ACCOUNT.sid).total == 0
    # The control API is neither limited nor counted.
    for _ in range(5):
        httpx.get(f"{limited_server.base_url}/_emulator/health").raise_for_status()
    assert httpx.get(f"{limited_server.base_url}/_emulator/stats").json()["total"] == 4


@pytest.mark.unit
def test_sliding_window_reopens_as_old_requests_age_out() -> None:
    now = [1000.0]
    limiter = SlidingWindowLimiter(2, clock=lambda: now[0])
    assert limiter.acquire("a") is None
    now[0] += 30
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 30  # the first request leaves the window in 30 s
    now[0] += 30.5
    assert limiter.acquire("a") is None  # the first one aged out; the second is still in
    assert limiter.acquire("a") == 30
    assert limiter.acquire("b") is None
