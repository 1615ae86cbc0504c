"""SIP request building and response framing over a stream (RFC 3261 §7, §18.3).

Over TCP/TLS a message ends where its headers end (CRLFCRLF) plus exactly ``Content-Length``
body bytes, so every request we build carries ``Content-Length`` (Kamailio silently drops a
stream request without it) and the reader never guesses a frame boundary.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_HEADER_BYTES",
    "Frame",
    "FrameReader",
    "SipError",
    "SipProtocolError",
    "SipResponse",
    "StreamClosed",
    "build_request",
    "new_branch",
    "new_call_id",
    "new_tag",
    "parse_response",
]

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
BRANCH_MAGIC = "z9hG4bK"  # RFC 3261 §8.1.1.7: marks a branch as globally unique

# RFC 3261 §7.3.3 compact header names -> full names (lower case).
_COMPACT = {
    "v": "via",
    "f": "from",
    "t": "to",
    "i": "call-id",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
    "e": "content-encoding",
    "k": "supported",
    "s": "subject",
}


class SipError(Exception):
    """Base of every failure of the SIP client (transport, framing, challenge)."""


class SipProtocolError(SipError):
    """The peer sent bytes that are not a well-formed SIP message."""


class StreamClosed(SipError):
    """The peer closed the stream, between messages or in the middle of one."""


def _canonical(name: str) -> str:
    lowered = name.strip().lower()
    return _COMPACT.get(lowered, lowered)


@dataclass(frozen=True)
class Frame:
    """One message cut from the stream: start line, headers in order, body."""

    start_line: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class SipResponse:
    """A parsed SIP response; header names are kept as received, looked up case-insensitively."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header_values(self, name: str) -> list[str]:
        wanted = _canonical(name)
        return [value for key, value in self.headers if _canonical(key) == wanted]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None

    @property
    def cseq(self) -> tuple[int, str] | None:
        """``(number, METHOD)`` from the CSeq header, or None if absent or malformed."""
        number, _, method = (self.header("cseq") or "").strip().partition(" ")
        return (int(number), method.strip().upper()) if number.isdigit() else None

    @property
    def via_branch(self) -> str | None:
        """The ``branch`` parameter of the top Via (identifies our transaction)."""
        top = self.header("via")
        if top is None:
            return None
        for param in top.split(",")[0].split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "branch":
                return value.strip()
        return None


def build_request(
    method: str, request_uri: str, headers: Sequence[tuple[str, str]], body: bytes = b""
) -> bytes:
    """Serialise a request; ``Content-Length`` is always added (callers must not pass one)."""
    lines = [f"{method} {request_uri} SIP/2.0"]
    for name, value in headers:
        if _canonical(name) == "content-length":
            raise ValueError("Content-Length is computed by build_request")
        if any(ch in value or ch in name for ch in "\r\n"):
            raise ValueError(f"header {name!r} contains a line break")
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def _split_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipProtocolError("message head is not UTF-8") from exc
    start, *lines = text.split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines:
        if not line:
            continue
        if line[0] in " \t":
            # Obsolete line folding (RFC 3261 §7.3.1): a continuation of the previous header.
            if not headers:
                raise SipProtocolError("header continuation before any header")
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise SipProtocolError(f"malformed header line {line[:60]!r}")
        headers.append((name.strip(), value.strip()))
    return start, headers


def _content_length(headers: Sequence[tuple[str, str]]) -> int:
    values = [v for k, v in headers if _canonical(k) == "content-length"]
    if not values:
        # RFC 3261 §18.3: mandatory over stream transports.
        raise SipProtocolError("message over a stream transport has no Content-Length")
    if len(set(values)) > 1 or not values[0].isdigit():
        raise SipProtocolError(f"invalid Content-Length {values!r}")
    length = int(values[0])
    if length > MAX_BODY_BYTES:
        raise SipProtocolError(f"Content-Length {length} exceeds {MAX_BODY_BYTES}")
    return length


def parse_response(frame: Frame) -> SipResponse | None:
    """Turn a frame into a response; None if it is a request (an edge may ping us with OPTIONS)."""
    start = frame.start_line
    if not start.startswith("SIP/"):
        if start.endswith(" SIP/2.0"):
            return None
        raise SipProtocolError(f"not a SIP start line: {start[:60]!r}")
    parts = start.split(" ", 2)
    if parts[0] != "SIP/2.0" or len(parts) < 2 or not (len(parts[1]) == 3 and parts[1].isdigit()):
        raise SipProtocolError(f"malformed status line {start[:60]!r}")
    return SipResponse(
        status=int(parts[1]),
        reason=parts[2] if len(parts) > 2 else "",
        headers=frame.headers,
        body=frame.body,
    )


class FrameReader:
    """Cuts a byte stream into SIP messages: head up to CRLFCRLF, then Content-Length bytes.

    ``recv(n)`` returns up to n bytes and ``b""`` at end of stream (a socket's ``recv``).
    """

    def __init__(self, recv: Callable[[int], bytes]) -> None:
        self._recv = recv
        self._buffer = bytearray()

    def _fill(self) -> None:
        chunk = self._recv(65536)
        if not chunk:
            raise StreamClosed("the edge closed the connection")
        self._buffer += chunk

    def read_frame(self) -> Frame:
        """Return the next complete message."""
        while True:
            # RFC 5626 keep-alives are bare CRLFs between messages: skip them.
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(self._buffer) > MAX_HEADER_BYTES:
                raise SipProtocolError(f"message head exceeds {MAX_HEADER_BYTES} bytes")
            self._fill()
        start, headers = _split_head(bytes(self._buffer[:end]))
        total = end + 4 + _content_length(headers)
        while len(self._buffer) < total:
            self._fill()
        body = bytes(self._buffer[end + 4 : total])
        del self._buffer[:total]
        return Frame(start, tuple(headers), body)


def new_branch() -> str:
    """A fresh Via branch, unique per transaction (each retry is a new transaction)."""
    return BRANCH_MAGIC + secrets.token_hex(10)


def new_tag() -> str:
    return secrets.token_hex(8)


def new_call_id() -> str:
    return secrets.token_hex(16)
