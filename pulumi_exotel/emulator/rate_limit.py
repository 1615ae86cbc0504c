"""The emulator's rate limit: counts like Exotel, per account, 429 above the configured rate.

Exotel allows a number of requests per minute per account (200, REF and DEV). The emulator
admits at most ``limit`` requests of one account in any rolling 60-second window and refuses the
rest with a ``Retry-After``. The window is pyrate-limiter's in-memory sliding-window log, one
bucket per account; this module only keys the buckets and turns a refusal into whole seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from pyrate_limiter import InMemoryBucket, Rate, RateItem

__all__ = ["WINDOW_SECONDS", "SlidingWindowLimiter"]

WINDOW_SECONDS = 60


class SlidingWindowLimiter:
    """At most ``limit`` accepted requests per account in any 60-second window."""

    def __init__(self, limit: int | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, InMemoryBucket] = {}

    def acquire(self, key: str) -> int | None:
        """``None`` if the request may proceed, else the seconds to wait (>= 1)."""
        if self.limit is None:
            return None
        now_ms = int(self._clock() * 1000)
        item = RateItem(key, now_ms)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = InMemoryBucket(
                    [Rate(self.limit, WINDOW_SECONDS * 1000)]
                )
            bucket.leak(now_ms)  # forget what left the window, so memory stays bounded
            if bucket.put(item):
                return None
            wait_ms = bucket.waiting(item)
        assert isinstance(wait_ms, int)  # the in-memory bucket answers synchronously
        # pyrate-limiter's window includes its lower bound, so it waits 1 ms past the moment the
        # oldest request is 60 s old; Retry-After is the whole seconds until that moment.
        return max(1, math.ceil((wait_ms - 1) / 1000))

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
