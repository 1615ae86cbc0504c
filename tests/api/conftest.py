"""The client the API tests drive against the emulator (a module may define its own ``client``,
as the retry tests do with their own backoff)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_exotel.client import ExotelClient, RetryPolicy
from pulumi_exotel.config import ExotelSettings


@pytest.fixture
def client(emulator_settings: ExotelSettings) -> Iterator[ExotelClient]:
    """An ``ExotelClient`` on the test's emulator, retrying after 50 ms instead of a second."""
    with ExotelClient(emulator_settings, retry_policy=RetryPolicy(initial_backoff=0.05)) as c:
        yield c
