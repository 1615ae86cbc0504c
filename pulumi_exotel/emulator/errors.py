"""Exotel's errors as one exception, ``ExotelFault``, and constructors for the common codes.

``ExotelFault`` is the only way the backend and the routes report a failure; ``wire`` turns it
into the error envelope (or a per-item failure in a batch). Its ``body_code`` is the status the
envelope's ``response.code`` carries, which may differ from the HTTP status: Exotel answers some
duplicates with HTTP 200 and ``response.code`` 409 (REF, T2025).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BODY_CODES",
    "ExotelFault",
    "duplicate",
    "invalid",
    "mandatory",
    "not_found",
    "too_many_requests",
]

#: Exotel error code -> the status in ``response.code`` (REF, T2025). 1030 is the
#: emulator's rate-limit code (REF-old mentions it; the real 429 shape is undocumented).
#: Any other code (the emulator's 1050 for an injected status fault) carries the HTTP status.
BODY_CODES: dict[int, int] = {
    1000: 404,
    1001: 400,
    1002: 400,
    1003: 403,
    1007: 400,
    1008: 409,
    1010: 401,
    1011: 415,
    1030: 429,
}


class ExotelFault(Exception):
    """A failure as Exotel reports it: HTTP status, error code, message and description."""

    def __init__(self, http_status: int, code: int, message: str, description: str) -> None:
        super().__init__(f"{http_status} {code} {message}: {description}")
        self.http_status = http_status
        self.code = code
        self.message = message
        self.description = description

    @property
    def body_code(self) -> int:
        """The ``response.code`` of the envelope (409 for a duplicate even inside HTTP 200)."""
        return BODY_CODES.get(self.code, self.http_status)

    def error_data(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "description": self.description}


def not_found(description: str = "Not Found") -> ExotelFault:
    return ExotelFault(404, 1000, "Not Found", description)


def mandatory(description: str) -> ExotelFault:
    return ExotelFault(400, 1001, "Mandatory Parameter missing", description)


def invalid(description: str) -> ExotelFault:
    return ExotelFault(400, 1002, "Invalid parameter", description)


def duplicate(description: str, *, http_status: int = 200) -> ExotelFault:
    """1008; Exotel usually wraps it in an HTTP 200 (REF, T2025)."""
    return ExotelFault(http_status, 1008, "Duplicate resource", description)


def too_many_requests(description: str) -> ExotelFault:
    """429/1030: the answer above the configured rate (Exotel's own shape is undocumented)."""
    return ExotelFault(429, 1030, "Too Many Requests", description)
