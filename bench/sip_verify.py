"""How long does proving a SIP credential take? Median and p99 on a loopback Kamailio edge.

Four ways, over TCP and TLS:
  one-shot          verify_credential(): connect (+ TLS handshake), REGISTER 401, REGISTER 200
  session, fresh    one open connection, every REGISTER challenged again (2 round trips)
  session, cached   one open connection, the last nonce reused with nc+1 (1 round trip)

Run:  .venv/bin/python bench/sip_verify.py [--count 300] [--algorithm MD5|SHA-256]
Needs kamailio (scripts/install-sip-edge.sh). Prints ratios, not pass/fail: it is not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pulumi_exotel.edge import KamailioEdge, SubscriberStore
from pulumi_exotel.sip import SipSession, Transport, VerifyResult, verify_credential, verify_with

REALM = "bench.pstn.exotel.com"
USER, PASSWORD = "bench_user", "bench-Secret_0123456789abcdef"
TRANSPORTS: tuple[Transport, ...] = ("tcp", "tls")


def measure(call: Callable[[], VerifyResult], count: int) -> list[float]:
    """Wall-clock milliseconds of ``count`` calls, after a short warm-up; all must be accepted."""
    for _ in range(min(20, count)):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
        if not result.accepted:
            sys.exit(f"benchmark aborted: {result.summary()}")
    return samples


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--algorithm", choices=["MD5", "SHA-256"], default="MD5")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sip-bench-") as tmp:
        work = Path(tmp)
        with SubscriberStore(work / "subscribers.sqlite") as store:
            store.upsert(USER, REALM, PASSWORD)
            with KamailioEdge(work / "edge", store.db_path, algorithm=args.algorithm) as edge:
                results = run_all(edge, args.count)
    report(results, args)


def run_all(edge: KamailioEdge, count: int) -> dict[tuple[str, Transport], list[float]]:
    ca = str(edge.ca_file)
    results: dict[tuple[str, Transport], list[float]] = {}
    for transport in TRANSPORTS:
        address = edge.tcp_edge if transport == "tcp" else edge.tls_edge

        def one_shot(address: str = address, transport: Transport = transport) -> VerifyResult:
            return verify_credential(address, transport, REALM, USER, PASSWORD, ca_file=ca)

        results[("one-shot", transport)] = measure(one_shot, count)
        for mode, reuse in (("session, fresh", False), ("session, cached", True)):
            with SipSession(
                address, transport, REALM, USER, PASSWORD, ca_file=ca, reuse_nonce=reuse
            ) as session:
                results[(mode, transport)] = measure(lambda s=session: verify_with(s), count)
    return results


def report(results: dict[tuple[str, Transport], list[float]], args: argparse.Namespace) -> None:
    print(f"SIP credential verification on loopback Kamailio ({args.algorithm}, n={args.count})")
    print(f"{'mode':<18}{'transport':<11}{'median ms':>11}{'p99 ms':>10}")
    for (mode, transport), samples in results.items():
        print(f"{mode:<18}{transport:<11}{statistics.median(samples):>11.3f}{p99(samples):>10.3f}")
    print("\nratios of medians (p99 in brackets)")
    modes = sorted(
        {mode for mode, _ in results}, key=list(dict.fromkeys(m for m, _ in results)).index
    )

    def ratio(a: list[float], b: list[float]) -> str:
        return f"{statistics.median(a) / statistics.median(b):6.2f}x ({p99(a) / p99(b):.2f}x)"

    for mode in modes:
        print(f"  TLS / TCP, {mode:<22}{ratio(results[(mode, 'tls')], results[(mode, 'tcp')])}")
    for transport in TRANSPORTS:
        one_shot = results[("one-shot", transport)]
        for mode in modes[1:]:
            label = f"one-shot / {mode}, {transport.upper()}"
            print(f"  {label:<33}{ratio(one_shot, results[(mode, transport)])}")


if __name__ == "__main__":
    main()
