"""Request stats: the counts and log behind ``/_emulator/stats``.

Tests assert how many requests a command made (a no-change preview makes none) from these. In
memory only: a restart forgets them, a reset clears them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

__all__ = ["RequestStats"]


class RequestStats:
    """Counts of API requests per route template, and an ordered log of the latest requests."""

    def __init__(self, log_limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._log_limit = log_limit
        self._total = 0
        self._by_route: dict[str, int] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=log_limit)

    def record(
        self, method: str, route: str, path: str, query: str, status: int, fault: str | None
    ) -> None:
        with self._lock:
            self._total += 1
            key = f"{method} {route}"
            self._by_route[key] = self._by_route.get(key, 0) + 1
            self._log.append(
                {
                    "seq": self._total,
                    "method": method,
                    "path": path,
                    "query": query,
                    "status": status,
                    "fault": fault,
                    # monotonic: comparable with a platform twin's log in the same process
                    "at": time.monotonic(),
                }
            )

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._by_route.clear()
            self._log.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": self._total,
                "by_route": dict(self._by_route),
                "log": list(self._log),
            }
