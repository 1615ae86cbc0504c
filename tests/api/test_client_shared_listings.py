"""Reads that accept a recent answer share one listing; a write always makes it fresh again."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.client.listings import SharedListings

pytestmark = pytest.mark.api


def listing_gets(server: Any, suffix: str) -> int:
    log = httpx.get(f"{server.base_url}/_emulator/stats").json()["log"]
    return sum(1 for e in log if e["method"] == "GET" and e["path"].endswith(suffix))


def test_many_parallel_reads_cost_one_listing(emulator: Any, emulator_settings: Any) -> None:
    with ExotelClient(emulator_settings) as client:
        sid = client.create_trunk("shared_reads").trunk_sid
        for n in range(5):
            client.create_phone_mapping(sid, f"+91804709{n:04d}")
        httpx.post(f"{emulator.base_url}/_emulator/stats/reset")

        results: list[int] = []

        def read() -> None:
            results.append(len(client.list_phone_mappings(sid, max_age=5.0)))

        threads = [threading.Thread(target=read) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert results == [5] * 20
        assert listing_gets(emulator, "/phone-numbers") == 1


def test_a_write_invalidates_shared_listings(emulator: Any, emulator_settings: Any) -> None:
    with ExotelClient(emulator_settings) as client:
        sid = client.create_trunk("fresh_reads").trunk_sid
        assert client.list_whitelisted_ips(sid, max_age=60) == []
        client.create_whitelisted_ip(sid, "44.248.146.30")
        assert [a.ip for a in client.list_whitelisted_ips(sid, max_age=60)] == ["44.248.146.30"]
        # Without max_age every call lists afresh.
        httpx.post(f"{emulator.base_url}/_emulator/stats/reset")
        client.list_whitelisted_ips(sid)
        client.list_whitelisted_ips(sid)
        assert listing_gets(emulator, "/whitelisted-ips") == 2


def test_an_entry_older_than_max_age_is_fetched_again() -> None:
    now = [100.0]
    listings = SharedListings(clock=lambda: now[0])
    calls: list[int] = []

    def fetch() -> list[int]:
        calls.append(1)
        return [len(calls)]

    assert listings.get("k", 5.0, fetch) == [1]
    now[0] += 4.0
    assert listings.get("k", 5.0, fetch) == [1]
    now[0] += 2.0
    assert listings.get("k", 5.0, fetch) == [2]
    listings.invalidate()
    assert listings.get("k", 5.0, fetch) == [3]
