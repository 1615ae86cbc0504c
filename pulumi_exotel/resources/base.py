"""What the five Exotel resources share: settings, the client, field rules, errors, not-found.

A provider object is dill-pickled into the state of every resource and unpickled in the
dynamic-provider process, so it holds nothing on ``self``. Per process there is:

- the stack config handed to ``configure()`` (one stack per process, so one module-level copy),
- one ``ExotelClient`` per distinct settings, built lazily on first use and shared by the
  provider process's worker threads (the client and its rate limiter are thread-safe).

Each provider declares its inputs as a table of :class:`InputSpec` (rule, default, and what a
change does: update in place, replace, or nothing), so ``check`` and ``diff`` are written once
here and stay local: they never build a client or make a request.

What the four objects under a trunk share besides is in ``children.py``.
:class:`ExotelResource` is the base of the five resource classes users write in their programs;
it and the platforms' resource classes send the props their declarations make
(:class:`DeclaredResource`), never a dict written out again.

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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from inspect import get_annotations
from typing import Any, ClassVar, Literal

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
    TransportError,
    Unreachable,
)
from pulumi_exotel.client.http import CONNECT_GIVE_UP_SECONDS
from pulumi_exotel.config import CONFIG_KEYS, ConfigError, ExotelSettings
from pulumi_exotel.resources.intent import IDENTITY
from pulumi_exotel.resources.validation import InvalidInput

__all__ = [
    "DeclaredResource",
    "ExotelProvider",
    "ExotelProviderError",
    "ExotelResource",
    "InputSpec",
    "Props",
    "bool_failures",
    "configure_stack",
    "current_settings",
    "declared_outputs",
    "forget_stack",
    "get_client",
    "settings_problem",
    "is_unknown",
    "without_provider",
]

log = logging.getLogger("pulumi_exotel.resources")

Props = dict[str, Any]
OnChange = Literal["update", "replace", "none"]

_lock = threading.Lock()
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
        coerced = without_provider(props)
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
                outs = self._read(id_, without_provider(props))
            except NotFound:
                outs = None
        if outs is None:
            return ReadResult(id_="", outs={})
        return ReadResult(id_=id_, outs=outs, inputs=self._inputs_from(outs))

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        with self._translate_errors("update", news):
            outs = self._update(id_, without_provider(olds), self._coerce(news))
        return UpdateResult(outs)

    def delete(self, id_: str, props: Props) -> None:
        with self._translate_errors("delete"), suppress(NotFound):
            # NotFound: already gone, which is what delete wanted.
            self._delete(id_, without_provider(props))

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


def without_provider(props: Props) -> Props:
    """``props`` without the ``__provider`` key the engine adds (the pickled provider)."""
    return {k: v for k, v in props.items() if k != "__provider"}


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
