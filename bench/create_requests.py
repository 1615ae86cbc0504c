"""Benchmark: API requests the creates of a 300-object stack cost, at the provider level.

Calls the five providers' ``create`` the way a ``pulumi up`` does (checked inputs, 4 worker
threads like the dynamic-provider process) against a fresh emulator: 1 trunk, 100 phone
mappings, 100 digest credentials (generated names), 50 ACL IPs and 49 destinations. Prints the
requests per route and in all, and requests per object; the target is at most 310 in all
(one write per object plus a bounded number of reads per trunk). ``--wire-realm`` passes the
trunk's ``sip_realm`` to each credential, as a program that wires ``trunk.sip_realm`` does.

    .venv/bin/python bench/create_requests.py [--wire-realm]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from emulated import configure, fresh_emulator, provider_config
from pulumi.dynamic import ResourceProvider

from pulumi_exotel.resources import (
    DestinationUriProvider,
    DigestCredentialProvider,
    PhoneMappingProvider,
    TrunkProvider,
    WhitelistedIpProvider,
)

MAPPINGS, CREDENTIALS, ACL_IPS, DESTINATIONS = 100, 100, 50, 49


def create(provider: ResourceProvider, news: dict[str, Any]) -> dict[str, Any]:
    """What the engine does for one new resource: check, then create with the checked inputs."""
    checked = provider.check({}, news)
    assert not checked.failures, [(f.property, f.reason) for f in checked.failures]
    outs = provider.create(checked.inputs).outs
    return dict(outs or {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wire-realm", action="store_true", help="pass sip_realm to credentials")
    args = parser.parse_args()

    with fresh_emulator() as server:
        providers: dict[str, ResourceProvider] = {
            "trunk": TrunkProvider(),
            "mapping": PhoneMappingProvider(),
            "credential": DigestCredentialProvider(),
            "acl": WhitelistedIpProvider(),
            "destination": DestinationUriProvider(),
        }
        configure(
            provider_config(server, **{"exotel:rateLimitStore": "memory"}), *providers.values()
        )
        control = httpx.Client(base_url=f"{server.base_url}/_emulator", timeout=10)
        control.post("/stats/reset").raise_for_status()

        started = time.perf_counter()
        trunk = create(providers["trunk"], {"trunk_name": "bench_scale"})
        sid, realm = trunk["trunk_sid"], trunk["sip_realm"]
        jobs: list[Callable[[], dict[str, Any]]] = []
        for n in range(MAPPINGS):
            news = {"trunk_sid": sid, "phone_number": f"+9180{n:08d}"}
            jobs.append(lambda news=news: create(providers["mapping"], news))
        for n in range(CREDENTIALS):
            news = {"trunk_sid": sid, "user_name_prefix": f"c{n}"}
            if args.wire_realm:
                news["sip_realm"] = realm
            jobs.append(lambda news=news: create(providers["credential"], news))
        for n in range(ACL_IPS):
            news = {"trunk_sid": sid, "ip": f"44.248.{n // 250}.{n % 250 + 1}"}
            jobs.append(lambda news=news: create(providers["acl"], news))
        for n in range(DESTINATIONS):
            news = {"trunk_sid": sid, "destination": f"sip{n}.example.com:5061;transport=tls"}
            jobs.append(lambda news=news: create(providers["destination"], news))
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda job: job(), jobs))
        elapsed = time.perf_counter() - started

        stats = control.get("/stats").json()
        control.close()

    objects = 1 + len(jobs)
    total = int(stats["total"])
    print(f"objects created:      {objects} ({elapsed:.1f} s, no rate limit)")
    for route, count in sorted(stats["by_route"].items()):
        print(f"  {count:5d}  {route}")
    print(f"requests in all:      {total}")
    print(f"requests per object:  {total / objects:.3f}")
    print(f"target (<= 310):      {'met' if total <= 310 else 'MISSED'}")


if __name__ == "__main__":
    main()
