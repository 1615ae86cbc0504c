"""What every provider shares: configuration from the stack or the environment, one client per
process, and a pickled form (stored in every resource's state) that is a tiny by-reference
pointer with no token or password in it."""

from __future__ import annotations

import base64
import threading
from typing import Any

import dill
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_exotel.config import CONFIG_KEYS, ExotelSettings
from pulumi_exotel.resources.base import (
    ExotelProviderError,
    configure_stack,
    current_settings,
    get_client,
)
from pulumi_exotel.resources.destination_uri import DestinationUriProvider
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from pulumi_exotel.resources.phone_mapping import PhoneMappingProvider
from pulumi_exotel.resources.trunk import TrunkProvider
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIpProvider
from tests.conftest import Stats
from tests.provider.conftest import Engine, configure

pytestmark = pytest.mark.provider

PROVIDERS = [
    TrunkProvider,
    PhoneMappingProvider,
    DigestCredentialProvider,
    WhitelistedIpProvider,
    DestinationUriProvider,
]
TOKEN_CANARY = "tok_CANARY_7f3a9c"
ENV_CANARY = "env_CANARY_51b2e8"
PASSWORD_CANARY = "Pass_CANARY_93d1a7"


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    for _key, env in CONFIG_KEYS.values():
        monkeypatch.delenv(env, raising=False)
    yield monkeypatch
    configure_stack({})


def pickled(provider: ResourceProvider) -> bytes:
    """The bytes Pulumi stores in ``__provider`` (its own serializer, base64-decoded)."""
    return base64.b64decode(serialize_provider(provider))


def test_providers_pickle_by_reference_without_secrets(
    config: dict[str, Any], trunk_sid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXOTEL_API_TOKEN", ENV_CANARY)
    # Real credentials to reach the emulator, plus a canary in a key Pulumi also hands over.
    stack = {**config, "exotel:edgeCaFile": TOKEN_CANARY, "other:secret": TOKEN_CANARY}
    credentials = DigestCredentialProvider()
    configure(credentials, stack)
    Engine(credentials).create(
        {"trunk_sid": trunk_sid, "user_name": "canary", "password": PASSWORD_CANARY}
    )
    for cls in PROVIDERS:
        provider = credentials if cls is DigestCredentialProvider else cls()
        configure(provider, stack)
        assert vars(provider) == {}  # nothing on self: no client, token or socket
        data = pickled(provider)
        assert len(data) < 200, (cls.__name__, len(data))
        assert cls.__module__.encode() in data and cls.__name__.encode() in data
        for secret in (TOKEN_CANARY, ENV_CANARY, PASSWORD_CANARY, config["exotel:apiToken"]):
            assert secret.encode() not in data, (cls.__name__, secret)
        assert type(dill.loads(data)) is cls  # noqa: S301 - our own bytes


def test_diff_needs_no_configuration(no_env: Any) -> None:
    configure(TrunkProvider(), {})
    inputs = {"trunk_name": "voice_ai", "nso_code": "ANY-ANY"}
    diff = TrunkProvider().diff("trmum1abc", {**inputs, "trunk_sid": "trmum1abc"}, inputs)
    assert diff.changes is False


def test_missing_configuration_fails_check_naming_the_config_key_and_env_var(
    no_env: Any,
) -> None:
    engine = Engine(TrunkProvider())
    configure(engine.provider, {"exotel:apiKey": "key"})
    failures = engine.failures({"trunk_name": "voice_ai"})
    assert list(failures) == [""]  # the resource's problem, not one of its inputs
    for words in ("exotel:apiToken", "EXOTEL_API_TOKEN", "exotel:accountSid", "EXOTEL_ACCOUNT_SID"):
        assert words in failures[""]
    with pytest.raises(ExotelProviderError) as caught:  # and create, if check was skipped
        engine.provider.create({"trunk_name": "voice_ai", "nso_code": "ANY-ANY"})
    assert "exotel:apiToken" in str(caught.value)


def test_malformed_setting_fails_check_naming_it(no_env: Any) -> None:
    engine = Engine(TrunkProvider())
    config = {"exotel:apiKey": "k", "exotel:apiToken": "t", "exotel:accountSid": "a"}
    configure(engine.provider, {**config, "exotel:baseUrl": "localhost:8765"})
    reason = engine.failures({"trunk_name": "voice_ai"})[""]
    assert "exotel:baseUrl" in reason and "EXOTEL_BASE_URL" in reason and "localhost:8765" in reason
    configure(engine.provider, {**config, "exotel:edgeTlsPort": "70000"})
    assert "exotel:edgeTlsPort" in engine.failures({"trunk_name": "voice_ai"})[""]


def test_environment_variables_are_the_fallback(
    no_env: Any, emulator_settings: ExotelSettings, stats: Stats
) -> None:
    no_env.setenv("EXOTEL_API_KEY", emulator_settings.api_key)
    no_env.setenv("EXOTEL_API_TOKEN", emulator_settings.api_token.get_secret_value())
    no_env.setenv("EXOTEL_ACCOUNT_SID", emulator_settings.account_sid)
    no_env.setenv("EXOTEL_BASE_URL", str(emulator_settings.base_url))
    no_env.setenv("EXOTEL_EDGE_HOST", "env-edge.example.test")
    engine = Engine(TrunkProvider())
    configure(engine.provider, {"exotel:edgeHost": "config-edge.example.test"})
    _, outs = engine.create({"trunk_name": "voice_ai"})
    assert outs["edge_tls"] == "config-edge.example.test:443"  # stack config wins over env
    assert stats.total() == 1


def test_a_refused_token_says_what_to_check_and_never_shows_it(
    config: dict[str, Any], stats: Stats
) -> None:
    engine = Engine(TrunkProvider())
    configure(engine.provider, {**config, "exotel:apiToken": TOKEN_CANARY})
    with pytest.raises(ExotelProviderError) as caught:
        engine.create({"trunk_name": "voice_ai"})
    message = str(caught.value)
    assert "exotel:apiToken" in message and "Exotel code 1010" in message
    assert TOKEN_CANARY not in message


def test_one_client_per_settings_shared_by_worker_threads(config: dict[str, Any]) -> None:
    configure(TrunkProvider(), config)
    seen: list[object] = []

    def worker() -> None:
        seen.append(get_client(current_settings()))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(client is seen[0] for client in seen)
