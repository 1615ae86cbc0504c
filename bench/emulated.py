"""What the provider-level benchmarks share: a fresh emulator, and the Pulumi config that points
the providers at it with a rate limit high enough that the numbers count requests, not waiting.

The benchmarks run as scripts (``python bench/<name>.py``), so this directory is on
``sys.path`` and they import this module as ``emulated``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer

__all__ = ["configure", "fresh_emulator", "provider_config"]


@contextmanager
def fresh_emulator() -> Iterator[EmulatorServer]:
    """An emulator serving ``DEFAULT_ACCOUNT`` from a throwaway database."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmulatorServer(Path(tmp) / "bench.sqlite", [DEFAULT_ACCOUNT]) as server,
    ):
        yield server


def provider_config(server: EmulatorServer, **extra: str) -> dict[str, str]:
    """``exotel:*`` config for ``DEFAULT_ACCOUNT`` on ``server``; ``extra`` adds or overrides."""
    return {
        "exotel:baseUrl": server.base_url,
        "exotel:accountSid": DEFAULT_ACCOUNT.sid,
        "exotel:apiKey": DEFAULT_ACCOUNT.api_key,
        "exotel:apiToken": DEFAULT_ACCOUNT.api_token,
        "exotel:rateLimitPerMinute": "1000000",
        **extra,
    }


def configure(config: dict[str, str], *providers: ResourceProvider) -> None:
    """What the engine does once per provider before the first call."""
    request = ConfigureRequest(Config(raw_config=config, project_name="bench"))
    for provider in providers:
        provider.configure(request)
