"""Retry rules against the emulator's injected faults (``/_emulator/faults``), judged by what
the emulator saw (``/_emulator/stats``) and what exists afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_exotel.client import (
    ExotelClient,
    InvalidParameter,
    RetryPolicy,
    ServerError,
    TransportError,
    Trunk,
    Unreachable,
)
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.server import EmulatorServer

pytestmark = pytest.mark.api

TRUNKS = "/trunks"
ACLS = "/trunks/{trunk_sid}/whitelisted-ips"
DESTINATIONS = "/trunks/{trunk_sid}/destination-uris"
CREDENTIALS = "/trunks/{trunk_sid}/credentials"


FAST = RetryPolicy(max_retries=3, initial_backoff=0.05)


@pytest.fixture
def client(emulator_settings: ExotelSettings) -> Iterator[ExotelClient]:
    with ExotelClient(emulator_settings, retry_policy=FAST) as c:
        yield c


def with_timeout(settings: ExotelSettings, seconds: float) -> ExotelSettings:
    values = {**settings.model_dump(), "api_token": settings.api_token, "timeout_seconds": seconds}
    return ExotelSettings(**values)


@pytest.fixture
def trunk(client: ExotelClient, emulator: EmulatorServer) -> Trunk:
    created = client.create_trunk("retry_trunk")
    httpx.post(f"{emulator.base_url}/_emulator/stats/reset").raise_for_status()
    return created


def inject(emulator: EmulatorServer, **rule: Any) -> None:
    httpx.post(f"{emulator.base_url}/_emulator/faults", json=rule).raise_for_status()


def seen(emulator: EmulatorServer, method: str, template: str) -> int:
    stats = httpx.get(f"{emulator.base_url}/_emulator/stats").json()
    count: int = stats["by_route"].get(f"{method} /v2/accounts/{{account_sid}}{template}", 0)
    return count


def settled(emulator: EmulatorServer, method: str, template: str, expected: int) -> int:
    """``seen`` once a request the client abandoned (timed out) has finished in the emulator.

    The emulator records a request when it answers, which for a held request is after the
    client moved on; waiting also keeps that late record out of the next test's stats.
    """
    deadline = time.monotonic() + 5
    while (count := seen(emulator, method, template)) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def test_server_error_on_get_is_retried(client: ExotelClient, emulator: EmulatorServer) -> None:
    client.create_trunk("listed")
    inject(emulator, kind="status", status=503, method="GET", path_regex="/trunks$", count=2)

    assert [t.trunk_name for t in client.list_trunks()] == ["listed"]
    assert seen(emulator, "GET", TRUNKS) == 3


def test_server_error_that_persists_surfaces_after_max_retries(
    client: ExotelClient, emulator: EmulatorServer
) -> None:
    inject(emulator, kind="status", status=500, method="GET", path_regex="/trunks$", count=None)

    with pytest.raises(ServerError) as info:
        client.list_trunks()

    assert info.value.http_status == 500
    assert seen(emulator, "GET", TRUNKS) == 1 + client.settings.max_retries


def test_server_error_on_post_looks_up_then_creates_exactly_once(
    client: ExotelClient, emulator: EmulatorServer
) -> None:
    inject(emulator, kind="status", status=500, method="POST", path_regex="/trunks$", count=1)

    created = client.create_trunk("after_500")

    assert seen(emulator, "POST", TRUNKS) == 2  # the failed one, then the real create
    assert seen(emulator, "GET", TRUNKS) == 1  # the lookup in between found nothing
    assert [t.trunk_sid for t in client.list_trunks()] == [created.trunk_sid]


def test_lost_response_on_post_leaves_exactly_one_remote_object(
    client: ExotelClient, emulator: EmulatorServer, trunk: Trunk
) -> None:
    inject(emulator, kind="drop_response", method="POST", path_regex="/credentials$", count=1)

    created = client.create_digest_credential(trunk.trunk_sid, "agent_1", "Str0ngPassword_1")

    assert created.user_name == "agent_1"
    assert seen(emulator, "POST", CREDENTIALS) == 1  # adopted: never posted twice
    assert client.list_digest_credentials(trunk.trunk_sid) == [created]


def test_lost_response_on_destination_post_does_not_append_a_second_copy(
    client: ExotelClient, emulator: EmulatorServer, trunk: Trunk
) -> None:
    # Exotel appends repeated destinations instead of answering 1008, so only the lookup
    # stands between a lost answer and a duplicate.
    inject(emulator, kind="drop_response", method="POST", path_regex="/destination-uris$")

    created = client.create_destination_uri(trunk.trunk_sid, "sbc.example.com:5061;transport=tls")

    assert client.list_destination_uris(trunk.trunk_sid) == [created]
    assert seen(emulator, "POST", DESTINATIONS) == 1


def test_duplicate_on_a_retry_after_a_lost_response_adopts_the_object(
    client: ExotelClient, emulator: EmulatorServer, trunk: Trunk
) -> None:
    # The first POST is applied but its answer lost; every lookup attempt then meets a 503, so
    # the client posts again, and the 1008 on that retry is its own object: adopt it.
    retries = client.settings.max_retries
    inject(emulator, kind="drop_response", method="POST", path_regex="/whitelisted-ips$")
    inject(
        emulator,
        kind="status",
        status=503,
        method="GET",
        path_regex="/whitelisted-ips$",
        count=1 + retries,
    )

    created = client.create_whitelisted_ip(trunk.trunk_sid, "44.248.146.10")

    assert created.ip == "44.248.146.10"
    assert seen(emulator, "POST", ACLS) == 2
    assert seen(emulator, "GET", ACLS) == 2 + retries  # failed lookup, then the adopting one
    assert client.list_whitelisted_ips(trunk.trunk_sid) == [created]


def test_timeout_on_get_is_retried(
    emulator_settings: ExotelSettings, emulator: EmulatorServer
) -> None:
    inject(emulator, kind="latency", delay_ms=1000, method="GET", path_regex="/trunks$", count=1)

    with ExotelClient(with_timeout(emulator_settings, 0.3), retry_policy=FAST) as client:
        assert client.list_trunks() == []

    assert settled(emulator, "GET", TRUNKS, 2) == 2


def test_transport_errors_on_every_attempt_surface_as_transport_error(
    client: ExotelClient, emulator: EmulatorServer
) -> None:
    inject(emulator, kind="drop_response", method="GET", path_regex="/trunks$", count=None)

    with pytest.raises(TransportError):
        client.list_trunks()

    assert seen(emulator, "GET", TRUNKS) == 1 + client.settings.max_retries


def test_rate_limit_burst_is_absorbed_after_retry_after(
    client: ExotelClient, emulator: EmulatorServer
) -> None:
    inject(
        emulator, kind="rate_limit", delay_ms=1000, method="POST", path_regex="/trunks$", count=2
    )
    started = time.monotonic()

    created = client.create_trunk("patient")

    assert created.trunk_name == "patient"
    assert time.monotonic() - started >= 2.0  # two Retry-After: 1 honoured
    assert seen(emulator, "POST", TRUNKS) == 3
    assert seen(emulator, "GET", TRUNKS) == 0  # a 429 was not applied: nothing to look up


def test_invalid_parameter_is_never_retried(client: ExotelClient, emulator: EmulatorServer) -> None:
    with pytest.raises(InvalidParameter):
        client.create_trunk("bad-name!")

    stats = httpx.get(f"{emulator.base_url}/_emulator/stats").json()
    assert stats["total"] == 1


def test_lost_response_on_delete_counts_as_deleted(
    client: ExotelClient, emulator: EmulatorServer, trunk: Trunk
) -> None:
    acl = client.create_whitelisted_ip(trunk.trunk_sid, "44.248.146.11")
    inject(emulator, kind="drop_response", method="DELETE", path_regex="/whitelisted-ips$")

    client.delete_whitelisted_ip(trunk.trunk_sid, acl.id)

    assert seen(emulator, "DELETE", ACLS) == 2  # the lost one, then a 404 read as success
    assert client.list_whitelisted_ips(trunk.trunk_sid) == []


def test_server_error_on_put_is_retried(
    client: ExotelClient, emulator: EmulatorServer, trunk: Trunk
) -> None:
    inject(emulator, kind="status", status=502, method="PUT", count=1)

    renamed = client.update_trunk(trunk.trunk_sid, trunk_name="renamed")

    assert renamed.trunk_name == "renamed"
    assert seen(emulator, "PUT", "/trunks/{trunk_sid}") == 2


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released without listening)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint_gives_up_within_the_bound_without_lookups(
    emulator_settings: ExotelSettings,
) -> None:
    port = closed_port()
    values = {
        **emulator_settings.model_dump(),
        "api_token": emulator_settings.api_token,
        "base_url": f"http://127.0.0.1:{port}",
    }
    settings = ExotelSettings(**values)
    sent: list[str] = []

    class Recording(httpx.HTTPTransport):
        """The real transport, noting each request it tries to send."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(f"{request.method} {request.url.path}")
            return super().handle_request(request)

    # Many retries allowed, so only the time bound can stop the loop.
    policy = RetryPolicy(max_retries=50, initial_backoff=0.05, max_backoff=0.2, connect_give_up=1.0)
    with ExotelClient(settings, retry_policy=policy, transport=Recording()) as client:
        start = time.monotonic()
        with pytest.raises(Unreachable) as info:
            client.create_trunk("never_sent")
        elapsed = time.monotonic() - start
    # It kept trying for most of the bound, and stopped before sleeping past it.
    assert 0.5 <= elapsed < 3.0, elapsed
    assert 2 <= len(sent) < 50
    # Nothing can have reached a server, so no listing was made to look for the trunk.
    assert all(line.startswith("POST ") for line in sent), sent
    assert info.value.address == f"127.0.0.1:{port}"
    assert f"127.0.0.1:{port}" in str(info.value)
    assert emulator_settings.api_token.get_secret_value() not in str(info.value)
