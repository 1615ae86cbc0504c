"""Prove a SIP digest credential at an edge: one REGISTER (or OPTIONS) and a verdict.

``verify_credential`` never raises for what the edge or the network does: every failure
becomes a ``VerifyResult`` with outcome ``error`` and a reason. Only invalid arguments
(a malformed edge address, an unknown transport) raise ``ValueError``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from pulumi_exotel.sip.client import ChallengeRefused, Exchange, Method, SipSession, Transport
from pulumi_exotel.sip.message import SipError

__all__ = ["Outcome", "VerifyResult", "verify_credential", "verify_with"]

Outcome = Literal["accepted", "rejected", "error"]

# Final answers that are a verdict on the credential itself; anything else non-2xx
# (400, 5xx, a redirect) says the edge could not judge it.
_REJECTING = frozenset({401, 403, 404, 407})


@dataclass(frozen=True)
class VerifyResult:
    """The verdict on one credential. Holds no secret."""

    outcome: Outcome
    status: int | None
    reason: str
    attempts: int
    elapsed_ms: float
    connect_ms: float | None = None
    handshake_ms: float | None = None
    round_trips_ms: tuple[float, ...] = ()
    algorithm: str | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome == "accepted"

    def summary(self) -> str:
        """One line for people and CI logs: ``accepted 200 1.9 ms``."""
        status = "-" if self.status is None else str(self.status)
        line = f"{self.outcome} {status} {self.elapsed_ms:.1f} ms"
        return line if self.outcome == "accepted" else f"{line} ({self.reason})"


def _from_exchange(exchange: Exchange) -> VerifyResult:
    response = exchange.response
    reason = exchange.gave_up or f"{response.status} {response.reason}".strip()
    if 200 <= response.status < 300:
        outcome: Outcome = "accepted"
    elif response.status in _REJECTING:
        outcome = "rejected"
    else:
        outcome = "error"
    return VerifyResult(
        outcome=outcome,
        status=response.status,
        reason=reason,
        attempts=exchange.attempts,
        elapsed_ms=exchange.elapsed_ms,
        connect_ms=exchange.connect_ms,
        handshake_ms=exchange.handshake_ms,
        round_trips_ms=exchange.round_trips_ms,
        algorithm=exchange.algorithm,
    )


def verify_with(session: SipSession, method: Method = "REGISTER") -> VerifyResult:
    """One verification on an open (or lazily opened) session; the connection is reused."""
    started = time.perf_counter()
    try:
        return _from_exchange(session.request(method))
    except ChallengeRefused as exc:
        status: int | None = exc.status
        reason = str(exc)
    except SipError as exc:
        status, reason = None, str(exc)
    return VerifyResult(
        outcome="error",
        status=status,
        reason=reason,
        attempts=0,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def verify_credential(
    edge: str,
    transport: Transport,
    realm: str,
    user_name: str,
    password: str | SecretStr,
    *,
    method: Method = "REGISTER",
    ca_file: str | None = None,
    server_name: str | None = None,
    timeout: float = 5.0,
    max_attempts: int = 3,
) -> VerifyResult:
    """Open a connection to ``edge`` (``host:port``), authenticate once, close.

    ``realm`` is the SIP domain (the trunk's ``domain_name``): it is the Request-URI and the
    From/To domain, and the only realm whose challenge we answer. Over TLS the certificate is
    verified against the system store, or ``ca_file``, for ``server_name`` (default: the host).
    """
    with SipSession(
        edge,
        transport,
        realm,
        user_name,
        password,
        ca_file=ca_file,
        server_name=server_name,
        timeout=timeout,
        max_attempts=max_attempts,
        reuse_nonce=False,
    ) as session:
        return verify_with(session, method)
