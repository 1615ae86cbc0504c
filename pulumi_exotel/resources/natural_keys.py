"""Which natural keys a trunk's children already use, known per process from one listing.

Exotel appends a repeated destination instead of refusing it, so a ``DestinationUri`` create
must know whether an equal entry exists before it posts. Listing the trunk's destinations
before every create costs one listing (and a page more per 50 entries) per object, O(n²) for a
stack of n destinations. Instead, the first create on a trunk in a provider process lists the
trunk once; after that the index follows this process's own creates and deletes, so every
further create is decided without a request.

Keys are claimed before the POST (and recorded when an object is adopted), so two resources of
one program asking for the same key are told apart from an object someone else made: the
second claim sees the first one's reservation (or the object it made) and can say so. The
index can only be stale for objects changed outside this process during the run: the caller
confirms an "in use" answer about an object it did not make with a fresh lookup before
refusing; an equal object added outside Pulumi between the listing and the create is not seen
(the same window any look-then-post has, made longer by the length of the run).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

__all__ = ["NaturalKeyIndex", "Taken"]


@dataclass(frozen=True)
class Taken:
    """A key that is already in use: by Exotel object ``object_id`` (None while another create of
    this process is still making it), made by this process or not."""

    object_id: str | None
    made_here: bool


@dataclass
class _Entry:
    object_id: str | None  # None: a create of this process holds the key and has not finished
    made_here: bool


class NaturalKeyIndex:
    """Thread-safe map ``scope → natural key → object``; one listing per scope (single flight)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._load_locks: dict[Hashable, threading.Lock] = {}
        self._scopes: dict[Hashable, dict[str, _Entry]] = {}
        self.loads = 0

    def claim(
        self, scope: Hashable, key: str, load: Callable[[], Mapping[str, str]]
    ) -> Taken | None:
        """Reserve ``key`` in ``scope`` for a create by the caller and return None, or return who
        has it. ``load`` lists the scope (``key → object id``) the first time it is needed."""
        entries = self._entries(scope, load)
        with self._lock:
            entry = entries.get(key)
            if entry is not None:
                return Taken(entry.object_id, entry.made_here)
            entries[key] = _Entry(None, made_here=True)
            return None

    def adopt(
        self, scope: Hashable, key: str, object_id: str, load: Callable[[], Mapping[str, str]]
    ) -> Taken | None:
        """Record that the caller takes over existing object ``object_id`` for ``key`` and
        return None, or return the claim of another create or adoption of this process."""
        entries = self._entries(scope, load)
        with self._lock:
            entry = entries.get(key)
            if entry is not None and entry.made_here:
                return Taken(entry.object_id, made_here=True)
            entries[key] = _Entry(object_id, made_here=True)
            return None

    def settle(self, scope: Hashable, key: str, object_id: str) -> None:
        """The caller's create of ``key`` made ``object_id``."""
        with self._lock:
            entries = self._scopes.get(scope)
            if entries is not None:
                entries[key] = _Entry(object_id, made_here=True)

    def forget(self, scope: Hashable, key: str) -> None:
        """``key`` is free again: the caller's create of it failed, or the object was found gone.
        (A failed create may still have reached Exotel; only a later run, which lists afresh,
        meets that object, and it is then an existing object like any other.)"""
        with self._lock:
            entries = self._scopes.get(scope)
            if entries is not None:
                entries.pop(key, None)

    def discard(self, scope: Hashable, object_id: str) -> None:
        """Object ``object_id`` was deleted by this process."""
        with self._lock:
            entries = self._scopes.get(scope)
            if entries is None:
                return
            for key in [k for k, e in entries.items() if e.object_id == object_id]:
                del entries[key]

    def _entries(self, scope: Hashable, load: Callable[[], Mapping[str, str]]) -> dict[str, _Entry]:
        with self._lock:
            entries = self._scopes.get(scope)
            if entries is not None:
                return entries
            load_lock = self._load_locks.setdefault(scope, threading.Lock())
        with load_lock:
            with self._lock:
                entries = self._scopes.get(scope)
            if entries is None:
                listed = {key: _Entry(object_id, False) for key, object_id in load().items()}
                with self._lock:
                    self.loads += 1
                    entries = self._scopes.setdefault(scope, listed)
            return entries
