"""A SIP digest client over TCP or TLS: REGISTER or OPTIONS, answering 401/407 challenges.

``SipSession`` keeps one connection (and, by default, the last nonce) open across requests,
so repeated registrations cost one round trip each; it is what rotation tests and benchmarks
use. One request may take several attempts: the first is challenged, the answer may meet a
stale nonce; a retry keeps Call-ID and From-tag, bumps CSeq and opens a new transaction
(new ``z9hG4bK`` branch). ``max_attempts`` bounds the loop, because an edge that dislikes our
realm or algorithm simply challenges again instead of refusing.

REGISTER is sent without a Contact header: RFC 3261 §10.2.3 makes that a query of the current
bindings, so verifying a credential against a real edge never diverts its inbound calls.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import re
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from pulumi_exotel.sip.digest import Challenge, DigestError, authorization_value, choose_challenge
from pulumi_exotel.sip.message import (
    Frame,
    FrameReader,
    SipError,
    SipResponse,
    StreamClosed,
    build_request,
    new_branch,
    new_call_id,
    new_tag,
    parse_response,
)

__all__ = [
    "ChallengeRefused",
    "EdgeAddress",
    "Exchange",
    "Method",
    "SipConnection",
    "SipSession",
    "SipTransportError",
    "Transport",
]

Transport = Literal["tcp", "tls"]
Method = Literal["REGISTER", "OPTIONS"]
USER_AGENT = "pulumi-exotel-verify"

log = logging.getLogger(__name__)

# RFC 3261 §25.1 user part characters (unreserved / escaped / user-unreserved): anything else
# could break out of the header it is placed in.
_USER_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]{1,128}$")
_HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


class SipTransportError(SipError):
    """Could not reach the edge: connect, TLS handshake or certificate, timeout, closed stream."""


class _ConnectionLost(SipTransportError):
    """The edge closed or reset the stream."""


class _IdleConnectionLost(_ConnectionLost):
    """A kept-alive connection was already gone before this request got any answer."""


class ChallengeRefused(SipError):
    """The edge's challenge cannot be answered (malformed, unsupported, or another realm)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class EdgeAddress:
    """``host:port`` of a SIP edge (IPv6 literals in brackets)."""

    host: str
    port: int

    @classmethod
    def parse(cls, edge: str) -> EdgeAddress:
        match = re.fullmatch(
            r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^:\[\]\s]+):(\d{1,5})", edge.strip()
        )
        if match is None:
            raise ValueError(f"edge must look like host:port, got {edge!r}")
        host = match.group(1) or match.group(3)
        port = int(match.group(2) or match.group(4))
        if not 0 < port < 65536:
            raise ValueError(f"edge port must be 1..65535, got {port}")
        return cls(host, port)

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Exchange:
    """How one request ended: the final response and what it took to get it."""

    response: SipResponse
    attempts: int
    elapsed_ms: float
    round_trips_ms: tuple[float, ...]
    connect_ms: float | None
    handshake_ms: float | None
    algorithm: str | None
    #: Set when the final response is a challenge we stopped answering, and why.
    gave_up: str | None = None


class _Deadline:
    """One time budget shared by every socket operation of a request."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise SipTransportError(f"no answer from the edge within {self.seconds:g} s")
        return left


def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    # The file's mtime is part of the cache key: a CA rewritten in place is read again.
    stamp = os.stat(ca_file).st_mtime_ns if ca_file else None
    return _cached_tls_context(ca_file, stamp)


@functools.lru_cache(maxsize=8)
def _cached_tls_context(ca_file: str | None, stamp: int | None) -> ssl.SSLContext:
    # Loading a trust store costs milliseconds: build each context once per process.
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class SipConnection:
    """One TCP or TLS stream to the edge, framing SIP messages in both directions."""

    def __init__(
        self,
        edge: EdgeAddress,
        transport: Transport,
        *,
        ca_file: str | None = None,
        server_name: str | None = None,
    ) -> None:
        self.edge = edge
        self.transport = transport
        self._ca_file = ca_file
        self._server_name = server_name or edge.host
        self._sock: socket.socket | None = None
        self._reader = FrameReader(self._recv)
        self._deadline: _Deadline | None = None
        self.connect_ms: float | None = None
        self.handshake_ms: float | None = None

    def open(self, deadline: _Deadline) -> None:
        started = time.perf_counter()
        try:
            sock = socket.create_connection(
                (self.edge.host, self.edge.port), timeout=deadline.remaining()
            )
        except OSError as exc:
            raise SipTransportError(
                f"cannot connect to {self.edge} over {self.transport}: {exc}"
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connect_ms = (time.perf_counter() - started) * 1000
        if self.transport == "tls":
            sock = self._handshake(sock, deadline)
        self._sock = sock

    def _handshake(self, sock: socket.socket, deadline: _Deadline) -> socket.socket:
        started = time.perf_counter()
        remaining = deadline.remaining()
        try:
            tls = _tls_context(self._ca_file).wrap_socket(
                sock, server_hostname=self._server_name, do_handshake_on_connect=False
            )
            tls.settimeout(remaining)
            tls.do_handshake()
        except ssl.SSLCertVerificationError as exc:
            sock.close()
            raise SipTransportError(
                f"TLS certificate of {self.edge} not trusted for {self._server_name!r}: "
                f"{exc.verify_message}"
            ) from exc
        except OSError as exc:
            sock.close()
            raise SipTransportError(f"TLS handshake with {self.edge} failed: {exc}") from exc
        self.handshake_ms = (time.perf_counter() - started) * 1000
        return tls

    @property
    def sent_by(self) -> str:
        """Our ``host:port`` as the edge sees the stream, for the Via header."""
        host, port = self._require_socket().getsockname()[:2]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def _require_socket(self) -> socket.socket:
        if self._sock is None:
            raise SipTransportError("connection is not open")
        return self._sock

    def _recv(self, size: int) -> bytes:
        sock = self._require_socket()
        if self._deadline is not None:
            sock.settimeout(self._deadline.remaining())
        return sock.recv(size)

    def send(self, data: bytes, deadline: _Deadline) -> None:
        sock = self._require_socket()
        try:
            sock.settimeout(deadline.remaining())
            sock.sendall(data)
        except (ConnectionError, ssl.SSLEOFError) as exc:
            raise _ConnectionLost(f"sending to {self.edge} failed: {exc}") from exc
        except OSError as exc:
            raise SipTransportError(f"sending to {self.edge} failed: {exc}") from exc

    def read_frame(self, deadline: _Deadline) -> Frame:
        self._deadline = deadline
        try:
            return self._reader.read_frame()
        except (StreamClosed, ConnectionError, ssl.SSLEOFError) as exc:
            raise _ConnectionLost(f"reading from {self.edge} failed: {exc}") from exc
        except TimeoutError as exc:
            raise SipTransportError(
                f"no answer from the edge within {deadline.seconds:g} s"
            ) from exc
        except OSError as exc:
            raise SipTransportError(f"reading from {self.edge} failed: {exc}") from exc
        finally:
            self._deadline = None

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def _check_name(value: str, pattern: re.Pattern[str], what: str) -> str:
    if pattern.fullmatch(value) is None:
        raise ValueError(f"{what} {value!r} is not a valid SIP {what}")
    return value


def _check_host(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return _check_name(value, _HOST_RE, "realm")
    return value


class SipSession:
    """Digest-authenticated requests to one edge over one persistent connection.

    Not thread-safe: use one session per thread. The password is held as a ``SecretStr``
    and never appears in reprs, logs or exceptions.
    """

    def __init__(
        self,
        edge: str,
        transport: Transport,
        realm: str,
        user_name: str,
        password: str | SecretStr,
        *,
        ca_file: str | None = None,
        server_name: str | None = None,
        timeout: float = 5.0,
        max_attempts: int = 3,
        reuse_nonce: bool = True,
    ) -> None:
        if transport not in ("tcp", "tls"):
            raise ValueError(f"transport must be 'tcp' or 'tls', got {transport!r}")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.edge = EdgeAddress.parse(edge)
        self.transport: Transport = transport
        self.realm = _check_host(realm)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.reuse_nonce = reuse_nonce
        self._ca_file = ca_file
        self._server_name = server_name
        self._conn: SipConnection | None = None
        # One registration dialog per session: RFC 3261 §10.2 keeps Call-ID, bumps CSeq.
        self._call_id = new_call_id()
        self._from_tag = new_tag()
        self._cseq = 0
        self.set_credential(user_name, password)

    def __repr__(self) -> str:
        return (
            f"SipSession(edge={str(self.edge)!r}, transport={self.transport!r}, "
            f"realm={self.realm!r}, user_name={self.user_name!r})"
        )

    def set_credential(self, user_name: str, password: str | SecretStr) -> None:
        """Switch to another credential (rotation) on the same connection."""
        self.user_name = _check_name(user_name, _USER_RE, "user name")
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)
        self._challenge: Challenge | None = None
        self._auth_header = "Authorization"
        self._nc = 0

    def __enter__(self) -> SipSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: Method = "REGISTER") -> Exchange:
        """Send ``method`` until a final non-challenge answer or ``max_attempts`` requests.

        Raises ``SipTransportError`` (the connection is then closed; the next call reconnects)
        or ``ChallengeRefused``; any final SIP status, including 401/403, is returned.
        """
        if method not in ("REGISTER", "OPTIONS"):
            raise ValueError(f"method must be REGISTER or OPTIONS, got {method!r}")
        deadline = _Deadline(self.timeout)
        started = time.perf_counter()
        try:
            if self._conn is not None:
                try:
                    return self._exchange(method, deadline, started)
                except _IdleConnectionLost:
                    # The edge closed our kept-alive connection while we were idle: one
                    # reconnect, within the same time budget.
                    log.debug("reconnecting to %s: idle connection was closed", self.edge)
                    self.close()
            return self._exchange(method, deadline, started)
        except SipError:
            self.close()
            raise

    def _connect(self, deadline: _Deadline) -> SipConnection:
        conn = SipConnection(
            self.edge, self.transport, ca_file=self._ca_file, server_name=self._server_name
        )
        conn.open(deadline)
        self._conn = conn
        return conn

    def _exchange(self, method: Method, deadline: _Deadline, started: float) -> Exchange:
        reused = self._conn is not None
        conn = self._conn or self._connect(deadline)
        challenge = self._challenge if self.reuse_nonce else None
        from_cache = challenge is not None
        round_trips: list[float] = []
        gave_up: str | None = None
        while True:
            request, branch = self._build(method, conn, challenge)
            sent = time.perf_counter()
            try:
                response = self._round_trip(conn, request, branch, method, deadline)
            except _ConnectionLost as exc:
                if reused and not round_trips:
                    raise _IdleConnectionLost(str(exc)) from exc
                raise
            round_trips.append((time.perf_counter() - sent) * 1000)
            log.debug(
                "%s %s attempt %d -> %d", method, self.edge, len(round_trips), response.status
            )
            if response.status not in (401, 407):
                if not 200 <= response.status < 300:
                    self._challenge = None
                break
            answered_fresh = challenge is not None and not from_cache
            challenge, from_cache = self._accept_challenge(response), False
            if answered_fresh and not challenge.stale:
                # RFC 7616 §3.3: a new challenge without stale=true means the digest itself was
                # refused (password, realm or algorithm); answering again cannot help.
                gave_up = "the edge refused the digest and challenged again"
            elif len(round_trips) >= self.max_attempts:
                gave_up = f"still challenged after {len(round_trips)} attempts"
            if gave_up:
                self._challenge = None
                break
        return Exchange(
            response=response,
            attempts=len(round_trips),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            round_trips_ms=tuple(round_trips),
            connect_ms=None if reused else conn.connect_ms,
            handshake_ms=None if reused else conn.handshake_ms,
            algorithm=challenge.algorithm if challenge else None,
            gave_up=gave_up,
        )

    def _accept_challenge(self, response: SipResponse) -> Challenge:
        header = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
        try:
            challenge = choose_challenge(response.header_values(header))
        except DigestError as exc:
            raise ChallengeRefused(
                f"unusable {response.status} challenge: {exc}", response.status
            ) from exc
        if challenge.realm != self.realm:
            raise ChallengeRefused(
                f"edge challenged for realm {challenge.realm!r}, credential is for {self.realm!r}",
                response.status,
            )
        self._challenge = challenge
        self._auth_header = "Authorization" if response.status == 401 else "Proxy-Authorization"
        self._nc = 0
        return challenge

    def _build(
        self, method: Method, conn: SipConnection, challenge: Challenge | None
    ) -> tuple[bytes, str]:
        self._cseq += 1
        branch = new_branch()
        uri = f"sip:{self.realm}"
        aor = f"<sip:{self.user_name}@{self.realm}>"
        headers = [
            ("Via", f"SIP/2.0/{self.transport.upper()} {conn.sent_by};rport;branch={branch}"),
            ("Max-Forwards", "70"),
            ("From", f"{aor};tag={self._from_tag}"),
            ("To", aor if method == "REGISTER" else f"<{uri}>"),
            ("Call-ID", self._call_id),
            ("CSeq", f"{self._cseq} {method}"),
            ("User-Agent", USER_AGENT),
        ]
        if method == "OPTIONS":
            headers.append(("Accept", "application/sdp"))
        if challenge is not None:
            self._nc += 1
            headers.append(
                (
                    self._auth_header,
                    authorization_value(
                        challenge,
                        user_name=self.user_name,
                        password=self._password.get_secret_value(),
                        method=method,
                        uri=uri,
                        nc=self._nc,
                    ),
                )
            )
        return build_request(method, uri, headers), branch

    def _round_trip(
        self, conn: SipConnection, request: bytes, branch: str, method: Method, deadline: _Deadline
    ) -> SipResponse:
        conn.send(request, deadline)
        while True:
            response = parse_response(conn.read_frame(deadline))
            # Skip requests from the edge, provisional answers and strays from old transactions.
            if response is None or response.status < 200:
                continue
            if response.via_branch == branch and response.cseq == (self._cseq, method):
                return response
