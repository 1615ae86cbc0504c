"""Shared machinery of the Voice-AI helpers: what they accept, and how a platform's data becomes
a request body.

Each platform module declares as data (a `PlatformProfile`) which Exotel output lands in which
field of which platform call. `PlatformProfile.render` turns that data into a `pulumi.Output`
of the request body and `voice_ai.docs` turns the same data into the README tables, so the code
and the docs cannot disagree. A helper is declared by its signature and docstring only;
`PlatformProfile.builds` gives it its body, feeding each parameter to `render` by its name.

Rules kept here, once for every platform:

- Transport is `tls` or `tcp`: the Exotel edge has no UDP. A platform call may allow fewer.
- The edge (`host:port`) is the trunk's `edge_tls` / `edge_tcp` for the chosen transport,
  unless `edge=` overrides it (an edge assigned at onboarding).
- A digest password is always read through `pulumi.Output.secret`, so every body that carries
  it is a secret Output, whatever the caller passed in.
- Numbers are E.164 and destinations follow `DestinationUri`'s rule: both are checked by
  `pulumi_exotel.resources.validation`, the same functions the resources use.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, ParamSpec, Protocol, TypeAlias, Union, get_args

import pulumi

from pulumi_exotel.resources.validation import (
    InvalidInput,
    parse_destination,
    validate_destination,
    validate_e164,
)

__all__ = [
    "Arg",
    "Body",
    "CredentialLike",
    "Exotel",
    "Field",
    "Fixed",
    "Format",
    "InboundTarget",
    "InvalidInput",
    "Number",
    "PhoneNumberLike",
    "PlatformCall",
    "PlatformProfile",
    "Transport",
    "TrunkLike",
    "WhitelistedIpLike",
    "destination_from_console",
    "e164_output",
    "never_returns_password",
    "parse_edge",
]

Transport = Literal["tls", "tcp"]
TRANSPORTS: tuple[Transport, ...] = get_args(Transport)

#: What every body helper returns: the platform call's body, secret when it carries the password.
Body: TypeAlias = pulumi.Output[dict[str, Any]]

_P = ParamSpec("_P")


# --- What the helpers accept: anything carrying the resources' output attributes. -------------


class TrunkLike(Protocol):
    """The outputs of `pulumi_exotel.Trunk` the helpers read."""

    @property
    def domain_name(self) -> pulumi.Output[str]: ...

    @property
    def edge_tcp(self) -> pulumi.Output[str]: ...

    @property
    def edge_tls(self) -> pulumi.Output[str]: ...


class CredentialLike(Protocol):
    """The outputs of `pulumi_exotel.DigestCredential` the helpers read."""

    @property
    def user_name(self) -> pulumi.Output[str]: ...

    @property
    def password(self) -> pulumi.Output[str]: ...


class PhoneNumberLike(Protocol):
    """The output of `pulumi_exotel.PhoneMapping` the helpers read."""

    @property
    def phone_number(self) -> pulumi.Output[str]: ...


class WhitelistedIpLike(Protocol):
    """The output of `pulumi_exotel.WhitelistedIp` the helpers read."""

    @property
    def ip(self) -> pulumi.Output[str]: ...


#: A DID: a `PhoneMapping` (preferred: the body then waits for the mapping), or an E.164 string.
Number = Union[PhoneNumberLike, str, "pulumi.Output[str]"]


# --- Where a platform field's value comes from. -----------------------------------------------


class Exotel(enum.Enum):
    """An Exotel value a platform field can take; `.value` is its name in `Format` templates."""

    EDGE = "edge"
    EDGE_HOST = "edge_host"
    EDGE_PORT = "edge_port"
    TRANSPORT = "transport"
    USER_NAME = "user_name"
    PASSWORD = "password"  # noqa: S105 (the name of a value, not a password)
    NUMBER = "number"
    NUMBERS = "numbers"
    SIP_DOMAIN = "sip_domain"

    @property
    def label(self) -> str:
        """How the docs name it: the resource output it comes from."""
        return _EXOTEL_LABELS[self]


_EDGE_TEXT = "`Trunk.edge_tls` or `Trunk.edge_tcp` for the transport, or `edge=`"
_EXOTEL_LABELS: dict[Exotel, str] = {
    Exotel.EDGE: f"edge `host:port`: {_EDGE_TEXT}",
    Exotel.EDGE_HOST: f"edge host: of {_EDGE_TEXT}",
    Exotel.EDGE_PORT: f"edge port (443 TLS, 5070 TCP): of {_EDGE_TEXT}",
    Exotel.TRANSPORT: "`transport=`",
    Exotel.USER_NAME: "`DigestCredential.user_name`",
    Exotel.PASSWORD: "`DigestCredential.password` (secret)",
    Exotel.NUMBER: "`PhoneMapping.phone_number` (E.164)",
    Exotel.NUMBERS: "`PhoneMapping.phone_number` of each mapping (E.164)",
    Exotel.SIP_DOMAIN: "`Trunk.domain_name` (`{account_sid}.pstn.exotel.com`)",
}
_EDGE_SOURCES = frozenset({Exotel.EDGE, Exotel.EDGE_HOST, Exotel.EDGE_PORT})
#: The values that change with the chosen transport.
_TRANSPORT_SOURCES = _EDGE_SOURCES | {Exotel.TRANSPORT}


@dataclass(frozen=True)
class Arg:
    """The helper's keyword argument `name`; the field is left out when it is None."""

    name: str


@dataclass(frozen=True)
class Fixed:
    """A constant the platform requires, e.g. `provider: "sip_trunk"`."""

    value: Any


@dataclass(frozen=True)
class Format:
    """A string built from Exotel values and arguments, e.g. `sip:{sip_domain}`."""

    template: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.template) if name)


Source = Union[Exotel, Arg, Fixed, Format]


@dataclass(frozen=True)
class Field:
    """One platform field: its path in the body and where its value comes from.

    ``path`` is dotted for nested objects; ``name[]`` is a list holding one object, so
    ``gateways[].ip`` is ``{"gateways": [{"ip": ...}]}``. ``spelling`` maps our transport to the
    platform's word for it.
    """

    path: str
    source: Source
    spelling: Mapping[str, str] | None = None

    def value(self, values: Mapping[str, Any]) -> Any:
        source = self.source
        if isinstance(source, Exotel):
            value = values[source.value]
            return self.spelling[value] if self.spelling is not None else value
        if isinstance(source, Arg):
            return values[source.name]
        if isinstance(source, Fixed):
            return source.value
        if any(values[name] is None for name in source.names):
            return None
        return source.template.format_map(values)


@dataclass(frozen=True)
class PlatformCall:
    """One platform API call (or console screen) and the body our helper builds for it."""

    helper: str
    feeds: str
    fields: tuple[Field, ...]
    transports: tuple[Transport, ...] = TRANSPORTS
    transport_rule: str = ""

    def __post_init__(self) -> None:
        exotel_names = {member.value for member in Exotel}
        clash = exotel_names & set(self.arguments)
        if clash:
            raise ValueError(f"{self.helper}: argument names {sorted(clash)} shadow Exotel values")

    @property
    def arguments(self) -> tuple[str, ...]:
        return tuple(f.source.name for f in self.fields if isinstance(f.source, Arg))

    @property
    def needs(self) -> frozenset[Exotel]:
        """The Exotel values this call reads (directly or inside a template)."""
        needed: set[Exotel] = set()
        for f in self.fields:
            if isinstance(f.source, Exotel):
                needed.add(f.source)
            elif isinstance(f.source, Format):
                needed.update(m for m in Exotel if m.value in f.source.names)
        return frozenset(needed)

    @property
    def carries_password(self) -> bool:
        return Exotel.PASSWORD in self.needs

    @property
    def depends_on_transport(self) -> bool:
        """Whether ``transport=`` changes the body: it holds the edge or the transport."""
        return bool(self.needs & _TRANSPORT_SOURCES)

    def body(self, **values: Any) -> dict[str, Any]:
        """The body from known values: ``edge`` (``host:port``), ``transport``, ``user_name``,
        ``password``, ``numbers`` and the arguments, by name. A platform resource's provider calls
        this once Pulumi has resolved its inputs; `PlatformProfile.render` does the same for
        Outputs, so helpers and resources send the same fields."""
        return self.build(_derive(values))

    def build(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The body, from plain values keyed by `Exotel.value` and argument name."""
        body: dict[str, Any] = {}
        for f in self.fields:
            value = f.value(values)
            if value is not None:
                _assign(body, f.path, value)
        return body


def _assign(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = body
    for part in parents:
        if part.endswith("[]"):
            node = node.setdefault(part[:-2], [{}])[0]
        else:
            node = node.setdefault(part, {})
    node[leaf] = value


@dataclass(frozen=True)
class InboundTarget:
    """Where Exotel sends inbound calls for this platform (a `DestinationUri.destination`).

    Either a fixed ``host`` (it may hold ``{placeholders}`` the helper fills) with a port per
    supported transport, or nothing fixed: then ``console_label`` names what the platform's
    console shows, which the helper takes as input and normalises.
    """

    helper: str = "inbound_destination"
    host: str | None = None
    ports: Mapping[Transport, int] = field(default_factory=dict)
    console_label: str | None = None
    transport_rule: str = ""

    @classmethod
    def documented_only(
        cls, host: str, transport: Transport, port: int, *, whose: str
    ) -> InboundTarget:
        """A fixed host documented for one transport and port; the refusal quotes both."""
        rule = f"{whose} SIP host is documented for {transport.upper()} on {port} only"
        return cls(host=host, ports={transport: port}, transport_rule=rule)

    def destination(self, platform: str, transport: str, **params: str) -> str:
        """The validated destination for a fixed host."""
        if self.host is None:
            raise TypeError(f"{platform} has no fixed SIP host: use {self.helper}(<value>)")
        chosen = check_transport(platform, transport, tuple(self.ports), self.transport_rule)
        host = self.host.format(**params)
        return validate_destination(f"{host}:{self.ports[chosen]};transport={chosen}")


@dataclass(frozen=True)
class PlatformProfile:
    """Everything the helpers and the docs know about one platform."""

    key: str
    title: str
    calls: tuple[PlatformCall, ...]
    inbound: InboundTarget
    notes: tuple[str, ...] = ()

    def inbound_destination(self, transport: str, **params: str) -> str:
        """The validated destination on the fixed inbound host; ``params`` fill its placeholders."""
        return self.inbound.destination(self.title, transport, **params)

    def builds(self, call: PlatformCall) -> Callable[[Callable[_P, Body]], Callable[_P, Body]]:
        """Decorator: the helper it wraps, declared by signature and docstring, renders ``call``.

        The parameters ``trunk``, ``credential``, ``phone_number`` (one DID) or ``numbers``,
        ``transport`` and ``edge`` are the Exotel inputs; every other one is the `Arg` of that
        name. A declaration that does not take exactly what ``call``'s fields read fails at import.
        """

        def implement(declared: Callable[_P, Body]) -> Callable[_P, Body]:
            signature = inspect.signature(declared)
            expected = _exotel_parameters(call) | set(call.arguments)
            if (
                call not in self.calls
                or declared.__name__ != call.helper
                or set(signature.parameters) != expected
            ):
                raise TypeError(
                    f"{self.key}.{declared.__name__} does not declare {self.title}'s "
                    f"{call.helper}: it must have that name and take exactly {sorted(expected)}"
                )

            @functools.wraps(declared)
            def helper(*args: _P.args, **kwargs: _P.kwargs) -> Body:
                # Called for its argument binding only: a wrong call fails as Python words it.
                declared(*args, **kwargs)
                given = signature.bind(*args, **kwargs)
                given.apply_defaults()
                values = dict(given.arguments)
                if "phone_number" in values:
                    values["numbers"] = [values.pop("phone_number")]
                return self.render(
                    call,
                    trunk=values.pop("trunk", None),
                    credential=values.pop("credential", None),
                    numbers=values.pop("numbers", ()),
                    transport=values.pop("transport", None),
                    edge=values.pop("edge", None),
                    args=values,
                )

            return helper

        return implement

    def render(
        self,
        call: PlatformCall,
        *,
        trunk: TrunkLike | None = None,
        credential: CredentialLike | None = None,
        numbers: Sequence[Number] = (),
        transport: str | None = None,
        edge: str | None = None,
        args: Mapping[str, Any] | None = None,
        after: Sequence[pulumi.Output[Any]] = (),
    ) -> Body:
        """The body of ``call`` as an Output; secret when it carries the password.

        Arguments are checked now (a bad transport or edge fails at `pulumi preview`); values
        that are Outputs are checked once known. ``after`` only orders: the body resolves once
        those Outputs (e.g. a `WhitelistedIp`) are known.
        """
        needs = call.needs
        missing_args = set(call.arguments) - set(args or {})
        if missing_args:
            raise TypeError(f"{call.helper}: no value for {sorted(missing_args)}")
        inputs: dict[str, Any] = dict(args or {})
        chosen = call.transports[0]
        if transport is not None:
            chosen = check_transport(self.title, transport, call.transports, call.transport_rule)
        inputs["transport"] = chosen
        if needs & _EDGE_SOURCES:
            inputs["edge"] = select_edge(_require(trunk, "trunk", call), chosen, edge)
        if Exotel.USER_NAME in needs:
            inputs["user_name"] = _require(credential, "credential", call).user_name
        if Exotel.PASSWORD in needs:
            # Secret even if a stand-in or a plain string was passed: the body carries it.
            inputs["password"] = pulumi.Output.secret(
                _require(credential, "credential", call).password
            )
        if needs & {Exotel.NUMBER, Exotel.NUMBERS}:
            if not numbers or (Exotel.NUMBER in needs and len(numbers) != 1):
                raise TypeError(
                    f"{call.helper}: needs exactly one phone number"
                    if Exotel.NUMBER in needs
                    else f"{call.helper}: needs at least one phone number"
                )
            inputs["numbers"] = pulumi.Output.all(*[_number_output(n) for n in numbers])
        if Exotel.SIP_DOMAIN in needs:
            inputs["sip_domain"] = _require(trunk, "trunk", call).domain_name
        if after:
            inputs["_after"] = pulumi.Output.all(*after)
        return pulumi.Output.all(**inputs).apply(lambda resolved: call.build(_derive(resolved)))


def _exotel_parameters(call: PlatformCall) -> set[str]:
    """The Exotel parameters a helper of ``call`` declares: those its fields read, no others."""
    needs = call.needs
    declared = {
        "trunk": bool(needs & (_EDGE_SOURCES | {Exotel.SIP_DOMAIN})),
        "credential": bool(needs & {Exotel.USER_NAME, Exotel.PASSWORD}),
        "phone_number": Exotel.NUMBER in needs,
        "numbers": Exotel.NUMBERS in needs,
        "transport": call.depends_on_transport,
        "edge": bool(needs & _EDGE_SOURCES),
    }
    return {name for name, wanted in declared.items() if wanted}


def _require(value: Any, name: str, call: PlatformCall) -> Any:
    if value is None:
        raise TypeError(f"{call.helper}: a {name} is required")
    return value


def _derive(resolved: Mapping[str, Any]) -> dict[str, Any]:
    """Add the values computed from the resolved ones: edge host and port, one number."""
    values = dict(resolved)
    if "edge" in values:
        # Already checked: the trunk's own edge (from provider config) or a parsed override.
        host, _, port = values["edge"].rpartition(":")
        values["edge_host"], values["edge_port"] = host, int(port)
    if "numbers" in values:
        # Each already checked by `e164_output`.
        values["number"] = values["numbers"][0]
    return values


def _number_output(number: Number) -> pulumi.Output[str]:
    value = number if isinstance(number, (str, pulumi.Output)) else number.phone_number
    return e164_output(value, "phone_number")


def e164_output(number: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    """``number`` checked as E.164: a literal at once (so at preview), an Output once known."""
    if isinstance(number, str):
        validate_e164(number, name)
    return pulumi.Output.from_input(number).apply(lambda known: validate_e164(known, name))


def never_returns_password(platform: str, then: str) -> str:
    """The note for a platform that keeps the password write-only: what to do after a rotation."""
    return f"{platform} never returns the password: after a rotation, {then}."


# --- Transport, edge and destination rules. ---------------------------------------------------


def check_transport(
    platform: str, transport: str, allowed: Sequence[Transport], rule: str = ""
) -> Transport:
    """Return ``transport`` if Exotel and the platform both speak it; say why not otherwise."""
    if transport not in TRANSPORTS:
        why = "the Exotel edge has no UDP" if transport.lower() == "udp" else "unknown transport"
        raise InvalidInput("transport", transport, f"must be 'tls' or 'tcp' ({why})")
    if transport not in allowed:
        options = " or ".join(repr(t) for t in allowed)
        raise InvalidInput(
            "transport",
            transport,
            f"{rule or f'{platform} does not support it here'}; use {options}",
        )
    return transport


_EDGE_RE = re.compile(r"^(?P<host>[^:;\s]+):(?P<port>\d{1,5})$")
_EDGE_RULE = (
    "must be host:port with an FQDN or public IPv4 host, e.g. in.voip.exotel.com:443 "
    "(use the host and port Exotel assigned)"
)


def parse_edge(edge: object, name: str = "edge") -> tuple[str, int]:
    """Split ``host:port``; the host follows the destination rule (FQDN or public IPv4)."""
    match = _EDGE_RE.match(edge) if isinstance(edge, str) else None
    if match is None:
        raise InvalidInput(name, edge, _EDGE_RULE)
    try:
        parsed = parse_destination(f"{match['host']}:{match['port']};transport=tls", name)
    except InvalidInput:
        raise InvalidInput(name, edge, _EDGE_RULE) from None
    return parsed.host, parsed.port


def select_edge(trunk: TrunkLike, transport: Transport, edge: str | None) -> pulumi.Output[str]:
    """The edge ``host:port`` for ``transport``: the override if given, else the trunk's."""
    if edge is not None:
        host, port = parse_edge(edge)
        return pulumi.Output.from_input(f"{host}:{port}")
    return trunk.edge_tls if transport == "tls" else trunk.edge_tcp


#: The SIP default ports, for a console value that gives none.
SIP_DEFAULT_PORTS: dict[str, int] = {"tcp": 5060, "tls": 5061}


def destination_from_console(value: object, name: str, transport: str | None = None) -> str:
    """Turn a SIP URI or host copied from a platform console into a valid destination.

    Accepts ``[sip:|sips:]host[:port][;transport=tls|tcp]``. Missing parts are filled from
    ``transport`` (else TLS for ``sips:``, TCP otherwise) and the SIP default ports (5061 TLS,
    5060 TCP). A user part or other URI parameters cannot be carried by an Exotel destination,
    so they are an error rather than silently dropped.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(name, value, "must be the SIP host or URI the platform's console shows")
    text = value.strip()
    scheme, sep, rest = text.partition(":")
    secure = False
    if sep and scheme.lower() in ("sip", "sips"):
        secure, text = scheme.lower() == "sips", rest
    if "@" in text:
        raise InvalidInput(
            name,
            value,
            "has a user part (before '@'); an Exotel destination "
            "is host:port;transport=..., so give the host the platform routes on",
        )
    hostport, *params = text.split(";")
    given: str | None = None
    for param in params:
        key, _, val = param.partition("=")
        if key.lower() != "transport":
            raise InvalidInput(
                name,
                value,
                f"has the URI parameter {param!r}, which an Exotel "
                "destination cannot carry (only ;transport=tls|tcp)",
            )
        given = val.lower()
    if given is not None and transport is not None and given != transport:
        raise InvalidInput(
            name,
            value,
            f"says transport={given} but transport={transport!r} was asked for; drop one of them",
        )
    chosen = given or transport or ("tls" if secure else "tcp")
    host, colon, port = hostport.rpartition(":")
    if not colon:
        host, port = hostport, str(SIP_DEFAULT_PORTS.get(chosen, 5060))
    return validate_destination(f"{host}:{port};transport={chosen}", name)
