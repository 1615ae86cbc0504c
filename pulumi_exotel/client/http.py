"""HTTP plumbing for the client: transport, auth, the envelope choke point, retries, paging.

Everything a request needs passes through ``HttpCore``:

1. ``RequestLimiter.slot()`` (``limits.py``): the account's shared rate budget (kept in the
   ``exotel:rateLimitStore``) and the process's concurrency limit.
2. httpx with HTTP Basic auth (API key and token), JSON bodies, timeouts from the settings
   (connecting: at most ``CONNECT_TIMEOUT_SECONDS``). httpx errors (timeout, a response that
   never came) become ``TransportError``; no connection at all becomes ``Unreachable``.
3. ``unwrap()``: the one place a response becomes data or an ``ApiError``. Success is read
   from ``response.status``/``response.code`` in the body, never from the HTTP status alone.
4. Retries (tenacity) with exponential backoff plus jitter, at least ``Retry-After`` when the
   server sends one:

   - 429 is always retried: the request was not applied.
   - 5xx and transport errors are retried only where repeating is harmless: GET, PUT, DELETE,
     and creates, which look the object up by natural key before posting again (``create``).
   - 1001, 1002, 1007, 1008, 1011 and every other 4xx are never retried.
   - ``Unreachable`` (nothing was sent) is retried like a transport error, but only while the
     call is younger than ``CONNECT_GIVE_UP_SECONDS``: a wrong ``exotel:baseUrl`` or a stopped
     emulator fails within about that time (plus one connect timeout), and a create does not
     look the object up first, since no request can have reached Exotel.

   tenacity supplies the attempt loop, the stop rule and the exponential-jitter wait (a
   maintained library instead of a hand-rolled loop); this module only decides what is
   retryable, adds ``Retry-After``, and does the lookups between create attempts.

Error messages are scrubbed of the API token and any secret in the request body.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypedDict, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_exponential_jitter

from pulumi_exotel.client.envelopes import (
    BatchEnvelope,
    ListEnvelope,
    ResponseItem,
    SingleEnvelope,
)
from pulumi_exotel.client.errors import (
    ApiError,
    Duplicate,
    ExotelError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unreachable,
    error_class_for,
    item_error,
)
from pulumi_exotel.client.limits import RequestLimiter
from pulumi_exotel.client.listings import SharedListings
from pulumi_exotel.client.models import RequestBody
from pulumi_exotel.config import ExotelSettings

__all__ = [
    "CONNECT_GIVE_UP_SECONDS",
    "CONNECT_TIMEOUT_SECONDS",
    "MAX_LIST_ITEMS",
    "PAGE_SIZE",
    "HttpCore",
    "HttpOptions",
    "RetryPolicy",
    "segment",
    "unsure_creates",
]

log = logging.getLogger("pulumi_exotel.client")

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")

#: Exotel's default page size (the maximum is not documented).
PAGE_SIZE = 50
#: A listing longer than this is treated as a server that never stops paging.
MAX_LIST_ITEMS = 5000
#: Opening a connection takes at most this long (or ``exotel:timeoutSeconds`` if shorter).
CONNECT_TIMEOUT_SECONDS = 3.0
#: No new attempt after a failed connection once a call has run this long: an unreachable
#: endpoint fails a call within this plus one connect timeout (about 13 s), not minutes.
CONNECT_GIVE_UP_SECONDS = 10.0

JsonBody = dict[str, Any]
Params = Mapping[str, str | int]


def segment(value: str) -> str:
    """Quote one path segment (ids come from users and state files)."""
    return quote(str(value), safe="")


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to retry. ``sleep`` is injectable so tests need not wait."""

    max_retries: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 20.0
    #: A longer ``Retry-After`` is cut to this, so a bad header cannot stall a deployment.
    max_retry_after: float = 60.0
    #: Connection failures are not retried once a call is this old (see the module docstring).
    connect_give_up: float = CONNECT_GIVE_UP_SECONDS
    sleep: Callable[[float], None] = time.sleep


class _Wait(wait_base):
    """Exponential backoff with jitter; for a 429, at least the server's ``Retry-After``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._backoff = wait_exponential_jitter(
            multiplier=policy.initial_backoff,
            max=policy.max_backoff,
            jitter=policy.initial_backoff,
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        backoff = self._backoff(retry_state)
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(error, RateLimited):
            if error.retry_after is None:
                # Exotel's 429 is undocumented; without a hint, back off harder than for a
                # 5xx, since the limit is counted per minute.
                return min(backoff * 4, self._policy.max_backoff)
            # Jitter on top so that threads told the same Retry-After do not stampede.
            jitter = random.uniform(0, self._policy.initial_backoff)
            return min(error.retry_after, self._policy.max_retry_after) + jitter
        return backoff


class _GiveUpUnreachable(stop_base):
    """Stop retrying a connection failure once the call is ``seconds`` old (with the next wait)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def __call__(self, retry_state: RetryCallState) -> bool:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        if not isinstance(error, Unreachable):
            return False
        upcoming = float(getattr(retry_state, "upcoming_sleep", 0.0) or 0.0)
        elapsed = retry_state.seconds_since_start or 0.0
        return elapsed + upcoming >= self._seconds


def _retryable(error: BaseException, *, ambiguous_ok: bool) -> bool:
    if isinstance(error, RateLimited):
        return True
    if isinstance(error, ServerError | TransportError):
        return ambiguous_ok
    return False


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _scrub(text: str | None, secrets: tuple[str, ...]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class HttpOptions(TypedDict, total=False):
    """``HttpCore``'s keyword arguments, which ``ExotelClient`` passes through as they are."""

    transport: httpx.BaseTransport | None
    retry_policy: RetryPolicy | None
    limiter: RequestLimiter | None


class HttpCore:
    """One httpx client plus the shared limiter and the retry policy. Thread-safe."""

    def __init__(
        self,
        settings: ExotelSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        limiter: RequestLimiter | None = None,
    ) -> None:
        self.api_root = settings.api_root
        token = settings.api_token.get_secret_value()
        # Kept only to scrub error text; never logged or shown.
        self._secrets = (token,)
        self._policy = retry_policy or RetryPolicy(max_retries=settings.max_retries)
        self._limiter = limiter or RequestLimiter.shared(
            settings.api_root,
            settings.rate_limit_per_minute,
            settings.max_concurrency,
            settings.store_location,
        )
        self._http = httpx.Client(
            base_url=self.api_root + "/",
            auth=httpx.BasicAuth(settings.api_key, token),
            headers={"Accept": "application/json", "User-Agent": "pulumi-exotel"},
            timeout=httpx.Timeout(
                settings.timeout_seconds,
                connect=min(settings.timeout_seconds, CONNECT_TIMEOUT_SECONDS),
            ),
            limits=httpx.Limits(max_connections=settings.max_concurrency),
            transport=transport,
            follow_redirects=False,
        )
        self.listings = SharedListings()
        url = self._http.base_url
        port = url.port or (443 if url.scheme == "https" else 80)
        #: ``host:port`` requests go to, for messages about a connection that failed.
        self.address = f"{url.host}:{port}"

    def __repr__(self) -> str:
        return f"HttpCore({self.api_root!r})"

    @property
    def limiter(self) -> RequestLimiter:
        return self._limiter

    def close(self) -> None:
        self._http.close()

    # --- one attempt ------------------------------------------------------------------------

    def _attempt(
        self, method: str, path: str, params: Params | None, body: RequestBody | None
    ) -> JsonBody:
        if method == "GET":
            return self._send(method, path, params, body)
        # A write makes every shared listing stale, including one fetched while it ran.
        self.listings.invalidate()
        try:
            return self._send(method, path, params, body)
        finally:
            self.listings.invalidate()

    def _send(
        self, method: str, path: str, params: Params | None, body: RequestBody | None
    ) -> JsonBody:
        secrets = self._secrets + tuple(body.secrets() if body is not None else ())
        with self._limiter.slot():
            try:
                response = self._http.request(
                    method,
                    path,
                    params=dict(params) if params else None,
                    json=body.body() if body is not None else None,
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                detail = _scrub(str(exc), secrets) or type(exc).__name__
                raise Unreachable(
                    f"{method} {path}: cannot connect to {self.address} "
                    f"({type(exc).__name__}: {detail})",
                    self.address,
                ) from exc
            except httpx.HTTPError as exc:
                detail = _scrub(str(exc), secrets) or type(exc).__name__
                raise TransportError(
                    f"{method} {path}: no response from Exotel ({type(exc).__name__}: {detail})"
                ) from exc
        return self.unwrap(response, secrets)

    def unwrap(self, response: httpx.Response, secrets: tuple[str, ...] = ()) -> JsonBody:
        """Return the JSON body of a successful response, or raise the matching ``ApiError``.

        This is the only place responses are judged. A failed batch item raises
        ``BatchItemError`` (also an instance of the class for its Exotel code).
        """
        secrets = secrets or self._secrets
        status = response.status_code
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        head = body if isinstance(body, dict) else {}
        request_id = head.get("request_id") or response.headers.get("x-request-id")
        request_id = str(request_id) if request_id is not None else None
        payload = head.get("response")
        retry_after = _retry_after(response.headers.get("retry-after"))

        if isinstance(payload, dict):
            item = self._item(payload, status, request_id)
            if item.ok and status < 400:
                return head
            raise self._item_failure(item, status, request_id, retry_after, secrets)

        if isinstance(payload, list):
            items = [self._item(p, status, request_id) for p in payload]
            for index, entry in enumerate(items):
                if not entry.ok:
                    data = entry.error_data
                    raise item_error(
                        data.code if data else None,
                        entry.code,
                        _scrub(data.message if data else "", secrets) or "request failed",
                        _scrub(data.description if data else None, secrets),
                        request_id,
                        http_status=status,
                        index=index,
                    )
            if status < 400:
                return head

        if 200 <= status < 300:
            # Undocumented PUT/DELETE answers may carry no envelope; the call still succeeded.
            return head

        cls = error_class_for(None, status)
        message = str(head.get("message") or response.reason_phrase or f"HTTP {status}")
        description = head.get("description") or head.get("detail")
        raise self._build(
            cls,
            status,
            None,
            _scrub(message, secrets) or "",
            _scrub(str(description) if description else None, secrets),
            request_id,
            retry_after,
        )

    @staticmethod
    def _item(payload: Any, status: int, request_id: str | None) -> ResponseItem[Any]:
        try:
            return ResponseItem[Any].model_validate(payload)
        except ValidationError as exc:
            raise _unexpected(status, request_id, exc) from None

    def _item_failure(
        self,
        item: ResponseItem[Any],
        status: int,
        request_id: str | None,
        retry_after: float | None,
        secrets: tuple[str, ...],
    ) -> ApiError:
        data = item.error_data
        code = data.code if data else None
        if 429 in (status, item.code):
            judged = 429
        elif status >= 500:
            judged = status
        else:
            judged = item.code if item.code >= 400 else status
        cls = error_class_for(code, judged)
        message = (data.message if data else "") or f"request failed (code {item.code})"
        return self._build(
            cls,
            status,
            code if code is not None else item.code,
            _scrub(message, secrets) or "",
            _scrub(data.description if data else None, secrets),
            request_id,
            retry_after,
        )

    @staticmethod
    def _build(
        cls: type[ApiError],
        status: int,
        code: int | None,
        message: str,
        description: str | None,
        request_id: str | None,
        retry_after: float | None,
    ) -> ApiError:
        if issubclass(cls, RateLimited):
            return cls(status, code, message, description, request_id, retry_after=retry_after)
        return cls(status, code, message, description, request_id)

    # --- retrying calls ---------------------------------------------------------------------

    def _retrying(self, *, ambiguous_ok: bool) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self._policy.max_retries + 1)
            | _GiveUpUnreachable(self._policy.connect_give_up),
            wait=_Wait(self._policy),
            retry=retry_if_exception(lambda e: _retryable(e, ambiguous_ok=ambiguous_ok)),
            sleep=self._policy.sleep,
            before_sleep=_log_retry,
            reraise=True,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: RequestBody | None = None,
        idempotent: bool,
        missing_ok_after_loss: bool = False,
    ) -> JsonBody | None:
        """Send with retries. ``idempotent`` allows retrying 5xx and transport errors.

        With ``missing_ok_after_loss`` (DELETE), a ``NotFound`` after an attempt whose outcome
        is unknown means the earlier attempt did the work: return ``None``.
        """
        outcome_unknown = False
        for attempt in self._retrying(ambiguous_ok=idempotent):
            with attempt:
                try:
                    return self._attempt(method, path, params, body)
                except Unreachable:
                    raise  # never sent: the outcome is known
                except (ServerError, TransportError):
                    outcome_unknown = True
                    raise
                except NotFound:
                    if missing_ok_after_loss and outcome_unknown:
                        log.info("%s %s: gone after a lost attempt; treating as done", method, path)
                        return None
                    raise
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def create(
        self,
        path: str,
        body: RequestBody,
        parse: Callable[[JsonBody], T],
        lookup: Callable[[], T | None],
    ) -> T:
        """POST a new object, safe to retry.

        After an attempt whose outcome is unknown (5xx, transport error, lost response) the
        object is looked up by its natural key (``lookup``) before posting again; if it exists,
        that attempt created it. A 1008 after such an attempt adopts the existing object too.
        A 1008 with no earlier unknown outcome is someone else's object: ``Duplicate`` is raised.
        If the lookup itself cannot get an answer (5xx, 429, transport error after its own
        retries), the POST is sent again: a 1008 then still identifies the object.
        """
        outcome_unknown = False
        duplicate: Duplicate | None = None
        for attempt in self._retrying(ambiguous_ok=True):
            if outcome_unknown:
                # Outside the attempt, so a lookup error is not retried again by this loop
                # (the lookup has its own retries).
                found = _lookup_or_none(lookup, path)
                if found is not None:
                    log.info("POST %s: found the object after a lost attempt; adopting it", path)
                    return found
            with attempt:
                try:
                    return parse(self._attempt("POST", path, None, body))
                except Unreachable:
                    raise  # never sent: nothing to look up before the next attempt
                except (ServerError, TransportError):
                    outcome_unknown = True
                    _note_unsure_create(path)
                    raise
                except Duplicate as exc:
                    if not outcome_unknown:
                        raise
                    duplicate = exc
            if duplicate is not None:
                break
        if duplicate is None:  # pragma: no cover
            raise AssertionError("unreachable: tenacity re-raises the last error")
        found = lookup()
        if found is None:
            raise duplicate
        log.info("POST %s: duplicate after a lost attempt; adopting the existing object", path)
        return found

    # --- parsing ----------------------------------------------------------------------------

    def one(self, body: JsonBody, model: type[ModelT]) -> ModelT | None:
        """``data`` of a single envelope, or None if the answer carried none."""
        if not isinstance(body.get("response"), dict):
            return None
        envelope: SingleEnvelope[Any] = _validate(SingleEnvelope[model], body)  # type: ignore[valid-type]
        data = envelope.response.data
        return data if isinstance(data, model) else None

    def batch(self, body: JsonBody, model: type[ModelT]) -> list[ModelT]:
        """The ``data`` of every item of a batch envelope (failures were raised by unwrap)."""
        envelope: BatchEnvelope[Any] = _validate(BatchEnvelope[model], body)  # type: ignore[valid-type]
        return [i.data for i in envelope.response if isinstance(i.data, model)]

    def list_all(
        self,
        path: str,
        model: type[ModelT],
        params: Params | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_items: int = MAX_LIST_ITEMS,
        max_age: float = 0.0,
    ) -> list[ModelT]:
        """Every item of a listing, paging by ``offset``/``page_size`` until
        ``next_page_uri`` is null. With ``max_age`` > 0 a listing fetched at most that many
        seconds ago (and after this client's last write) is shared (see ``listings``)."""
        key = (path, tuple(sorted((params or {}).items())), model.__name__, page_size)
        return self.listings.get(
            key, max_age, lambda: self._list_pages(path, model, params, page_size, max_items)
        )

    def _list_pages(
        self,
        path: str,
        model: type[ModelT],
        params: Params | None,
        page_size: int,
        max_items: int,
    ) -> list[ModelT]:
        found: list[ModelT] = []
        offset = 0
        while True:
            query: dict[str, str | int] = dict(params or {})
            query.update(offset=offset, page_size=page_size)
            body = self.request("GET", path, params=query, idempotent=True) or {}
            if not isinstance(body.get("response"), list):
                # An undocumented single-object answer to a listing: take its data if any.
                single = self.one(body, model) if body else None
                return found + ([single] if single is not None else [])
            envelope: ListEnvelope[Any] = _validate(ListEnvelope[model], body)  # type: ignore[valid-type]
            found.extend(i.data for i in envelope.response if isinstance(i.data, model))
            meta = envelope.metadata
            if meta is None or not meta.next_page_uri or not envelope.response:
                return found
            offset += len(envelope.response)
            if len(found) >= max_items:
                raise ExotelError(
                    f"GET {path}: more than {max_items} items and Exotel keeps offering another "
                    "page; stopping"
                )


_unsure = threading.local()


@contextmanager
def unsure_creates() -> Iterator[list[str]]:
    """Collect the paths of the creates made in this thread inside the block that had an
    attempt with an unknown outcome (5xx, transport error, lost response).

    Such a create may still be applied by the server after the client moved on (a late write):
    where Exotel appends repeats instead of refusing them, the caller must look again later
    (the resources journal it and settle it on the next run).
    """
    seen: list[str] = []
    outer: list[str] | None = getattr(_unsure, "seen", None)
    _unsure.seen = seen
    try:
        yield seen
    finally:
        _unsure.seen = outer
        if outer is not None:
            outer.extend(seen)


def _note_unsure_create(path: str) -> None:
    seen: list[str] | None = getattr(_unsure, "seen", None)
    if seen is not None:
        seen.append(path)


def _lookup_or_none(lookup: Callable[[], T | None], path: str) -> T | None:
    try:
        return lookup()
    except (ServerError, RateLimited, TransportError) as exc:
        log.warning("POST %s: could not look for the object (%s); posting again", path, exc)
        return None


def _validate(model: type[ModelT], body: JsonBody) -> ModelT:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        request_id = body.get("request_id")
        raise _unexpected(200, str(request_id) if request_id else None, exc) from None


def _unexpected(status: int, request_id: str | None, exc: ValidationError) -> ApiError:
    # Field locations only: pydantic's own text would echo the response values.
    where = "; ".join(
        ".".join(str(p) for p in err["loc"]) + f": {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False)[:3]
    )
    return ApiError(status, None, "Unexpected response shape from Exotel", where, request_id)


def _log_retry(retry_state: RetryCallState) -> None:
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
    log.info(
        "retrying after %s (attempt %d) in %.2fs: %s",
        type(error).__name__,
        retry_state.attempt_number,
        wait,
        error,
    )
