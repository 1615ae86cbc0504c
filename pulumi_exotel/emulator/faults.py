"""Fault injection: the rules behind ``/_emulator/faults`` that make requests fail on purpose.

Reliability tests provoke every failure a client must survive (a 5xx, latency, a 429 burst, a
write whose answer is lost, a write applied after the client gave up). In memory only: a restart
forgets the rules, a reset clears them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["FAULT_KINDS", "FaultBook", "FaultKind", "FaultRule"]

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
