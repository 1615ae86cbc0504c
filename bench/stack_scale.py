"""Benchmark: a large stack through the real `pulumi` CLI against the emulator at Exotel's limit.

Single-stack mode (default) builds the issue-11 stack (1 trunk, 100 phone mappings, 100 digest
credentials, 50 ACL IPs, 49 destinations: 300 objects) against `pulumi-exotel emulator
--rate-limit 200` and runs, in order:

1. a naive sequential httpx script (`bench/naive_create.py`, its own process) that POSTs the
   same 300 objects (on a second account, so its rate window is its own), sleeping
   `Retry-After` on a 429: the yardstick;
2. `pulumi up`, then `pulumi destroy` started the moment `up` returns (a fresh process: only a
   budget remembered across processes keeps it free of 429s);
3. `pulumi up` again, a no-change `pulumi preview --expect-no-changes`, `pulumi refresh`,
   `pulumi destroy`.

For each phase it prints the API requests the emulator received, the 429s it sent, the wall
time and the busiest 60 s window (from the emulator's request log), then the checks of issue 11:
up requests <= 310, up wall <= 1.1x naive, zero 429s in up and in destroy, preview zero
requests, refresh one listing per child kind per trunk plus the trunk read.

`--three-stacks` instead deploys three 100-object stacks on one account with `pulumi up` in
three processes at once (then destroys them the same way), once with the default store (the
SQLite file) and once with a Redis store (a real redis-server on loopback): zero 429s, and the
busiest 60 s window across the three at least 0.95 of the limit.

    .venv/bin/python bench/stack_scale.py [--scale 0.2] [--rate-limit 200]
    .venv/bin/python bench/stack_scale.py --three-stacks [--stores sqlite,redis]

`--scale` multiplies the object counts for a quicker run (the limit stays, so a small stack
may never meet it). Needs `pulumi` on PATH (scripts/setup-pulumi.sh) and, for Redis,
`redis-server` (scripts/install-sip-edge.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pulumi_exotel.client.limits import WINDOW_MARGIN_SECONDS  # noqa: E402
from tests.engine.harness import PulumiFailed, Workspace  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402

PROGRAM = Path(__file__).parent / "programs" / "stack_scale"
WINDOW = 60.0
#: The issue's stack: children of one trunk, in this proportion.
SHAPE = {"mappings": 100, "credentials": 100, "acls": 50, "destinations": 49}
STACK_ACCOUNT = ("bench1", "bench_key", "bench_token")
#: Extra environment for every pulumi command (``--pulumi-env``).
EXTRA_ENV: dict[str, str] = {}
NAIVE_ACCOUNT = ("naive1", "naive_key", "naive_token")


# --- what to create ----------------------------------------------------------------------------


@dataclass
class Spec:
    """The objects of one stack; the Pulumi program and the naive script create the same."""

    trunk_name: str
    phone_numbers: list[str]
    user_names: list[str]
    ips: list[str]
    destinations: list[str]

    @classmethod
    def build(cls, tag: str, base: int, objects: int) -> Spec:
        children = max(4, objects - 1)
        total = sum(SHAPE.values())
        counts = {kind: n * children // total for kind, n in SHAPE.items()}
        counts["mappings"] += children - sum(counts.values())  # rounding goes to mappings
        ips = []
        for i in range(counts["acls"]):
            n = base + i
            ips.append(f"44.{20 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}")
        return cls(
            trunk_name=f"bench_{tag}",
            phone_numbers=[f"+91804{base + i:07d}" for i in range(counts["mappings"])],
            user_names=[f"b{tag}_{i}" for i in range(counts["credentials"])],
            ips=ips,
            destinations=[
                f"sip{i}.{tag}.bench.example.com:5061;transport=tls"
                for i in range(counts["destinations"])
            ],
        )

    @property
    def objects(self) -> int:
        return 1 + sum(
            len(x) for x in (self.phone_numbers, self.user_names, self.ips, self.destinations)
        )

    def describe(self) -> str:
        return (
            f"{self.objects} objects (1 trunk, {len(self.phone_numbers)} mappings, "
            f"{len(self.user_names)} credentials, {len(self.ips)} ACL IPs, "
            f"{len(self.destinations)} destinations)"
        )


# --- the emulator, through its real command line ----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Emulator:
    url: str
    limit: int

    def reset_stats(self) -> None:
        httpx.post(f"{self.url}/_emulator/stats/reset").raise_for_status()

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{self.url}/_emulator/stats").json()
        return answer


@contextmanager
def emulator(workdir: Path, limit: int) -> Iterator[Emulator]:
    command = shutil.which("pulumi-exotel", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("pulumi-exotel is not installed in this venv: run `make bootstrap`")
    port = _free_port()
    argv = [command, "emulator", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--db", str(workdir / "emulator.sqlite"), "--rate-limit", str(limit)]
    for account in (STACK_ACCOUNT, NAIVE_ACCOUNT):
        argv += ["--account", ":".join(account)]
    log = (workdir / "emulator.log").open("w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/_emulator/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the emulator did not start: see {log.name}") from None
                time.sleep(0.1)
        yield Emulator(url, limit)
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


# --- phases --------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    requests: int
    rejected: int  # 429s the emulator sent
    wall: float
    busiest: int  # accepted requests in the busiest 60 s window
    first: float  # seconds from the start of the phase to its first request (or nan)
    last: float  # ... and to its last request
    log: list[dict[str, Any]] = field(repr=False)


def busiest_window(stamps: list[float], window: float = WINDOW) -> int:
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def measure(emu: Emulator, name: str, run: Callable[[], object]) -> Phase:
    emu.reset_stats()
    started = time.monotonic()
    run()
    wall = time.monotonic() - started
    stats = emu.stats()
    log = stats["log"]
    accepted = [e["at"] for e in log if e["status"] != 429]
    rejected = sum(1 for e in log if e["status"] == 429)
    # The emulator stamps its log with time.monotonic(), the machine-wide clock used here too.
    stamps = [e["at"] - started for e in log] or [float("nan")]
    phase = Phase(
        name, stats["total"], rejected, wall, busiest_window(accepted), stamps[0], stamps[-1], log
    )
    print(
        f"  {name:<34} {phase.requests:>8} {phase.rejected:>6} {phase.wall:>8.1f} "
        f"{phase.busiest:>8} {phase.first:>8.1f} {phase.last:>8.1f}",
        flush=True,
    )
    return phase


def _header() -> None:
    print(
        f"  {'phase':<34} {'requests':>8} {'429s':>6} {'wall s':>8} {'max/60s':>8} "
        f"{'1st at':>8} {'last at':>8}"
    )


def naive_script(emu: Emulator, spec: Spec, workdir: Path) -> None:
    """``bench/naive_create.py`` as its own process, on the second account."""
    spec_file = workdir / "naive-spec.json"
    spec_file.write_text(json.dumps(spec.__dict__))
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "naive_create.py"),
            emu.url,
            *NAIVE_ACCOUNT,
            str(spec_file),
        ],
        check=True,
    )


def stack(
    workdir: Path, emu: Emulator, spec: Spec, name: str, *, store: str | None, cache: Path
) -> Workspace:
    """A Pulumi workspace for ``spec`` (own PULUMI_HOME and file backend), configured."""
    ws = Workspace.create(
        PROGRAM, workdir / name, stack=name, extra_env={"XDG_CACHE_HOME": str(cache), **EXTRA_ENV}
    )
    sid, key, token = STACK_ACCOUNT
    plain = {
        "exotel:baseUrl": emu.url,
        "exotel:accountSid": sid,
        "exotel:apiKey": key,
        "exotel:rateLimitPerMinute": str(emu.limit),
        "bench:spec": json.dumps(spec.__dict__),
    }
    if store is not None:
        plain["exotel:rateLimitStore"] = store
    args = ["config", "set-all", "--stack", name]
    for k, v in plain.items():
        args += ["--plaintext", f"{k}={v}"]
    ws.run(*args, "--secret", f"exotel:apiToken={token}")
    return ws


def _up(ws: Workspace) -> None:
    ws.run("up", "--yes", "--skip-preview", timeout=1800)


def _destroy(ws: Workspace) -> None:
    ws.run("destroy", "--yes", "--skip-preview", timeout=1800)


def _in_parallel(action: Callable[[Workspace], None], stacks: list[Workspace]) -> None:
    errors: list[BaseException] = []

    def run(ws: Workspace) -> None:
        try:
            action(ws)
        except BaseException as exc:  # reported after all have finished
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(ws,)) for ws in stacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --- checks --------------------------------------------------------------------------------------


def check(label: str, ok: bool) -> bool:
    print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return ok


def refresh_reads(log: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """Listings started (a page without an offset, or offset 0) and pages, per path."""
    starts: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for entry in log:
        if entry["method"] != "GET":
            continue
        path = entry["path"].split("/v2/accounts/", 1)[-1].split("/", 1)[-1]
        pages[path] += 1
        query = dict(p.split("=", 1) for p in entry["query"].split("&") if "=" in p)
        if query.get("offset", "0") == "0":
            starts[path] += 1
    return starts, pages


def where_up_time_goes(up: Phase) -> str:
    """Split an ``up`` that met the rate limit into what the limit costs and what it does not.

    With more objects than one window's budget, the first ``limit`` requests go out at once and
    the rest wait until the first ones leave the client's window (a minute plus
    ``WINDOW_MARGIN_SECONDS``). Everything else is start-up (the CLI, the program, the provider
    process, the trunk) and the tail: the requests after the window reopens, paced by the engine
    (the file backend saves the whole state before and after each create, so a create late in a
    large stack costs two saves of a large file; ``--pulumi-env PULUMI_SKIP_CHECKPOINTS=true``
    shows the difference).
    """
    accepted = sorted(e["at"] for e in up.log if e["status"] != 429)
    limit = up.busiest
    if len(accepted) <= limit:
        return "  up: every request fitted in one window; no wait for the rate limit"
    start = accepted[0] - up.first  # the phase's start, on the log's clock
    reopen = accepted[0] + WINDOW + WINDOW_MARGIN_SECONDS
    first_batch = accepted[limit - 1] - accepted[0]
    tail = accepted[-1] - accepted[limit]
    return (
        f"  up time: first request at {up.first:.1f} s (CLI, program, provider start), "
        f"{limit} requests in {first_batch:.1f} s, window reopened at {reopen - start:.1f} s, "
        f"next request at {accepted[limit] - start:.1f} s, {len(accepted) - limit} more in "
        f"{tail:.1f} s, done at {up.wall:.1f} s"
    )


def single_stack(args: argparse.Namespace, workdir: Path) -> bool:
    spec = Spec.build("s0", 0, round(300 * args.scale))
    print(f"stack_scale: {spec.describe()}, emulator at {args.rate_limit}/min, default store")
    with emulator(workdir, args.rate_limit) as emu:
        ws = stack(workdir, emu, spec, "scale", store=None, cache=workdir / "cache")
        _header()
        naive = measure(emu, "naive sequential script", lambda: naive_script(emu, spec, workdir))
        up = measure(emu, "pulumi up", lambda: _up(ws))
        destroy = measure(emu, "pulumi destroy (right after up)", lambda: _destroy(ws))
        up_again = measure(emu, "pulumi up (again)", lambda: _up(ws))
        preview = measure(
            emu, "pulumi preview (no change)", lambda: ws.run("preview", "--expect-no-changes")
        )
        refresh = measure(emu, "pulumi refresh", ws.refresh)
        final = measure(emu, "pulumi destroy", lambda: _destroy(ws))

    print(where_up_time_goes(up))
    starts, pages = refresh_reads(refresh.log)
    print("  refresh GETs (pages): " + ", ".join(f"{p}: {n}" for p, n in sorted(pages.items())))
    ratio = up.wall / naive.wall
    budget = spec.objects * 310 // 300  # the 310 for 300 objects
    kinds = ("phone-numbers", "credentials", "whitelisted-ips", "destination-uris")
    listed = {kind: sum(n for p, n in starts.items() if p.endswith(kind)) for kind in kinds}
    # The trunk's own read: GET trunks?trunk_sid=... (and its settings, for caller_id).
    trunk_reads = sum(n for p, n in starts.items() if p == "trunks")
    print("checks:")
    results = [
        check(
            f"up requests {up.requests} <= {budget} ({spec.objects} objects)", up.requests <= budget
        ),
        check(
            f"up wall / naive wall = {up.wall:.1f} / {naive.wall:.1f} = {ratio:.2f} <= 1.10",
            ratio <= 1.10,
        ),
        check(
            f"429s in up: {up.rejected}; in up again: {up_again.rejected}",
            up.rejected == 0 and up_again.rejected == 0,
        ),
        check(
            f"429s in destroy right after up: {destroy.rejected}; in the last destroy: "
            f"{final.rejected}",
            destroy.rejected == 0 and final.rejected == 0,
        ),
        check(f"preview requests: {preview.requests}", preview.requests == 0),
        check(
            f"refresh: listings started per child kind {listed} (each <= 1), trunk reads "
            f"{trunk_reads} (<= 1)",
            all(n <= 1 for n in listed.values()) and trunk_reads <= 1,
        ),
    ]
    return all(results)


def three_stacks(args: argparse.Namespace, workdir: Path) -> bool:
    per_stack = round(100 * args.scale)
    specs = [Spec.build(f"t{i}", 1000 * (i + 1), per_stack) for i in range(3)]
    ok = True
    for store_kind in args.stores.split(","):
        run_dir = workdir / store_kind
        run_dir.mkdir()
        with emulator(run_dir, args.rate_limit) as emu, _store(store_kind, run_dir) as store:
            label = "default store (SQLite file)" if store is None else f"Redis store {store}"
            print(
                f"three stacks at once on one account, {specs[0].describe()} each, emulator at "
                f"{args.rate_limit}/min, {label}"
            )
            stacks = [
                stack(run_dir, emu, spec, f"stack{i}", store=store, cache=run_dir / "cache")
                for i, spec in enumerate(specs)
            ]
            _header()
            up = measure(emu, "3 x pulumi up at once", partial(_in_parallel, _up, stacks))
            down = measure(
                emu, "3 x pulumi destroy at once", partial(_in_parallel, _destroy, stacks)
            )
        share = up.busiest / args.rate_limit
        print("checks:")
        ok &= check(
            f"429s in up: {up.rejected}; in destroy: {down.rejected}",
            up.rejected == 0 and down.rejected == 0,
        )
        ok &= check(
            f"busiest 60 s window of up: {up.busiest} = {share:.3f} of the limit >= 0.95",
            share >= 0.95,
        )
    return ok


@contextmanager
def _store(kind: str, workdir: Path) -> Iterator[str | None]:
    if kind == "sqlite":
        yield None  # the default: ${XDG_CACHE_HOME}/pulumi-exotel/rate-budget.sqlite
    elif kind == "redis":
        with redis_server(workdir) as url:
            yield url
    else:
        raise SystemExit(f"unknown store {kind!r}: use sqlite or redis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply object counts")
    parser.add_argument("--rate-limit", type=int, default=200, help="requests per minute")
    parser.add_argument("--three-stacks", action="store_true", help="three stacks at once")
    parser.add_argument("--stores", default="sqlite,redis", help="for --three-stacks")
    parser.add_argument(
        "--pulumi-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="diagnostic: extra environment for every pulumi command, e.g. "
        "PULUMI_SKIP_CHECKPOINTS=true (not crash-safe) to show the file backend's share",
    )
    args = parser.parse_args()
    EXTRA_ENV.update(item.split("=", 1) for item in args.pulumi_env)
    if shutil.which("pulumi") is None:
        # scripts/setup-pulumi.sh finds (or builds once) the CLI and prints its directory last.
        found = subprocess.run(
            ["bash", str(REPO / "scripts" / "setup-pulumi.sh")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        os.environ["PATH"] = f"{found[-1]}{os.pathsep}{os.environ['PATH']}"
    with tempfile.TemporaryDirectory(prefix="stack-scale-") as tmp:
        try:
            ok = (three_stacks if args.three_stacks else single_stack)(args, Path(tmp))
        except PulumiFailed as exc:
            print(exc)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
