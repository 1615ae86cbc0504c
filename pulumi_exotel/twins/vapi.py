"""A local twin of the part of Vapi's API the Vapi resources use: BYO SIP trunk credentials and
BYO phone numbers.

Routes (Bearer auth with the twin's token, JSON, camelCase as Vapi's SDK sends it):

- ``POST /credential``, ``GET /credential``, ``GET|PATCH|DELETE /credential/{id}``: credentials
  of provider ``byo-sip-trunk`` only (the twin refuses other providers, saying so).
- ``POST /phone-number``, ``GET /phone-number``, ``GET|PATCH|DELETE /phone-number/{id}``: phone
  numbers of provider ``byo-phone-number``, whose ``credentialId`` must name a stored credential.

Every body is checked against the types of Vapi's own SDK (``vapi-server-sdk``):
``CreateByoSipTrunkCredentialDto`` / ``UpdateByoSipTrunkCredentialDto`` and
``CreateByoPhoneNumberDto`` / ``UpdateByoPhoneNumberDto``, through their wire (camelCase) names.
A missing required field, a field the type does not declare, a value of the wrong type or an
enum value outside the type's literals is a 400 in the shape Vapi's NestJS server uses
(``{"message": [...], "error": "Bad Request", "statusCode": 400}``). Answers have the shape of
``ByoSipTrunkCredential`` / ``ByoPhoneNumber``; like Vapi, they never carry ``authPassword``.
The twin keeps the password it was given all the same, and shows it only on its control route
``GET /_twin/credential/{id}``, so a rotation test can read what the platform currently holds.

Control routes (unauthenticated, not counted): those of ``_server`` (``/_twin/stats`` ...),
``POST /_twin/reset`` (forget every object, fault and the request log), the one above, and
``POST /_twin/fail-after-write`` (``{"route": "POST /credential", "times": 1}``: apply the next
such requests, then answer 502, as when an answer is lost after the write went through).
State lives in memory: a twin serves one test session.
"""

from __future__ import annotations

import copy
import re
import threading
import typing
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from pulumi_exotel.twins._server import (
    CONTROL_PREFIX,
    RequestLog,
    TwinServer,
    WriteFaults,
    counted_app,
    shape_problems,
)

try:
    from vapi.types.create_byo_phone_number_dto import CreateByoPhoneNumberDto
    from vapi.types.create_byo_sip_trunk_credential_dto import CreateByoSipTrunkCredentialDto
    from vapi.types.sip_trunk_gateway_outbound_protocol import SipTrunkGatewayOutboundProtocol
    from vapi.types.update_byo_phone_number_dto import UpdateByoPhoneNumberDto
    from vapi.types.update_byo_sip_trunk_credential_dto import UpdateByoSipTrunkCredentialDto
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the Vapi twin checks bodies against Vapi's SDK types: "
        "pip install 'pulumi-exotel[vapi]' (vapi-server-sdk)"
    ) from exc

__all__ = ["DEFAULT_TOKEN", "ORG_ID", "VapiTwin", "VapiTwinServer", "build_app"]

#: The token the twin accepts unless told otherwise (a test value, not a secret).
DEFAULT_TOKEN = "vapi-twin-token"  # noqa: S105
#: The org every object of the twin belongs to.
ORG_ID = "org-vapi-twin"

CREDENTIAL_PROVIDER = "byo-sip-trunk"
NUMBER_PROVIDER = "byo-phone-number"
# The query parameters Vapi's SDK sends on its list calls (all optional filters).
_LIST_PARAMS = frozenset(
    {"limit"}
    | {f"{field}{op}" for field in ("createdAt", "updatedAt") for op in ("Gt", "Lt", "Ge", "Le")}
)
# Vapi's default E.164 check on `number` (turned off by `numberE164CheckEnabled: false`).
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_ALNUM = re.compile(r"^\+?[a-zA-Z0-9]+$")

Json = dict[str, Any]


class TwinError(Exception):
    """An error answer of the twin, in Vapi's NestJS shape."""

    def __init__(self, status: int, error: str, message: str | list[str]) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message

    def response(self) -> Response:
        body = {"message": self.message, "error": self.error, "statusCode": self.status}
        return JSONResponse(body, status_code=self.status)


def _bad_request(problems: list[str]) -> TwinError:
    return TwinError(400, "Bad Request", [_nest_wording(p) for p in problems])


def _nest_wording(problem: str) -> str:
    """Vapi's validation pipe words an undeclared field as ``property X should not exist``."""
    where, _, what = problem.partition(": ")
    where = where.removeprefix("body.").removeprefix("body")
    if what.startswith("is not a field of"):
        return f"property {where} should not exist"
    return f"{where or 'body'} {what}"


def _not_found(what: str) -> TwinError:
    return TwinError(404, "Not Found", f"{what} not found")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _literals(open_enum: Any) -> tuple[str, ...]:
    """The values of a Fern "open" enum, ``Union[Literal[...], Any]``."""
    return tuple(
        value
        for member in typing.get_args(open_enum)
        if typing.get_origin(member) is typing.Literal
        for value in typing.get_args(member)
    )


#: Fern types these enums ``Union[Literal[...], Any]`` so an older SDK accepts newer values; the
#: server validates them, and so does the twin.
_PROTOCOLS = _literals(SipTrunkGatewayOutboundProtocol)


def _checked(sdk_type: Any, body: Any, *, provider: str | None = None) -> Json:
    """``body`` when it fits ``sdk_type`` (a Vapi SDK model), else the 400 that says why.

    A create names its ``provider`` (the discriminator of Vapi's create union); the twin
    serves one provider per route.
    """
    if not isinstance(body, dict):
        raise _bad_request(["body: must be an object"])
    if provider is not None and body.get("provider") != provider:
        raise _bad_request([f"provider: the Vapi twin serves only provider {provider!r}"])
    problems = shape_problems(sdk_type, body)
    gateways = body.get("gateways")
    for i, gateway in enumerate(gateways if isinstance(gateways, list) else []):
        protocol = gateway.get("outboundProtocol") if isinstance(gateway, dict) else None
        if protocol is not None and protocol not in _PROTOCOLS:
            allowed = ", ".join(repr(p) for p in _PROTOCOLS)
            problems.append(f"body.gateways.{i}.outboundProtocol: must be one of {allowed}")
    if problems:
        raise _bad_request(problems)
    return body


class _Objects:
    """One kind of Vapi object by id; the twin's lock is held around every call. What leaves
    it is ``shown(stored)``: a copy as Vapi answers it (a credential without its password)."""

    def __init__(self, what: str, shown: Callable[[Json], Json] = copy.deepcopy) -> None:
        self.what = what
        self.shown = shown
        self.by_id: dict[str, Json] = {}

    def add(self, body: Json, **extra: Any) -> Json:
        stamp = _now()
        stored = {
            **copy.deepcopy(body),
            "id": str(uuid.uuid4()),
            "orgId": ORG_ID,
            "createdAt": stamp,
            "updatedAt": stamp,
            **extra,
        }
        self.by_id[stored["id"]] = stored
        return self.shown(stored)

    def get(self, object_id: str) -> Json:
        """The stored object itself (not a copy)."""
        found = self.by_id.get(object_id)
        if found is None:
            raise _not_found(self.what)
        return found

    def show(self, object_id: str) -> Json:
        return self.shown(self.get(object_id))

    def listed(self, limit: int | None = None) -> list[Json]:
        """The first ``limit`` objects (all of them for None), oldest first."""
        return [self.shown(stored) for stored in list(self.by_id.values())[:limit]]

    def patch(self, object_id: str, body: Json) -> Json:
        """PATCH: each top-level field given replaces the stored one (null clears it)."""
        stored = self.get(object_id)
        for key, value in body.items():
            if value is None:
                stored.pop(key, None)
            else:
                stored[key] = copy.deepcopy(value)
        stored["updatedAt"] = _now()
        return self.shown(stored)

    def pop(self, object_id: str) -> Json:
        self.get(object_id)
        return self.shown(self.by_id.pop(object_id))


class VapiTwin:
    """The twin's state and rules, without HTTP: credentials and phone numbers by id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._credentials = _Objects("Credential", _public_credential)
        self._numbers = _Objects("Phone number")
        self._faults = WriteFaults()

    def reset(self) -> None:
        with self._lock:
            self._credentials.by_id.clear()
            self._numbers.by_id.clear()
        self._faults.clear()

    def fail_after_write(self, route: str, times: int = 1) -> None:
        """The next ``times`` requests to ``route`` (``"POST /credential"``) are applied and then
        answered 502, as when Vapi's gateway loses the answer of a write that went through."""
        self._faults.add(route, times)

    def take_fault(self, route: str) -> bool:
        return self._faults.take(route)

    # --- credentials ---------------------------------------------------------------------------

    def create_credential(self, body: Any) -> Json:
        body = _checked(CreateByoSipTrunkCredentialDto, body, provider=CREDENTIAL_PROVIDER)
        with self._lock:
            return self._credentials.add(body)

    def list_credentials(self) -> list[Json]:
        with self._lock:
            return self._credentials.listed()

    def get_credential(self, credential_id: str) -> Json:
        with self._lock:
            return self._credentials.show(credential_id)

    def stored_credential(self, credential_id: str) -> Json:
        """The credential as stored, with the password Vapi never returns (control route)."""
        with self._lock:
            return copy.deepcopy(self._credentials.get(credential_id))

    def update_credential(self, credential_id: str, body: Any) -> Json:
        body = _checked(UpdateByoSipTrunkCredentialDto, body)
        with self._lock:
            return self._credentials.patch(credential_id, body)

    def delete_credential(self, credential_id: str) -> Json:
        with self._lock:
            return self._credentials.pop(credential_id)

    # --- phone numbers -------------------------------------------------------------------------

    def create_number(self, body: Any) -> Json:
        body = _checked(CreateByoPhoneNumberDto, body, provider=NUMBER_PROVIDER)
        _check_number(body.get("number"), body.get("numberE164CheckEnabled", True))
        with self._lock:
            self._require_credential(body["credentialId"])
            return self._numbers.add(body, status="active")

    def list_numbers(self, limit: int) -> list[Json]:
        with self._lock:
            return self._numbers.listed(limit)

    def get_number(self, number_id: str) -> Json:
        with self._lock:
            return self._numbers.show(number_id)

    def update_number(self, number_id: str, body: Any) -> Json:
        body = _checked(UpdateByoPhoneNumberDto, body)
        with self._lock:
            found = self._numbers.get(number_id)
            if "number" in body:
                _check_number(body["number"], found.get("numberE164CheckEnabled", True))
            if body.get("credentialId") is not None:
                self._require_credential(body["credentialId"])
            return self._numbers.patch(number_id, body)

    def delete_number(self, number_id: str) -> Json:
        with self._lock:
            return self._numbers.pop(number_id)

    def _require_credential(self, credential_id: str) -> None:
        """Vapi refuses a number on a credential the org does not have (lock held)."""
        if credential_id not in self._credentials.by_id:
            raise _bad_request([f"credentialId: no credential {credential_id} in this org"])


def _public_credential(stored: Json) -> Json:
    """A credential as Vapi answers it: ``authPassword`` is never returned."""
    public = copy.deepcopy(stored)
    plan = public.get("outboundAuthenticationPlan")
    if isinstance(plan, dict):
        plan.pop("authPassword", None)
    return public


def _check_number(number: Any, e164_check: Any) -> None:
    if number is None:
        return
    if e164_check is False:
        if not _ALNUM.match(number):
            raise _bad_request(["number: must contain only letters and digits, after a '+'"])
    elif not _E164.match(number):
        raise _bad_request(
            [f"number: {number!r} is not E.164 (set numberE164CheckEnabled: false to allow it)"]
        )


# --- HTTP ----------------------------------------------------------------------------------------


def build_app(twin: VapiTwin, log: RequestLog, *, token: str = DEFAULT_TOKEN) -> ASGIApp:
    """The twin's ASGI app: Vapi's routes behind Bearer auth, plus the control routes."""

    def api(path: str, method: str, handler: Callable[[Request], Awaitable[Any]]) -> Route:
        route = f"{method} {path}"

        async def endpoint(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {token}":
                return TwinError(401, "Unauthorized", "Invalid Key").response()
            try:
                answer = await handler(request)
            except TwinError as exc:
                return exc.response()
            if twin.take_fault(route):
                return TwinError(502, "Bad Gateway", "upstream answer lost").response()
            return JSONResponse(answer)

        return Route(path, endpoint, methods=[method])

    async def body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise _bad_request(["body: must be JSON"]) from None

    def limit(request: Request) -> int:
        unknown = sorted(set(request.query_params) - _LIST_PARAMS)
        if unknown:
            raise _bad_request([f"{name}: is not a field of the list query" for name in unknown])
        raw = request.query_params.get("limit", "100")
        try:
            return max(0, int(float(raw)))
        except ValueError:
            raise _bad_request(["limit: must be a number"]) from None

    def path_id(request: Request) -> str:
        return str(request.path_params["id"])

    def crud(
        path: str,
        create: Callable[[Any], Json],
        listing: Callable[[int], list[Json]],
        get: Callable[[str], Json],
        update: Callable[[str, Any], Json],
        delete: Callable[[str], Json],
    ) -> list[Route]:
        """Vapi's five routes for one kind of object under ``path``, to the twin's methods."""

        async def create_one(request: Request) -> Json:
            return create(await body(request))

        async def list_some(request: Request) -> list[Json]:
            return listing(limit(request))

        async def get_one(request: Request) -> Json:
            return get(path_id(request))

        async def update_one(request: Request) -> Json:
            return update(path_id(request), await body(request))

        async def delete_one(request: Request) -> Json:
            return delete(path_id(request))

        one = f"{path}/{{id}}"
        return [
            api(path, "POST", create_one),
            api(path, "GET", list_some),
            api(one, "GET", get_one),
            api(one, "PATCH", update_one),
            api(one, "DELETE", delete_one),
        ]

    async def stored_credential(request: Request) -> Response:
        try:
            return JSONResponse(twin.stored_credential(path_id(request)))
        except TwinError as exc:
            return exc.response()

    async def reset(_request: Request) -> Response:
        twin.reset()
        log.reset()
        return JSONResponse({"status": "ok"})

    async def fail_after_write(request: Request) -> Response:
        spec = await request.json()
        twin.fail_after_write(str(spec["route"]), int(spec.get("times", 1)))
        return JSONResponse({"status": "ok"})

    routes = [
        *crud(
            "/credential",
            twin.create_credential,
            lambda n: twin.list_credentials()[:n],
            twin.get_credential,
            twin.update_credential,
            twin.delete_credential,
        ),
        *crud(
            "/phone-number",
            twin.create_number,
            twin.list_numbers,
            twin.get_number,
            twin.update_number,
            twin.delete_number,
        ),
    ]
    control = [
        Route(f"{CONTROL_PREFIX}reset", reset, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}credential/{{id}}", stored_credential, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}fail-after-write", fail_after_write, methods=["POST"]),
    ]
    return counted_app(routes, log, control=control)


class VapiTwinServer(TwinServer):
    """The Vapi twin on a loopback port: ``base_url`` is what ``Vapi(base_url=...)`` takes."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, host: str = "127.0.0.1", port: int = 0):
        self.twin = VapiTwin()
        self.log = RequestLog()
        self.token = token
        super().__init__(
            build_app(self.twin, self.log, token=token), name="vapi", host=host, port=port
        )
