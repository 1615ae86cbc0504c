"""The emulator's ASGI application: the Exotel routes behind auth, rate limit, faults and stats,
plus the ``/_emulator/`` control API and ``/openapi.json``.

Order of checks for an API request (each failure answers in Exotel's error envelope):

1. route match; an unknown path or a method the path does not take: 404/1000 "Not Found";
2. an injected fault (``/_emulator/faults``) for this method and path, if any;
3. HTTP Basic auth against the account in the path: 401/1010 "Authorization failed";
4. the per-account sliding-window rate limit: 429/1030 with ``Retry-After`` (seconds, >= 1);
5. the route: 415/1011 for a non-JSON Content-Type, 1007 for an undecodable body, then the
   backend's rules.

The 429 shape is undocumented (no source shows it; REF-old names code 1030); the emulator answers
``{"request_id", "method", "http_code": 429, "response": {"code": 429, "status": "failure",
"data": null, "error_data": {"code": 1030, "message": "Too Many Requests", "description":
"Rate limit of N requests per minute exceeded"}}}`` with a ``Retry-After`` header. An injected
``status`` fault answers ``error_data.code`` 1050 (emulator-only) with the HTTP status's phrase.

Control endpoints are not authenticated and not counted in the stats. In the stats, a request
that matched no route is counted under ``"METHOD (unmatched)"``; the log keeps the latest
10,000 requests, each with the injected fault kind (or null).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as ControlRoute

from pulumi_exotel.emulator.accounts import Account
from pulumi_exotel.emulator.backend import Backend
from pulumi_exotel.emulator.edge_mirror import EDGE_OUT_OF_SYNC
from pulumi_exotel.emulator.errors import ExotelFault, not_found, too_many_requests
from pulumi_exotel.emulator.faults import FaultBook, FaultKind, FaultRule
from pulumi_exotel.emulator.openapi import build_document
from pulumi_exotel.emulator.rate_limit import SlidingWindowLimiter
from pulumi_exotel.emulator.routes import ROUTES, Call, Route
from pulumi_exotel.emulator.stats import RequestStats
from pulumi_exotel.emulator.wire import error_envelope

__all__ = ["EmulatorApp", "build_app"]

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

UNMATCHED_ROUTE = "(unmatched)"


class FaultRequest(BaseModel):
    """Body of ``POST /_emulator/faults``."""

    model_config = ConfigDict(extra="forbid")

    kind: FaultKind
    method: str | None = None
    path_regex: str | None = None
    status: int = Field(default=500, ge=100, le=599)
    delay_ms: int = Field(default=0, ge=0, le=600_000)
    count: int | None = Field(default=1, ge=1)


class EmulatorApp:
    """ASGI callable serving the emulated API and the control API."""

    def __init__(
        self,
        backend: Backend,
        accounts: Sequence[Account],
        *,
        rate_limit_per_minute: int | None = None,
        routes: Sequence[Route] = ROUTES,
    ) -> None:
        self.backend = backend
        self.accounts = {account.sid: account for account in accounts}
        self.limiter = SlidingWindowLimiter(rate_limit_per_minute)
        self.faults = FaultBook()
        self.stats = RequestStats()
        self.routes = tuple(routes)
        self.openapi = build_document(self.routes, account_sids=list(self.accounts))
        self._control = Starlette(
            routes=[
                ControlRoute("/_emulator/health", self._health, methods=["GET"]),
                ControlRoute("/_emulator/reset", self._reset, methods=["POST"]),
                ControlRoute("/_emulator/stats", self._stats, methods=["GET"]),
                ControlRoute("/_emulator/stats/reset", self._stats_reset, methods=["POST"]),
                ControlRoute("/_emulator/faults", self._list_faults, methods=["GET"]),
                ControlRoute("/_emulator/faults", self._add_fault, methods=["POST"]),
                ControlRoute("/_emulator/faults", self._clear_faults, methods=["DELETE"]),
                ControlRoute("/openapi.json", self._openapi, methods=["GET"]),
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/_emulator/") or path == "/openapi.json":
            await self._control(scope, receive, send)
        else:
            await self._api(scope, receive, send)

    # -- the emulated API -----------------------------------------------------------------

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        method, path = request.method, request.url.path
        route, params = self._match(method, path)
        fault = self.faults.take(method, path)
        if fault is not None and fault.kind == "latency":
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault is not None and fault.kind == "late_commit":
            # Read the body now (Starlette keeps it for the route): once the client has gone,
            # the server could no longer read it.
            await request.body()
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault is not None and fault.kind in ("status", "rate_limit"):
            response = self._injected(method, fault)
        else:
            response = await self._respond(request, route, params)
        if fault is not None and fault.kind == "drop_response":
            # The write is committed; send only the status line and headers (which promise a
            # body) and return: the server then closes the connection mid-response, and the
            # client sees a transport error instead of the answer.
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": response.raw_headers,
                }
            )
        else:
            await response(scope, receive, send)
        self.stats.record(
            method,
            route.template if route is not None else UNMATCHED_ROUTE,
            path,
            scope.get("query_string", b"").decode("latin-1"),
            response.status_code,
            fault.kind if fault is not None else None,
        )

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None, {}

    async def _respond(
        self, request: Request, route: Route | None, params: dict[str, str]
    ) -> Response:
        method = request.method
        try:
            if route is None:
                raise not_found()
            account = self._authenticate(request, params["account_sid"])
            retry_after = self.limiter.acquire(account.sid)
            if retry_after is not None:
                limited = too_many_requests(
                    f"Rate limit of {self.limiter.limit} requests per minute exceeded"
                )
                return _error_response(method, limited, retry_after=retry_after)
            return await route.handler(Call(request, self.backend, params))
        except ExotelFault as fault:
            return _error_response(method, fault)
        except Exception as exc:  # a bug in the emulator: still answer in the envelope
            log.exception("emulator error on %s %s", method, request.url.path)
            bug = ExotelFault(500, 1050, "Internal Server Error", type(exc).__name__)
            return _error_response(method, bug)

    def _authenticate(self, request: Request, account_sid: str) -> Account:
        denied = ExotelFault(401, 1010, "Authorization failed", "Authorization failed")
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            raise denied
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise denied from None
        api_key, _, api_token = decoded.partition(":")
        account = self.accounts.get(account_sid)
        if account is None or not account.accepts(api_key, api_token):
            raise denied
        return account

    def _injected(self, method: str, fault: FaultRule) -> Response:
        if fault.kind == "rate_limit" or fault.status == 429:
            retry_after = max(1, math.ceil(fault.delay_ms / 1000))
            error = too_many_requests("Rate limit exceeded (injected by the emulator)")
            return _error_response(method, error, retry_after=retry_after)
        try:
            phrase = HTTPStatus(fault.status).phrase
        except ValueError:
            phrase = "Injected fault"
        error = ExotelFault(fault.status, 1050, phrase, "fault injected by the emulator")
        return _error_response(method, error)

    # -- control API ----------------------------------------------------------------------

    async def _health(self, request: Request) -> Response:
        """200 ``{"status": "ok"}``; 503 ``{"status": "edge out of sync", "edge_error": ...}``
        while a committed credential change has not reached the local SIP edge."""
        problem = self.backend.edge_problem
        if problem is not None:
            body = {"status": EDGE_OUT_OF_SYNC, "edge_error": problem}
            return JSONResponse({**body, "accounts": list(self.accounts)}, status_code=503)
        return JSONResponse({"status": "ok", "accounts": list(self.accounts)})

    async def _reset(self, request: Request) -> Response:
        """Forget every object of every account, every fault, the stats and the rate windows."""
        self.backend.reset()
        self.faults.clear()
        self.stats.reset()
        self.limiter.reset()
        return JSONResponse({"status": "ok"})

    async def _stats(self, request: Request) -> Response:
        return JSONResponse(self.stats.snapshot())

    async def _stats_reset(self, request: Request) -> Response:
        self.stats.reset()
        return JSONResponse({"status": "ok"})

    async def _list_faults(self, request: Request) -> Response:
        return JSONResponse({"faults": self.faults.rules()})

    async def _add_fault(self, request: Request) -> Response:
        try:
            spec = FaultRequest.model_validate_json(await request.body())
            rule = FaultRule(**spec.model_dump())
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            return JSONResponse({"error": problems}, status_code=400)
        except Exception as exc:  # re.error from a bad path_regex, ValueError from a rule
            return JSONResponse({"error": str(exc)}, status_code=400)
        self.faults.add(rule)
        return JSONResponse({"status": "ok", "fault": rule.as_dict()}, status_code=201)

    async def _clear_faults(self, request: Request) -> Response:
        self.faults.clear()
        return JSONResponse({"status": "ok"})

    async def _openapi(self, request: Request) -> Response:
        return JSONResponse(self.openapi)


def _error_response(method: str, fault: ExotelFault, *, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if fault.code == 1010:
        headers = {"WWW-Authenticate": 'Basic realm="Exotel"'}
    return JSONResponse(
        error_envelope(method, fault), status_code=fault.http_status, headers=headers
    )


def build_app(
    backend: Backend,
    *,
    accounts: Sequence[Account],
    rate_limit_per_minute: int | None = None,
) -> EmulatorApp:
    """The ASGI app for ``backend``, serving ``accounts`` (HTTP Basic ``api_key:api_token``)."""
    if not accounts:
        raise ValueError("the emulator needs at least one account")
    if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
        raise ValueError("rate_limit_per_minute must be >= 1 or None (no limit)")
    return EmulatorApp(backend, accounts, rate_limit_per_minute=rate_limit_per_minute)
