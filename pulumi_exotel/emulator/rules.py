"""Field validation of the emulated Exotel API: pure functions raising ``ExotelFault``.

Texts are the live-account ones (T2025, TALQ) where known, typos
included ("alphanumberic"). Where no source gives a rule or a text, the emulator decides, and
the decision is listed here (the "inferred" column of the README's table):

=====================================  ===================================================
undocumented case                      emulator behaviour
=====================================  ===================================================
trunk ``trunk_name: ""``               accepted (T2025 saw it accepted); missing key: 1001
missing ``nso_code`` / ``domain_name`` 1001 "NsoCode is mandatory" / "DomainName is mandatory"
PUT trunk ``auth_type``                ``^[A-Z][A-Z_-]{0,31}$`` else 1002 "Invalid AuthType"
phone ``mode`` other than pstn/flow    1002 "Invalid Mode"; omitted on POST: stored as null
PUT phone-numbers                      ``phone_number`` and ``mode`` both required (1001);
                                       a number other than the mapping's: 1002
ACL ``ip``                             any dotted-quad IPv4 (T2025 whitelisted 192.168.1.1);
                                       ``""`` or malformed: 1002 "Invalid ip"
destination host                       IPv4 literal (public) or an FQDN with an alphabetic
                                       TLD; port 1-65535; only ``;transport=tls|tcp|udp``
credential ``user_name``               ``^[A-Za-z0-9_.-]{1,64}$`` else 1002 "Invalid UserName"
credential ``password``                ``[A-Za-z0-9_]``, 1-128 chars, else 1002 (TALQ charset)
credential ``friendly_name``           ``^[A-Za-z0-9_]{0,32}$`` else 1002 (TALQ)
settings ``name``                      only ``trunk_external_alias``; value must be E.164
=====================================  ===================================================
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TypeVar

from pulumi_exotel.emulator.errors import ExotelFault, invalid, mandatory, not_found
from pulumi_exotel.sip_uri import is_fqdn, public_ipv4

__all__ = [
    "DOMAIN_SUFFIX",
    "NSO_CODE",
    "PHONE_MODES",
    "SETTING_NAMES",
    "Destination",
    "check_auth_type",
    "check_destination",
    "check_domain_name",
    "check_friendly_name",
    "check_mask",
    "check_mode",
    "check_nso_code",
    "check_password",
    "check_phone_number",
    "check_setting",
    "check_trunk_name",
    "check_user_name",
    "parse_ipv4",
    "unknown_trunk",
]

T = TypeVar("T")

NSO_CODE = "ANY-ANY"
DOMAIN_SUFFIX = ".pstn.exotel.com"
PHONE_MODES = ("pstn", "flow")
SETTING_NAMES = ("trunk_external_alias",)

# Always used with fullmatch: with match, "$" would also accept a trailing newline.
_WORD_RE = re.compile(r"^[A-Za-z0-9_]*$")
_E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
_AUTH_TYPE_RE = re.compile(r"^[A-Z][A-Z_-]{0,31}$")
_USER_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_DOMAIN_PREFIX_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")
_IPV4_SHAPE_RE = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
_DESTINATION_RE = re.compile(
    r"^(?:sip:)?(?P<host>[^:;]+)(?::(?P<port>[0-9]{1,5}))?(?P<params>(?:;[^;]*)*)$",
    re.IGNORECASE,
)
_TRANSPORTS = ("tls", "tcp", "udp")
_MAX_TRUNK_NAME = 16
_MAX_PASSWORD = 128
_MAX_FRIENDLY_NAME = 32
_MAX_PHONE_DIGITS = 30


def _given(value: T | None, field: str) -> T:
    """``value``, or Exotel's 1001 "<field> is mandatory" for a missing key."""
    if value is None:
        raise mandatory(f"{field} is mandatory")
    return value


def _word(value: str, field: str, max_length: int, *, spelled: str = "alphanumeric") -> str:
    """Exotel's rule for a name-like field: at most ``max_length`` of ``[A-Za-z0-9_]``.

    ``spelled`` keeps the live text's spelling, which differs between fields.
    """
    if len(value) > max_length:
        raise invalid(f"Maximum allowed length for {field} is {max_length}")
    if not _WORD_RE.fullmatch(value):
        raise invalid(f"Allowed characters for {field} is {spelled} and _")
    return value


def check_trunk_name(trunk_name: str | None) -> str:
    return _word(_given(trunk_name, "TrunkName"), "TrunkName", _MAX_TRUNK_NAME)


def check_nso_code(nso_code: str | None) -> str:
    nso_code = _given(nso_code, "NsoCode")
    if nso_code != NSO_CODE:
        raise invalid("Nso code is invalid")
    return nso_code


def check_domain_name(domain_name: str | None) -> str:
    domain_name = _given(domain_name, "DomainName")
    prefix = domain_name[: -len(DOMAIN_SUFFIX)]
    if not domain_name.endswith(DOMAIN_SUFFIX) or not _DOMAIN_PREFIX_RE.fullmatch(prefix):
        raise invalid("Domain name should end with .pstn.exotel.com")
    return domain_name


def check_auth_type(auth_type: str) -> str:
    if not _AUTH_TYPE_RE.fullmatch(auth_type):
        raise invalid("Invalid AuthType")
    return auth_type


def check_phone_number(phone_number: str | None) -> str:
    """E.164 with ``+``. T2025: an empty or over-30-digit number answers 404/1000."""
    phone_number = _given(phone_number, "PhoneNumber")
    digits = sum(ch.isdigit() for ch in phone_number)
    if phone_number == "" or digits > _MAX_PHONE_DIGITS:
        raise not_found()
    if not _E164_RE.fullmatch(phone_number):
        raise invalid("Invalid PhoneNumber")
    return phone_number


def check_mode(mode: str | None, *, required: bool) -> str | None:
    if mode is None:
        if required:
            raise mandatory("Mode is mandatory")
        return None
    if mode not in PHONE_MODES:
        raise invalid("Invalid Mode")
    return mode


def parse_ipv4(ip: str | None) -> ipaddress.IPv4Address:
    ip = _given(ip, "Ip")
    if not _IPV4_SHAPE_RE.fullmatch(ip):
        raise invalid("Invalid ip")
    try:
        return ipaddress.IPv4Address(ip)
    except ValueError:
        raise invalid("Invalid ip") from None


def check_mask(mask: int | None, *, required: bool) -> int:
    if mask is None:
        if required:
            raise mandatory("Mask is mandatory")
        return 32
    if not 16 <= mask <= 32:
        raise invalid("mask should be in-between 16 and 32")
    return mask


@dataclass(frozen=True)
class Destination:
    """A parsed destination; ``stored`` is the value Exotel keeps (with a ``sip:`` prefix)."""

    stored: str
    ip: ipaddress.IPv4Address | None


def check_destination(destination: str | None) -> Destination:
    """Check one destination URI item; failures are per-item 1002s (REF).

    Exotel's rule, laxer than ours (`pulumi_exotel.sip_uri.parse_destination`): the port may be
    missing and UDP passes. The host rules are the same ones.
    """
    destination = _given(destination, "Destination")
    bad = invalid("Destination is not a valid Ip or Fqdn")
    match = _DESTINATION_RE.fullmatch(destination)
    if match is None:
        raise bad
    host, port, params = match.group("host"), match.group("port"), match.group("params")
    if port is not None and not 1 <= int(port) <= 65535:
        raise bad
    for param in filter(None, params.split(";")):
        key, _, value = param.partition("=")
        if key.lower() != "transport" or value.lower() not in _TRANSPORTS:
            raise bad
    ip: ipaddress.IPv4Address | None = None
    if _IPV4_SHAPE_RE.fullmatch(host):
        ip = public_ipv4(host)
        if ip is None:
            raise bad
    elif not is_fqdn(host):
        raise bad
    body = destination[4:] if destination[:4].lower() == "sip:" else destination
    return Destination(stored=f"sip:{body}", ip=ip)


def check_user_name(user_name: str | None) -> str:
    if not user_name:
        raise mandatory("UserName is mandatory")
    if not _USER_NAME_RE.fullmatch(user_name):
        raise invalid("Invalid UserName")
    return user_name


def check_password(password: str | None) -> str:
    # Never echo the password in a description: it is a secret.
    if not password:
        raise mandatory("Password is mandatory")
    return _word(password, "Password", _MAX_PASSWORD)


def check_friendly_name(friendly_name: str | None) -> str | None:
    if friendly_name is None:
        return None
    return _word(friendly_name, "FriendlyName", _MAX_FRIENDLY_NAME, spelled="alphanumberic")


def check_setting(name: str | None, value: str | None) -> tuple[str, str]:
    if not name:
        raise mandatory("Name is mandatory")
    if name not in SETTING_NAMES:
        raise invalid(f"Invalid setting name {name}")
    value = _given(value, "Value")
    if not _E164_RE.fullmatch(value):
        raise invalid(f"Invalid value for {name}")
    return name, value


def unknown_trunk(*, as_403: bool) -> ExotelFault:
    """REF answers an unknown (or another account's) trunk with 404/1000; T2025 saw 403/1003."""
    if as_403:
        return ExotelFault(403, 1003, "Authorization failed", "Authorization failed")
    return not_found()
