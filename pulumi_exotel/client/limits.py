"""Process-wide throttling: every request to one Exotel account passes one ``RequestLimiter``.

Exotel allows 200 requests per minute and 50 concurrent connections per account
(exotel-api.md §1). Pulumi runs several resource operations at once in one provider process,
each with its own client, so the limit must be shared: ``RequestLimiter.shared()`` hands out one
limiter per base URL + account (and configured limits: a client configured with a different
budget gets its own limiter rather than silently changing everyone else's). Callers block until
they may send; they never fail here.

Library choice: the rolling window is pyrate-limiter's ``InMemoryBucket`` (an exact
sliding-window log, thread-safe, with a blocking ``try_acquire``), rather than a hand-written
deque of timestamps: it is maintained, tested against exactly this race-prone bookkeeping,
and computes how long to sleep. A sliding window is the most permissive client schedule that
still satisfies a server counting per fixed minute, per rolling minute or with a token bucket
of ``limit`` tokens, so it keeps full throughput without tripping any of them. The concurrency
cap is a small condition-variable counter (pyrate-limiter has no in-flight limit) that also
reports how many requests are in flight.

The window is counted from when the client sends, but the server counts from when it
receives; ``WINDOW_MARGIN_SECONDS`` widens the client's window a little so that uneven
network latency cannot push 201 requests into one server-side minute.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from pyrate_limiter import InMemoryBucket, Limiter, Rate

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
    """At most ``per_minute`` requests per rolling ``period_seconds`` and ``max_concurrency`` in
    flight. Thread-safe; ``slot()`` blocks until both allow one more request.

    ``period_seconds`` exists for tests and benchmarks; Exotel's window is a minute.
    """

    _registry: ClassVar[dict[tuple[str, int, int], RequestLimiter]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        per_minute: int,
        max_concurrency: int,
        *,
        period_seconds: float = 60.0,
        margin_seconds: float = WINDOW_MARGIN_SECONDS,
    ) -> None:
        if per_minute < 1 or max_concurrency < 1:
            raise ValueError("per_minute and max_concurrency must be at least 1")
        self._window_ms = int((period_seconds + margin_seconds) * 1000)
        self._per_minute = per_minute
        self._bucket = InMemoryBucket([Rate(per_minute, self._window_ms)])
        self._limiter = Limiter(self._bucket)
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
        # blocking=True with no timeout returns False only if one item could never fit.
        admitted = self._limiter.try_acquire("exotel", blocking=True)
        if admitted is not True:
            raise RuntimeError("request limiter refused a single request")  # pragma: no cover

    @classmethod
    def shared(cls, key: str, per_minute: int, max_concurrency: int) -> RequestLimiter:
        """The process-wide limiter for ``key`` (base URL + account) and these limits."""
        registry_key = (key, per_minute, max_concurrency)
        with cls._registry_lock:
            limiter = cls._registry.get(registry_key)
            if limiter is None:
                limiter = cls._registry[registry_key] = cls(per_minute, max_concurrency)
            return limiter
