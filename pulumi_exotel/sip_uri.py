"""SIP URI rules: what a destination, an edge address and a console URI may look like.

One place for the rules every layer applies to SIP addresses:

- `parse_destination` / `validate_destination`: the `DestinationUri.destination` rule that
  `check` applies before any API call (``host:port;transport=tls|tcp``, ``sip:`` accepted).
- `parse_edge`: an edge ``host:port`` given at onboarding (the Voice-AI helpers' ``edge=``).
- `destination_from_console`: a SIP URI or host copied from a platform's console, turned into a
  valid destination.
- `check_transport`: ``tls`` or ``tcp`` only (the Exotel edge has no UDP), and what a platform
  allows of those.
- `is_fqdn`, `is_public_ipv4`, `public_ipv4`: the host rules. The emulator's own destination rule
  (Exotel's, which is laxer: it takes UDP and a missing port) is built on these too.

Standard library only (plus `invalid_input`), so the resources, the Voice-AI helpers and the
emulator import it without pulling in each other, the client or the Pulumi SDK.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from pulumi_exotel.invalid_input import InvalidInput, excerpt, require_text

__all__ = [
    "IPV4_RULE",
    "PUBLIC_IPV4_RULE",
    "SIP_DEFAULT_PORTS",
    "TRANSPORTS",
    "ParsedDestination",
    "Transport",
    "check_transport",
    "destination_from_console",
    "is_fqdn",
    "is_public_ipv4",
    "looks_like_ipv4",
    "parse_destination",
    "parse_edge",
    "public_ipv4",
    "validate_destination",
]

#: The transports of the Exotel edge: it has no UDP.
Transport = Literal["tls", "tcp"]
TRANSPORTS: tuple[Transport, ...] = get_args(Transport)

#: The SIP default ports, for a console value that gives none.
SIP_DEFAULT_PORTS: dict[str, int] = {"tcp": 5060, "tls": 5061}

IPV4_RULE = "must be an IPv4 address such as 203.0.113.50"
PUBLIC_IPV4_RULE = (
    "must be a public IPv4 address (not private, loopback, link-local, multicast, "
    "shared, reserved or RFC 5737 documentation)"
)

# Always used with fullmatch: with match, "$" would also accept a trailing newline.
_LABEL_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_TLD_RE = re.compile(r"[A-Za-z]{2,63}")
_DESTINATION_RE = re.compile(
    r"(?P<host>[^:;\s]+):(?P<port>[0-9]{1,5});transport=(?P<transport>[a-z]+)"
)
_EDGE_RE = re.compile(r"(?P<host>[^:;\s]+):(?P<port>[0-9]{1,5})")


# --- Hosts. -------------------------------------------------------------------------------------


def is_fqdn(host: str) -> bool:
    """A fully qualified domain name: two or more DNS labels, the last alphabetic."""
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_LABEL_RE.fullmatch(label) for label in labels)
        and _TLD_RE.fullmatch(labels[-1]) is not None
    )


def looks_like_ipv4(host: str) -> bool:
    """Digits and dots only: meant as an IPv4 literal (valid or not), not a domain name."""
    return all(part.isascii() and part.isdigit() for part in host.split("."))


def is_public_ipv4(ip: ipaddress.IPv4Address) -> bool:
    """Whether the Exotel edge could reach ``ip``: globally routable and not multicast."""
    # is_global is False for private, loopback, link-local, shared, reserved and the RFC 5737
    # documentation ranges (Exotel rejects those, REF-old); multicast counts as global.
    return ip.is_global and not ip.is_multicast


def public_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """The address if ``text`` is a public IPv4 literal, else None."""
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return None
    return address if is_public_ipv4(address) else None


# --- Destinations: where Exotel sends inbound calls. -------------------------------------------


@dataclass(frozen=True)
class ParsedDestination:
    """A destination URI split into parts; ``str()`` is the canonical form without ``sip:``."""

    host: str
    port: int
    transport: str

    @property
    def is_ip(self) -> bool:
        return looks_like_ipv4(self.host)

    def __str__(self) -> str:
        return f"{self.host}:{self.port};transport={self.transport}"


def parse_destination(value: object, field: str = "destination") -> ParsedDestination:
    """Parse ``host:port;transport=tls|tcp`` (optionally prefixed ``sip:``, any case)."""
    raw = require_text(value, field)
    text = raw.strip().lower()
    text = text.removeprefix("sip:")
    match = _DESTINATION_RE.fullmatch(text)
    if match is None:
        raise InvalidInput(
            field,
            raw,
            "must look like host:port;transport=tls (or tcp), "
            "e.g. sip.example.com:5061;transport=tls",
        )
    host, transport = match["host"], match["transport"]
    port = int(match["port"])
    if transport not in TRANSPORTS:
        raise InvalidInput(
            field,
            raw,
            f"transport must be tls or tcp, not {excerpt(transport)}: the Exotel edge has no UDP",
        )
    if not 1 <= port <= 65535:
        raise InvalidInput(field, raw, "port must be between 1 and 65535")
    if looks_like_ipv4(host):
        try:
            ip = ipaddress.IPv4Address(host)
        except ValueError:
            raise InvalidInput(field, host, IPV4_RULE) from None
        if not is_public_ipv4(ip):
            raise InvalidInput(field, raw, f"the host {PUBLIC_IPV4_RULE}")
    elif not is_fqdn(host):
        raise InvalidInput(
            field, raw, "host must be a fully qualified domain name or an IPv4 address"
        )
    return ParsedDestination(host, port, transport)


def validate_destination(value: object, field: str = "destination") -> str:
    """The canonical destination (``host:port;transport=...``, no ``sip:``), or `InvalidInput`."""
    return str(parse_destination(value, field))


# --- Transports and edges. ---------------------------------------------------------------------


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


_EDGE_RULE = (
    "must be host:port with an FQDN or public IPv4 host, e.g. in.voip.exotel.com:443 "
    "(use the host and port Exotel assigned)"
)


def parse_edge(edge: object, name: str = "edge") -> tuple[str, int]:
    """Split ``host:port``; the host follows the destination rule (FQDN or public IPv4)."""
    match = _EDGE_RE.fullmatch(edge) if isinstance(edge, str) else None
    if match is None:
        raise InvalidInput(name, edge, _EDGE_RULE)
    try:
        parsed = parse_destination(f"{match['host']}:{match['port']};transport=tls", name)
    except InvalidInput:
        raise InvalidInput(name, edge, _EDGE_RULE) from None
    return parsed.host, parsed.port


# --- URIs copied from a platform's console. ----------------------------------------------------


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
                f"has the URI parameter {excerpt(param)}, which an Exotel "
                "destination cannot carry (only ;transport=tls|tcp)",
            )
        given = val.lower()
    if given is not None and transport is not None and given != transport:
        raise InvalidInput(
            name,
            value,
            f"says transport={given[:40]} but transport={transport!r} was asked for; "
            "drop one of them",
        )
    chosen = given or transport or ("tls" if secure else "tcp")
    host, colon, port = hostport.rpartition(":")
    if not colon:
        host, port = hostport, str(SIP_DEFAULT_PORTS.get(chosen, 5060))
    return validate_destination(f"{host}:{port};transport={chosen}", name)
