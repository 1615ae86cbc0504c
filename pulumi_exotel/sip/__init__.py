"""SIP digest verification: prove that a credential authenticates at a SIP edge.

``verify_credential`` is the one-shot check; ``SipSession`` keeps a connection open for
repeated registrations (rotation tests, benchmarks) and ``verify_with`` turns one of its
requests into a ``VerifyResult``.
"""

from pulumi_exotel.sip.client import (
    ChallengeRefused,
    EdgeAddress,
    Exchange,
    Method,
    SipSession,
    SipTransportError,
    Transport,
)
from pulumi_exotel.sip.message import SipError
from pulumi_exotel.sip.verify import Outcome, VerifyResult, verify_credential, verify_with

__all__ = [
    "ChallengeRefused",
    "EdgeAddress",
    "Exchange",
    "Method",
    "Outcome",
    "SipError",
    "SipSession",
    "SipTransportError",
    "Transport",
    "VerifyResult",
    "verify_credential",
    "verify_with",
]
