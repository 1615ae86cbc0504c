"""Benchmark: API requests a `pulumi refresh` of many children of one trunk costs.

Creates N destination URIs on one trunk in a fresh emulator, then reads every one back through
`DestinationUriProvider.read` from 4 threads (the dynamic-provider process has 4 workers), as
a refresh does. Prints the listing GET requests (pages) per read, with shared listings (the
provider's behaviour) and with every read listing on its own, and the ratio between them.

    .venv/bin/python bench/refresh_reads.py --children 100
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from emulated import configure, fresh_emulator, provider_config

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.resources import base
from pulumi_exotel.resources.destination_uri import DestinationUriProvider


def listing_requests(url: str) -> int:
    by_route: dict[str, int] = httpx.get(f"{url}/_emulator/stats").json()["by_route"]
    return sum(
        n for route, n in by_route.items() if route.startswith("GET ") and "destination" in route
    )


def refresh(provider: DestinationUriProvider, states: list[tuple[str, dict[str, Any]]]) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda s: provider.read(s[0], s[1]), states))
    assert all(r.id for r in results), "a destination read back as gone"
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100)
    args = parser.parse_args()

    with fresh_emulator() as server:
        config = provider_config(server)
        settings = ExotelSettings.load(config)
        provider = DestinationUriProvider()
        configure(config, provider)
        states: list[tuple[str, dict[str, Any]]] = []
        with ExotelClient(settings) as client:
            sid = client.create_trunk("bench_refresh").trunk_sid
            for n in range(args.children):
                created = provider.create(
                    {"trunk_sid": sid, "destination": f"sip{n}.example.com:5061;transport=tls"}
                )
                states.append((created.id or "", dict(created.outs or {})))

        httpx.post(f"{server.base_url}/_emulator/stats/reset")
        shared_time = refresh(provider, states)
        shared = listing_requests(server.base_url)

        httpx.post(f"{server.base_url}/_emulator/stats/reset")
        original = base.READ_MAX_AGE
        base.READ_MAX_AGE = 0.0
        try:
            alone_time = refresh(provider, states)
        finally:
            base.READ_MAX_AGE = original
        alone = listing_requests(server.base_url)

    n = args.children
    print(f"children read:                    {n} (pages of 50)")
    print(f"GET requests, shared listing:     {shared} ({shared / n:.3f}/read, {shared_time:.2f}s)")
    print(f"GET requests, a listing per read: {alone} ({alone / n:.3f}/read, {alone_time:.2f} s)")
    print(f"ratio shared / per-read:          {shared / alone:.3f}")
    print(
        "at 200 requests/minute a refresh of these children would take "
        f"{alone / 200 * 60:.0f} s one-per-read and {shared / 200 * 60:.1f} s shared"
    )


if __name__ == "__main__":
    main()
