"""A local twin of Retell's phone-number API: the calls ``Retell().phone_number`` makes.

Paths and methods are those of retell-sdk's ``resources/phone_number.py``:
``POST /import-phone-number``, ``GET /get-phone-number/{phone_number}``,
``PATCH /update-phone-number/{phone_number}``, ``GET /v2/list-phone-numbers``,
``DELETE /delete-phone-number/{phone_number}`` (204). Bodies are checked against the SDK's own
``PhoneNumberImportParams`` / ``PhoneNumberUpdateParams`` (missing, unknown or mistyped fields are
a 422); answers are ``PhoneNumberResponse`` / ``PhoneNumberListResponse``. Auth is
``Authorization: Bearer <api key>`` (401 otherwise).

Where Retell's behaviour is not published, the twin picks the strict choice and says so: an
import of a number that exists is a 409, and a transport must be ``TLS``, ``TCP`` or ``UDP``
(the SDK's documented values). ``fail_after_write(route)`` applies the next write to ``route``
and answers 502, as when a gateway loses the answer. Like Retell, it never returns the SIP
password; tests read what it holds with :meth:`RetellTwin.credential`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pulumi_exotel.platforms._base import import_sdk
from pulumi_exotel.twins._server import (
    NumbersTwin,
    problem_response,
    read_json,
    shape_problems,
)

__all__ = ["RetellTwin"]

_import_params = import_sdk("retell.types.phone_number_import_params", "retell")
_update_params = import_sdk("retell.types.phone_number_update_params", "retell")

TRANSPORTS = ("TLS", "TCP", "UDP")
#: Response fields copied as given from an import or update body.
_SHOWN = (
    "nickname",
    "inbound_agents",
    "outbound_agents",
    "allowed_inbound_country_list",
    "allowed_outbound_country_list",
    "inbound_webhook_url",
    "fallback_number",
    "inbound_sms_agents",
    "outbound_sms_agents",
    "inbound_sms_webhook_url",
)


@dataclass
class _Number:
    phone_number: str
    shown: dict[str, Any] = field(default_factory=dict)
    termination_uri: str | None = None
    transport: str | None = None
    codecs: list[str] | None = None
    auth_username: str | None = None
    auth_password: str | None = None
    modified_ms: int = 0

    def response(self) -> dict[str, Any]:
        """A ``PhoneNumberResponse`` (never the password, as Retell)."""
        return {
            "phone_number": self.phone_number,
            "phone_number_type": "custom",
            "last_modification_timestamp": self.modified_ms,
            **{k: v for k, v in self.shown.items() if v is not None},
            "sip_outbound_trunk_config": {
                "termination_uri": self.termination_uri,
                "auth_username": self.auth_username,
                "transport": self.transport,
                "codecs": self.codecs,
            },
        }


class RetellTwin(NumbersTwin[_Number]):
    """The twin on a free loopback port; ``api_key`` is the key it accepts."""

    def __init__(
        self, api_key: str = "retell-twin-key", *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        endpoints = [
            ("POST", "/import-phone-number", self._import),
            ("GET", "/get-phone-number/{phone_number}", self._get),
            ("PATCH", "/update-phone-number/{phone_number}", self._update),
            ("GET", "/v2/list-phone-numbers", self._list),
            ("DELETE", "/delete-phone-number/{phone_number}", self._delete),
        ]
        super().__init__(api_key, endpoints, name="retell", host=host, port=port)

    # --- for tests ------------------------------------------------------------------------

    def credential(self, phone_number: str) -> tuple[str | None, str | None]:
        """``(user name, password)`` Retell holds for the number (the API never shows it)."""
        with self._lock:
            number = self._numbers[phone_number]
            return number.auth_username, number.auth_password

    def numbers(self) -> list[str]:
        with self._lock:
            return sorted(self._numbers)

    # --- endpoints --------------------------------------------------------------------------

    def _refused(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error_message": "Invalid API key"}, status_code=401)
        return None

    async def _checked_body(self, request: Request, params: Any) -> tuple[Any, Response | None]:
        """The JSON body, or the response refusing it: not JSON, or not ``params``
        (the SDK's type of the call's parameters) with a transport Retell knows."""
        body, bad = await read_json(request)
        if bad is not None:
            return body, bad
        problems = shape_problems(params, body) + _transport_problems(body)
        return body, problem_response(problems) if problems else None

    async def _import(self, request: Request) -> Response:
        body, refused = await self._checked_body(request, _import_params.PhoneNumberImportParams)
        if refused is not None:
            return refused
        with self._lock:
            if body["phone_number"] in self._numbers:
                return _error(409, f"Phone number {body['phone_number']} already exists")
            number = _Number(body["phone_number"])
            _apply(number, body, user_key="sip_trunk_auth_username")
            number.auth_password = body.get("sip_trunk_auth_password")
            self._numbers[number.phone_number] = number
            answer = number.response()
        if self._faults.take("POST /import-phone-number"):
            return _error(502, "Bad gateway")
        return JSONResponse(answer, status_code=201)

    async def _get(self, request: Request) -> Response:
        with self._lock:
            number = self._numbers.get(request.path_params["phone_number"])
            return (
                _error(404, "Phone number not found")
                if number is None
                else JSONResponse(number.response())
            )

    async def _update(self, request: Request) -> Response:
        body, refused = await self._checked_body(request, _update_params.PhoneNumberUpdateParams)
        if refused is not None:
            return refused
        with self._lock:
            number = self._numbers.get(request.path_params["phone_number"])
            if number is None:
                return _error(404, "Phone number not found")
            _apply(number, body, user_key="auth_username")
            if "auth_password" in body:
                number.auth_password = body["auth_password"]
            return JSONResponse(number.response())

    async def _list(self, request: Request) -> Response:
        limit = int(request.query_params.get("limit", "1000"))
        after = request.query_params.get("pagination_key")
        descending = request.query_params.get("sort_order") == "descending"
        with self._lock:
            keys = sorted(self._numbers, reverse=descending)
            if after is not None:
                keys = [k for k in keys if (k < after if descending else k > after)]
            page = [self._numbers[k].response() for k in keys[:limit]]
            more = len(keys) > limit
        body: dict[str, Any] = {"items": page, "has_more": more}
        if more:
            body["pagination_key"] = page[-1]["phone_number"]
        return JSONResponse(body)

    async def _delete(self, request: Request) -> Response:
        with self._lock:
            if self._numbers.pop(request.path_params["phone_number"], None) is None:
                return _error(404, "Phone number not found")
        return Response(status_code=204)


def _apply(number: _Number, body: dict[str, Any], *, user_key: str) -> None:
    for key in _SHOWN:
        if key in body:
            number.shown[key] = body[key]
    if "termination_uri" in body:
        number.termination_uri = body["termination_uri"]
    if "transport" in body:
        number.transport = body["transport"]
    if "codecs" in body:
        number.codecs = body["codecs"]
    if user_key in body:
        number.auth_username = body[user_key]
    number.modified_ms = int(time.time() * 1000)


def _transport_problems(body: Any) -> list[str]:
    transport = body.get("transport") if isinstance(body, dict) else None
    if transport is None or transport in TRANSPORTS:
        return []
    return [f"body.transport: must be one of {', '.join(TRANSPORTS)}"]


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error_message": message}, status_code=status)
