"""Shared listings: many reads of one trunk's children cost one listing, not one each.

Exotel has no GET of a single mapping, ACL entry, destination or credential: a resource's
read lists the trunk's children and picks its own. A `pulumi refresh` of 100 destinations of
one trunk would list them 100 times (and spend half the 200 requests/minute budget). Reads
that accept a slightly old answer (``max_age`` seconds) share one listing instead; callers
arriving while it is in flight wait for it rather than sending their own.

Any write through the same client invalidates every shared listing, and a listing that was
in flight during a write is not kept, so a read never sees data older than this process's
own last write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

__all__ = ["SharedListings"]


class SharedListings:
    """Thread-safe cache of listing results with single flight per key."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._entries: dict[Hashable, tuple[float, int, list[Any]]] = {}
        self._generation = 0
        self.fetches = 0

    def get(self, key: Hashable, max_age: float, fetch: Callable[[], list[Any]]) -> list[Any]:
        """The cached listing for ``key`` if younger than ``max_age`` s, else a fresh one."""
        if max_age <= 0:
            return fetch()
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                entry = self._entries.get(key)
                generation = self._generation
                if entry and entry[1] == generation and self._clock() - entry[0] <= max_age:
                    return list(entry[2])
            started = self._clock()
            items = fetch()
            with self._lock:
                self.fetches += 1
                if self._generation == generation:
                    self._entries[key] = (started, generation, items)
            return list(items)

    def invalidate(self) -> None:
        """Forget every listing (called on every write)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
