"""The fixtures the tests of a platform twin start from: one twin per test module, emptied before
each test, and (for provider tests) the platform's settings pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import pytest

from pulumi_exotel.platforms import _base
from pulumi_exotel.platforms._base import PlatformSettings, remember_config
from pulumi_exotel.twins._server import TwinServer
from tests.engine.harness import Workspace


class _Twin(Protocol):
    base_url: str

    def reset(self) -> None: ...


TwinT = TypeVar("TwinT", bound=_Twin)
_Scope = Literal["function", "module"]


def twin_fixture(make: Callable[[], TwinServer], scope: _Scope = "module") -> Any:
    """A fixture: the twin ``make()`` builds, running for the module's tests (or each test's,
    ``scope="function"``). Assign it: ``server = twin_fixture(lambda: RetellTwin(KEY))``."""

    @pytest.fixture(scope=scope)
    def server() -> Iterator[TwinServer]:
        with make() as running:
            yield running

    return server


def routes_called(twin: Any) -> dict[str, int]:
    """How many API requests ``twin`` counted, by route (``"PATCH /..."``)."""
    by_route: dict[str, int] = twin.requests.snapshot()["by_route"]
    return by_route


def platform_workspace(
    workspace: Callable[..., Workspace], project: Path, platform: str, twin: TwinServer, key: str
) -> Callable[..., Workspace]:
    """A maker of workspaces of ``project`` whose ``platform`` provider (``retell``...) talks
    to ``twin`` with the API key ``key`` (set as a secret); keyword arguments are more config."""

    def make(**config: str) -> Workspace:
        ws = workspace(project, config={f"{platform}:baseUrl": twin.base_url, **config})
        ws.config({f"{platform}:apiKey": key}, secret=(f"{platform}:apiKey",))
        return ws

    return make


def use_twin(
    server: TwinT, settings: PlatformSettings, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> TwinT:
    """``server`` emptied, and the platform of ``settings`` configured for it as a stack would be
    (API key and base URL in the config, no env var, no client cached from another test)."""
    server.reset()
    key, base_url = settings.settings["api_key"], settings.settings["base_url"]
    monkeypatch.delenv(key.env, raising=False)
    remember_config(settings, {key.key: api_key, base_url.key: server.base_url})
    _base._clients.clear()
    return server
