"""What every platform twin shares: a loopback server thread, a request counter, and the check of
request bodies against the vendor SDK's own types.

A twin is a Starlette app for the few endpoints one platform resource uses. ``TwinServer`` runs
it with uvicorn in a daemon thread on a free loopback port (``base_url`` answers once ``start()``
returns). ``RequestLog`` counts the API requests (not the ``/_twin/`` control routes) so tests can
prove that a no-change preview makes none; ``control_routes`` serves it at ``GET /_twin/stats``
(``{"total": n, "by_route": {"GET /get-phone-number/{phone_number}": n}, "log": [...]}``) and
resets it at ``POST /_twin/stats/reset``.

``shape_problems(sdk_type, value)`` checks a decoded JSON body against a type from the vendor's
SDK: a ``TypedDict`` (Stainless SDKs such as Retell's) or a pydantic model (Fern SDKs such as
ElevenLabs' and Vapi's, including Fern's ``FieldMetadata(alias=...)`` wire names), recursively,
through ``Optional``/``Union``/``Literal``/lists/maps. It reports missing required fields, fields
the type does not declare, and values of the wrong type, each by its dotted path and never
with the value (bodies carry passwords). ``problem_response`` turns them into a 422.
"""

from __future__ import annotations

import collections.abc
import functools
import logging
import threading
import time
import types
import typing
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import pydantic
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from typing_extensions import NotRequired, Required, is_typeddict

from pulumi_exotel.serve_thread import ServerThread

__all__ = [
    "CONTROL_PREFIX",
    "RequestLog",
    "TwinServer",
    "control_routes",
    "problem_response",
    "NumbersTwin",
    "WriteFaults",
    "read_json",
    "shape_problems",
]

CONTROL_PREFIX = "/_twin/"


# --- Request counting ---------------------------------------------------------------------------


class RequestLog:
    """Thread-safe count of the API requests a twin answered, by route template, and their order.

    Each ``log`` entry has ``at`` (``time.monotonic()`` when the request arrived): twins and the
    Exotel emulator started by one test process share that clock, so a test can order requests
    across servers (a rotation: Exotel create, platform update, Exotel delete).
    """

    def __init__(self, keep: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._by_route: Counter[str] = Counter()
        self._log: deque[dict[str, Any]] = deque(maxlen=keep)

    def record(self, route: str, path: str = "") -> None:
        with self._lock:
            self._by_route[route] += 1
            method, _, template = route.partition(" ")
            entry = {"method": method, "route": template, "path": path, "at": time.monotonic()}
            self._log.append(entry)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            by_route = dict(self._by_route)
            log = list(self._log)
        return {"total": sum(by_route.values()), "by_route": by_route, "log": log}

    def reset(self) -> None:
        with self._lock:
            self._by_route.clear()
            self._log.clear()


class _CountRequests:
    """ASGI middleware: record every request outside ``/_twin/`` by its route template."""

    def __init__(self, app: ASGIApp, log: RequestLog, routes: list[Route]) -> None:
        self.app, self.log, self.routes = app, log, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(CONTROL_PREFIX):
            template = next(
                (r.path for r in self.routes if r.matches(scope)[0] == Match.FULL),
                "(unmatched)",
            )
            self.log.record(f"{scope['method']} {template}", scope["path"])
        await self.app(scope, receive, send)


def control_routes(log: RequestLog) -> list[Route]:
    """``GET /_twin/health``, ``GET /_twin/stats``, ``POST /_twin/stats/reset``."""

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def stats(_request: Request) -> Response:
        return JSONResponse(log.snapshot())

    async def reset(_request: Request) -> Response:
        log.reset()
        return JSONResponse({"status": "ok"})

    return [
        Route(f"{CONTROL_PREFIX}health", health, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}stats", stats, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}stats/reset", reset, methods=["POST"]),
    ]


def counted_app(routes: list[Route], log: RequestLog, *, control: Sequence[Route] = ()) -> ASGIApp:
    """A Starlette app of ``routes`` plus the control routes (the shared ones and a twin's own
    ``control`` routes under ``/_twin/``), counting API requests in ``log``."""
    app = Starlette(routes=[*routes, *control_routes(log), *control])
    return _CountRequests(app, log, routes)


# --- The server thread --------------------------------------------------------------------------


class TwinServer:
    """An ASGI app served by uvicorn on ``host:port`` (0 = a free port) in a daemon thread."""

    def __init__(self, app: ASGIApp, *, name: str, host: str = "127.0.0.1", port: int = 0):
        self.app, self.name, self.host, self.requested_port = app, name, host, port
        self._running: ServerThread | None = None

    @property
    def port(self) -> int:
        if self._running is None:
            raise RuntimeError(f"the {self.name} twin is not running")
        return self._running.port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> TwinServer:
        if self._running is not None:
            raise RuntimeError(f"the {self.name} twin is already running")
        self._running = ServerThread.start(
            self.app,
            host=self.host,
            port=self.requested_port,
            name=f"{self.name}-twin",
            what=f"the {self.name} twin",
        )
        return self

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        running, self._running = self._running, None
        if running is not None:
            running.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (the CLI form)."""
        self.start()
        try:
            while self._running is not None and self._running.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            logging.getLogger(__name__).info("stopping the %s twin", self.name)
        finally:
            self.stop()

    def __enter__(self) -> TwinServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


NumberT = TypeVar("NumberT")


Endpoint = Callable[[Request], Awaitable[Response]]


class NumbersTwin(TwinServer, Generic[NumberT]):
    """A twin of one platform's phone numbers: kept by key under one lock, the API key it
    accepts (every endpoint first answers ``_refused``, the platform's own refusal, if any), a
    request log, and writes that can be made to lose their answer."""

    def __init__(
        self,
        api_key: str,
        endpoints: Sequence[tuple[str, str, Endpoint]],
        *,
        name: str,
        host: str,
        port: int,
    ) -> None:
        self.api_key = api_key
        self.requests = RequestLog()
        self._numbers: dict[str, NumberT] = {}
        self._lock = threading.Lock()
        self._faults = WriteFaults()
        routes = [
            Route(path, self._key_checked(endpoint), methods=[method])
            for method, path, endpoint in endpoints
        ]
        super().__init__(counted_app(routes, self.requests), name=name, host=host, port=port)

    def _refused(self, request: Request) -> Response | None:
        """The platform's answer to a request without the right API key (None: let it in)."""
        raise NotImplementedError

    def _key_checked(self, endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def checked(request: Request) -> Response:
            refused = self._refused(request)
            return refused if refused is not None else await endpoint(request)

        return checked

    def fail_after_write(self, route: str, times: int = 1) -> None:
        """The next ``times`` requests to ``route`` (``"POST /import-phone-number"``) are
        applied and then answered 502, as when a gateway loses the answer of a write."""
        self._faults.add(route, times)

    def reset(self) -> None:
        """Forget every number, injected fault and request count."""
        with self._lock:
            self._numbers.clear()
        self._faults.clear()
        self.requests.reset()

    def remove(self, key: str) -> None:
        """Delete a number behind Pulumi's back (an out-of-band change)."""
        with self._lock:
            del self._numbers[key]


# --- Bodies checked against the vendor's types --------------------------------------------------


class WriteFaults:
    """Writes to answer 502 after they are applied, by route (``"POST /credential"``): what a
    platform's gateway does when it loses the answer of a write that went through."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._left: dict[str, int] = {}

    def add(self, route: str, times: int = 1) -> None:
        with self._lock:
            self._left[route] = times

    def take(self, route: str) -> bool:
        """Whether this request to ``route`` is one to answer 502 (counting it)."""
        with self._lock:
            left = self._left.get(route, 0)
            if left:
                self._left[route] = left - 1
            return bool(left)

    def clear(self) -> None:
        with self._lock:
            self._left.clear()


async def read_json(request: Request) -> tuple[Any, Response | None]:
    """The decoded JSON body, or a 422 response when it is not JSON."""
    try:
        return await request.json(), None
    except ValueError:
        return None, problem_response(["body: must be JSON"])


def problem_response(problems: list[str], status: int = 422) -> Response:
    """A FastAPI-like 422: ``{"detail": [{"loc": [...], "msg": ...}]}``."""
    detail = []
    for problem in problems:
        where, _, msg = problem.partition(": ")
        detail.append({"loc": where.split("."), "msg": msg, "type": "value_error"})
    return JSONResponse({"detail": detail}, status_code=status)


def shape_problems(sdk_type: Any, value: Any, path: str = "body") -> list[str]:
    """Every way ``value`` (decoded JSON) breaks ``sdk_type``; ``[]`` when it fits."""
    origin, args = get_origin(sdk_type), get_args(sdk_type)
    if sdk_type is Any or sdk_type is object:
        return []
    if origin is typing.Annotated:
        return shape_problems(args[0], value, path)
    if origin is Union or origin is types.UnionType:
        members = [a for a in args if a is not type(None)] if value is not None else args
        tried = [shape_problems(arg, value, path) for arg in members]
        if any(not problems for problems in tried):
            return []
        # Report against the member the value resembles most (fewest problems).
        return min(tried, key=len)
    if sdk_type is type(None):
        return [] if value is None else [f"{path}: must be null"]
    if origin is Literal:
        allowed = ", ".join(repr(a) for a in args)
        return [] if value in args else [f"{path}: must be one of {allowed}"]
    if sdk_type in (str, int, float, bool):
        return _scalar_problems(sdk_type, value, path)
    if is_typeddict(sdk_type):
        return _typeddict_problems(sdk_type, value, path)
    if isinstance(sdk_type, type) and issubclass(sdk_type, pydantic.BaseModel):
        return _model_problems(sdk_type, value, path)
    if origin is not None and _is_mapping(origin):
        if not isinstance(value, dict):
            return [f"{path}: must be an object"]
        item_type = args[1] if len(args) == 2 else Any
        return [p for k, v in value.items() for p in shape_problems(item_type, v, f"{path}.{k}")]
    if origin is not None and _is_sequence(origin):
        if not isinstance(value, list):
            return [f"{path}: must be a list"]
        item_type = args[0] if args else Any
        return [p for i, v in enumerate(value) for p in shape_problems(item_type, v, f"{path}.{i}")]
    # A type this checker does not know: accept, rather than refuse what the vendor allows.
    return []


def _scalar_problems(kind: type, value: Any, path: str) -> list[str]:
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    return [] if ok else [f"{path}: must be {kind.__name__}"]


def _typeddict_problems(tdict: Any, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: must be an object"]
    hints = get_type_hints(tdict)
    # __required_keys__ misses Required[...] written as a string annotation (Stainless SDKs use
    # `from __future__ import annotations`), so read the markers from the resolved hints.
    marked = get_type_hints(tdict, include_extras=True)
    required = {k for k, t in marked.items() if _is_required(t, bool(tdict.__total__))}
    problems = [f"{path}.{k}: is not a field of {tdict.__name__}" for k in value if k not in hints]
    problems += [f"{path}.{k}: is required" for k in sorted(required) if k not in value]
    for key, item in value.items():
        if key in hints:
            problems += shape_problems(hints[key], item, f"{path}.{key}")
    return problems


def _model_problems(model: type[pydantic.BaseModel], value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: must be an object"]
    wire: dict[str, tuple[Any, bool]] = {}
    for name, info in model.model_fields.items():
        alias = next(
            (m.alias for m in info.metadata if isinstance(getattr(m, "alias", None), str)), None
        )
        wire[alias or info.alias or name] = (info.annotation, info.is_required())
    problems = [f"{path}.{k}: is not a field of {model.__name__}" for k in value if k not in wire]
    problems += [
        f"{path}.{k}: is required"
        for k, (_t, req) in sorted(wire.items())
        if req and k not in value
    ]
    for key, item in value.items():
        if key in wire:
            problems += shape_problems(wire[key][0], item, f"{path}.{key}")
    return problems


def _is_required(hint: Any, total: bool) -> bool:
    origin = get_origin(hint)
    if origin is Required:
        return True
    if origin is NotRequired:
        return False
    if origin is typing.Annotated:
        return _is_required(get_args(hint)[0], total)
    return total


def _is_mapping(origin: Any) -> bool:
    return isinstance(origin, type) and issubclass(origin, collections.abc.Mapping)


def _is_sequence(origin: Any) -> bool:
    if getattr(origin, "__name__", "") == "SequenceNotStr":  # Stainless' "list, not a str"
        return True
    return (
        isinstance(origin, type)
        and issubclass(origin, collections.abc.Iterable)
        and not issubclass(origin, (str, bytes, collections.abc.Mapping))
    )
