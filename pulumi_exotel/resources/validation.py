"""Input rules for the Exotel resources: pure functions, no I/O, shared with the voice-AI helpers.

Every validator takes the raw value and the field name, and either returns the value in its
canonical form (e.g. a float ``5061.0`` from the engine becomes ``5061``, a ``sip:`` prefix is
dropped) or raises :class:`InvalidInput`, whose message names the field, the value and the rule.
Secret values are never echoed: the message shows ``<secret>`` instead.

Decisions where Exotel's documentation is silent or contradicts itself (the documents are listed
in ``docs/sources.md``):

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
- Destination host: an FQDN whose top-level label is two or more letters, or a public IPv4
  address. Transport is ``tls`` or ``tcp`` only (the edge has no UDP). The destination rule
  itself lives in `pulumi_exotel.sip_uri` (shared with the Voice-AI helpers and, for the host
  rules, the emulator) and is re-exported here.
- ``priority`` 0-65535 (lower wins), ``weight`` 1-65535 (higher gets more traffic), like DNS SRV.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace
from typing import Any

from pulumi_exotel.invalid_input import SECRET_PLACEHOLDER, InvalidInput, excerpt
from pulumi_exotel.invalid_input import require_text as _text
from pulumi_exotel.sip_uri import (
    IPV4_RULE,
    PUBLIC_IPV4_RULE,
    ParsedDestination,
    is_public_ipv4,
    parse_destination,
    validate_destination,
)

__all__ = [
    "DEFAULT_MASK",
    "DEFAULT_NSO_CODE",
    "DOMAIN_SUFFIX",
    "SECRET_PLACEHOLDER",
    "InvalidInput",
    "excerpt",
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

TRUNK_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
TRUNK_SID_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")
E164_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")
FRIENDLY_NAME_RE = re.compile(r"^[A-Za-z0-9_]{0,32}$")
PASSWORD_RE = re.compile(r"^[A-Za-z0-9_]{8,64}$")
USER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
USER_NAME_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")
DOMAIN_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.pstn\.exotel\.com$")
MODES = ("pstn", "flow")
PRIORITY_RANGE = (0, 65535)
WEIGHT_RANGE = (1, 65535)
_DIGITS_RE = re.compile(r"^[0-9]+$")


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
        if not self.pattern.fullmatch(text):
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
    if not DOMAIN_NAME_RE.fullmatch(text):
        raise InvalidInput(field, value, "must be one DNS label followed by .pstn.exotel.com")
    return text


validate_e164 = _Pattern(
    "phone_number",
    E164_RE,
    "must be an E.164 number: + then 8-15 digits, no spaces, e.g. +918047091234",
)
#: The trunk's outbound caller id: an E.164 number, named for its own field.
validate_caller_id = replace(validate_e164, default_field="caller_id")


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
    if not PASSWORD_RE.fullmatch(text):
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
        raise InvalidInput(field, text, IPV4_RULE) from None


def validate_whitelist_ip(value: object, field: str = "ip") -> str:
    text = _text(value, field).strip()
    ip = _ipv4(text, field)
    if not is_public_ipv4(ip):
        raise InvalidInput(field, text, PUBLIC_IPV4_RULE)
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


def parse_child_id(id_: str, kind: str, child_field: str) -> tuple[str, str]:
    """Split a child resource id ``trunk_sid/child_id``; raise ``ValueError`` saying the form."""
    trunk_sid, sep, child_id = id_.partition("/")
    if not sep or not TRUNK_SID_RE.fullmatch(trunk_sid) or not _DIGITS_RE.fullmatch(child_id):
        raise ValueError(
            f"{kind} id {excerpt(id_)} is malformed: expected '<trunk_sid>/<{child_field}>'"
            " with a numeric child id, e.g. 'trmum1f708622631150902801a1n/1153'"
        )
    return trunk_sid, child_id
