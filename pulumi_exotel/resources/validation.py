"""Input rules for the Exotel resources: pure functions, no I/O, shared with the voice-AI helpers.

Every validator takes the raw value and the field name, and either returns the value in its
canonical form (e.g. a float ``5061.0`` from the engine becomes ``5061``, a ``sip:`` prefix is
dropped) or raises :class:`InvalidInput`, whose message names the field, the value and the rule.
Secret values are never echoed: the message shows ``<secret>`` instead.

Decisions where Exotel's documentation is silent or contradicts itself (exotel-api.md §10):

- ``password``: ``[A-Za-z0-9_]``, 8 to 64 characters. Exotel only says "strong"; a live third
  party measured that other characters fail with 1002, and the length bounds are ours.
- ``user_name``: starts with a letter or digit, then letters, digits, ``_``, ``.`` or ``-``, at
  most 64 characters (safe in a SIP URI user part without escaping). ``user_name_prefix`` follows
  the same charset, at most 48 characters, so prefix + ``_`` + 8-character suffix still fits.
- Whitelisted IP and IP destination hosts: a public IPv4 address, i.e. not private, loopback,
  link-local, multicast, shared (CGNAT), reserved or an RFC 5737 documentation address.
  Exotel documents the ACL rule only as "public IPv4" / "Invalid ip" and rejects RFC 5737
  destinations; an ACL entry for an address that can never reach the edge is useless, and the
  emulator answers "Invalid ip" for it, so ``check`` rejects it first. ``mask`` must be 32: the
  trunk ACL takes one IP per entry.
- Destination host: an FQDN with an alphabetic top-level label, or a public IPv4 address.
  Transport is ``tls`` or ``tcp`` only (the edge has no UDP).
- ``priority`` 0-65535 (lower wins), ``weight`` 1-65535 (higher gets more traffic), like DNS SRV.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from pulumi_exotel.client.models import normalize_destination

__all__ = [
    "DEFAULT_MASK",
    "DEFAULT_NSO_CODE",
    "DOMAIN_SUFFIX",
    "InvalidInput",
    "ParsedDestination",
    "parse_child_id",
    "parse_destination",
    "validate_caller_id",
    "validate_destination",
    "validate_domain_name",
    "validate_e164",
    "validate_friendly_name",
    "validate_keepers",
    "validate_mask",
    "validate_mode",
    "validate_nso_code",
    "validate_password",
    "validate_priority",
    "validate_trunk_name",
    "validate_trunk_sid",
    "validate_user_name",
    "validate_user_name_prefix",
    "validate_weight",
    "validate_whitelist_ip",
]

DEFAULT_NSO_CODE = "ANY-ANY"
DEFAULT_MASK = 32
DOMAIN_SUFFIX = ".pstn.exotel.com"
SECRET_PLACEHOLDER = "<secret>"  # noqa: S105 (what is shown instead of a secret)

TRUNK_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
TRUNK_SID_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")
E164_RE = re.compile(r"^\+[1-9]\d{7,14}$")
FRIENDLY_NAME_RE = re.compile(r"^[A-Za-z0-9_]{0,32}$")
PASSWORD_RE = re.compile(r"^[A-Za-z0-9_]{8,64}$")
USER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
USER_NAME_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
DOMAIN_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.pstn\.exotel\.com$")
_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DESTINATION_RE = re.compile(
    r"^(?P<host>[^:;\s]+):(?P<port>\d{1,5});transport=(?P<transport>[a-z]+)$"
)
MODES = ("pstn", "flow")
TRANSPORTS = ("tls", "tcp")
PRIORITY_RANGE = (0, 65535)
WEIGHT_RANGE = (1, 65535)


class InvalidInput(ValueError):
    """An input breaks a rule. ``str()`` is the user-facing reason: field, value and rule."""

    def __init__(self, field: str, value: object, rule: str, *, secret: bool = False) -> None:
        self.field = field
        self.rule = rule
        shown = SECRET_PLACEHOLDER if secret else repr(value)
        super().__init__(f"{field} {shown} is invalid: {rule}")


def _text(value: object, field: str, *, secret: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(
            field, value, f"must be a string, got {type(value).__name__}", secret=secret
        )
    return value


def _integer(value: object, field: str) -> int:
    """Accept ints and integral floats (the engine sends every number as a float)."""
    if isinstance(value, bool):
        raise InvalidInput(field, value, "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise InvalidInput(field, value, "must be an integer")


@dataclass(frozen=True)
class _Pattern:
    """A validator for a text field whose whole rule is one regular expression.

    ``rule`` says it in words; the message adds the pattern itself.
    """

    default_field: str
    pattern: re.Pattern[str]
    rule: str

    def __call__(self, value: object, field: str | None = None) -> str:
        field = self.default_field if field is None else field
        text = _text(value, field)
        if not self.pattern.match(text):
            raise InvalidInput(field, text, f"{self.rule} ({self.pattern.pattern})")
        return text


validate_trunk_name = _Pattern("trunk_name", TRUNK_NAME_RE, "must be 1-16 letters, digits or _")
validate_trunk_sid = _Pattern(
    "trunk_sid", TRUNK_SID_RE, "must be an Exotel trunk SID such as trmum1f708622631150902801a1n"
)


def validate_nso_code(value: object, field: str = "nso_code") -> str:
    text = _text(value, field)
    if text != DEFAULT_NSO_CODE:
        raise InvalidInput(field, text, f"Exotel accepts only {DEFAULT_NSO_CODE!r}")
    return text


def validate_domain_name(value: object, field: str = "domain_name") -> str:
    text = _text(value, field).lower()
    if not text.endswith(DOMAIN_SUFFIX):
        raise InvalidInput(
            field, value, f"must end with {DOMAIN_SUFFIX}, e.g. <account_sid>.pstn.exotel.com"
        )
    if not DOMAIN_NAME_RE.match(text):
        raise InvalidInput(field, value, "must be one DNS label followed by .pstn.exotel.com")
    return text


validate_e164 = _Pattern(
    "phone_number",
    E164_RE,
    "must be an E.164 number: + then 8-15 digits, no spaces, e.g. +918047091234",
)


def validate_caller_id(value: object, field: str = "caller_id") -> str:
    return validate_e164(value, field)


def validate_mode(value: object, field: str = "mode") -> str:
    text = _text(value, field)
    if text not in MODES:
        raise InvalidInput(
            field,
            text,
            "must be 'pstn' (Connect applet and PSTN) or 'flow' (Voicebot/StreamKit applets)",
        )
    return text


validate_friendly_name = _Pattern(
    "friendly_name",
    FRIENDLY_NAME_RE,
    "must be at most 32 letters, digits or _ (Exotel rejects hyphens)",
)


def validate_password(value: object, field: str = "password") -> str:
    text = _text(value, field, secret=True)
    if not PASSWORD_RE.match(text):
        raise InvalidInput(
            field,
            text,
            "must be 8-64 letters, digits or _ ([A-Za-z0-9_]{8,64}); "
            "or leave it unset to have a 32-character password generated",
            secret=True,
        )
    return text


validate_user_name = _Pattern(
    "user_name",
    USER_NAME_RE,
    "must be 1-64 letters, digits, _, . or -, starting with a letter or digit",
)
validate_user_name_prefix = _Pattern(
    "user_name_prefix",
    USER_NAME_PREFIX_RE,
    "must be 1-48 letters, digits, _, . or -, starting with a letter or digit",
)


def validate_keepers(value: object, field: str = "keepers") -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InvalidInput(field, value, "must be a map of string keys to values")
    return value


def _ipv4(text: str, field: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        raise InvalidInput(field, text, "must be an IPv4 address such as 203.0.113.50") from None


_PUBLIC_RULE = (
    "must be a public IPv4 address (not private, loopback, link-local, multicast, "
    "shared, reserved or RFC 5737 documentation)"
)


def _is_public(ip: ipaddress.IPv4Address) -> bool:
    # is_global is False for private, loopback, link-local, shared, reserved and the RFC 5737
    # documentation ranges; multicast counts as global, so exclude it too.
    return ip.is_global and not ip.is_multicast


def validate_whitelist_ip(value: object, field: str = "ip") -> str:
    text = _text(value, field).strip()
    ip = _ipv4(text, field)
    if not _is_public(ip):
        raise InvalidInput(field, text, _PUBLIC_RULE)
    return str(ip)


def validate_mask(value: object, field: str = "mask") -> int:
    mask = _integer(value, field)
    if mask != DEFAULT_MASK:
        raise InvalidInput(
            field,
            mask,
            "must be 32: an Exotel trunk ACL entry is one IP, not a "
            "CIDR range; add one WhitelistedIp per address",
        )
    return mask


def _ranged(value: object, field: str, bounds: tuple[int, int], meaning: str) -> int:
    number = _integer(value, field)
    low, high = bounds
    if not low <= number <= high:
        raise InvalidInput(field, number, f"must be between {low} and {high} ({meaning})")
    return number


def validate_priority(value: object, field: str = "priority") -> int:
    return _ranged(value, field, PRIORITY_RANGE, "lower is tried first")


def validate_weight(value: object, field: str = "weight") -> int:
    return _ranged(value, field, WEIGHT_RANGE, "higher gets more traffic")


@dataclass(frozen=True)
class ParsedDestination:
    """A destination URI split into parts; ``str()`` is the canonical form without ``sip:``."""

    host: str
    port: int
    transport: str

    @property
    def is_ip(self) -> bool:
        return _looks_like_ipv4(self.host)

    def __str__(self) -> str:
        return f"{self.host}:{self.port};transport={self.transport}"


def _looks_like_ipv4(host: str) -> bool:
    return all(part.isdigit() for part in host.split("."))


def parse_destination(value: object, field: str = "destination") -> ParsedDestination:
    """Parse ``host:port;transport=tls|tcp`` (optionally prefixed ``sip:``)."""
    raw = _text(value, field)
    text = normalize_destination(raw)
    match = _DESTINATION_RE.match(text)
    form = (
        "must look like host:port;transport=tls (or tcp), e.g. sip.example.com:5061;transport=tls"
    )
    if match is None:
        raise InvalidInput(field, raw, form)
    host, transport = match["host"], match["transport"]
    port = int(match["port"])
    if transport not in TRANSPORTS:
        raise InvalidInput(
            field,
            raw,
            f"transport must be tls or tcp, not {transport!r}: the Exotel edge has no UDP",
        )
    if not 1 <= port <= 65535:
        raise InvalidInput(field, raw, "port must be between 1 and 65535")
    if _looks_like_ipv4(host):
        ip = _ipv4(host, field)
        if not _is_public(ip):
            raise InvalidInput(field, raw, f"the host {_PUBLIC_RULE}")
    elif not _is_fqdn(host):
        raise InvalidInput(
            field, raw, "host must be a fully qualified domain name or an IPv4 address"
        )
    return ParsedDestination(host, port, transport)


def _is_fqdn(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_LABEL_RE.match(label) for label in labels)
        and labels[-1].isalpha()
    )


def validate_destination(value: object, field: str = "destination") -> str:
    return str(parse_destination(value, field))


def parse_child_id(id_: str, kind: str, child_field: str) -> tuple[str, str]:
    """Split a child resource id ``trunk_sid/child_id``; raise ``ValueError`` saying the form."""
    trunk_sid, sep, child_id = id_.partition("/")
    if not sep or not TRUNK_SID_RE.match(trunk_sid) or not child_id.isdigit():
        raise ValueError(
            f"{kind} id {id_!r} is malformed: expected '<trunk_sid>/<{child_field}>'"
            " with a numeric child id, e.g. 'trmum1f708622631150902801a1n/1153'"
        )
    return trunk_sid, child_id
