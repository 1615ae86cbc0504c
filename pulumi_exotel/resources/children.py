"""The four objects that live under a trunk: phone mappings, digest credentials, ACL entries
and destinations.

They share their Pulumi id form ``trunk_sid/child_id`` (Exotel has no GET of one child, so a
read picks its object from the trunk's listing, shared by the reads of one refresh), their
read and delete, and the natural-key index that spares a destination create its listing.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import ClassVar, Protocol, TypeVar

import pulumi

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.base import (
    READ_MAX_AGE,
    AdoptOrCreateProvider,
    ExotelProviderError,
    Props,
)
from pulumi_exotel.resources.natural_keys import NaturalKeyIndex, Taken
from pulumi_exotel.resources.validation import parse_child_id

__all__ = ["TrunkChildProvider", "by_id", "child_id", "object_id_output"]

#: the natural keys of trunks' children this process knows of (``looks_before_posting`` kinds)
_known_keys = NaturalKeyIndex()


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


ChildT = TypeVar("ChildT", bound=_HasId)


class TrunkChildProvider(AdoptOrCreateProvider[ChildT]):
    """Base of the providers of objects under a trunk, whose Pulumi id is ``trunk_sid/child_id``.

    Creation is the shared adopt-or-create flow (``base.AdoptOrCreateProvider``); read and
    delete are written here once. Each child gives its client calls as the abstract hooks (the
    digest credential too: its generated values and realm come from ``_prepare``, its check at
    the SIP edge from ``_complete``). Where Exotel appends a repeat instead of refusing it
    (``looks_before_posting``), a create claims its natural key in the process's
    :class:`~pulumi_exotel.resources.natural_keys.NaturalKeyIndex`, which lists each trunk
    once per process instead of once per create.
    """

    #: Exotel refuses a second object with the same natural key (1008, and ``_post`` says how
    #: to adopt it). Where it appends a repeat instead, create must know the trunk's keys.
    looks_before_posting: ClassVar[bool] = False

    @contextmanager
    def _claimed(self, client: ExotelClient, props: Props) -> Iterator[Callable[[ChildT], None]]:
        """Hold this create's natural key while it posts (``looks_before_posting`` kinds only):
        refuse a key in use, yield the function that records the object made."""
        if not self.looks_before_posting:
            yield lambda _made: None
            return
        trunk_sid = props["trunk_sid"]
        scope = (client.settings.api_root, self.kind, trunk_sid)
        key = self._natural_key(props)
        load = partial(self._keys_on_trunk, client, trunk_sid)
        taken = _known_keys.claim(scope, key, load)
        if taken is not None and not taken.made_here and self._find(client, props) is None:
            # Listed earlier in this run and deleted since, outside this process: free after all.
            _known_keys.forget(scope, key)
            taken = _known_keys.claim(scope, key, load)
        if taken is not None:
            raise self._in_use_error(props, taken)
        try:
            yield lambda made: _known_keys.settle(scope, key, made.id)
        except BaseException:
            _known_keys.forget(scope, key)
            raise

    def _claim_adopted(self, client: ExotelClient, props: Props, found: ChildT) -> None:
        """Refuse to adopt an object another resource of this program made or adopted
        (``looks_before_posting`` kinds: Exotel itself would not stop two owners)."""
        if not self.looks_before_posting:
            return
        trunk_sid = props["trunk_sid"]
        scope = (client.settings.api_root, self.kind, trunk_sid)
        load = partial(self._keys_on_trunk, client, trunk_sid)
        taken = _known_keys.adopt(scope, self._natural_key(props), found.id, load)
        if taken is not None:
            raise self._in_use_error(props, taken)

    def _in_use_error(self, props: Props, taken: Taken) -> ExotelProviderError:
        if taken.made_here:
            return ExotelProviderError(
                f"{self._describe(props)} is asked for by two {self.resource_class} resources "
                "of this program; Exotel would keep both as repeats. Keep one of them."
            )
        return self._exists_error(self._describe(props))

    def _pulumi_id(self, props: Props, obj: ChildT) -> str:
        return child_id(props["trunk_sid"], obj.id)

    def _unmake(self, client: ExotelClient, props: Props, made: ChildT) -> None:
        self._remove_known(client, props["trunk_sid"], made.id)

    def _read(self, id_: str, props: Props) -> Props | None:
        trunk_sid, object_id = self._parse_id(id_)
        found = self._get(self.client, trunk_sid, object_id, READ_MAX_AGE)
        return None if found is None else self._outputs({**props, "trunk_sid": trunk_sid}, found)

    def _delete(self, id_: str, props: Props) -> None:
        trunk_sid, object_id = self._parse_id(id_)
        self._remove_known(self.client, trunk_sid, object_id)

    def _remove_known(self, client: ExotelClient, trunk_sid: str, object_id: str) -> None:
        """``_remove``, and forget the object's key (a later create of it looks again)."""
        try:
            self._remove(client, trunk_sid, object_id)
        finally:
            _known_keys.discard((client.settings.api_root, self.kind, trunk_sid), object_id)

    def _parse_id(self, id_: str) -> tuple[str, str]:
        """``(trunk_sid, child_id)`` of this resource's id, or a user-facing error."""
        try:
            return parse_child_id(id_, self.resource_class, self.id_field)
        except ValueError as exc:
            raise ExotelProviderError(str(exc)) from None

    # --- hooks every child gives -------------------------------------------------------------

    @abc.abstractmethod
    def _natural_key(self, props: Props) -> str:
        """The value that names the object on its trunk (phone number, IP, user name...), in
        the form Exotel compares it."""

    @abc.abstractmethod
    def _keys_on_trunk(self, client: ExotelClient, trunk_sid: str) -> dict[str, str]:
        """``natural key → object id`` of the trunk's objects of this kind (one listing)."""

    @abc.abstractmethod
    def _get(
        self, client: ExotelClient, trunk_sid: str, object_id: str, max_age: float
    ) -> ChildT | None:
        """The object as Exotel has it (from a listing at most ``max_age`` s old, shared with
        the other reads of this refresh); None (or ``NotFound``) when it is gone."""

    @abc.abstractmethod
    def _remove(self, client: ExotelClient, trunk_sid: str, object_id: str) -> None:
        """Delete the object; ``NotFound`` when it is already gone."""


def by_id(children: Iterable[ChildT], object_id: str) -> ChildT | None:
    """The child with Exotel id ``object_id`` from a listing (there is no GET by id)."""
    return next((c for c in children if c.id == object_id), None)


def child_id(trunk_sid: str, object_id: str) -> str:
    """A child resource's Pulumi id: ``trunk_sid/child_id``."""
    return f"{trunk_sid}/{object_id}"


def object_id_output(resource_id: pulumi.Output[str]) -> pulumi.Output[str]:
    """A child resource's Exotel id (``mapping_id``...) from its Pulumi id ``trunk_sid/child_id``.

    Taken from the id rather than from the provider's outputs because the engine keeps the id
    known in a preview of an in-place update, and a dynamic provider's other outputs are not.
    """
    return resource_id.apply(lambda value: value.split("/", 1)[-1])
