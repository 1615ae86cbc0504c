"""Provider-tier helpers: call the providers the way the Pulumi engine does, against the emulator.

The engine configures a provider with the whole stack config (``configure``), then for each
resource calls ``check`` and hands the *checked* inputs to ``diff``/``create``/``update``; numbers
arrive as floats. ``Engine`` reproduces exactly that sequence so tests read like a ``pulumi up``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest, DiffResult, ResourceProvider

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import CONFIG_KEYS, ExotelSettings
from pulumi_exotel.resources.base import configure_stack
from pulumi_exotel.resources.destination_uri import DestinationUriProvider
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from pulumi_exotel.resources.phone_mapping import PhoneMappingProvider
from pulumi_exotel.resources.trunk import TrunkProvider
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIpProvider

PROVIDER = "serialized-provider"  # what the engine puts in __provider; providers must ignore it


def stack_config(settings: ExotelSettings) -> dict[str, Any]:
    """The ``exotel:*`` stack config for ``settings``, as ``ConfigureRequest`` carries it."""
    values = {
        "api_key": settings.api_key,
        "api_token": settings.api_token.get_secret_value(),
        "account_sid": settings.account_sid,
        "base_url": settings.base_url,
        "rate_limit_per_minute": str(settings.rate_limit_per_minute),
        "max_retries": str(settings.max_retries),
        "edge_host": "edge.example.test",
        "edge_tcp_port": "5070",
        "edge_tls_port": "443",
    }
    return {CONFIG_KEYS[field][0]: value for field, value in values.items()}


def configure(provider: ResourceProvider, config: dict[str, Any]) -> None:
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="test")))


@pytest.fixture
def config(
    emulator_settings: ExotelSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """The stack config for the emulator; no ``EXOTEL_*`` env var can leak in."""
    for _key, env in CONFIG_KEYS.values():
        monkeypatch.delenv(env, raising=False)
    yield stack_config(emulator_settings)
    configure_stack({})


@pytest.fixture
def api(emulator_settings: ExotelSettings) -> Iterator[ExotelClient]:
    """Exotel as someone outside Pulumi sees it (the same emulator, its own client)."""
    with ExotelClient(emulator_settings) as client:
        yield client


def with_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "__provider": PROVIDER}


def engine_numbers(props: dict[str, Any]) -> dict[str, Any]:
    """What gRPC makes of a property bag: every int becomes a float."""
    return {
        k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in props.items()
    }


@dataclass
class Engine:
    """The engine's side of one resource's lifecycle."""

    provider: ResourceProvider

    def check(self, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.provider.check(olds or {}, with_provider(news))
        assert result.failures == [], [(f.property, f.reason) for f in result.failures]
        return engine_numbers(result.inputs)

    def failures(self, news: dict[str, Any]) -> dict[str, str]:
        result = self.provider.check({}, with_provider(news))
        return {f.property: f.reason for f in result.failures}

    def create(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        result = self.provider.create(self.check(news))
        assert isinstance(result.id, str) and result.id
        return result.id, engine_numbers(result.outs or {})

    def diff(self, id_: str, outs: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return self.provider.diff(id_, with_provider(outs), self.check(news))

    def update(self, id_: str, outs: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        result = self.provider.update(id_, with_provider(outs), self.check(news))
        return engine_numbers(result.outs or {})

    def read(self, id_: str, outs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        result = self.provider.read(id_, with_provider(outs))
        assert result.outs is not None  # the engine crashes on None
        return result.id, result.outs

    def delete(self, id_: str, outs: dict[str, Any]) -> None:
        self.provider.delete(id_, with_provider(outs))


def engine_for(provider: ResourceProvider, config: dict[str, Any]) -> Engine:
    """The ``Engine`` of ``provider``, configured with the stack config ``config``."""
    configure(provider, config)
    return Engine(provider)


def _engine_fixture(make: Callable[[], ResourceProvider]) -> Any:
    """A fixture: the ``Engine`` of a new provider from ``make``, configured for the emulator."""

    @pytest.fixture
    def engine(config: dict[str, Any]) -> Engine:
        return engine_for(make(), config)

    return engine


trunks = _engine_fixture(TrunkProvider)
mappings = _engine_fixture(PhoneMappingProvider)
credentials = _engine_fixture(DigestCredentialProvider)
acls = _engine_fixture(WhitelistedIpProvider)
destinations = _engine_fixture(DestinationUriProvider)
