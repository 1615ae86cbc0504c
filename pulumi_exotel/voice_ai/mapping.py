"""The field mapping: which Exotel value lands in which field of which platform call.

Each platform module declares its calls as data (`PlatformCall`, a tuple of `BodyField`s); three
readers share that one declaration, so they cannot disagree:

- the Voice-AI helpers render it into a `pulumi.Output` of the body (`PlatformProfile.render`);
- `voice_ai.docs` renders it into the README tables;
- a platform-side resource (`pulumi_exotel.platforms.*`) builds its API request from it, with
  plain values, inside its provider. The call is found by its helper's name::

      from pulumi_exotel.voice_ai import retell

      call = retell.PROFILE.call("import_phone_number")
      request = call.body(
          transport="tls",
          edge="in.voip.exotel.com:443",        # the trunk's edge_tls (or edge_tcp for "tcp")
          user_name=props["user_name"],
          password=props["password"],
          numbers=[props["phone_number"]],
          nickname=props.get("nickname"),         # the call's own arguments, by name
      )
      # {"phone_number": "+91...", "termination_uri": "in.voip.exotel.com:443",
      #  "transport": "TLS", "sip_trunk_auth_username": ..., "sip_trunk_auth_password": ...,
      #  "nickname": ...}

`PlatformCall.body` takes the values as they are (check them in the resource's ``check``): it
only picks, spells and nests them, and leaves out every field whose value is None.

A field's value comes from one `Source`: an `Exotel` value (the edge, the transport, the
credential, a DID, the SIP domain), an `Arg` (the helper's keyword argument of that name),
a `Fixed` constant, or a `Format` template over both.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from pulumi_exotel.sip_uri import TRANSPORTS, Transport, check_transport

__all__ = [
    "EDGE_SOURCES",
    "Arg",
    "BodyField",
    "Exotel",
    "Fixed",
    "Format",
    "PlatformCall",
    "Source",
    "digest_login",
]


class Exotel(enum.Enum):
    """An Exotel value a platform field can take; `.value` is its name in `Format` templates
    and the keyword `PlatformCall.body` takes it by (derived ones excepted, see there)."""

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
#: The values read from the edge `host:port`.
EDGE_SOURCES = frozenset({Exotel.EDGE, Exotel.EDGE_HOST, Exotel.EDGE_PORT})
#: The values that change with the chosen transport.
_TRANSPORT_SOURCES = EDGE_SOURCES | {Exotel.TRANSPORT}


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
class BodyField:
    """One field of a platform call's body: its path in the body and where its value comes from.

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


def digest_login(user_name: str, password: str) -> tuple[BodyField, BodyField]:
    """The digest credential at the paths ``user_name`` and ``password``: a platform that
    authenticates to Exotel always sends both, so every call declares them as this one pair."""
    return BodyField(user_name, Exotel.USER_NAME), BodyField(password, Exotel.PASSWORD)


@dataclass(frozen=True)
class PlatformCall:
    """One platform API call (or console screen) and the body our helper builds for it."""

    helper: str
    feeds: str
    fields: tuple[BodyField, ...]
    transports: tuple[Transport, ...] = TRANSPORTS
    transport_rule: str = ""

    def __post_init__(self) -> None:
        exotel_names = {member.value for member in Exotel}
        clash = exotel_names & set(self.arguments)
        if clash:
            raise ValueError(f"{self.helper}: argument names {sorted(clash)} shadow Exotel values")

    @property
    def arguments(self) -> tuple[str, ...]:
        """The helper's own arguments: each `Arg`, and each template name not an Exotel value."""
        exotel_names = {member.value for member in Exotel}
        names: list[str] = []
        for f in self.fields:
            if isinstance(f.source, Arg):
                names.append(f.source.name)
            elif isinstance(f.source, Format):
                names.extend(n for n in f.source.names if n not in exotel_names)
        return tuple(dict.fromkeys(names))

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

    def body(
        self,
        *,
        transport: str | None = None,
        edge: str | None = None,
        user_name: str | None = None,
        password: str | None = None,
        numbers: Sequence[str] = (),
        sip_domain: str | None = None,
        **arguments: Any,
    ) -> dict[str, Any]:
        """The request body, from plain values.

        ``edge`` is ``host:port`` (``edge_host`` and ``edge_port`` are read from it), ``numbers``
        the DIDs (``number`` is the first), ``transport`` defaults to the first the call allows;
        ``arguments`` are the call's own arguments by name. A value not given counts as None,
        and a field whose value is None is left out of the body.
        """
        chosen = self.transports[0]
        if transport is not None:
            chosen = check_transport(self.helper, transport, self.transports, self.transport_rule)
        values: dict[str, Any] = {name: None for name in self.arguments}
        values.update(arguments)
        values.update(
            transport=chosen, user_name=user_name, password=password, sip_domain=sip_domain
        )
        if edge is not None:
            host, _, port = edge.rpartition(":")
            values.update(edge=edge, edge_host=host, edge_port=int(port))
        if numbers:
            values.update(numbers=list(numbers), number=numbers[0])
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
