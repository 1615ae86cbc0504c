"""How close does the client get to Exotel's rate limit without tripping it?

Starts the emulator with a limit of R requests per minute, then makes N trunk creates
through one ``ExotelClient`` from T threads, with the client's limiter also set to R. Every
HTTP request is timed at the transport, so the report covers retries and lookups too.

Printed:

- the busiest rolling minute of requests sent, divided by R (the ratio: close to 1.0 means
  the budget is used, above 1.0 would mean the limiter lets too much through);
- 429s received on the wire (absorbed by retries) and 429s that reached the caller;
- the mean rate over the run.

Targets: ratio >= 0.95 and zero 429s reaching the caller. N must exceed R for the limiter to
matter, so the default run (R=600, N=660) takes a little over a minute; ``--short`` is a
seconds-long smoke run that stays under the limit.

    .venv/bin/python bench/client_throughput.py [--rate 600] [--creates 660] [--threads 8]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# The busiest rolling minute is counted as stack_scale.py counts it for a whole `pulumi up`.
from stack_scale import busiest_window

from pulumi_exotel.client import ExotelClient, RateLimited
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer


@dataclass
class WireLog:
    """Send time and status of every request the client put on the wire."""

    sent: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class TimedTransport(httpx.HTTPTransport):
    def __init__(self, log: WireLog) -> None:
        super().__init__()
        self._log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = time.monotonic()
        response = super().handle_request(request)
        with self._log.lock:
            self._log.sent.append(sent)
            self._log.statuses.append(response.status_code)
        return response


def run(rate: int, creates: int, threads: int) -> None:
    log = WireLog()
    surfaced_429 = 0
    failures: list[str] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        EmulatorServer(Path(tmp) / "bench.sqlite", rate_limit_per_minute=rate) as emulator,
    ):
        settings = ExotelSettings(
            api_key=DEFAULT_ACCOUNT.api_key,
            api_token=DEFAULT_ACCOUNT.api_token,
            account_sid=DEFAULT_ACCOUNT.sid,
            base_url=emulator.base_url,
            rate_limit_per_minute=rate,
            max_concurrency=threads,
        )
        lock = threading.Lock()

        def create(i: int) -> None:
            nonlocal surfaced_429
            try:
                client.create_trunk(f"bench_{i:06d}")
            except RateLimited:
                with lock:
                    surfaced_429 += 1
            except Exception as exc:  # noqa: BLE001 - counted and shown, not fatal to the run
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")

        started = time.monotonic()
        with (
            ExotelClient(settings, transport=TimedTransport(log)) as client,
            ThreadPoolExecutor(max_workers=threads) as pool,
        ):
            list(pool.map(create, range(creates)))
        elapsed = time.monotonic() - started
        stats = httpx.get(f"{emulator.base_url}/_emulator/stats").json()

    requests = len(log.sent)
    wire_429 = sum(1 for s in log.statuses if s == 429)
    busiest = busiest_window(log.sent)
    ratio = busiest / rate
    print(f"limit R                 : {rate} requests/minute (client and emulator)")
    print(f"creates N / threads T   : {creates} / {threads}")
    print(f"elapsed                 : {elapsed:.1f} s")
    print(f"requests sent           : {requests} (emulator counted {stats['total']})")
    print(f"mean rate               : {requests / elapsed * 60:.0f} requests/minute")
    print(f"busiest rolling minute  : {busiest} requests")
    print(f"ratio (busiest / R)     : {ratio:.3f}")
    print(f"429s on the wire        : {wire_429} (absorbed by retries)")
    print(f"429s reaching the caller: {surfaced_429}")
    if failures:
        print(f"other failures          : {len(failures)}, first: {failures[0]}")
    if requests < rate:
        print("note: fewer requests than R, so the limit was never reached (smoke run)")
    else:
        verdict = "PASS" if 0.95 <= ratio <= 1.0 and surfaced_429 == 0 and not failures else "FAIL"
        print(f"target ratio in [0.95, 1.0] and zero surfaced 429s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rate", type=int, default=600, help="R: requests per minute")
    parser.add_argument("--creates", type=int, help="N: trunk creates (default R + R/10)")
    parser.add_argument("--threads", type=int, default=8, help="T: parallel threads")
    parser.add_argument("--short", action="store_true", help="a few seconds, under the limit")
    args = parser.parse_args()
    rate: int = args.rate
    creates: int = args.creates or (rate // 6 if args.short else rate + rate // 10)
    run(rate, creates, args.threads)


if __name__ == "__main__":
    main()
