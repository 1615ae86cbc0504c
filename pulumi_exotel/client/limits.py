"""Throttling: every request to one Exotel account passes one ``RequestLimiter``, and the
rate budget is shared by every process and machine that uses the same store.

Exotel allows 200 requests per minute and 50 concurrent connections per account
(REF, DEV). Pulumi runs several resource operations at once in one provider process,
each with its own client, and several processes spend one account's budget: consecutive
commands, parallel stacks, CI jobs. So:

- the rate window is a ``store.RateBucket`` in the store named by ``exotel:rateLimitStore``
  (default: an SQLite file in the user's cache directory, shared by every process on the
  machine; ``redis://`` shares across machines; ``memory`` is one process). Two stacks on one
  account together stay at or under ``exotel:rateLimitPerMinute``.
- ``RequestLimiter.shared()`` hands out one limiter per base URL + account, store and limits
  within a process (a client configured with a different budget gets its own limiter rather
  than silently changing everyone else's). Callers block until they may send; they fail only
  when the store itself is unusable (``store.StoreUnavailable``, naming the setting).

Library choice: the windows are pyrate-limiter's buckets (exact sliding-window logs; SQLite with
a file lock, Redis with an atomic Lua script), see ``store.py``. A sliding window is the most
permissive client schedule that still satisfies a server counting per fixed minute, per rolling
minute or with a token bucket of ``limit`` tokens, so it keeps full throughput without tripping
any of them. The concurrency cap is per process: a small condition-variable counter
(pyrate-limiter has no in-flight limit) that also reports how many requests are in flight.

The window is counted from when the client sends, but the server counts from when it
receives; ``WINDOW_MARGIN_SECONDS`` widens the client's window a little so that uneven
network latency (or a little clock skew between machines sharing Redis) cannot push 201
requests into one server-side minute.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from pulumi_exotel.client.store import (
    RateBucket,
    StoreLocation,
    open_store,
    parse_store_setting,
)

__all__ = ["WINDOW_MARGIN_SECONDS", "RequestLimiter"]

#: Extra seconds added to the rolling window (see the module docstring).
WINDOW_MARGIN_SECONDS = 1.0


class _Slots:
    """A counting semaphore that can say how many slots are taken."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._in_use = 0
        self._cond = threading.Condition()

    def acquire(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._in_use < self.size)
            self._in_use += 1

    def release(self) -> None:
        with self._cond:
            self._in_use -= 1
            self._cond.notify()

    @property
    def in_use(self) -> int:
        with self._cond:
            return self._in_use


class RequestLimiter:
    """At most ``per_minute`` requests per rolling ``period_seconds`` (counted in ``bucket``,
    shared as its store is shared) and ``max_concurrency`` in flight in this process.
    Thread-safe; ``slot()`` blocks until both allow one more request.

    Without ``bucket``, the window is this limiter's own (in memory). ``period_seconds`` exists
    for tests and benchmarks; Exotel's window is a minute.
    """

    _registry: ClassVar[dict[tuple[str, str, int, int], RequestLimiter]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        per_minute: int,
        max_concurrency: int,
        *,
        period_seconds: float = 60.0,
        margin_seconds: float = WINDOW_MARGIN_SECONDS,
        store: StoreLocation | str | None = "memory",
        account: str = "",
    ) -> None:
        if per_minute < 1 or max_concurrency < 1:
            raise ValueError("per_minute and max_concurrency must be at least 1")
        window_ms = int((period_seconds + margin_seconds) * 1000)
        self._per_minute = per_minute
        self._bucket: RateBucket = open_store(store, account).rate_bucket(per_minute, window_ms)
        self._slots = _Slots(max_concurrency)

    @property
    def per_minute(self) -> int:
        return self._per_minute

    @property
    def max_concurrency(self) -> int:
        return self._slots.size

    @property
    def in_flight(self) -> int:
        return self._slots.in_use

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one in-flight slot and one rate permit for the duration of a request.

        The slot is taken first so that a rate permit is spent only when the request can go
        out at once; otherwise a permit's timestamp could be far older than the send.
        """
        self._slots.acquire()
        try:
            self._acquire_rate()
            yield
        finally:
            self._slots.release()

    def _acquire_rate(self) -> None:
        while True:
            wait_ms = self._bucket.take()
            if wait_ms == 0:
                return
            # A little jitter, so that waiters in several processes told the same wait do not
            # all ask again in the same millisecond.
            time.sleep(wait_ms / 1000 + random.uniform(0, 0.02))

    @classmethod
    def shared(
        cls,
        key: str,
        per_minute: int,
        max_concurrency: int,
        store: StoreLocation | str | None = "memory",
    ) -> RequestLimiter:
        """The process's limiter for ``key`` (base URL + account), ``store`` and these limits.

        ``store`` is the ``exotel:rateLimitStore`` value; every process using the same store
        and ``key`` spends one budget.
        """
        location = store if isinstance(store, StoreLocation) else parse_store_setting(store)
        registry_key = (key, repr(location), per_minute, max_concurrency)
        with cls._registry_lock:
            limiter = cls._registry.get(registry_key)
            if limiter is None:
                limiter = cls(per_minute, max_concurrency, store=location, account=key)
                cls._registry[registry_key] = limiter
            return limiter
