"""Shared fixtures: the Exotel emulator on a loopback port and settings pointing at it.

- ``emulator_server`` (session): one emulator for the whole run, on a temporary SQLite file,
  serving ``DEFAULT_ACCOUNT`` and ``OTHER_ACCOUNT``, with no rate limit.
- ``emulator`` (function): the same server, reset (no objects, faults or stats) before the test.
- ``emulator_settings``: ``ExotelSettings`` for ``DEFAULT_ACCOUNT`` on that server, with a
  limiter that never waits and three retries.
- ``emulator_control``: an httpx client on ``/_emulator`` (faults, stats, reset).
- ``emulator_api`` / ``trunk_sid``: a raw httpx client on ``/v2/accounts/demo1`` and a fresh
  trunk there, for the emulator's own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT, Account
from pulumi_exotel.emulator.server import EmulatorServer

OTHER_ACCOUNT = Account("other1", "other_key", "other_token")


@pytest.fixture(autouse=True)
def _fresh_provider_process() -> Iterator[None]:
    """Each test starts like a new dynamic-provider process: no stack config from another."""
    from pulumi_exotel.resources.base import forget_stack

    forget_stack()
    yield
    forget_stack()


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    db_path = tmp_path_factory.mktemp("emulator") / "exotel.sqlite"
    with EmulatorServer(db_path, [DEFAULT_ACCOUNT, OTHER_ACCOUNT]) as server:
        yield server


@pytest.fixture(scope="session")
def emulator_control(emulator_server: EmulatorServer) -> Iterator[httpx.Client]:
    """A client for the emulator's ``/_emulator/`` control API (kept open: reset stays fast)."""
    with httpx.Client(base_url=f"{emulator_server.base_url}/_emulator", timeout=10) as client:
        yield client


@pytest.fixture
def emulator(emulator_server: EmulatorServer, emulator_control: httpx.Client) -> EmulatorServer:
    """The session emulator with no objects, faults, stats or rate-limit history."""
    emulator_control.post("/reset").raise_for_status()
    return emulator_server


@dataclass
class Stats:
    """The emulator's request counter and ordered log (``/_emulator/stats``)."""

    control: httpx.Client

    def total(self) -> int:
        return int(self.control.get("/stats").json()["total"])

    def routes(self) -> dict[str, int]:
        by_route: dict[str, int] = self.control.get("/stats").json()["by_route"]
        return by_route

    def log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.control.get("/stats").json()["log"]
        return entries

    def reset(self) -> None:
        self.control.post("/stats/reset").raise_for_status()

    def fault(self, kind: str, method: str, path_regex: str, **more: Any) -> None:
        """Inject a fault (``/_emulator/faults``): ``kind`` (``drop_response``, ``status``...)
        for ``method`` requests whose path matches ``path_regex``; ``more`` as the rule has it
        (``status=400``)."""
        rule = {"kind": kind, **more, "method": method, "path_regex": path_regex}
        self.control.post("/faults", json=rule).raise_for_status()

    def clear_faults(self) -> None:
        self.control.delete("/faults").raise_for_status()


@pytest.fixture
def stats(emulator: EmulatorServer, emulator_control: httpx.Client) -> Stats:
    return Stats(emulator_control)


def settings_for(
    server: EmulatorServer, account: Account = DEFAULT_ACCOUNT, **more: Any
) -> ExotelSettings:
    """``ExotelSettings`` for ``account`` on ``server``; ``more`` are further settings."""
    return ExotelSettings(
        api_key=account.api_key,
        api_token=account.api_token,
        account_sid=account.sid,
        base_url=server.base_url,
        **more,
    )


@pytest.fixture
def emulator_settings(emulator: EmulatorServer) -> ExotelSettings:
    return settings_for(emulator, rate_limit_per_minute=100_000, max_retries=3)


# -- raw-HTTP helpers for the emulator's own tests (tests/api/test_emulator_*.py) -----------


def account_client(server: EmulatorServer, account: Account = DEFAULT_ACCOUNT) -> httpx.Client:
    """An httpx client rooted at ``/v2/accounts/{sid}`` with the account's Basic auth."""
    return httpx.Client(
        base_url=f"{server.base_url}/v2/accounts/{account.sid}",
        auth=(account.api_key, account.api_token),
        timeout=10,
    )


@pytest.fixture(scope="session")
def _emulator_api_client(emulator_server: EmulatorServer) -> Iterator[httpx.Client]:
    with account_client(emulator_server) as client:
        yield client


@pytest.fixture
def emulator_api(emulator: EmulatorServer, _emulator_api_client: httpx.Client) -> httpx.Client:
    """Raw httpx on ``/v2/accounts/demo1`` of the freshly reset emulator."""
    return _emulator_api_client


@pytest.fixture
def trunk_sid(emulator_api: httpx.Client) -> str:
    """A fresh trunk of ``DEFAULT_ACCOUNT``."""
    return create_trunk(emulator_api, "fixture_trunk")


def create_trunk(client: httpx.Client, name: str, account_sid: str = DEFAULT_ACCOUNT.sid) -> str:
    response = client.post(
        "/trunks",
        json={
            "trunk_name": name,
            "nso_code": "ANY-ANY",
            "domain_name": f"{account_sid}.pstn.exotel.com",
        },
    )
    sid: str = ok_data(response)["trunk_sid"]
    return sid


def ok_data(response: httpx.Response) -> dict[str, Any]:
    """``response.data`` of a successful single envelope (asserting the envelope's shape)."""
    body = response.json()
    assert response.status_code == 200, body
    assert body["http_code"] == 200
    assert body["response"]["status"] == "success", body
    assert body["response"]["code"] == 200
    assert body["response"]["error_data"] is None
    data: dict[str, Any] = body["response"]["data"]
    return data


def error_of(response: httpx.Response) -> tuple[int, int, int, str]:
    """``(HTTP status, response.code, error code, description)`` of an error envelope."""
    body = response.json()
    assert body["http_code"] == response.status_code
    assert body["response"]["status"] == "failure"
    assert body["response"]["data"] is None
    error = body["response"]["error_data"]
    return response.status_code, body["response"]["code"], error["code"], error["description"]


def listed(response: httpx.Response) -> list[dict[str, Any]]:
    """The ``data`` objects of a list envelope."""
    body = response.json()
    assert response.status_code == 200, body
    assert all(item["status"] == "success" for item in body["response"])
    return [item["data"] for item in body["response"]]
