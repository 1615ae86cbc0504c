"""Exotel's error codes as one exception, plus the emulator's fault injection and request stats.

``ExotelFault`` is the only way the backend and the routes report a failure; ``wire`` turns it
into the error envelope (or a per-item failure in a batch). Its ``body_code`` is the status the
envelope's ``response.code`` carries, which may differ from the HTTP status: Exotel answers some
duplicates with HTTP 200 and ``response.code`` 409 (exotel-api.md §1.1).

``FaultBook`` and ``RequestStats`` back the ``/_emulator/faults`` and ``/_emulator/stats``
control endpoints. They are in memory only: a restart forgets them, a reset clears them.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BODY_CODES",
    "ExotelFault",
    "FaultBook",
    "FaultKind",
    "FaultRule",
    "RequestStats",
    "duplicate",
    "invalid",
    "mandatory",
    "not_found",
]

#: Exotel error code -> the status in ``response.code`` (exotel-api.md §1.3). 1030 is the
#: emulator's rate-limit code (REF-old mentions it; the real 429 shape is undocumented).
#: Any other code (the emulator's 1050 for an injected status fault) carries the HTTP status.
BODY_CODES: dict[int, int] = {
    1000: 404,
    1001: 400,
    1002: 400,
    1003: 403,
    1007: 400,
    1008: 409,
    1010: 401,
    1011: 415,
    1030: 429,
}


class ExotelFault(Exception):
    """A failure as Exotel reports it: HTTP status, error code, message and description."""

    def __init__(self, http_status: int, code: int, message: str, description: str) -> None:
        super().__init__(f"{http_status} {code} {message}: {description}")
        self.http_status = http_status
        self.code = code
        self.message = message
        self.description = description

    @property
    def body_code(self) -> int:
        """The ``response.code`` of the envelope (409 for a duplicate even inside HTTP 200)."""
        return BODY_CODES.get(self.code, self.http_status)

    def error_data(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "description": self.description}


def not_found(description: str = "Not Found") -> ExotelFault:
    return ExotelFault(404, 1000, "Not Found", description)


def mandatory(description: str) -> ExotelFault:
    return ExotelFault(400, 1001, "Mandatory Parameter missing", description)


def invalid(description: str) -> ExotelFault:
    return ExotelFault(400, 1002, "Invalid parameter", description)


def duplicate(description: str, *, http_status: int = 200) -> ExotelFault:
    """1008; Exotel usually wraps it in an HTTP 200 (exotel-api.md §1.1)."""
    return ExotelFault(http_status, 1008, "Duplicate resource", description)


FaultKind = Literal["status", "latency", "rate_limit", "drop_response", "late_commit"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "status",
    "latency",
    "rate_limit",
    "drop_response",
    "late_commit",
)


@dataclass
class FaultRule:
    """One injected fault: which requests it hits and how many times (``None`` = until cleared).

    - ``status``: answer ``status`` (default 500) with an error envelope; nothing is written.
    - ``latency``: wait ``delay_ms`` and then handle the request normally.
    - ``rate_limit``: answer 429 with ``Retry-After`` = ``delay_ms`` rounded up to seconds (>= 1).
    - ``drop_response``: handle the request (the write is committed), then close the
      connection without a complete response.
    - ``late_commit``: read the request, wait ``delay_ms``, then handle it (the write is
      committed) even if the client gave up meanwhile: a server that applies a POST after the
      client's timeout.
    """

    kind: FaultKind
    method: str | None = None
    path_regex: str | None = None
    status: int = 500
    delay_ms: int = 0
    count: int | None = 1
    fired: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if self.method is not None:
            self.method = self.method.upper()
        if self.path_regex is not None:
            self._pattern = re.compile(self.path_regex)  # raises re.error on a bad pattern
        if not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status (100-599)")
        if self.delay_ms < 0:
            raise ValueError("delay_ms must be >= 0")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be >= 1 or null (unlimited)")

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self._pattern is None or self._pattern.search(path) is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "path_regex": self.path_regex,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "count": self.count,
            "fired": self.fired,
        }


class FaultBook:
    """The active faults. The first matching rule fires and uses up one of its ``count``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.as_dict() for rule in self._rules]

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, if any (a spent rule is removed)."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.fired += 1
                    if rule.count is not None and rule.fired >= rule.count:
                        self._rules.remove(rule)
                    return rule
        return None


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
