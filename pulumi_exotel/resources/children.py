"""What the four objects under a trunk share: phone mappings, digest credentials, ACL entries
and destinations.

Their Pulumi id is ``trunk_sid/child_id``; :class:`TrunkChildProvider` writes their read,
delete and adopt-or-create flow once, and each child provider only declares its client calls
(:class:`ChildCalls`) and fills in the hooks: the digest credential too (its generated values
and realm come from ``_prepare``, its check at the SIP edge from ``_complete``).
:class:`TrunkChildResource` is the base of their resource classes.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import pulumi
from pulumi.dynamic import DiffResult, UpdateResult

from pulumi_exotel.client import ApiError, ExotelClient, NotFound, ServerError
from pulumi_exotel.client.http import unsure_creates
from pulumi_exotel.client.store import Journal, open_store
from pulumi_exotel.resources.base import (
    ExotelProvider,
    ExotelProviderError,
    ExotelResource,
    Props,
    current_settings,
    without_provider,
)
from pulumi_exotel.resources.intent import POSTING, Intent, made_before
from pulumi_exotel.resources.natural_keys import NaturalKeyIndex, Taken
from pulumi_exotel.resources.validation import parse_child_id

__all__ = [
    "READ_MAX_AGE",
    "ChildCalls",
    "TrunkChildProvider",
    "TrunkChildResource",
    "by_id",
    "child_id",
    "object_id_output",
]

#: Reads in one provider process share a trunk's child listing when it is at most this many
#: seconds old (Exotel has no GET of one child): a refresh of N children costs one listing per
#: trunk and kind instead of N. Writes through the client always invalidate it.
READ_MAX_AGE = 5.0

log = logging.getLogger("pulumi_exotel.resources")

#: the natural keys of trunks' children this process knows of (``looks_before_posting`` kinds)
_known_keys = NaturalKeyIndex()


class _Child(Protocol):
    """What the providers read of every trunk child Exotel lists."""

    @property
    def id(self) -> str: ...
    @property
    def date_created(self) -> str | None: ...
    @property
    def date_updated(self) -> str | None: ...


ChildT = TypeVar("ChildT", bound=_Child)


class _Listing(Protocol[ChildT]):
    """An ``ExotelClient.list_*`` method of a trunk's children."""

    def __call__(
        self, client: ExotelClient, trunk_sid: str, /, *, max_age: float = ...
    ) -> list[ChildT]: ...


@dataclass(frozen=True)
class ChildCalls(Generic[ChildT]):
    """How the client reaches one kind of trunk child, as ``ExotelClient`` methods: its listing
    (Exotel has no GET of one child) and its delete; and ``natural_key``, the input that names
    the object on its trunk, which a listed object holds in the attribute of the same name.
    :class:`TrunkChildProvider` writes every lookup once from these."""

    listing: _Listing[ChildT]
    delete: Callable[[ExotelClient, str, str], None]
    natural_key: str


class TrunkChildProvider(ExotelProvider, Generic[ChildT]):
    """Base of the providers of objects under a trunk, whose Pulumi id is ``trunk_sid/child_id``.

    Create, read and delete are written here once; each child gives its client calls as the
    abstract hooks below (the digest credential too: its generated values and realm come from
    ``_prepare``, its check at the SIP edge from ``_complete``).

    **The create flow** (:meth:`_create`) is the one place a child object comes into being:

    1. ``_prepare``: values decided at create time (generated names, the realm), no write;
    2. ``_find`` (with ``adopt``): the existing object with the same natural key, taken over
       by ``_take_over``;
    3. otherwise ``_post``: one write. Where Exotel appends a repeat instead of refusing it
       (``looks_before_posting``), the key is first claimed in the process's
       :class:`~pulumi_exotel.resources.natural_keys.NaturalKeyIndex`, which lists each trunk
       once per process instead of once per create;
    4. ``_complete``: follow-up writes or checks; if it fails, an object posted in step 3 is
       deleted again (Pulumi keeps no partial state, pulumi/pulumi#5210).

    Around steps 2 and 3 the create keeps an intent record in the account's journal
    (``intent.py``): written before the POST, so that a create interrupted at any moment is
    recognised by the next create of the same resource, which takes over the object its
    predecessor made instead of meeting it as "already exists"; and marked ``settle`` where
    Exotel appends repeats and a POST's outcome was unknown, so that the next run deletes a
    repeat the server applied late.
    """

    #: Exotel refuses a second object with the same natural key (1008, and ``_post`` says how
    #: to adopt it). Where it appends a repeat instead, create must know the trunk's keys.
    looks_before_posting: ClassVar[bool] = False
    #: the client's calls for this kind of object
    calls: ClassVar[ChildCalls[Any]]

    def _create(self, props: Props) -> tuple[str, Props]:
        client = self.client
        props = self._prepare(client, props)
        trunk_sid = props["trunk_sid"]
        intent = self._intent(client, props)
        made = self._recover(client, props, intent) if intent is not None else None
        if made is not None:
            made = self._complete_or_undo(client, props, made, intent)
            return child_id(trunk_sid, made.id), self._outputs(props, made)
        found = self._find(client, props) if props.get("adopt") else None
        if found is not None:
            self._claim_adopted(client, props, found.id)
            # An adopted object was not ours to delete if a later step fails.
            made = self._complete(client, props, self._take_over(client, found, props))
            return child_id(trunk_sid, made.id), self._outputs(props, made)
        with self._claimed(client, props) as settle:
            made = self._post_with_intent(client, props, intent)
            settle(made.id)
        made = self._complete_or_undo(client, props, made, intent)
        return child_id(trunk_sid, made.id), self._outputs(props, made)

    @contextmanager
    def _claimed(self, client: ExotelClient, props: Props) -> Iterator[Callable[[str], None]]:
        """Hold this create's natural key while it posts (``looks_before_posting`` kinds only):
        refuse a key in use, yield the function that records the object made."""
        if not self.looks_before_posting:
            yield lambda _object_id: None
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
            yield lambda object_id: _known_keys.settle(scope, key, object_id)
        except BaseException:
            _known_keys.forget(scope, key)
            raise

    def _claim_adopted(self, client: ExotelClient, props: Props, object_id: str) -> None:
        """Refuse to adopt an object another resource of this program made or adopted
        (``looks_before_posting`` kinds: Exotel itself would not stop two owners)."""
        if not self.looks_before_posting:
            return
        trunk_sid = props["trunk_sid"]
        scope = (client.settings.api_root, self.kind, trunk_sid)
        load = partial(self._keys_on_trunk, client, trunk_sid)
        taken = _known_keys.adopt(scope, self._natural_key(props), object_id, load)
        if taken is not None:
            raise self._in_use_error(props, taken)

    # --- the intent journal around create ----------------------------------------------------

    def _intent(self, client: ExotelClient, props: Props) -> Intent | None:
        return self._intent_in(client.journal, props)

    def _intent_in(self, journal: Journal, props: Props) -> Intent | None:
        """This resource's intent record in ``journal``, named by its trunk and natural key."""
        natural = f"{props['trunk_sid']}:{self._natural_key(props)}"
        return Intent.of(journal, self.resource_class, props, natural)

    def _recover(self, client: ExotelClient, props: Props, intent: Intent) -> ChildT | None:
        """The object an interrupted earlier create of this resource made, taken over; None
        when there is no record or its object does not exist."""
        record = intent.get()
        if record is None:
            return None
        trunk_sid = props["trunk_sid"]
        found: ChildT | None = None
        if record.get("object_id"):
            found = self._get(client, trunk_sid, str(record["object_id"]), 0.0)
        if found is None and record.get("phase") == POSTING:
            found = self._find(client, props)
            if found is not None and made_before(found.date_created, record):
                found = None  # older than the attempt: someone else's object
        if found is None:
            intent.done()
            return None
        log.info("%s: taking over %s left by an interrupted create", self.kind, found.id)
        self._drop_repeats(client, props, found.id)
        made = self._take_over(client, found, props)
        intent.made(made.id)
        return made

    def _post_with_intent(
        self, client: ExotelClient, props: Props, intent: Intent | None
    ) -> ChildT:
        if intent is None:
            return self._post(client, props)
        intent.posting()
        try:
            with unsure_creates() as unsure:
                made = self._post(client, props)
        except (ExotelProviderError, ApiError) as exc:
            if not isinstance(exc, ServerError):
                intent.done()  # refused: nothing was made (a 1008 is someone else's object)
            raise
        intent.made(made.id, settle=bool(unsure) and self.looks_before_posting)
        return made

    def _complete_or_undo(
        self, client: ExotelClient, props: Props, made: ChildT, intent: Intent | None
    ) -> ChildT:
        """``_complete``; if it fails, delete the object again. If that delete fails too, the
        intent record stays, so the next create takes the object over instead of orphaning it."""
        undone = intent.done if intent is not None else None
        with self._undo_on_error(
            lambda: self._remove_known(client, props["trunk_sid"], made.id), undone=undone
        ):
            return self._complete(client, props, made)
        raise AssertionError("unreachable")  # pragma: no cover (mypy: the block returns)

    def _settle(self, client: ExotelClient, props: Props, object_id: str) -> None:
        """Forget this resource's intent record now that state holds ``object_id``; first
        delete repeats a late write may have added (``settle``)."""
        try:
            intent = self._intent(client, props)
        except KeyError:  # state from before the journal, without a natural key field
            return
        if intent is None:
            return
        record = intent.get()
        if record is None or record.get("object_id") != object_id:
            return
        if record.get("settle"):
            self._drop_repeats(client, props, object_id)
        intent.done()

    def _unsettled(self, props: Props) -> bool:
        """Whether a late write may have left a repeat of this object (``diff`` asks)."""
        if not self.looks_before_posting:
            return False
        try:
            settings = current_settings()
            journal = open_store(settings.store_location, settings.api_root).journal
            intent = self._intent_in(journal, props)
            record = intent.get() if intent is not None else None
        except Exception:  # diff never fails on the journal: it is only a hint
            return False
        return bool(record and record.get("settle"))

    def _drop_repeats(self, client: ExotelClient, props: Props, keep_id: str) -> None:
        for repeat in self._repeats(client, props, keep_id):
            log.info("%s: deleting repeat %s left by a late write", self.kind, repeat.id)
            with suppress(NotFound):
                self._remove_known(client, props["trunk_sid"], repeat.id)

    def _in_use_error(self, props: Props, taken: Taken) -> ExotelProviderError:
        if taken.made_here:
            return ExotelProviderError(
                f"{self._describe(props)} is asked for by two {self.resource_class} resources "
                "of this program; Exotel would keep both as repeats. Keep one of them."
            )
        return self._exists_error(self._describe(props))

    def _read(self, id_: str, props: Props) -> Props | None:
        trunk_sid, object_id = self._parse_id(id_)
        client = self.client
        found = self._get(client, trunk_sid, object_id, READ_MAX_AGE)
        if found is None:
            return None
        self._settle(client, {**props, "trunk_sid": trunk_sid}, object_id)
        return self._outputs({**props, "trunk_sid": trunk_sid}, found)

    def _delete(self, id_: str, props: Props) -> None:
        trunk_sid, object_id = self._parse_id(id_)
        client = self.client
        self._settle(client, {**props, "trunk_sid": trunk_sid}, object_id)
        self._remove_known(client, trunk_sid, object_id)

    def diff(self, id_: str, olds: Props, news: Props) -> DiffResult:
        result = super().diff(id_, olds, news)
        if not result.changes and self._unsettled(olds):
            # A late write may have left a repeat: the update deletes it (see _settle).
            return DiffResult(changes=True, replaces=[], stables=list(self.stable_outputs))
        return result

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        with self._translate_errors("update"):
            trunk_sid, object_id = self._parse_id(id_)
            props = {**without_provider(olds), "trunk_sid": trunk_sid}
            self._settle(self.client, props, object_id)
        return super().update(id_, olds, news)

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

    # --- lookups, from ``calls`` -------------------------------------------------------------

    def _listing(self, client: ExotelClient, trunk_sid: str, max_age: float = 0.0) -> list[ChildT]:
        """The trunk's objects of this kind (from a listing at most ``max_age`` s old, shared
        with the other reads of this refresh)."""
        listed: list[ChildT] = self.calls.listing(client, trunk_sid, max_age=max_age)
        return listed

    def _natural_key(self, props: Props) -> str:
        """The value that names the object on its trunk (phone number, IP, user name...), in
        the form Exotel compares it."""
        return str(props[self.calls.natural_key])

    def _key_of(self, obj: ChildT) -> str:
        """A listed object's natural key, in the form ``_natural_key`` gives for the inputs."""
        return str(getattr(obj, self.calls.natural_key))

    def _keys_on_trunk(self, client: ExotelClient, trunk_sid: str) -> dict[str, str]:
        """``natural key → object id`` of the trunk's objects of this kind (one listing)."""
        return {self._key_of(obj): obj.id for obj in self._listing(client, trunk_sid)}

    def _with_key(self, client: ExotelClient, props: Props) -> list[ChildT]:
        """The trunk's objects of this kind with the natural key of ``props``: one at most,
        except where Exotel appends repeats (``looks_before_posting``)."""
        key = self._natural_key(props)
        listed = self._listing(client, props["trunk_sid"])
        return [obj for obj in listed if self._key_of(obj) == key]

    def _find(self, client: ExotelClient, props: Props) -> ChildT | None:
        """The existing object with the natural key of ``props``, if any."""
        return next(iter(self._with_key(client, props)), None)

    def _get(
        self, client: ExotelClient, trunk_sid: str, object_id: str, max_age: float
    ) -> ChildT | None:
        """The object as Exotel has it; None (or ``NotFound``) when it is gone."""
        return by_id(self._listing(client, trunk_sid, max_age), object_id)

    def _remove(self, client: ExotelClient, trunk_sid: str, object_id: str) -> None:
        """Delete the object; ``NotFound`` when it is already gone."""
        self.calls.delete(client, trunk_sid, object_id)

    def _outputs(self, inputs: Props, obj: ChildT) -> Props:
        """The resource's outputs: ``inputs`` with what Exotel says about the object."""
        return {
            **inputs,
            **self._fields_of(inputs, obj),
            self.id_field: obj.id,
            "date_created": obj.date_created,
            "date_updated": obj.date_updated,
        }

    # --- hooks with a default --------------------------------------------------------------

    def _repeats(self, client: ExotelClient, props: Props, keep_id: str) -> list[ChildT]:
        """Other objects equal to the one with id ``keep_id`` (only where Exotel appends
        repeats instead of refusing them)."""
        return []

    def _prepare(self, client: ExotelClient, props: Props) -> Props:
        """The checked inputs plus what is decided at create time (no write)."""
        return props

    def _complete(self, client: ExotelClient, props: Props, made: ChildT) -> ChildT:
        """Follow-up writes or checks on a new or adopted object; the object as it ends up."""
        return made

    # --- hooks every child gives -------------------------------------------------------------

    @abc.abstractmethod
    def _describe(self, props: Props) -> str:
        """The object named by its natural key, for messages (``IP 44.248.146.11 on ...``)."""

    @abc.abstractmethod
    def _post(self, client: ExotelClient, props: Props) -> ChildT:
        """A new object as ``props`` ask; a 1008 becomes the error that says how to adopt."""

    @abc.abstractmethod
    def _take_over(self, client: ExotelClient, found: ChildT, props: Props) -> ChildT:
        """Adopt ``found``: bring it in line with ``props``, or refuse what cannot change."""

    @abc.abstractmethod
    def _fields_of(self, inputs: Props, obj: ChildT) -> Props:
        """The object's input fields as Exotel has them (so drift shows on refresh)."""


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


class TrunkChildResource(ExotelResource):
    """Base of the four resource classes of objects under a trunk: their Exotel id output
    (``mapping_id``... the provider's ``id_field``) comes from the Pulumi id."""

    def __init__(
        self,
        provider: TrunkChildProvider[Any],
        name: str,
        given: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(provider, name, given, opts)
        # Known in a preview of an update, as the id is (see object_id_output).
        setattr(self, provider.id_field, object_id_output(self.id))
