"""What every platform-side dynamic resource shares: settings, the SDK client, the adopt-or-create
flow, errors and secrets. Built on :mod:`pulumi_exotel.resources.base` (same ``InputSpec``
tables, so ``check`` and ``diff`` stay local: zero requests).

How a platform module uses it::

    SETTINGS = api_key_settings("Retell", extra="retell")  # retell:apiKey, RETELL_API_KEY...

    class PhoneNumberProvider(PlatformProvider[RetellClient]):
        settings_spec = SETTINGS
        kind, resource_class, natural_key = "Retell phone number", "PhoneNumber", "phone_number"
        fields = {"phone_number": InputSpec(validate_e164, "replace", required=True), ...}
        secret_fields = ("password",)
        def _build_client(self, settings): ...   # once per process and settings
        def _find / _post / _take_over / _get / _patch / _remove / _object_id / _outputs

    class PhoneNumber(PlatformResource, module="retell", name="PhoneNumber"):
        phone_number: pulumi.Output[str]  # ... every output, annotated
        def __init__(self, name, *, phone_number: pulumi.Input[str], ..., opts=None):
            super().__init__(PhoneNumberProvider(), name, locals(), opts)

Rules this module enforces for every platform:

- A provider object is pickled into the state of each resource: it holds nothing on ``self``.
  ``configure()`` keeps the platform's own config keys (from the whole stack config, secrets
  decrypted) in this process; the client is built lazily, once per process and settings.
- A required setting missing from both the stack config and its env var fails ``check``, so
  ``pulumi preview`` already says which config key or environment variable to set.
- ``create`` looks the natural key up first: found with ``adopt=True`` it is taken over
  (``_take_over``), found without it is an error that says how to adopt; otherwise ``_post``
  creates it, and if a later step of the same create fails, the new object is removed again
  (Pulumi keeps no partial state: it would be orphaned).
- ``read`` of a gone object returns an empty id (refresh drops it); ``delete`` of a gone object
  succeeds. "Gone" is HTTP 404 unless a provider says otherwise (``_is_gone``).
- Every error reaches the user as :class:`PlatformProviderError`: one line saying what failed on
  which platform, with the platform's own words, and every secret value (``secret_fields`` of the
  props, secret settings) replaced by ``[secret]``.
- Secret outputs: :class:`PlatformResource` sets ``additional_secret_outputs`` and wraps secret
  inputs with ``pulumi.Output.secret`` (both from ``secret_fields``).
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar

import httpx
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    ReadResult,
    UpdateResult,
)

from pulumi_exotel.resources.base import (
    DeclaredResource,
    ExotelProvider,
    ExotelProviderError,
    InputSpec,
    Props,
    is_unknown,
    without_provider,
)
from pulumi_exotel.resources.validation import SECRET_PLACEHOLDER, InvalidInput

__all__ = [
    "InputSpec",
    "PlatformProvider",
    "PlatformProviderError",
    "PlatformResource",
    "PlatformSettings",
    "Props",
    "ResolvedSettings",
    "Setting",
    "api_key_settings",
    "import_sdk",
    "is_unknown",
    "may_have_applied",
    "remember_config",
    "scrub",
    "validate_secret_text",
    "validate_sip_address",
    "validate_text",
    "validate_transport",
]

ClientT = TypeVar("ClientT")


def import_sdk(module: str, extra: str) -> ModuleType:
    """Import a platform SDK, or fail with the command that installs it.

    ``import_sdk("retell", "retell")`` raises ``ImportError: ... pip install
    'pulumi-exotel[retell]'`` when ``retell-sdk`` is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"pulumi_exotel.platforms needs the {module!r} package for this platform, which is "
            f"not installed: pip install 'pulumi-exotel[{extra}]' ({exc})"
        ) from exc


# --- Settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One platform setting: its Pulumi config key and the environment variable read instead."""

    key: str
    env: str
    secret: bool = False
    required: bool = True
    default: str | None = None

    @property
    def where(self) -> str:
        """How messages name it: ``Pulumi config 'retell:apiKey' or RETELL_API_KEY``."""
        return f"Pulumi config '{self.key}' or environment variable {self.env}"


@dataclass(frozen=True)
class ResolvedSettings:
    """A platform's settings as found in this process; hashable (the client cache key).

    ``repr`` never shows a secret value.
    """

    platform: str
    values: tuple[tuple[str, str | None], ...] = field(repr=False)
    secret_names: frozenset[str] = frozenset()

    def get(self, name: str) -> str | None:
        return dict(self.values).get(name)

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def secret_values(self) -> list[str]:
        return [v for k, v in self.values if k in self.secret_names and v]

    def __repr__(self) -> str:
        shown = {k: (SECRET_PLACEHOLDER if k in self.secret_names else v) for k, v in self.values}
        return f"ResolvedSettings({self.platform!r}, {shown})"


@dataclass(frozen=True, eq=False)
class PlatformSettings:
    """The settings a platform's providers read: name -> :class:`Setting`.

    Source order per setting: the stack config given to ``configure()``, then the environment
    variable, then the default.
    """

    platform: str
    extra: str
    settings: Mapping[str, Setting]

    def resolve(
        self, config: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> ResolvedSettings:
        env = os.environ if environ is None else environ
        values: list[tuple[str, str | None]] = []
        for name, spec in self.settings.items():
            raw = config.get(spec.key)
            if raw in (None, ""):
                raw = env.get(spec.env) or spec.default
            values.append((name, None if raw in (None, "") else str(raw)))
        secrets = frozenset(n for n, s in self.settings.items() if s.secret)
        return ResolvedSettings(self.platform, tuple(values), secrets)

    def missing(self, resolved: ResolvedSettings) -> list[Setting]:
        return [s for n, s in self.settings.items() if s.required and resolved.get(n) is None]

    def missing_message(self, missing: Sequence[Setting]) -> str:
        wanted = "; ".join(f"set {s.where}" for s in missing)
        return f"{self.platform} provider is not configured: {wanted}"

    @property
    def credentials_hint(self) -> str:
        """The secret settings, named for an authentication error."""
        secret = [s for s in self.settings.values() if s.secret] or list(self.settings.values())
        return " / ".join(f"'{s.key}' ({s.env})" for s in secret)


def api_key_settings(platform: str, extra: str) -> PlatformSettings:
    """The settings of a platform reached with one API key: ``<extra>:apiKey`` (secret) or
    ``<EXTRA>_API_KEY``, and the optional ``<extra>:baseUrl`` or ``<EXTRA>_BASE_URL`` (another
    server, such as the local twin in tests)."""
    env = extra.upper()
    return PlatformSettings(
        platform,
        extra=extra,
        settings={
            "api_key": Setting(f"{extra}:apiKey", f"{env}_API_KEY", secret=True),
            "base_url": Setting(f"{extra}:baseUrl", f"{env}_BASE_URL", required=False),
        },
    )


_lock = threading.Lock()
#: The config keys of every platform whose provider was configured in this process.
_stack_config: dict[str, Any] = {}
_clients: dict[tuple[str, ResolvedSettings], Any] = {}


def remember_config(spec: PlatformSettings, config: Any) -> None:
    """Keep ``spec``'s keys of the stack config (``ConfigureRequest.config``, or a mapping)."""
    values = {s.key: config.get(s.key) for s in spec.settings.values()}
    with _lock:
        for key, value in values.items():
            if value is None:
                _stack_config.pop(key, None)
            else:
                _stack_config[key] = value


def _current(spec: PlatformSettings) -> ResolvedSettings:
    with _lock:
        config = dict(_stack_config)
    return spec.resolve(config)


def _client_for(kind: str, settings: ResolvedSettings, build: Callable[[], ClientT]) -> ClientT:
    with _lock:
        key = (kind, settings)
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = build()
        return client


# --- Shared input rules (for ``InputSpec(validate=...)``) ---------------------------------------

_ADDRESS_RE = re.compile(r"^(?P<host>[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})$")
_ADDRESS_RULE = (
    "must be host:port, the Exotel edge the platform sends SIP to, e.g. "
    "in.voip.exotel.com:443 (Trunk.edge_tls) or in.voip.exotel.com:5070 (Trunk.edge_tcp)"
)


def validate_sip_address(value: object, field: str, rule: str = _ADDRESS_RULE) -> str:
    """``host:port`` with a DNS name or IPv4 host (no scheme, no parameters); ``rule`` is what
    the error says it must be."""
    match = _ADDRESS_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise InvalidInput(field, value, rule)
    return str(value)


def validate_transport(value: object, field: str) -> str:
    """``tls`` or ``tcp``: what the Exotel edge speaks (no UDP)."""
    if value not in ("tls", "tcp"):
        why = " (the Exotel edge has no UDP)" if str(value).lower() == "udp" else ""
        raise InvalidInput(field, value, f"must be 'tls' or 'tcp'{why}")
    return str(value)


def validate_text(value: object, field: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, value, "must be a non-empty string")
    return value


def validate_secret_text(value: object, field: str) -> str:
    """A non-empty string that is never shown in a message."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(field, value, "must be a non-empty string", secret=True)
    return value


# --- Errors and secrets -------------------------------------------------------------------------


class PlatformProviderError(ExotelProviderError):
    """A platform-side operation failed; the message is for the person running Pulumi."""


def scrub(text: str, secrets: Iterable[object]) -> str:
    """``text`` with every secret value in it replaced by ``[secret]``."""
    for secret in sorted({s for s in secrets if isinstance(s, str) and s}, key=len, reverse=True):
        text = text.replace(secret, SECRET_PLACEHOLDER)
    return text


# --- Provider -----------------------------------------------------------------------------------


class PlatformProvider(ExotelProvider, Generic[ClientT]):
    """Base of the platform providers. Declare ``settings_spec``, ``kind``, ``resource_class``,
    ``natural_key``, ``fields``, ``secret_fields``; implement the hooks below.

    The object's platform id is the Pulumi id. Hooks get the client and plain props (no
    ``__provider``, inputs already checked); ``obj`` is whatever the SDK returns.
    """

    settings_spec: ClassVar[PlatformSettings]
    #: the input naming the object for people (and for adoption): ``phone_number``...
    natural_key: ClassVar[str] = "name"

    # --- settings and client --------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        remember_config(self.settings_spec, req.config)

    @property
    def settings(self) -> ResolvedSettings:
        resolved = _current(self.settings_spec)
        missing = self.settings_spec.missing(resolved)
        if missing:
            raise PlatformProviderError(self.settings_spec.missing_message(missing))
        return resolved

    @property
    def client(self) -> ClientT:  # type: ignore[override]
        """This process's SDK client for the current settings (built on first use)."""
        settings = self.settings
        kind = f"{type(self).__module__}.{type(self)._build_client.__qualname__}"
        return _client_for(kind, settings, lambda: self._build_client(settings))

    def _build_client(self, settings: ResolvedSettings) -> ClientT:
        raise NotImplementedError

    # --- check (no I/O) -------------------------------------------------------------------

    def _settings_problem(self) -> str | None:
        return None  # not Exotel's settings: this platform's are checked in check() below

    def check(self, olds: Props, news: Props) -> CheckResult:
        result = super().check(olds, news)
        resolved = _current(self.settings_spec)
        missing = self.settings_spec.missing(resolved)
        if missing:
            message = self.settings_spec.missing_message(missing)
            result.failures.append(CheckFailure(self.natural_key, message))
        return result

    # --- create / read / update / delete --------------------------------------------------

    def create(self, props: Props) -> CreateResult:
        clean = without_provider(props)
        with self._errors("create", clean):
            id_, outs = self._create(self._coerce(props))
        return CreateResult(id_, outs)

    def read(self, id_: str, props: Props) -> ReadResult:
        clean = without_provider(props)
        with self._errors("read", clean):
            outs = self._read(id_, clean)
        if outs is None:
            return ReadResult(id_="", outs={})
        return ReadResult(id_=id_, outs=outs, inputs=self._inputs_from(outs))

    def update(self, id_: str, olds: Props, news: Props) -> UpdateResult:
        clean = without_provider(news)
        with self._errors("update", {**without_provider(olds), **clean}):
            outs = self._update(id_, without_provider(olds), self._coerce(news))
        return UpdateResult(outs)

    def delete(self, id_: str, props: Props) -> None:
        clean = without_provider(props)
        with self._errors("delete", clean):
            try:
                self._delete(id_, clean)
            except Exception as exc:
                if not self._is_gone(exc):  # gone is what delete wanted
                    raise

    def _create(self, props: Props) -> tuple[str, Props]:
        client = self.client
        found = self._find(client, props)
        if found is not None:
            if not props.get("adopt"):
                raise self._exists_error(self._describe(props))
            made = self._take_over(client, found, props)
        else:
            made = self._post(client, props)
            made_id = self._object_id(made)
            with self._undo_on_error(lambda: self._remove(client, made_id)):
                made = self._after_post(client, made, props)
        return self._object_id(made), self._outputs(props, made)

    def _post_or_find(self, client: ClientT, props: Props, post: Callable[[], Any]) -> Any:
        """``post()``, for a ``_post`` to wrap. When its answer is lost or a 5xx, the platform
        may have created the object all the same (these APIs have no idempotency key): ``_create``
        found nothing with this natural key just before, so what ``_find`` sees now is ours, and
        it is taken over instead of being left outside Pulumi's state (or made twice by a retry).
        """
        try:
            return post()
        except Exception as failure:
            if not may_have_applied(failure):
                raise
            try:
                found = self._find(client, props)
            except Exception:
                raise failure from None  # the create's own error is the one to report
            if found is None:
                raise
            return self._take_over(client, found, props)

    def _read(self, id_: str, props: Props) -> Props | None:
        try:
            found = self._get(self.client, id_)
        except Exception as exc:
            if self._is_gone(exc):
                return None
            raise
        return None if found is None else self._outputs(props, found)

    def _update(self, id_: str, olds: Props, news: Props) -> Props:
        return self._outputs(news, self._patch(self.client, id_, olds, news))

    def _delete(self, id_: str, props: Props) -> None:
        self._remove(self.client, id_)

    # --- hooks ----------------------------------------------------------------------------

    def _describe(self, props: Props) -> str:
        """The object named by its natural key, for messages."""
        return f"A {self.kind} {props.get(self.natural_key)!r}"

    def _find(self, client: ClientT, props: Props) -> Any | None:
        """The existing object with the natural key of ``props``, if any."""
        raise NotImplementedError

    def _post(self, client: ClientT, props: Props) -> Any:
        raise NotImplementedError

    def _after_post(self, client: ClientT, made: Any, props: Props) -> Any:
        """Further steps of a create; if they fail, the object just posted is removed."""
        return made

    def _take_over(self, client: ClientT, found: Any, props: Props) -> Any:
        """Adopt ``found``: bring it in line with ``props`` (or refuse what cannot change)."""
        raise NotImplementedError

    def _get(self, client: ClientT, id_: str) -> Any | None:
        """The object as the platform has it; None (or a "gone" error) when it is gone."""
        raise NotImplementedError

    def _patch(self, client: ClientT, id_: str, olds: Props, news: Props) -> Any:
        """Change the object in place from ``olds`` (outputs) to ``news`` (inputs)."""
        raise NotImplementedError

    def _remove(self, client: ClientT, id_: str) -> None:
        raise NotImplementedError

    def _object_id(self, obj: Any) -> str:
        """The platform's id of ``obj``: the resource's Pulumi id."""
        raise NotImplementedError

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        """The resource's outputs: ``inputs`` with what the platform says about the object."""
        raise NotImplementedError

    def _is_gone(self, exc: Exception) -> bool:
        """Whether ``exc`` says the object does not exist (HTTP 404 by default)."""
        return _status_of(exc) == 404

    def _error_text(self, exc: Exception) -> str:
        """The platform's words for ``exc`` (the SDK's message by default)."""
        return str(exc) or type(exc).__name__

    # --- errors ---------------------------------------------------------------------------

    def _exists_error(self, what: str, cause: Exception | None = None) -> ExotelProviderError:
        platform = self.settings_spec.platform
        return PlatformProviderError(
            f"{what} already exists in {platform}. To manage it with Pulumi, pass adopt=True to "
            f"this {self.resource_class} (it is then taken over and brought in line with your "
            "program); otherwise choose a different value or remove it from "
            f"{platform} first."
        )

    @contextmanager
    def _errors(self, action: str, props: Props) -> Iterator[None]:
        """Turn any failure into one user-facing error with every secret value scrubbed."""
        platform = self.settings_spec.platform
        try:
            yield
        except PlatformProviderError as exc:
            raise PlatformProviderError(scrub(str(exc), self._secrets(props))) from None
        except InvalidInput as exc:
            raise PlatformProviderError(f"Could not {action} {self.kind}: {exc}") from None
        except Exception as exc:
            status = _status_of(exc)
            if status in (401, 403):
                text = (
                    f"Could not {action} {self.kind}: {platform} refused the API credentials "
                    f"(HTTP {status}: {self._error_text(exc)}). "
                    f"Check {self.settings_spec.credentials_hint}."
                )
            elif status is None and _is_transport_error(exc):
                text = (
                    f"Could not {action} {self.kind}: no usable answer from {platform} "
                    f"({type(exc).__name__}: {self._error_text(exc)}). Check the network and "
                    "the platform's base URL setting, then run the command again."
                )
            elif status is None:
                text = (
                    f"Could not {action} {self.kind} on {platform}: unexpected "
                    f"{type(exc).__name__}: {self._error_text(exc)}"
                )
            else:
                text = f"Could not {action} {self.kind} on {platform}: {self._error_text(exc)}"
            raise PlatformProviderError(scrub(text, self._secrets(props))) from None

    def _secrets(self, props: Props) -> list[object]:
        values: list[object] = [props.get(name) for name in self.secret_fields]
        with suppress(Exception):  # scrubbing must never fail the error it reports
            values += _current(self.settings_spec).secret_values()
        return values


def _status_of(exc: BaseException) -> int | None:
    """The HTTP status an SDK error carries (``status_code`` or ``status``), if any."""
    for attr in ("status_code", "status"):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def may_have_applied(exc: BaseException) -> bool:
    """Whether a write that failed with ``exc`` may have taken effect: its answer never came
    (transport error) or the platform failed after receiving it (5xx)."""
    status = _status_of(exc)
    return _is_transport_error(exc) if status is None else status >= 500


def _is_transport_error(exc: BaseException) -> bool:
    """A failure to reach the platform at all (SDKs wrap httpx/aiohttp errors in their own)."""
    if isinstance(exc, (httpx.TransportError, OSError)):
        return True
    names = [cls.__name__ for cls in type(exc).__mro__]
    return any("Connection" in n or "Timeout" in n or "Transport" in n for n in names)


# --- Resource -----------------------------------------------------------------------------------


class PlatformResource(DeclaredResource):
    """Base of the platform resource classes: props from the provider's input table and the
    class's annotations, ``secret_fields`` as secret inputs and outputs (see
    :class:`~pulumi_exotel.resources.base.DeclaredResource`)."""
