"""The client's exceptions: one tree, mapped from Exotel responses in one place.

::

    ExotelError                      anything this client raises on purpose
    ├── ApiError                     Exotel answered with a failure envelope or status
    │   ├── NotFound                 1000 / HTTP 404
    │   ├── MissingParameter         1001
    │   ├── InvalidParameter         1002
    │   ├── Forbidden                1003 / HTTP 403
    │   ├── InvalidRequestBody       1007
    │   ├── Duplicate                1008 / 409 (often inside an HTTP 200)
    │   ├── AuthFailed               1010 / HTTP 401 (bad key or token, or the wrong region)
    │   ├── UnsupportedContentType   1011 / HTTP 415
    │   ├── RateLimited              HTTP 429 (``retry_after`` seconds when the server said)
    │   ├── ServerError              HTTP 5xx
    │   └── BatchItemError           one failed item of a 207 batch (``index``)
    ├── TransportError               no usable answer: connect error, timeout, lost response
    │   └── Unreachable              no connection at all: the request was never sent
    └── StoreUnavailable             the rate limit store (``exotel:rateLimitStore``) failed

A failed batch item is raised as ``BatchItemError`` *and* the class of its Exotel code
(for example ``isinstance(err, InvalidParameter)`` holds for a "Destination not whitelisted"
item), so callers can catch either.

Messages are meant for users: they carry Exotel's message and description, the code, the HTTP
status and the request id, and never the request body, the API token or a password.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "AuthFailed",
    "BatchItemError",
    "Duplicate",
    "ExotelError",
    "Forbidden",
    "InvalidParameter",
    "InvalidRequestBody",
    "MissingParameter",
    "NotFound",
    "RateLimited",
    "ServerError",
    "StoreUnavailable",
    "TransportError",
    "Unreachable",
    "UnsupportedContentType",
    "error_class_for",
    "item_error",
]


class ExotelError(Exception):
    """Base of every error this client raises on purpose."""


#: How much of Exotel's message or description an error shows (a server may echo a whole
#: request value back; a message must stay a message).
MESSAGE_LIMIT = 300


def _cut(text: str) -> str:
    if len(text) <= MESSAGE_LIMIT:
        return text
    return f"{text[:MESSAGE_LIMIT]}... ({len(text)} characters)"


# The API errors are dataclasses so that a subclass adds its one extra field (keyword-only)
# without restating the constructor, and one ``__reduce__`` pickles them all. ``eq=False``
# keeps exceptions hashable by identity; ``repr=False`` keeps ``NotFound('message')``.
@dataclass(eq=False, repr=False)
class ApiError(ExotelError):
    """Exotel answered, and the answer is a failure.

    ``http_status`` is the HTTP status line (200 for a duplicate reported inside a success
    status); ``code`` is Exotel's error code (``error_data.code``) or, when the body had none,
    the body's ``response.code``.
    """

    http_status: int
    code: int | None
    message: str
    description: str | None = None
    request_id: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self._render())

    def _render(self) -> str:
        text = _cut(self.message) or "Exotel API error"
        if self.description and self.description != self.message:
            text = f"{text}: {_cut(self.description)}"
        facts = [f"HTTP {self.http_status}"]
        if self.code is not None:
            facts.insert(0, f"Exotel code {self.code}")
        if self.request_id:
            facts.append(f"request_id {self.request_id}")
        return f"{text} ({', '.join(facts)})"

    def __reduce__(self) -> tuple[object, ...]:
        # Keep errors picklable (Pulumi and worker threads may move them across boundaries).
        # A batch item's class is made at run time, so it is rebuilt from its code's class.
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if isinstance(self, BatchItemError):
            base = next((c for c in type(self).__bases__ if c is not BatchItemError), ApiError)
            return (_rebuild, (base, True, fields))
        return (_rebuild, (type(self), False, fields))


class NotFound(ApiError):
    """1000 / HTTP 404: the trunk or child object does not exist."""


class MissingParameter(ApiError):
    """1001: a mandatory field was missing from the request."""


class InvalidParameter(ApiError):
    """1002: a field failed Exotel's validation (the description says which)."""


class Forbidden(ApiError):
    """1003 / HTTP 403: the trunk belongs to another account, or is not valid for this one."""


class InvalidRequestBody(ApiError):
    """1007: the body could not be parsed (Exotel returns its JSON parser's text)."""


class Duplicate(ApiError):
    """1008 / 409: the object already exists (Exotel often reports this inside an HTTP 200)."""


class AuthFailed(ApiError):
    """1010 / HTTP 401: wrong API key or token, or a key used against the wrong region."""


class UnsupportedContentType(ApiError):
    """1011 / HTTP 415: the request was not sent as ``application/json``."""


@dataclass(eq=False, repr=False)
class RateLimited(ApiError):
    """HTTP 429: too many requests. ``retry_after`` is in seconds, when the server gave one."""

    retry_after: float | None = field(default=None, kw_only=True)


class ServerError(ApiError):
    """HTTP 5xx: Exotel failed; the request may or may not have been applied."""


@dataclass(eq=False, repr=False)
class BatchItemError(ApiError):
    """One failed item of a batch POST (HTTP 207); ``index`` is its position in the request."""

    index: int = field(default=0, kw_only=True)

    def _render(self) -> str:
        return f"batch item {self.index} failed: {super()._render()}"


class TransportError(ExotelError):
    """No usable answer from Exotel: connection refused, timeout, or the response was lost.

    The request may have been applied. The httpx exception is the ``__cause__``.
    """


class StoreUnavailable(ExotelError):
    """The rate limit store (``client.store``: the SQLite file or Redis named by
    ``exotel:rateLimitStore``) cannot be used; no request was sent. The message names the
    setting and the store's address, with a Redis password replaced by ``***``."""


class Unreachable(TransportError):
    """No connection could be opened (refused, no route, DNS, connect timeout).

    Unlike other transport errors the request was never sent, so it cannot have been applied.
    ``address`` is the ``host:port`` tried; the client stops retrying these after
    ``http.CONNECT_GIVE_UP_SECONDS``.
    """

    def __init__(self, message: str, address: str = "") -> None:
        self.address = address
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.address))


_BY_CODE: dict[int, type[ApiError]] = {
    1000: NotFound,
    1001: MissingParameter,
    1002: InvalidParameter,
    1003: Forbidden,
    1007: InvalidRequestBody,
    1008: Duplicate,
    1010: AuthFailed,
    1011: UnsupportedContentType,
}

_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthFailed,
    403: Forbidden,
    404: NotFound,
    409: Duplicate,
    415: UnsupportedContentType,
    429: RateLimited,
}


def error_class_for(code: int | None, status: int) -> type[ApiError]:
    """The error class for an Exotel error ``code`` and a status (HTTP or ``response.code``).

    A rate limit wins over everything (it decides whether to retry); then the documented Exotel
    code; then the status.
    """
    if status == 429:
        return RateLimited
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError


_ITEM_CLASSES: dict[str, type[BatchItemError]] = {}
_ITEM_LOCK = threading.Lock()


def _item_class(base: type[ApiError]) -> type[BatchItemError]:
    if base is ApiError or issubclass(base, BatchItemError):
        return BatchItemError
    # One class per code class, made once, so isinstance works for both views of the failure.
    with _ITEM_LOCK:
        cls = _ITEM_CLASSES.get(base.__name__)
        if cls is None:
            cls = type(f"{base.__name__}Item", (BatchItemError, base), {"__module__": __name__})
            _ITEM_CLASSES[base.__name__] = cls
        return cls


def item_error(
    code: int | None,
    status: int,
    message: str,
    description: str | None,
    request_id: str | None,
    *,
    http_status: int,
    index: int,
) -> BatchItemError:
    """A ``BatchItemError`` that is also the class of the item's Exotel code."""
    cls = _item_class(error_class_for(code, status))
    return cls(http_status, code, message, description, request_id, index=index)


def _rebuild(base: type[ApiError], item: bool, fields: dict[str, Any]) -> ApiError:
    cls = _item_class(base) if item else base
    return cls(**fields)
