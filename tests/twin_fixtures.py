"""The fixtures the tests of a platform twin start from: one twin per test module, emptied before
each test, and (for provider tests) the platform's settings pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import pytest

from pulumi_exotel.platforms import _base
from pulumi_exotel.platforms._base import PlatformSettings, remember_config
from pulumi_exotel.twins._server import TwinServer


class _Twin(Protocol):
    base_url: str

    def reset(self) -> None: ...


TwinT = TypeVar("TwinT", bound=_Twin)


def module_twin(make: Callable[[], TwinServer]) -> Any:
    """A module-scoped fixture: the twin ``make()`` builds, running for the module's tests.
    Assign it as ``server = module_twin(...)``."""

    @pytest.fixture(scope="module")
    def server() -> Iterator[TwinServer]:
        with make() as running:
            yield running

    return server


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
