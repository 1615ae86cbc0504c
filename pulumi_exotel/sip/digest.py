"""Digest authentication maths (RFC 7616, RFC 2617 compatibility) as SIP uses it (RFC 3261 §22).

Pure functions, no I/O: parse a ``WWW-Authenticate`` / ``Proxy-Authenticate`` challenge, pick
the strongest one we support, and build the matching ``Authorization`` value. The password only
ever enters a hash here; nothing in this module formats it into a string a caller could log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "Challenge",
    "DigestError",
    "authorization_value",
    "choose_challenge",
    "digest_response",
    "format_nc",
    "ha1",
    "ha2",
    "new_cnonce",
    "parse_auth_params",
    "parse_challenge",
]

# Canonical algorithm name -> hashlib name. Order = preference when an edge offers several
# challenges (RFC 7616 §3.7: use the strongest one understood).
_HASHES: dict[str, str] = {
    "SHA-256": "sha256",
    "SHA-256-SESS": "sha256",
    "MD5": "md5",
    "MD5-SESS": "md5",
}
SUPPORTED_ALGORITHMS: tuple[str, ...] = tuple(_HASHES)
_QOP_PREFERENCE = ("auth", "auth-int")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")


class DigestError(ValueError):
    """A challenge is malformed or asks for something this client does not implement."""


@dataclass(frozen=True)
class Challenge:
    """One parsed digest challenge. ``algorithm`` is canonical upper case (``SHA-256``)."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False
    params: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def chosen_qop(self) -> str | None:
        """The qop we answer with: ``auth`` if offered, else ``auth-int``, else none (RFC 2069)."""
        for candidate in _QOP_PREFERENCE:
            if candidate in self.qop:
                return candidate
        return None


def parse_auth_params(text: str) -> dict[str, str]:
    """Parse ``name=token, name="quoted \\"string\\""`` into a dict with lower-case names.

    Raises ``DigestError`` on an unterminated quote, a missing ``=`` or a repeated name
    (a repeated ``nonce`` or ``realm`` is ambiguous, so we refuse rather than guess).
    """
    params: dict[str, str] = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t,":
            i += 1
        if i >= n:
            return params
        start = i
        while i < n and text[i] in _TOKEN_CHARS:
            i += 1
        name = text[start:i].lower()
        while i < n and text[i] in " \t":
            i += 1
        if not name or i >= n or text[i] != "=":
            raise DigestError(f"expected name=value at offset {start} of the challenge")
        i += 1
        while i < n and text[i] in " \t":
            i += 1
        value, i = _read_value(text, i)
        if name in params:
            raise DigestError(f"parameter {name!r} appears twice in the challenge")
        params[name] = value
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] != ",":
            raise DigestError(f"expected ',' after parameter {name!r}")


def _read_value(text: str, i: int) -> tuple[str, int]:
    """Read a token or a quoted-string starting at ``i``; return (value, next offset)."""
    n = len(text)
    if i < n and text[i] == '"':
        out: list[str] = []
        i += 1
        while i < n:
            ch = text[i]
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
            elif ch == '"':
                return "".join(out), i + 1
            else:
                out.append(ch)
                i += 1
        raise DigestError("unterminated quoted string in the challenge")
    start = i
    while i < n and text[i] in _TOKEN_CHARS:
        i += 1
    if i == start:
        raise DigestError(f"empty value at offset {start} of the challenge")
    return text[start:i], i


def parse_challenge(value: str) -> Challenge:
    """Parse one ``WWW-Authenticate`` / ``Proxy-Authenticate`` header value (a Digest challenge)."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        raise DigestError(f"not a Digest challenge (scheme {scheme or '<empty>'!r})")
    params = parse_auth_params(rest)
    for required in ("realm", "nonce"):
        if not params.get(required):
            raise DigestError(f"Digest challenge has no {required}")
    algorithm = params.get("algorithm", "MD5").upper()
    if algorithm not in _HASHES:
        raise DigestError(f"unsupported digest algorithm {params['algorithm']!r}")
    qop = tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip())
    if qop and not any(q in _QOP_PREFERENCE for q in qop):
        raise DigestError(f"unsupported qop {params['qop']!r}")
    return Challenge(
        realm=params["realm"],
        nonce=params["nonce"],
        algorithm=algorithm,
        qop=qop,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
        params=params,
    )


def choose_challenge(values: Iterable[str]) -> Challenge:
    """Pick the strongest supported challenge among several header values.

    Unsupported or malformed ones are skipped as long as one usable challenge remains;
    otherwise the first problem is raised.
    """
    usable: list[Challenge] = []
    first_error: DigestError | None = None
    for value in values:
        try:
            usable.append(parse_challenge(value))
        except DigestError as exc:
            first_error = first_error or exc
    if not usable:
        raise first_error or DigestError("the response carries no challenge")
    return min(usable, key=lambda c: SUPPORTED_ALGORITHMS.index(c.algorithm))


def _h(algorithm: str, data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.new(_HASHES[algorithm], raw).hexdigest()


def ha1(
    algorithm: str, user_name: str, realm: str, password: str, nonce: str = "", cnonce: str = ""
) -> str:
    """``H(user:realm:password)``; for ``-sess`` algorithms ``H(that:nonce:cnonce)``."""
    algorithm = algorithm.upper()
    base = _h(algorithm, f"{user_name}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        return _h(algorithm, f"{base}:{nonce}:{cnonce}")
    return base


def ha2(algorithm: str, method: str, uri: str, qop: str | None = None, body: bytes = b"") -> str:
    """``H(method:uri)``, or ``H(method:uri:H(body))`` for qop=auth-int."""
    algorithm = algorithm.upper()
    if qop == "auth-int":
        return _h(algorithm, f"{method}:{uri}:{_h(algorithm, body)}")
    return _h(algorithm, f"{method}:{uri}")


def digest_response(
    algorithm: str,
    ha1_hex: str,
    nonce: str,
    ha2_hex: str,
    qop: str | None = None,
    nc: str = "",
    cnonce: str = "",
) -> str:
    """The ``response=`` value.

    With qop: ``H(HA1:nonce:nc:cnonce:qop:HA2)``; without (RFC 2069): ``H(HA1:nonce:HA2)``.
    """
    if qop:
        return _h(algorithm.upper(), f"{ha1_hex}:{nonce}:{nc}:{cnonce}:{qop}:{ha2_hex}")
    return _h(algorithm.upper(), f"{ha1_hex}:{nonce}:{ha2_hex}")


def format_nc(count: int) -> str:
    """Nonce count as the eight hex digits RFC 7616 requires."""
    if not 0 < count <= 0xFFFFFFFF:
        raise ValueError(f"nonce count must be in 1..2^32-1, got {count}")
    return f"{count:08x}"


def new_cnonce() -> str:
    """A fresh client nonce (128 random bits)."""
    return secrets.token_hex(16)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def authorization_value(
    challenge: Challenge,
    *,
    user_name: str,
    password: str,
    method: str,
    uri: str,
    nc: int = 1,
    cnonce: str | None = None,
    body: bytes = b"",
) -> str:
    """The ``Authorization`` / ``Proxy-Authorization`` header value answering ``challenge``."""
    qop = challenge.chosen_qop
    cnonce_value = cnonce or new_cnonce()
    nc_value = format_nc(nc)
    key = ha1(
        challenge.algorithm, user_name, challenge.realm, password, challenge.nonce, cnonce_value
    )
    response = digest_response(
        challenge.algorithm,
        key,
        challenge.nonce,
        ha2(challenge.algorithm, method, uri, qop, body),
        qop,
        nc_value,
        cnonce_value,
    )
    parts = [
        f"username={_quote(user_name)}",
        f"realm={_quote(challenge.realm)}",
        f"nonce={_quote(challenge.nonce)}",
        f"uri={_quote(uri)}",
        f"response={_quote(response)}",
        # Echo the edge's own spelling of the algorithm (``SHA-256-sess`` vs upper case).
        f"algorithm={challenge.params.get('algorithm', challenge.algorithm)}",
    ]
    if qop:
        # RFC 7616 §3.4: qop and nc are tokens (unquoted), cnonce is quoted.
        parts += [f"cnonce={_quote(cnonce_value)}", f"qop={qop}", f"nc={nc_value}"]
    if challenge.opaque is not None:
        parts.append(f"opaque={_quote(challenge.opaque)}")
    return "Digest " + ", ".join(parts)
