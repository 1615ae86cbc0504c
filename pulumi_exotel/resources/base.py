"""What the five Exotel resources share: settings, the client, field rules, errors, not-found.

A provider object is dill-pickled into the state of every resource and unpickled in the
dynamic-provider process, so it holds nothing on ``self``. Per process there is:

- the stack config handed to ``configure()`` (one stack per process, so one module-level copy),
- one ``ExotelClient`` per distinct settings, built lazily on first use and shared by the
  provider process's worker threads (the client and its rate limiter are thread-safe).

Each provider declares its inputs as a table of :class:`InputSpec` (rule, default, and what a
change does: update in place, replace, or nothing), so ``check`` and ``diff`` are written once
here and stay local: they never build a client or make a request.

The four objects that live under a trunk (phone mappings, digest credentials, ACL entries,
destinations) share their id form ``trunk_sid/child_id`` and the read, delete and
adopt-or-create flow: :class:`TrunkChildProvider` writes those once, and every child, the digest
credential included, only fills in its hooks. :class:`ExotelResource` is the base of the five
resource classes users write in their programs; it and the platforms' resource classes send the
props their declarations make (:class:`DeclaredResource`), never a dict written out again.

Errors raised from provider methods reach the user as the CLI's error text; they are
:class:`ExotelProviderError` with a one-line summary, the Exotel code and request id, and what to
do, and never a secret value. Pulumi's dynamic-provider host (``pulumi/dynamic/__main__.py``,
SDK 3.260 and later) sends ``traceback.format_exc()`` as the error text, so in that process
``configure()`` sets ``sys.tracebacklimit = 0``: the text is then the error's last line alone
(``PULUMI_EXOTEL_TRACEBACK=1`` keeps the frames, for debugging). A missing or malformed
setting is reported by ``check`` as a failure of the resource, so ``pulumi preview`` shows it.
"""

from __future__ import annotations

import abc
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from inspect import get_annotations
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_exotel.client import (
    ApiError,
    AuthFailed,
    ExotelClient,
    ExotelError,
    Forbidden,
    NotFound,
    ServerError,
    TransportError,
    Unreachable,
)
from pulumi_exotel.client.http import CONNECT_GIVE_UP_SECONDS, unsure_creates
from pulumi_exotel.client.store import open_store
from pulumi_exotel.config import CONFIG_KEYS, ConfigError, ExotelSettings
from pulumi_exotel.resources.intent import IDENTITY, POSTING, Intent, made_before
from pulumi_exotel.resources.natural_keys import NaturalKeyIndex, Taken
from pulumi_exotel.resources.validation import InvalidInput, parse_child_id

__all__ = [
    "DeclaredResource",
    "ExotelProvider",
    "ExotelProviderError",
    "ExotelResource",
    "InputSpec",
    "Props",
    "TrunkChildProvider",
    "TrunkChildResource",
    "bool_failures",
    "by_id",
    "child_id",
    "configure_stack",
    "current_settings",
    "declared_outputs",
    "forget_stack",
    "get_client",
    "settings_problem",
    "is_unknown",
    "object_id_output",
]

#: Reads in one provider process share a trunk's child listing when it is at most this many
#: seconds old (Exotel has no GET of one child): a refresh of N children costs one listing per
#: trunk and kind instead of N. Writes through the client always invalidate it.
READ_MAX_AGE = 5.0

log = logging.getLogger("pulumi_exotel.resources")

Props = dict[str, Any]
OnChange = Literal["update", "replace", "none"]

_lock = threading.Lock()
#: the natural keys of trunks' children this process knows of (``looks_before_posting`` kinds)
_known_keys = NaturalKeyIndex()
_stack_config: dict[str, Any] = {}
#: what ``settings_problem`` found for the current ``_stack_config`` (computed once); empty
#: until ``configure_stack`` ran, then the check is due
_problem: list[str | None] = []
_configured = threading.Event()
_clients: dict[ExotelSettings, ExotelClient] = {}

#: The module Python runs as ``__main__`` in Pulumi's dynamic-provider process.
_PROVIDER_HOST = "pulumi.dynamic.__main__"


def _in_provider_host() -> bool:
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == _PROVIDER_HOST


def _errors_without_frames() -> None:
    """Make the provider host's error text one paragraph (see the module docstring).

    Only in Pulumi's provider process, never in a program or a test run; it hides frames of
    every traceback formatted in that process, hence the way to keep them.
    """
    if _in_provider_host() and not os.environ.get("PULUMI_EXOTEL_TRACEBACK"):
        sys.tracebacklimit = 0


def configure_stack(config: Mapping[str, Any]) -> None:
    """Remember the ``exotel:*`` stack config for this process (what ``configure()`` receives)."""
    values = {key: config.get(key) for key, _env in CONFIG_KEYS.values()}
    with _lock:
        _stack_config.clear()
        _stack_config.update({k: v for k, v in values.items() if v is not None})
        _problem.clear()
        _configured.set()


def forget_stack() -> None:
    """Back to the state of a fresh process: no stack config, no clients (for tests)."""
    with _lock:
        _stack_config.clear()
        _problem.clear()
        _configured.clear()


def settings_problem() -> str | None:
    """What is missing or malformed in the provider settings, as the message to show; None
    when they are complete. Checked once per process (and again after ``configure_stack``),
    with no request: ``check`` runs it, so ``pulumi preview`` reports it. Before any
    ``configure()`` (a program under Pulumi's mocks) there is nothing to judge: None."""
    if not _configured.is_set():
        return None
    with _lock:
        if _problem:
            return _problem[0]
        config = dict(_stack_config)
    try:
        ExotelSettings.load(config)
        found = None
    except ConfigError as exc:
        found = str(exc)
    with _lock:
        _problem[:] = [found]
    return found


def current_settings() -> ExotelSettings:
    """Settings from the stack config given to ``configure()``, then ``EXOTEL_*`` env vars."""
    with _lock:
        config = dict(_stack_config)
    try:
        return ExotelSettings.load(config)
    except ConfigError as exc:
        raise ExotelProviderError(str(exc)) from None


def get_client(settings: ExotelSettings) -> ExotelClient:
    """The process's client for ``settings``, built on first use."""
    with _lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = ExotelClient(settings)
        return client


def is_unknown(value: object) -> bool:
    """True for a value Pulumi does not know yet (a preview of an output of another resource)."""
    return isinstance(value, Unknown)


def bool_failures(props: Props, name: str) -> list[CheckFailure]:
    """The check failure of a flag input (``adopt``...) that is set, known, and not a bool."""
    value = props.get(name)
    if value is None or isinstance(value, bool) or is_unknown(value):
        return []
    return [CheckFailure(name, str(InvalidInput(name, value, "must be a bool")))]


class ExotelProviderError(Exception):
    """A provider operation failed; the message is written for the person running Pulumi."""


@dataclass(frozen=True)
class InputSpec:
    """One input of a resource: how ``check`` validates it and what a change means to ``diff``.

    ``unset`` says what leaving an optional input out means on an existing resource: ``"keep"``
    the value it already has (a generated password, a default domain), or ``"clear"`` it.
    """

    validate: Callable[[object, str], Any] | None = None
    on_change: OnChange = "none"
    required: bool = False
    default: Any = None
    unset: Literal["keep", "clear"] = "clear"
    canonical: Callable[[Any], Any] | None = None

    def same(self, old: Any, new: Any) -> bool:
        if is_unknown(new):
            return False
        if self.canonical is not None:
            return bool(self.canonical(old) == self.canonical(new))
        return bool(old == new)


class ExotelProvider(ResourceProvider, abc.ABC):
    """Base of the five providers. Subclasses declare ``kind`` and ``fields`` and implement
    the ``_create``/``_read``/``_update``/``_delete`` hooks; ids are strings."""

    kind: ClassVar[str] = "object"
    resource_class: ClassVar[str] = "resource"
    #: the output holding Exotel's own id of the object (``acl_id``, ``trunk_sid``, ...)
    id_field: ClassVar[str] = "id"
    fields: ClassVar[dict[str, InputSpec]] = {}
    #: inputs that only shape how the resource is created; never part of a diff
    create_only: ClassVar[tuple[str, ...]] = ("adopt",)
    #: outputs an in-place update cannot change, declared as ``stables`` in every diff. The
    #: engine (3.274) and the SDK's dynamic-provider host (3.272) ignore them today; what keeps
    #: them known in a preview is described in ``docs/internals.md`` ("Preview of an update").
    stable_outputs: ClassVar[tuple[str, ...]] = ("date_created",)
    #: inputs whose values are secrets: sent as secret inputs, kept as secret outputs (see
    #: :class:`DeclaredResource`), and never shown in a message
    secret_fields: ClassVar[tuple[str, ...]] = ()

    # --- configure ------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        # req.config holds the whole stack config with secrets decrypted; keep only ours.
        configure_stack({key: req.config.get(key) for key, _env in CONFIG_KEYS.values()})
        _errors_without_frames()

    @property
    def client(self) -> ExotelClient:
        """This process's client for the current settings (built on first use)."""
        return get_client(current_settings())

    def declared_inputs(self, given: Mapping[str, Any]) -> Props:
        """The inputs a resource sends: every input of the table (``fields``, then
        ``create_only``) taken by name from ``given``, secret ones as secret Outputs."""
        inputs = {name: given[name] for name in (*self.fields, *self.create_only)}
        for name in self.secret_fields:
            if inputs[name] is not None:  # None: not given
                inputs[name] = pulumi.Output.secret(inputs[name])
        return inputs

    # --- check (no I/O) -------------------------------------------------------------------

    def check(self, _olds: Props, news: Props) -> CheckResult:
        inputs = dict(news)
        failures: list[CheckFailure] = []
        for name, spec in self.fields.items():
            value = news.get(name)
            if is_unknown(value):
                continue
            if value is None:
                if spec.default is not None:
                    inputs[name] = spec.default
                elif spec.required:
                    failures.append(CheckFailure(name, f"{name} is required"))
                continue
            if spec.validate is not None:
                try:
                    inputs[name] = spec.validate(value, name)
                except InvalidInput as exc:
                    failures.append(CheckFailure(name, str(exc)))
        failures.extend(bool_failures(news, "adopt"))
        if not failures:
            failures.extend(self._check_together(inputs))
        problem = self._settings_problem()
        if problem is not None:
            # Not a property of this resource: the engine then prints the reason alone.
            failures.append(CheckFailure("", problem))
        return CheckResult(inputs, failures)

    def _settings_problem(self) -> str | None:
        """What keeps this provider's settings from loading (checked at preview); None if
        nothing does. Providers of other services check their own settings instead."""
        return settings_problem()

    def _coerce(self, props: Props) -> Props:
        """Checked inputs in canonical form again: the engine sends every number as a float."""
        coerced = _without_provider(props)
        for name, spec in self.fields.items():
            if coerced.get(name) is not None and spec.validate is not None:
                try:
                    coerced[name] = spec.validate(coerced[name], name)
                except InvalidInput as exc:  # only when check was bypassed
                    raise ExotelProviderError(str(exc)) from None
        return coerced

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        """Rules across several fields; each field alone is already valid."""
        return []

    # --- diff (no I/O) --------------------------------------------------------------------

    def diff(self, _id: str, olds: Props, news: Props) -> DiffResult:
        """``olds`` are the outputs in state, ``news`` the checked inputs."""
        updates: list[str] = []
        replaces: list[str] = []
        for name, spec in self.fields.items():
            if spec.on_change == "none":
                continue
            new = news.get(name)
            if new is None and spec.unset == "keep":
                continue
            if not spec.same(olds.get(name), new):
                (replaces if spec.on_change == "replace" else updates).append(name)
        more_updates, more_replaces = self._diff_more(olds, news)
        updates += more_updates
        replaces += more_replaces
        if replaces:
            return DiffResult(
                changes=True,
                replaces=replaces,
                delete_before_replace=self._delete_before_replace(olds, news),
            )
        return DiffResult(changes=bool(updates), replaces=[], stables=list(self.stable_outputs))

    def _diff_more(self, olds: Props, news: Props) -> tuple[list[str], list[str]]:
        """Field changes the table cannot express: ``(updates, replaces)``."""
        return [], []

    def _delete_before_replace(self, olds: Props, news: Props) -> bool:
        """Whether a replacement must delete the old object first (a natural key is reused)."""
        return False

    # --- create / read / update / delete ----------------------------------------------------

    def create(self, props: Props) -> CreateResult:
        with self._translate_errors("create", props):
            id_, outs = self._create(self._coerce(props))
        return CreateResult(id_, outs)

    def read(self, id_: str, props: Props) -> ReadResult:
        with self._translate_errors("read"):
            try:
                outs = self._read(id_, _without_provider(props))
            except NotFound:
                outs = None
        if outs is None:
            return ReadResult(id_="", outs={})
        return ReadResult(id_=id_, outs=outs, inputs=self._inputs_from(outs))

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        with self._translate_errors("update", news):
            outs = self._update(id_, _without_provider(olds), self._coerce(news))
        return UpdateResult(outs)

    def delete(self, id_: str, props: Props) -> None:
        with self._translate_errors("delete"), suppress(NotFound):
            # NotFound: already gone, which is what delete wanted.
            self._delete(id_, _without_provider(props))

    @abc.abstractmethod
    def _create(self, props: Props) -> tuple[str, Props]:
        """Make the object (or adopt it); ``(id, outputs)``."""

    @abc.abstractmethod
    def _read(self, id_: str, props: Props) -> Props | None:
        """The current outputs, or None when the object is gone (NotFound also means gone)."""

    @abc.abstractmethod
    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        """Apply in-place changes; the new outputs."""

    @abc.abstractmethod
    def _delete(self, id_: str, props: Props) -> None:
        """Delete the object; ``NotFound`` means it was already gone."""

    def _inputs_from(self, outs: Props) -> Props:
        """Inputs to store after a refresh: the input fields as they are now in Exotel."""
        keys = (*self.fields, *self.create_only, IDENTITY)
        return {k: outs[k] for k in keys if outs.get(k) is not None}

    # --- helpers for subclasses ------------------------------------------------------------

    def _exists_error(self, what: str, cause: Exception | None = None) -> ExotelProviderError:
        """The error for a duplicate without ``adopt``; ``cause`` is Exotel's 1008, if any."""
        said = f" ({cause})" if cause is not None else ""
        return ExotelProviderError(
            f"{what} already exists in Exotel{said}. To manage the existing object with Pulumi, "
            f"pass adopt=True to this {self.resource_class} (it is then taken over as it is and "
            "brought in line with your program); otherwise choose a different value. If another "
            "resource of your program already declares it, keep only one of the two instead: "
            "adopting would make two resources own one object."
        )

    @staticmethod
    @contextmanager
    def _undo_on_error(
        undo: Callable[[], None], *, undone: Callable[[], None] | None = None
    ) -> Iterator[None]:
        """Run ``undo`` if the block fails: Pulumi keeps no partial state of a failed create,
        so an object created earlier in it would be orphaned (pulumi/pulumi#5210). ``undone``
        runs after an undo that worked (to forget the intent record kept for a failed one)."""
        try:
            yield
        except BaseException:
            try:
                undo()
            except Exception:  # the original failure is the one to report
                log.warning("undo of a failed create failed; journaled for the next run")
            else:
                if undone is not None:
                    undone()
            raise

    @contextmanager
    def _translate_errors(self, action: str, props: Props | None = None) -> Iterator[None]:
        """Turn client errors into one user-facing error per operation.

        ``props`` are the inputs of a create or update: a 404 then names the trunk SID asked for.
        """
        try:
            yield
        except ExotelProviderError:
            raise
        except AuthFailed as exc:
            account = _setting("account_sid")
            raise ExotelProviderError(
                f"Could not {action} {self.kind}: Exotel refused the API credentials ({exc}). "
                "Check exotel:apiKey / exotel:apiToken (EXOTEL_API_KEY / EXOTEL_API_TOKEN) and "
                f"exotel:accountSid (EXOTEL_ACCOUNT_SID, now {account!r}): the key and token "
                "must belong to that account. Check also that exotel:subdomain is the account's "
                "region (api.in.exotel.com for Mumbai, api.exotel.com for Singapore)."
            ) from None
        except (NotFound, Forbidden) as exc:
            raise self._missing_error(action, props or {}, exc) from None
        except ApiError as exc:
            raise ExotelProviderError(f"Could not {action} {self.kind}: {exc}") from None
        except Unreachable as exc:
            where = _setting("base_url")
            source = (
                f"exotel:baseUrl / EXOTEL_BASE_URL ({where})"
                if where
                else f"exotel:subdomain / EXOTEL_SUBDOMAIN ({_setting('subdomain')})"
            )
            raise ExotelProviderError(
                f"Could not {action} {self.kind}: cannot connect to {exc.address}, the address "
                f"from {source}; gave up after about {CONNECT_GIVE_UP_SECONDS:g} s ({exc}). "
                "Nothing was sent. Check that setting (is the emulator running on that port?) "
                "and the network, then run the command again."
            ) from None
        except TransportError as exc:
            raise ExotelProviderError(
                f"Could not {action} {self.kind}: no usable answer from Exotel ({exc}). "
                "Check exotel:baseUrl / exotel:subdomain and the network, then run the "
                "command again. A create may have reached Exotel all the same: if the next run "
                "says the object already exists, pass adopt=True to take it over."
            ) from None
        except ExotelError as exc:
            raise ExotelProviderError(f"Could not {action} {self.kind}: {exc}") from None

    def _missing_error(self, action: str, props: Props, exc: ApiError) -> ExotelProviderError:
        """A 404 (or 403/1003, as some accounts answer for a trunk they do not know)."""
        trunk_sid = props.get("trunk_sid")
        account = _setting("account_sid")
        if action == "create" and isinstance(trunk_sid, str) and trunk_sid:
            return ExotelProviderError(
                f"Could not create {self.kind}: trunk_sid {trunk_sid!r} is not a trunk of "
                f"Exotel account {account!r} ({exc}). Pass the trunk_sid output of a Trunk in "
                "this program (trunk_sid=trunk.trunk_sid) or the SID of an existing trunk of "
                "this account; if that trunk was deleted outside Pulumi, run `pulumi refresh` "
                "and then `pulumi up` to create it again."
            )
        return ExotelProviderError(
            f"Could not {action} {self.kind}: it no longer exists in Exotel account "
            f"{account!r} ({exc}); it was probably deleted outside Pulumi. Run `pulumi refresh` "
            "to drop it from the stack, then `pulumi up` to create it again."
        )


def _setting(name: str) -> str:
    """A non-secret setting's value for a message ("" when the settings do not load)."""
    try:
        return str(getattr(current_settings(), name) or "")
    except ExotelProviderError:
        return ""


def _without_provider(props: Props) -> Props:
    return {k: v for k, v in props.items() if k != "__provider"}


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
        natural = f"{props['trunk_sid']}:{self._natural_key(props)}"
        return Intent.of(client.journal, self.resource_class, props, natural)

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
            natural = f"{props.get('trunk_sid')}:{self._natural_key(props)}"
            intent = Intent.of(journal, self.resource_class, props, natural)
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
            props = {**_without_provider(olds), "trunk_sid": trunk_sid}
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

    def _find(self, client: ExotelClient, props: Props) -> ChildT | None:
        """The existing object with the natural key of ``props``, if any."""
        key = self._natural_key(props)
        listed = self._listing(client, props["trunk_sid"])
        return next((obj for obj in listed if self._key_of(obj) == key), None)

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


class DeclaredResource(Resource):
    """Base of every resource class, Exotel's and the platforms': what it sends comes from
    declarations instead of a props dict written out in each ``__init__``.

    - Inputs: the provider's input table (``fields`` and ``create_only``), each taken by name
      from ``given``, the keyword arguments of the subclass's ``__init__`` (its ``locals()``,
      or a mapping with the values it derived); ``secret_fields`` are sent as secret inputs.
    - Outputs: every name the class and its bases annotate, sent as None beside the inputs:
      Pulumi makes attributes of a resource only for the names among the props it is sent.
    - Secret outputs: ``secret_fields`` again, as ``additional_secret_outputs`` (the engine
      re-marks only outputs whose input was secret, and a generated value never was).
    """

    adopt: pulumi.Output[bool]
    """Whether creation took over an existing object with the same natural key."""

    def __init__(
        self,
        provider: ExotelProvider,
        name: str,
        given: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if provider.secret_fields:
            secret = pulumi.ResourceOptions(additional_secret_outputs=list(provider.secret_fields))
            opts = pulumi.ResourceOptions.merge(opts, secret)
        props = {**dict.fromkeys(declared_outputs(type(self))), **provider.declared_inputs(given)}
        super().__init__(provider, name, {**props, **self._hidden_inputs(name)}, opts)

    def _hidden_inputs(self, name: str) -> Props:
        """Inputs the provider needs that are no argument of the class."""
        return {}


def declared_outputs(resource_class: type[Resource]) -> list[str]:
    """The names ``resource_class`` and its bases (up to Pulumi's ``Resource``) annotate."""
    mro = resource_class.__mro__
    ours = mro[: mro.index(Resource)]
    return list(dict.fromkeys(name for klass in reversed(ours) for name in get_annotations(klass)))


class ExotelResource(DeclaredResource):
    """Base of the five Exotel resource classes: the outputs every one of them has, and the
    identity the intent journal names the resource by."""

    date_created: pulumi.Output[str]
    """When Exotel created the object (ISO-8601 UTC)."""
    date_updated: pulumi.Output[str]
    """When Exotel last changed the object (ISO-8601 UTC)."""

    def _hidden_inputs(self, name: str) -> Props:
        # The provider never sees the URN: this stable stand-in names the resource in the
        # intent journal (and in generated user names), so a create interrupted at any moment
        # is recognised by the next create of the same resource. No diff looks at it.
        return {
            IDENTITY: f"{pulumi.get_project()}/{pulumi.get_stack()}/{type(self).__name__}/{name}"
        }


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
