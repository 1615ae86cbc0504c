"""The shared rate budget and the intent journal (``client/store.py``), with real processes,
a real SQLite file and a real ``redis-server`` on loopback.

The budget tests run two OS processes that each send as fast as their limiter lets them, and
check the admissions of both together against the limit in every rolling window.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_exotel.client import store
from pulumi_exotel.client.limits import RequestLimiter
from pulumi_exotel.client.store import StoreUnavailable, open_store
from pulumi_exotel.config import CONFIG_KEYS, ConfigError, ExotelSettings, default_sqlite_path
from tests.redis_server import free_port, redis_server

pytestmark = pytest.mark.unit

LIMIT = 8
WINDOW = 2.0
PER_PROCESS = 12
ACCOUNT = "http://127.0.0.1:1/v2/accounts/budget_test"

# One process: take PER_PROCESS permits as soon as the limiter allows, print each admission
# time. It starts at an agreed wall-clock moment so both processes compete from the start.
_SENDER = textwrap.dedent(
    """
    import json, sys, time
    from pulumi_exotel.client.limits import RequestLimiter
    store, account, limit, window, count, start_at = sys.argv[1:7]
    limiter = RequestLimiter(int(limit), 4, period_seconds=float(window), margin_seconds=0.0,
                             store=store, account=account)
    time.sleep(max(0.0, float(start_at) - time.time()))
    stamps = []
    for _ in range(int(count)):
        with limiter.slot():
            stamps.append(time.time())
    print(json.dumps(stamps))
    """
)


def _send_from_two_processes(store: str) -> list[float]:
    start_at = time.time() + 2.0  # both interpreters are up by then
    args = [store, ACCOUNT, str(LIMIT), str(WINDOW), str(PER_PROCESS), str(start_at)]
    procs = [
        subprocess.Popen([sys.executable, "-c", _SENDER, *args], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    stamps: list[float] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        stamps += json.loads(out)
    return sorted(stamps)


def _busiest_window(stamps: list[float], window: float) -> int:
    return max(sum(1 for s in stamps[i:] if s - start < window) for i, start in enumerate(stamps))


# An admission is stamped a moment after the limiter admits it; this much slack absorbs that.
_STAMP_SLACK = 0.25


def _assert_never_over_the_limit_together(stamps: list[float]) -> None:
    assert len(stamps) == 2 * PER_PROCESS
    assert _busiest_window(stamps, WINDOW - _STAMP_SLACK) <= LIMIT
    # 24 requests at 8 per 2 s: the third batch of 8 cannot start before 4 s.
    assert stamps[-1] - stamps[0] >= 2 * WINDOW - _STAMP_SLACK


def test_two_processes_sharing_the_sqlite_store_never_exceed_the_limit_together(
    tmp_path: Path,
) -> None:
    stamps = _send_from_two_processes(f"sqlite:///{tmp_path / 'budget.sqlite'}")

    _assert_never_over_the_limit_together(stamps)


def test_two_processes_sharing_redis_never_exceed_the_limit_together(tmp_path: Path) -> None:
    with redis_server(tmp_path) as url:
        stamps = _send_from_two_processes(url)

    _assert_never_over_the_limit_together(stamps)


def test_memory_store_budget_is_per_process(tmp_path: Path) -> None:
    stamps = _send_from_two_processes("memory")

    # Each process spends its own full budget at once: twice the limit in the first window.
    assert _busiest_window(stamps, WINDOW - _STAMP_SLACK) == 2 * LIMIT


def test_a_later_process_meets_the_budget_an_earlier_one_spent(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'budget.sqlite'}"
    first = RequestLimiter(3, 4, period_seconds=30, margin_seconds=0, store=store, account="a")
    for _ in range(3):
        with first.slot():
            pass
    # What the next command (a new process) sees: the entries in the file, not a full bucket.
    bucket = open_store(f"sqlite:///{tmp_path / 'budget.sqlite'}", "a").rate_bucket(3, 30_000)
    assert bucket.take() > 25_000
    other_account = open_store(store, "b").rate_bucket(3, 30_000)
    assert other_account.take() == 0


def test_unreachable_redis_fails_fast_naming_the_setting_and_address(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here
    url = f"redis://:hunter2secret@127.0.0.1:{port}/0"
    limiter = RequestLimiter(200, 4, store=url, account="unreachable")

    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught, limiter.slot():
        pass
    elapsed = time.monotonic() - started

    message = str(caught.value)
    assert "exotel:rateLimitStore" in message
    assert "EXOTEL_RATE_LIMIT_STORE" in message
    assert f"127.0.0.1:{port}" in message
    assert "hunter2secret" not in message
    assert elapsed < 15
    assert limiter.in_flight == 0


def test_an_unusable_sqlite_file_fails_naming_the_setting_and_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    limiter = RequestLimiter(200, 4, store=f"sqlite:///{blocker}/budget.sqlite", account="unusable")

    with pytest.raises(StoreUnavailable) as caught, limiter.slot():
        pass

    message = str(caught.value)
    assert "exotel:rateLimitStore" in message and "EXOTEL_RATE_LIMIT_STORE" in message
    assert str(blocker / "budget.sqlite") in message


def test_idle_accounts_leave_the_sqlite_file_and_come_back_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "budget.sqlite"

    def tables() -> set[str]:
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {row[0] for row in rows}

    idle = open_store(f"sqlite:///{path}", "idle-account").rate_bucket(5, 1000)
    assert idle.take() == 0
    before = tables()
    monkeypatch.setattr(store, "_KEEP_MS", 0)  # from now on every other account counts as idle
    time.sleep(0.01)

    busy = open_store(f"sqlite:///{path}", "busy-account").rate_bucket(5, 1000)
    assert busy.take() == 0
    after = tables()
    assert len(after) == len(before)  # the idle account's table went, the busy one's came

    assert idle.take() == 0  # the idle process carries on: its table is made again
    assert len(tables()) == len(before) + 1


def test_the_redis_budget_survives_a_script_flush(tmp_path: Path) -> None:
    """After a Redis restart (or SCRIPT FLUSH) the bucket's Lua script is gone; the next
    request loads it again instead of failing every request with NOSCRIPT."""
    from redis import Redis

    with redis_server(tmp_path) as url:
        bucket = open_store(url, "flush").rate_bucket(5, 60_000)
        assert bucket.take() == 0
        Redis.from_url(url).script_flush()

        assert bucket.take() == 0
        assert Redis.from_url(url).zcard("pulumi-exotel:rate:flush") == 2


# --- the journal -----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "redis", "memory"])
def store_setting(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'journal.sqlite'}"
    elif request.param == "redis":
        with redis_server(tmp_path) as url:
            yield url
    else:
        yield "memory"


def test_journal_records_gets_lists_and_removes(store_setting: str) -> None:
    journal = open_store(store_setting, "journal-a").journal
    other = open_store(store_setting, "journal-b").journal

    assert journal.get("urn:one") is None
    journal.record("urn:one", {"user_name": "u1", "attempt": 1})
    journal.record("urn:two", {"user_name": "u2"})
    journal.record("urn:one", {"user_name": "u1", "attempt": 2})
    journal.record("other:x", {"n": 1})

    assert journal.get("urn:one") == {"user_name": "u1", "attempt": 2}
    assert set(journal.entries("urn:")) == {"urn:one", "urn:two"}
    assert other.get("urn:one") is None  # scoped per account
    journal.remove("urn:one")
    journal.remove("urn:never-recorded")
    assert journal.get("urn:one") is None
    assert journal.entries("urn:") == {"urn:two": {"user_name": "u2"}}


def test_journal_refuses_values_that_are_not_json_objects() -> None:
    journal = open_store("memory", "journal-types").journal

    with pytest.raises(TypeError, match="JSON object"):
        journal.record("k", ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        journal.record("k", {"when": object()})


_WRITE_THEN_HANG = textwrap.dedent(
    """
    import sys, time
    from pulumi_exotel.client.store import open_store
    open_store(sys.argv[1], "journal-kill").journal.record("urn:x", {"id": "abc"})
    print("recorded", flush=True)
    time.sleep(60)
    """
)


def test_a_recorded_entry_survives_a_sigkill_of_the_writer(tmp_path: Path) -> None:
    setting = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITE_THEN_HANG, setting], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "recorded"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    reader = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, json; from pulumi_exotel.client.store import open_store; "
            "print(json.dumps(open_store(sys.argv[1], 'journal-kill').journal.get('urn:x')))",
            setting,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(reader.stdout) == {"id": "abc"}


def test_unreachable_redis_journal_names_the_setting(tmp_path: Path) -> None:
    journal = open_store(f"redis://127.0.0.1:{free_port()}/0", "journal-down").journal

    with pytest.raises(StoreUnavailable, match="exotel:rateLimitStore"):
        journal.get("urn:x")


# --- the setting -----------------------------------------------------------------------------

_BASE = {"exotel:apiKey": "k", "exotel:apiToken": "t", "exotel:accountSid": "acct"}


def test_the_default_store_is_the_sqlite_file_in_the_cache_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("EXOTEL_RATE_LIMIT_STORE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    location = ExotelSettings.load(_BASE).store_location

    assert location.kind == "sqlite"
    assert location.target == str(tmp_path / "pulumi-exotel" / "rate-budget.sqlite")
    assert default_sqlite_path() == tmp_path / "pulumi-exotel" / "rate-budget.sqlite"


def test_the_store_comes_from_config_then_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXOTEL_RATE_LIMIT_STORE", "memory")
    assert ExotelSettings.load(_BASE).store_location.kind == "memory"

    config = {**_BASE, "exotel:rateLimitStore": "redis://cache.internal:6380/2"}
    location = ExotelSettings.load(config).store_location
    assert (location.kind, location.target) == ("redis", "redis://cache.internal:6380/2")


@pytest.mark.parametrize(
    "value",
    [
        "postgres://db/x",
        "sqlite://relative.sqlite",
        "redis://:pw-in-url@host:notaport/0",
        "redis:///0",
        "redis://host:6379/zero",
        "memroy",
    ],
)
def test_a_malformed_store_fails_naming_key_and_env_var(value: str) -> None:
    key, env = CONFIG_KEYS["rate_limit_store"]

    with pytest.raises(ConfigError) as caught:
        ExotelSettings.load({**_BASE, key: value})

    message = str(caught.value)
    assert key in message and env in message
    assert "pw-in-url" not in message
    assert "redis://host:port/db" in message or "Redis address" in message
