"""Emulator: oversized input is a client error (4xx in Exotel's envelope), never a 500, and the
``late_commit`` fault applies a write after the client has given up — over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from pulumi_exotel.emulator.server import EmulatorServer
from pulumi_exotel.emulator.wire import MAX_BODY_BYTES, MAX_NUMBER_DIGITS
from tests.conftest import Stats, error_of, listed

pytestmark = pytest.mark.api


def post_raw(
    client: httpx.Client, path: str, content: str | bytes | Iterator[bytes]
) -> httpx.Response:
    """POST ``content`` as written (JSON text no encoder has checked) to ``path``."""
    return client.post(path, content=content, headers={"Content-Type": "application/json"})


def test_a_5000_digit_integer_is_a_400_not_a_500(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    body = '{"ip": "44.248.146.11", "mask": ' + "9" * 5000 + "}"
    response = post_raw(emulator_api, f"/trunks/{trunk_sid}/whitelisted-ips", body)
    status, _code, error_code, description = error_of(response)
    assert (status, error_code) == (400, 1007)
    assert f"more than {MAX_NUMBER_DIGITS} digits" in description
    assert len(response.text) < 1000  # the number is not echoed back
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/whitelisted-ips")) == []


def test_a_huge_number_in_a_field_exotel_does_not_read_is_ignored(
    emulator_api: httpx.Client, trunk_sid: str
) -> None:
    # Go's decoder skips unknown fields whatever they hold; only a field it reads refuses it.
    body = '{"ip": "44.248.146.11", "mask": 32, "note": [' + "9" * 30 + "]}"
    response = post_raw(emulator_api, f"/trunks/{trunk_sid}/whitelisted-ips", body)
    assert response.status_code == 200, response.text
    assert [
        acl["ip"] for acl in listed(emulator_api.get(f"/trunks/{trunk_sid}/whitelisted-ips"))
    ] == ["44.248.146.11"]


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_a_413(
    emulator_api: httpx.Client, trunk_sid: str, chunked: bool
) -> None:
    name = "x" * (MAX_BODY_BYTES + 1)
    raw = ('{"user_name": "' + name + '", "password": "Abc_12345678"}').encode()
    # A generator body goes out chunked, without a Content-Length to refuse it by.
    content = iter([raw[i : i + 8192] for i in range(0, len(raw), 8192)]) if chunked else raw
    response = post_raw(emulator_api, f"/trunks/{trunk_sid}/credentials", content)
    status, _code, error_code, description = error_of(response)
    assert (status, error_code) == (413, 1007)
    assert str(MAX_BODY_BYTES) in description
    assert len(response.text) < 1000
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/credentials")) == []


def test_a_body_just_under_the_limit_is_read(emulator_api: httpx.Client, trunk_sid: str) -> None:
    padding = " " * (MAX_BODY_BYTES - 100)
    body = '{"user_name": "edge_user", "password": "Abc_12345678"' + padding + "}"
    response = post_raw(emulator_api, f"/trunks/{trunk_sid}/credentials", body)
    assert response.status_code == 200, response.text


def test_late_commit_applies_the_write_after_the_client_timed_out(
    emulator: EmulatorServer,
    emulator_api: httpx.Client,
    stats: Stats,
    trunk_sid: str,
) -> None:
    stats.fault("late_commit", "POST", "/destination-uris$", delay_ms=800)
    with pytest.raises(httpx.TimeoutException):
        emulator_api.post(
            f"/trunks/{trunk_sid}/destination-uris",
            json={"destinations": [{"destination": "sip:sip.example.com:5061;transport=tls"}]},
            timeout=0.2,
        )
    assert listed(emulator_api.get(f"/trunks/{trunk_sid}/destination-uris")) == []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        entries = listed(emulator_api.get(f"/trunks/{trunk_sid}/destination-uris"))
        if entries:
            break
        time.sleep(0.1)
    assert [e["destination"] for e in entries] == ["sip:sip.example.com:5061;transport=tls"]
