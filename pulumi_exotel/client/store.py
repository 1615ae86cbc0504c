"""The provider's shared store: each account's rate budget and the intent journal, in one place.

Exotel's request limit is per account, and many processes spend it: consecutive commands,
parallel stacks, parallel CI jobs, several machines. So the budget lives outside the process, in
the store named by ``exotel:rateLimitStore`` / ``EXOTEL_RATE_LIMIT_STORE``:

- ``sqlite`` (default): ``${XDG_CACHE_HOME:-~/.cache}/pulumi-exotel/rate-budget.sqlite``,
  shared by every process on this machine; ``sqlite:///abs/path/file.sqlite`` for another file;
- ``redis://[:password@]host[:port][/db]`` (or ``rediss://``): shared by every machine using it;
- ``memory``: this process only (the budget starts full in every command).

API (all thread-safe; one ``Store`` per setting and account per process)::

    store = open_store(settings.store_location, settings.api_root)
    bucket = store.rate_bucket(limit=200, window_ms=61_000)  # used by ``limits.RequestLimiter``
    wait_ms = bucket.take()            # 0: one request admitted; else try again after wait_ms

    journal = store.journal            # string keys, JSON-object values, durable in the store
    journal.record("urn:...", {"user_name": "u1"})   # insert or replace
    journal.get("urn:...")             # -> {"user_name": "u1"} or None
    journal.entries(prefix="urn:")     # -> {key: value} for every key with that prefix
    journal.remove("urn:...")          # no error if absent

``account`` scopes both: the client passes its API root (base URL + account SID), so two
regions, two accounts, or two emulators on different ports never share a budget or a journal.
Journal values are stored in plain text (a file in the cache directory, or Redis): never put a
secret (a password, the API token) in one.

Backend failures (Redis unreachable, the SQLite file not writable) raise ``StoreUnavailable``,
an ``ExotelError`` whose message names the setting and the store's address with any password
redacted. Redis calls are bounded by ``REDIS_TIMEOUT_SECONDS`` and one retry, so an unreachable
Redis fails an operation within seconds instead of hanging it.

Library choice: the sliding-window logs are pyrate-limiter's buckets (``SQLiteBucket`` with its
file lock for processes on one machine, ``RedisBucket`` with its atomic Lua check-and-insert
across machines, ``InMemoryBucket``), rather than hand-written SQL or Lua. The journal is a
plain table (SQLite) or hash (Redis) next to the bucket.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pyrate_limiter import (
    AbstractBucket,
    InMemoryBucket,
    Rate,
    RateItem,
    RedisBucket,
    SQLiteBucket,
    SQLiteQueries,
)
from pyrate_limiter.buckets.redis_bucket import LuaScript

from pulumi_exotel.client.errors import StoreUnavailable
from pulumi_exotel.config import (
    StoreKind,
    StoreLocation,
    default_sqlite_path,
    parse_store_setting,
)

if TYPE_CHECKING:
    from redis import Redis

__all__ = [
    "REDIS_TIMEOUT_SECONDS",
    "SETTING",
    "Journal",
    "RateBucket",
    "Store",
    "StoreLocation",
    "StoreUnavailable",
    "default_sqlite_path",
    "open_store",
    "parse_store_setting",
]

#: How the setting is named to users, in every message about the store.
SETTING = "exotel:rateLimitStore / EXOTEL_RATE_LIMIT_STORE"
#: Connect and read timeout for every Redis call (there is one retry on a connection error).
REDIS_TIMEOUT_SECONDS = 3.0
#: Rate-log entries older than this are deleted. Longer than any window a process uses, so a
#: process cleaning up never removes entries another process still counts.
_KEEP_MS = 5 * 60_000
#: How often one bucket deletes old entries.
_LEAK_EVERY_SECONDS = 30.0
_NAME = "exotel"


# --- the rate bucket -------------------------------------------------------------------------


class RateBucket:
    """One account's sliding-window log of sent requests, shared through the store.

    ``take()`` admits one request or says how long to wait; the caller sleeps outside any lock
    and asks again, so every admitted entry carries the time it was really admitted (waiting
    inside pyrate-limiter's ``Limiter`` instead would stamp entries with an estimated time).
    The pyrate-limiter bucket is built on first use, so an unreachable store fails the first
    request (inside the provider's error handling) rather than the construction of a client.
    """

    def __init__(
        self,
        build: Callable[[list[Rate]], AbstractBucket],
        rates: list[Rate],
        guard: Callable[[], Any],
    ) -> None:
        self._build = build
        self._rates = rates
        self._guard = guard
        self._bucket: AbstractBucket | None = None
        # pyrate-limiter's SQLite and Redis buckets are single-threaded per process.
        self._lock = threading.Lock()
        self._next_leak = 0.0

    @property
    def limit(self) -> int:
        return self._rates[0].limit

    @property
    def window_ms(self) -> int:
        return self._rates[0].interval

    def take(self) -> int:
        """Admit one request (``0``) or return the milliseconds to wait before asking again."""
        with self._lock, self._guard():
            bucket = self._bucket
            if bucket is None:
                bucket = self._bucket = self._build(self._rates)
            # Wall-clock milliseconds: the one clock every process (and machine) can share.
            item = RateItem(_NAME, time.time_ns() // 1_000_000)
            admitted = _sync(bucket.put(item))
            wait_ms = 0 if admitted else _sync(bucket.waiting(item))
            if time.monotonic() >= self._next_leak:
                self._next_leak = time.monotonic() + _LEAK_EVERY_SECONDS
                # leak() deletes entries older than (timestamp - longest window): shift the
                # timestamp so that only entries older than _KEEP_MS go.
                _sync(bucket.leak(item.timestamp - _KEEP_MS + self.window_ms))
        if admitted:
            return 0
        if wait_ms < 0:
            raise ValueError(f"a rate of {self.limit} per window can never admit one request")
        return max(1, wait_ms)


def _sync(value: Any) -> Any:
    """pyrate-limiter types bucket results as maybe-awaitable; ours are sync clients."""
    if hasattr(value, "__await__"):
        raise TypeError("an async bucket reached the sync rate limiter")  # pragma: no cover
    return value


# --- the journal -----------------------------------------------------------------------------


class Journal(ABC):
    """Durable string keys to JSON objects, scoped to one account. Thread-safe."""

    @abstractmethod
    def record(self, key: str, value: Mapping[str, Any]) -> None:
        """Insert or replace ``key``. The value must be JSON-serialisable and hold no secret."""

    @abstractmethod
    def get(self, key: str) -> dict[str, Any] | None:
        """The value recorded under ``key``, or ``None``."""

    @abstractmethod
    def remove(self, key: str) -> None:
        """Forget ``key``; nothing happens when it is absent."""

    @abstractmethod
    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """Every recorded key starting with ``prefix``, with its value."""


def _encode(key: str, value: Mapping[str, Any]) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError("a journal key is a non-empty string")
    if not isinstance(value, Mapping):
        raise TypeError(f"a journal value is a JSON object, not {type(value).__name__}")
    return json.dumps(dict(value), sort_keys=True, separators=(",", ":"))


def _decode(text: str | bytes) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("the journal holds a value that is not a JSON object")
    return value


class _MemoryJournal(Journal):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, str] = {}

    def record(self, key: str, value: Mapping[str, Any]) -> None:
        text = _encode(key, value)
        with self._lock:
            self._items[key] = text

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            text = self._items.get(key)
        return None if text is None else _decode(text)

    def remove(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        with self._lock:
            items = dict(self._items)
        return {k: _decode(v) for k, v in items.items() if k.startswith(prefix)}


class _SqliteJournal(Journal):
    """Rows of ``journal(account, key, value)`` in the store's SQLite file.

    Its own connection with ``synchronous=FULL``: a recorded intent survives a crash of the
    process and of the machine. SQLite's own locking (with a busy timeout) serialises writers
    from every process; the thread lock serialises this process's threads on one connection.
    """

    def __init__(self, path: Path, account: str, guard: Callable[[], Any]) -> None:
        self._path = path
        self._account = account
        self._guard = guard
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            _make_parent(self._path)
            conn = sqlite3.connect(self._path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS journal (account TEXT NOT NULL, key TEXT NOT NULL, "
                "value TEXT NOT NULL, recorded_at REAL NOT NULL, PRIMARY KEY (account, key))"
            )
            conn.commit()
            self._conn = conn
        return self._conn

    @contextmanager
    def _session(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard():
            conn = self._connection()
            with conn:  # commit on success, roll back on error
                yield conn

    def record(self, key: str, value: Mapping[str, Any]) -> None:
        text = _encode(key, value)
        with self._session() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO journal (account, key, value, recorded_at) "
                "VALUES (?, ?, ?, ?)",
                (self._account, key, text, time.time()),
            )

    def get(self, key: str) -> dict[str, Any] | None:
        with self._session() as conn:
            row = conn.execute(
                "SELECT value FROM journal WHERE account = ? AND key = ?", (self._account, key)
            ).fetchone()
        return None if row is None else _decode(row[0])

    def remove(self, key: str) -> None:
        with self._session() as conn:
            conn.execute("DELETE FROM journal WHERE account = ? AND key = ?", (self._account, key))

    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        with self._session() as conn:
            rows = conn.execute(
                "SELECT key, value FROM journal WHERE account = ? AND substr(key, 1, ?) = ?",
                (self._account, len(prefix), prefix),
            ).fetchall()
        return {key: _decode(value) for key, value in rows}


class _RedisJournal(Journal):
    """One Redis hash per account: field = key, value = the JSON text."""

    def __init__(self, client: Callable[[], Redis], hash_key: str, guard: Callable[[], Any]):
        self._client = client
        self._hash_key = hash_key
        self._guard = guard

    def record(self, key: str, value: Mapping[str, Any]) -> None:
        text = _encode(key, value)
        with self._guard():
            self._client().hset(self._hash_key, key, text)

    def get(self, key: str) -> dict[str, Any] | None:
        with self._guard():
            text = self._client().hget(self._hash_key, key)
        return None if text is None else _decode(text)

    def remove(self, key: str) -> None:
        with self._guard():
            self._client().hdel(self._hash_key, key)

    def entries(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        with self._guard():
            items: Mapping[bytes, bytes] = _sync(self._client().hgetall(self._hash_key))
        decoded = {k.decode(): v for k, v in items.items()}
        return {k: _decode(v) for k, v in decoded.items() if k.startswith(prefix)}


# --- the stores ------------------------------------------------------------------------------


class Store(ABC):
    """Where one account's rate budget and journal live (see the module docstring)."""

    def __init__(self, location: StoreLocation, account: str) -> None:
        self.location = location
        self.account = account

    @property
    @abstractmethod
    def journal(self) -> Journal:
        """The account's intent journal."""

    @abstractmethod
    def rate_bucket(self, limit: int, window_ms: int) -> RateBucket:
        """A bucket admitting ``limit`` requests per rolling ``window_ms``. In SQLite and Redis
        every bucket of one account counts the same entries (that is the sharing); in memory
        each bucket counts only its own."""

    def close(self) -> None:  # noqa: B027 - only some stores hold connections
        """Release connections (the store works again on next use)."""

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a backend failure into ``StoreUnavailable`` naming the setting and address."""
        try:
            yield
        except StoreUnavailable:
            raise
        except Exception as exc:
            if not self._is_backend_error(exc):
                raise
            raise StoreUnavailable(self._message(exc)) from None

    def _is_backend_error(self, exc: Exception) -> bool:
        return False

    def _message(self, exc: Exception) -> str:
        detail = _scrub(f"{type(exc).__name__}: {exc}", self.location).rstrip(". ")
        return f"the rate limit store ({SETTING}) at {self.location.display} failed: {detail}"


def _scrub(text: str, location: StoreLocation) -> str:
    if location.kind == "redis":
        password = urlsplit(location.target).password
        if password:
            text = text.replace(password, "***")
    return text


def _make_parent(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)


def _table_for(account: str) -> str:
    # A table per account; the name is a digest so no account text ever reaches SQL syntax.
    return "rate_" + hashlib.sha256(account.encode()).hexdigest()[:24]


class _MemoryStore(Store):
    def __init__(self, location: StoreLocation, account: str) -> None:
        super().__init__(location, account)
        self._journal = _MemoryJournal()

    @property
    def journal(self) -> Journal:
        return self._journal

    def rate_bucket(self, limit: int, window_ms: int) -> RateBucket:
        return RateBucket(InMemoryBucket, [Rate(limit, window_ms)], self._guard)


class _SqliteStore(Store):
    def __init__(self, location: StoreLocation, account: str) -> None:
        super().__init__(location, account)
        self._path = Path(location.target).expanduser()
        self._journal = _SqliteJournal(self._path, account, self._guard)

    @property
    def journal(self) -> Journal:
        return self._journal

    def rate_bucket(self, limit: int, window_ms: int) -> RateBucket:
        return RateBucket(self._build_bucket, [Rate(limit, window_ms)], self._guard)

    def _build_bucket(self, rates: list[Rate]) -> AbstractBucket:
        _make_parent(self._path)
        # use_file_lock: a filelock around every check-and-insert, so processes on this
        # machine never over-admit (without it SQLite over-admits or reports "locked").
        bucket = _RecreatingSQLiteBucket.init_from_file(
            rates, table=_table_for(self.account), db_path=str(self._path), use_file_lock=True
        )
        with bucket.lock:
            _drop_idle_tables(bucket.conn, keep=bucket.table)
        return bucket

    def _is_backend_error(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.Error | OSError)

    def _message(self, exc: Exception) -> str:
        return (
            super()._message(exc) + ". Make the file's directory writable, point "
            "exotel:rateLimitStore at another file (sqlite:///path), or unset it."
        )


class _RedisStore(Store):
    def __init__(self, location: StoreLocation, account: str) -> None:
        super().__init__(location, account)
        self._client_lock = threading.Lock()
        self._redis: Redis | None = None
        self._journal = _RedisJournal(self._client, f"pulumi-exotel:journal:{account}", self._guard)

    @property
    def journal(self) -> Journal:
        return self._journal

    def _client(self) -> Redis:
        with self._client_lock:
            if self._redis is None:
                from redis import Redis
                from redis.backoff import NoBackoff
                from redis.retry import Retry

                self._redis = Redis.from_url(
                    self.location.target,
                    socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                    socket_timeout=REDIS_TIMEOUT_SECONDS,
                    retry=Retry(NoBackoff(), 1),
                )
            return self._redis

    def rate_bucket(self, limit: int, window_ms: int) -> RateBucket:
        return RateBucket(self._build_bucket, [Rate(limit, window_ms)], self._guard)

    def _build_bucket(self, rates: list[Rate]) -> AbstractBucket:
        # Built directly rather than through RedisBucket.init, which would first load the
        # library's own script: only ours (_PUT_ITEM) is ever run.
        bucket = _ReloadingRedisBucket(
            rates, self._client(), f"pulumi-exotel:rate:{self.account}", script_hash=""
        )
        bucket.load_script()
        return bucket

    def _is_backend_error(self, exc: Exception) -> bool:
        from redis.exceptions import RedisError

        return isinstance(exc, RedisError | OSError)

    def _message(self, exc: Exception) -> str:
        return (
            super()._message(exc) + ". Start that Redis or fix exotel:rateLimitStore; without "
            "Redis, use 'sqlite' (shared on this machine) or 'memory' (this process only)."
        )

    def close(self) -> None:
        with self._client_lock:
            if self._redis is not None:
                self._redis.close()
                self._redis = None


class _RecreatingSQLiteBucket(SQLiteBucket):
    """A ``SQLiteBucket`` that creates its table again when another process dropped it as
    idle (``_drop_idle_tables``): its entries were all older than any window anyway."""

    def put(self, item: RateItem) -> bool:
        try:
            return bool(super().put(item))
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            with self.lock:
                self.conn.execute(SQLiteQueries.CREATE_BUCKET_TABLE.format(table=self.table))
                index = SQLiteQueries.CREATE_INDEX_ON_TIMESTAMP.format(
                    index_name=f"idx_{self.table}_rate_item_timestamp", table_name=self.table
                )
                self.conn.execute(index)
                self.conn.commit()
            return bool(super().put(item))


def _drop_idle_tables(conn: sqlite3.Connection, keep: str) -> None:
    """Drop the tables of accounts nobody has sent a request for in ``_KEEP_MS``, so the file
    stays small however many accounts (or test emulators on random ports) it has seen.
    Runs under the bucket's file lock, like every check-and-insert."""
    horizon = time.time_ns() // 1_000_000 - _KEEP_MS
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rate\\_%' "
            "ESCAPE '\\'"
        )
    ]
    for name in names:
        if name == keep or not name.isidentifier():
            continue
        (newest,) = conn.execute(f'SELECT MAX(item_timestamp) FROM "{name}"').fetchone()  # noqa: S608
        if newest is None or newest < horizon:
            conn.execute(f'DROP TABLE "{name}"')
    conn.commit()


#: pyrate-limiter's put script counts a window's entries only up to the new entry's own
#: timestamp. An entry stamped a moment before another process's, whose script reached Redis
#: first, then does not see that newer entry, and both are admitted: one over the limit (a test
#: with two processes saw 9 admissions in a window of 8). Counting every newer entry as well
#: closes that; the rest of the script is the library's.
_COUNT_UP_TO_NOW = "redis.call('ZCOUNT', bucket, window_start, now)"
_PUT_ITEM = LuaScript.PUT_ITEM.replace(
    _COUNT_UP_TO_NOW, "redis.call('ZCOUNT', bucket, window_start, '+inf')"
)
if _PUT_ITEM == LuaScript.PUT_ITEM:  # pragma: no cover - a pyrate-limiter that changed its script
    raise ImportError("pyrate-limiter's Redis put script changed: review client/store.py")


class _ReloadingRedisBucket(RedisBucket):
    """A ``RedisBucket`` that counts newer entries too (``_PUT_ITEM``) and loads its Lua script
    again after a Redis restart or ``SCRIPT FLUSH`` (the stock bucket would fail every request
    with NOSCRIPT)."""

    def load_script(self) -> None:
        self.script_hash = _sync(self.redis.script_load(_PUT_ITEM))

    def put(self, item: RateItem) -> Any:
        from redis.exceptions import NoScriptError

        try:
            return super().put(item)
        except NoScriptError:
            self.load_script()
            return super().put(item)


_STORES: dict[tuple[StoreLocation, str], Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(setting: str | StoreLocation | None, account: str) -> Store:
    """This process's store for ``setting`` (``exotel:rateLimitStore``) and ``account``.

    The same arguments give the same object, so the rate limiter and the journal of one
    process share connections. Nothing is connected until first use.
    """
    location = setting if isinstance(setting, StoreLocation) else parse_store_setting(setting)
    with _STORES_LOCK:
        store = _STORES.get((location, account))
        if store is None:
            kinds: dict[StoreKind, type[Store]] = {
                "sqlite": _SqliteStore,
                "redis": _RedisStore,
                "memory": _MemoryStore,
            }
            store = _STORES[(location, account)] = kinds[location.kind](location, account)
        return store
