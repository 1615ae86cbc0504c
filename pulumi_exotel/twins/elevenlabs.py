"""A local twin of ElevenLabs' Agents phone-number API: the calls
``ElevenLabs().conversational_ai.phone_numbers`` makes.

Paths and methods are those of the SDK's ``conversational_ai/phone_numbers/raw_client.py``:
``POST /v1/convai/phone-numbers``, ``GET /v1/convai/phone-numbers``,
``GET|PATCH|DELETE /v1/convai/phone-numbers/{phone_number_id}``. A create body is checked
against the SDK's ``PhoneNumbersCreateRequestBody`` member its ``provider`` names (``sip_trunk``,
``exotel`` or ``twilio``); an update body against the keyword arguments of the SDK's ``update``
(the SDK has no model for it). Missing, unknown or mistyped fields are a 422. Answers follow
``CreatePhoneNumberResponseModel`` and ``PhoneNumbersGetResponse``. Auth is the ``xi-api-key``
header (401 otherwise).

Where ElevenLabs' behaviour is not published, the twin picks the strict choice and says so: a
second number with the same E.164 is a 409; an update's ``outbound_trunk_config`` replaces the
stored one, keeping the password when ``credentials.password`` is left out (the SDK documents
"if not specified, then remain unchanged"). ``fail_after_write(route)`` applies the next
write to ``route`` and answers 502, as when a gateway loses the answer. Like ElevenLabs, it
never returns passwords or tokens; tests read them with :meth:`ElevenLabsTwin.credential` and
:meth:`ElevenLabsTwin.stored`.
"""

from __future__ import annotations

import itertools
import typing
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

__all__ = ["ElevenLabsTwin", "UPDATE_BODY"]

_create = import_sdk(
    "elevenlabs.conversational_ai.phone_numbers.types.phone_numbers_create_request_body",
    "elevenlabs",
)
_raw = import_sdk("elevenlabs.conversational_ai.phone_numbers.raw_client", "elevenlabs")

#: Create bodies by their ``provider`` discriminator.
CREATE_BODIES: dict[str, Any] = {
    model.model_fields["provider"].default: model
    for model in (
        _create.PhoneNumbersCreateRequestBody_SipTrunk,
        _create.PhoneNumbersCreateRequestBody_Exotel,
        _create.PhoneNumbersCreateRequestBody_Twilio,
    )
}


def _update_body_type() -> Any:
    """The update call's body: the SDK's keyword arguments, each optional."""
    hints = typing.get_type_hints(_raw.RawPhoneNumbersClient.update)
    fields = {
        name: hint
        for name, hint in hints.items()
        if name not in ("phone_number_id", "request_options", "return")
    }
    return typing.TypedDict("PhoneNumbersUpdateBody", fields, total=False)  # type: ignore[operator]


UPDATE_BODY = _update_body_type()


@dataclass
class _Number:
    phone_number_id: str
    provider: str
    phone_number: str
    label: str
    agent_id: str | None = None
    outbound: dict[str, Any] | None = None
    inbound: dict[str, Any] | None = None
    native: dict[str, Any] = field(default_factory=dict)
    livekit_stack: str = "standard"

    def response(self) -> dict[str, Any]:
        """A ``PhoneNumbersGetResponse`` member: no password, no token, as ElevenLabs."""
        body: dict[str, Any] = {
            "provider": self.provider,
            "phone_number": self.phone_number,
            "label": self.label,
            "phone_number_id": self.phone_number_id,
            "supports_inbound": True,
            "supports_outbound": True,
        }
        if self.agent_id is not None:
            body["assigned_agent"] = {"agent_id": self.agent_id, "agent_name": self.agent_id}
        if self.provider == "sip_trunk":
            body["livekit_stack"] = self.livekit_stack
            if self.outbound is not None:
                out = _shown_trunk(self.outbound)
                out.setdefault("transport", "auto")
                body["outbound_trunk"] = body["provider_config"] = out
            if self.inbound is not None:
                inbound = _shown_trunk(self.inbound)
                inbound.setdefault("allowed_addresses", [])
                body["inbound_trunk"] = inbound
        return body


def _shown_trunk(config: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in config.items() if k != "credentials" and v is not None}
    credentials = config.get("credentials")
    shown["has_auth_credentials"] = credentials is not None
    shown.setdefault("media_encryption", "allowed")
    if credentials is not None:
        shown["username"] = credentials.get("username")
    return shown


class ElevenLabsTwin(NumbersTwin[_Number]):
    """The twin on a free loopback port; ``api_key`` is the key it accepts."""

    def __init__(
        self, api_key: str = "elevenlabs-twin-key", *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._ids = itertools.count(1)
        base = "/v1/convai/phone-numbers"
        endpoints = [
            ("POST", base, self._create),
            ("GET", base, self._list),
            ("GET", base + "/{phone_number_id}", self._get),
            ("PATCH", base + "/{phone_number_id}", self._update),
            ("DELETE", base + "/{phone_number_id}", self._delete),
        ]
        super().__init__(api_key, endpoints, name="elevenlabs", host=host, port=port)

    # --- for tests ------------------------------------------------------------------------

    def credential(self, phone_number_id: str) -> tuple[str | None, str | None]:
        """``(user name, password)`` of the outbound trunk (the API never shows the password)."""
        with self._lock:
            outbound = self._numbers[phone_number_id].outbound or {}
            credentials = outbound.get("credentials") or {}
            return credentials.get("username"), credentials.get("password")

    def stored(self, phone_number_id: str) -> dict[str, Any]:
        """Everything held for a number, secrets included (a copy)."""
        with self._lock:
            number = self._numbers[phone_number_id]
            return {
                "outbound": number.outbound,
                "inbound": number.inbound,
                "native": dict(number.native),
                "label": number.label,
                "agent_id": number.agent_id,
            }

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(self._numbers)

    # --- endpoints --------------------------------------------------------------------------

    def _refused(self, request: Request) -> Response | None:
        if request.headers.get("xi-api-key") != self.api_key:
            return _error(401, "invalid_api_key", "Invalid API key")
        return None

    async def _create(self, request: Request) -> Response:
        body, bad = await read_json(request)
        if bad is not None:
            return bad
        provider = body.get("provider") if isinstance(body, dict) else None
        model = CREATE_BODIES.get(provider) if isinstance(provider, str) else None
        if model is None:
            choices = ", ".join(CREATE_BODIES)
            return problem_response([f"body.provider: must be one of {choices}"])
        problems = shape_problems(model, body)
        if problems:
            return problem_response(problems)
        with self._lock:
            if any(n.phone_number == body["phone_number"] for n in self._numbers.values()):
                return _error(409, "phone_number_exists", "Phone number already exists")
            number = _Number(
                phone_number_id=f"phnum_{next(self._ids):04d}twin",
                provider=provider,  # type: ignore[arg-type]
                phone_number=body["phone_number"],
                label=body["label"],
                agent_id=body.get("agent_id"),
            )
            if provider == "sip_trunk":
                number.outbound = body.get("outbound_trunk_config")
                number.inbound = body.get("inbound_trunk_config")
            else:
                number.native = {k: v for k, v in body.items() if k not in ("provider",)}
            self._numbers[number.phone_number_id] = number
        if self._faults.take("POST /v1/convai/phone-numbers"):
            return _error(502, "bad_gateway", "Bad gateway")
        return JSONResponse({"phone_number_id": number.phone_number_id})

    async def _list(self, request: Request) -> Response:
        with self._lock:
            return JSONResponse([n.response() for n in self._numbers.values()])

    async def _get(self, request: Request) -> Response:
        with self._lock:
            number = self._numbers.get(request.path_params["phone_number_id"])
            return (
                _error(404, "phone_number_not_found", "Phone number not found")
                if number is None
                else JSONResponse(number.response())
            )

    async def _update(self, request: Request) -> Response:
        body, bad = await read_json(request)
        if bad is not None:
            return bad
        problems = shape_problems(UPDATE_BODY, body)
        if problems:
            return problem_response(problems)
        with self._lock:
            number = self._numbers.get(request.path_params["phone_number_id"])
            if number is None:
                return _error(404, "phone_number_not_found", "Phone number not found")
            trunk_fields = ("outbound_trunk_config", "inbound_trunk_config")
            if number.provider != "sip_trunk" and any(body.get(k) for k in trunk_fields):
                return _error(400, "invalid_update", "Only SIP trunk numbers have trunk configs")
            if "label" in body and body["label"] is not None:
                number.label = body["label"]
            if "agent_id" in body:
                number.agent_id = body["agent_id"]
            if body.get("livekit_stack") is not None:
                number.livekit_stack = body["livekit_stack"]
            if body.get("outbound_trunk_config") is not None:
                number.outbound = _kept_password(number.outbound, body["outbound_trunk_config"])
            if body.get("inbound_trunk_config") is not None:
                number.inbound = _kept_password(number.inbound, body["inbound_trunk_config"])
            return JSONResponse(number.response())

    async def _delete(self, request: Request) -> Response:
        with self._lock:
            if self._numbers.pop(request.path_params["phone_number_id"], None) is None:
                return _error(404, "phone_number_not_found", "Phone number not found")
        return JSONResponse({})


def _kept_password(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """``new``, with the old password where ``new`` names credentials without one."""
    credentials = new.get("credentials")
    old_credentials = (old or {}).get("credentials") or {}
    if credentials is not None and credentials.get("password") is None:
        kept = {**credentials, "password": old_credentials.get("password")}
        return {**new, "credentials": kept}
    return new


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"detail": {"status": code, "message": message}}, status_code=status)
