"""The client's HTTP behaviour against a scripted fake Exotel (``httpx.MockTransport``).

Covers the envelope choke point (success read from the body, errors mapped by code), the
retry rules (what is retried, what never is, Retry-After), idempotent creates and deletes after
lost answers, paging, and that the token and passwords never reach error text.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from pulumi_exotel.client import (
    ApiError,
    AuthFailed,
    BatchItemError,
    Duplicate,
    ExotelClient,
    ExotelError,
    Forbidden,
    InvalidParameter,
    InvalidRequestBody,
    MissingParameter,
    NotFound,
    RateLimited,
    RequestLimiter,
    RetryPolicy,
    ServerError,
    TransportError,
    UnsupportedContentType,
)
from pulumi_exotel.config import ExotelSettings
from tests.unit.envelopes import RID, SID, batch, error_body, failed_item, ok_item, single

pytestmark = pytest.mark.unit

TOKEN = "tok_SECRET_9f8e7d"

Handler = Callable[[httpx.Request], httpx.Response]


# --- envelope builders (the shapes of REF) -----------------------------------


def listing(items: list[dict[str, Any]], next_uri: str | None = None) -> dict[str, Any]:
    return {
        "request_id": RID,
        "method": "GET",
        "http_code": 200,
        "metadata": {
            "page_size": 50,
            "first_page_uri": "/v2/accounts/acct1/trunks?offset=0&page_size=50",
            "prev_page_uri": None,
            "next_page_uri": next_uri,
        },
        "response": [ok_item(item) for item in items],
    }


def trunk(name: str = "prod_trunk", sid: str = SID) -> dict[str, Any]:
    return {
        "trunk_sid": sid,
        "trunk_name": name,
        "domain_name": "acct1.pstn.exotel.com",
        "nso_code": "ANY-ANY",
        "status": "active",
        "auth_type": "IP-WHITELIST",
        "date_created": "2026-01-23T10:15:30Z",
        "date_updated": "2026-01-23T10:15:30Z",
    }


def mapping(number: str = "+919876543210", mode: str | None = None) -> dict[str, Any]:
    return {"id": "41512", "phone_number": number, "trunk_sid": SID, "mode": mode}


MAPPINGS = f"trunks/{SID}/phone-numbers"
MAPPING_EXISTS = error_body(409, 1008, "Duplicate resource", "Unable to create DidTrunkMapping")


# --- fake Exotel -----------------------------------------------------------------------------


@dataclass
class Fake:
    """Answers requests from a script: a list of responses (or exceptions) per method+path."""

    script: dict[str, list[httpx.Response | Exception | Handler]] = field(default_factory=dict)
    seen: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *answers: httpx.Response | Exception | Handler) -> None:
        self.script.setdefault(f"{method} {path}", []).extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        suffix = request.url.path.split("/v2/accounts/acct1/", 1)[-1]
        queue = self.script.get(f"{request.method} {suffix}")
        if not queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def count(self, method: str, path: str) -> int:
        return sum(
            1 for r in self.seen if r.method == method and r.url.path.endswith("/acct1/" + path)
        )


@dataclass
class Sleeps:
    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake() -> Fake:
    return Fake()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(fake: Fake, sleeps: Sleeps) -> ExotelClient:
    settings = ExotelSettings(
        api_key="key1", api_token=TOKEN, account_sid="acct1", base_url="https://exotel.test"
    )
    return ExotelClient(
        settings,
        transport=httpx.MockTransport(fake),
        retry_policy=RetryPolicy(max_retries=3, sleep=sleeps),
        limiter=RequestLimiter(10_000, 50),
    )


def ok(body: dict[str, Any], status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def lost(request_text: str = "Server disconnected without sending a response.") -> Exception:
    return httpx.RemoteProtocolError(request_text)


# --- requests on the wire --------------------------------------------------------------------


def test_create_trunk_sends_basic_auth_json_and_default_domain(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("POST", "trunks", ok(single(trunk())))

    created = client.create_trunk("prod_trunk")

    assert created.trunk_sid == SID
    request = fake.seen[0]
    assert request.headers["content-type"] == "application/json"
    expected = base64.b64encode(f"key1:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert json.loads(request.content) == {
        "trunk_name": "prod_trunk",
        "nso_code": "ANY-ANY",
        "domain_name": "acct1.pstn.exotel.com",
    }


def test_update_phone_mapping_puts_id_in_path_and_sends_number_and_mode(
    client: ExotelClient, fake: Fake
) -> None:
    path = f"trunks/{SID}/phone-numbers/41512"
    fake.on("PUT", path, ok(single(mapping(mode="flow"), method="PUT")))

    updated = client.update_phone_mapping(SID, "41512", phone_number="+919876543210", mode="flow")

    assert updated.mode == "flow"
    assert json.loads(fake.seen[0].content) == {"phone_number": "+919876543210", "mode": "flow"}


@pytest.mark.parametrize(
    ("call", "path", "query"),
    [
        (lambda c: c.delete_trunk(SID), "trunks", {"trunk_sid": SID}),
        (
            lambda c: c.delete_phone_mapping(SID, "41512"),
            MAPPINGS,
            {"id": "41512"},
        ),
        (
            lambda c: c.delete_whitelisted_ip(SID, "1153"),
            f"trunks/{SID}/whitelisted-ips",
            {"id": "1153"},
        ),
        (
            lambda c: c.delete_destination_uri(SID, "2543"),
            f"trunks/{SID}/destination-uris",
            {"id": "2543"},
        ),
        (
            lambda c: c.delete_digest_credential(SID, "1234"),
            f"trunks/{SID}/credentials",
            {"id": "1234"},
        ),
        (
            lambda c: c.delete_trunk_setting(SID, "trunk_external_alias"),
            f"trunks/{SID}/settings",
            {"name": "trunk_external_alias"},
        ),
    ],
)
def test_deletes_name_the_object_in_the_query(
    client: ExotelClient,
    fake: Fake,
    call: Callable[[ExotelClient], None],
    path: str,
    query: dict[str, str],
) -> None:
    fake.on("DELETE", path, ok(single(None, method="DELETE")))

    call(client)

    request = fake.seen[0]
    assert dict(request.url.params) == query
    assert request.content == b""


# --- success is read from the body ---------------------------------------------------------


def test_duplicate_inside_http_200_raises_duplicate_and_is_not_retried(
    client: ExotelClient, fake: Fake
) -> None:
    body = error_body(
        409, 1008, "Duplicate resource", "Unable to create trunk with name prod_trunk"
    )
    fake.on("POST", "trunks", ok(body, 200))

    with pytest.raises(Duplicate) as info:
        client.create_trunk("prod_trunk")

    assert info.value.http_status == 200
    assert info.value.code == 1008
    assert info.value.request_id == RID
    assert "Unable to create trunk with name prod_trunk" in str(info.value)
    assert fake.count("POST", "trunks") == 1
    assert fake.count("GET", "trunks") == 0  # no adoption on a first-attempt duplicate


@pytest.mark.parametrize(
    ("http_status", "body_code", "code", "message", "expected"),
    [
        (404, 404, 1000, "Not Found", NotFound),
        (400, 400, 1001, "Mandatory Parameter missing", MissingParameter),
        (400, 400, 1002, "Invalid parameter", InvalidParameter),
        (403, 403, 1003, "Authorization failed", Forbidden),
        (400, 400, 1007, "Invalid request body,failed parsing ", InvalidRequestBody),
        (409, 409, 1008, "Duplicate resource", Duplicate),
        (401, 401, 1010, "Authorization failed", AuthFailed),
        (415, 415, 1011, "unsupported content type", UnsupportedContentType),
        (429, 429, 1030, "Too many requests", RateLimited),
        (503, 503, 1050, "Service unavailable", ServerError),
        (400, 400, 4242, "Something new", ApiError),
    ],
)
def test_error_envelopes_map_to_one_class_per_code(
    client: ExotelClient,
    fake: Fake,
    http_status: int,
    body_code: int,
    code: int,
    message: str,
    expected: type[ApiError],
) -> None:
    fake.on("PUT", f"trunks/{SID}", ok(error_body(body_code, code, message, "why"), http_status))

    with pytest.raises(expected) as info:
        client.update_trunk(SID, trunk_name="renamed")

    assert type(info.value) is expected
    assert (info.value.http_status, info.value.code) == (http_status, code)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, AuthFailed),
        (403, Forbidden),
        (404, NotFound),
        (415, UnsupportedContentType),
        (502, ServerError),
        (418, ApiError),
    ],
)
def test_answers_without_an_envelope_map_by_http_status(
    client: ExotelClient, fake: Fake, status: int, expected: type[ApiError]
) -> None:
    fake.on("GET", "trunks", httpx.Response(status, text="<html>nope</html>"))

    with pytest.raises(expected) as info:
        client.list_trunks()

    assert type(info.value) is expected
    assert info.value.http_status == status


def test_a_failed_batch_item_raises_batch_item_error_that_is_also_invalid_parameter(
    client: ExotelClient, fake: Fake
) -> None:
    body = batch(
        [failed_item(400, 1002, "Invalid parameter", "Destination not whitelisted")],
        http_code=207,
    )
    fake.on("POST", f"trunks/{SID}/destination-uris", ok(body, 207))

    with pytest.raises(BatchItemError) as info:
        client.create_destination_uri(SID, "44.248.146.11:5061;transport=tls")

    assert isinstance(info.value, InvalidParameter)
    assert info.value.index == 0
    assert info.value.http_status == 207
    assert "Destination not whitelisted" in str(info.value)
    assert fake.count("POST", f"trunks/{SID}/destination-uris") == 1


def test_a_successful_batch_of_one_returns_that_item(client: ExotelClient, fake: Fake) -> None:
    item = {
        "id": "2543",
        "destination": "sip:sbc.example.com:5061;transport=tls",
        "type": "public",
        "priority": 0,
        "weight": 1,
        "trunk_sid": SID,
    }
    body = batch([ok_item(item)])
    fake.on("POST", f"trunks/{SID}/destination-uris", ok(body))

    created = client.create_destination_uri(SID, "sbc.example.com:5061;transport=tls")

    assert created.id == "2543"
    assert created.normalized == "sbc.example.com:5061;transport=tls"
    assert json.loads(fake.seen[0].content) == {
        "destinations": [{"destination": "sbc.example.com:5061;transport=tls"}]
    }


# --- retries -------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_the_servers_retry_after(
    client: ExotelClient, fake: Fake, sleeps: Sleeps
) -> None:
    limited = error_body(429, 1030, "Too many requests", "rate limit")
    fake.on("POST", "trunks", ok(limited, 429, **{"Retry-After": "3"}), ok(single(trunk())))

    created = client.create_trunk("prod_trunk")

    assert created.trunk_name == "prod_trunk"
    assert fake.count("POST", "trunks") == 2
    assert fake.count("GET", "trunks") == 0  # a 429 was not applied: nothing to look up
    assert len(sleeps.calls) == 1 and sleeps.calls[0] >= 3


def test_rate_limit_that_never_ends_surfaces_with_retry_after(
    client: ExotelClient, fake: Fake, sleeps: Sleeps
) -> None:
    fake.on("GET", "trunks", httpx.Response(429, headers={"Retry-After": "2"}))

    with pytest.raises(RateLimited) as info:
        client.list_trunks()

    assert info.value.retry_after == 2
    assert fake.count("GET", "trunks") == 4  # 1 + max_retries
    assert len(sleeps.calls) == 3


def test_rate_limit_without_retry_after_backs_off_longer_than_a_server_error(
    client: ExotelClient, fake: Fake, sleeps: Sleeps
) -> None:
    fake.on("GET", "trunks", httpx.Response(429), ok(listing([])))
    fake.on("PUT", f"trunks/{SID}", httpx.Response(500), ok(single(trunk(), method="PUT")))

    client.list_trunks()
    client.update_trunk(SID, trunk_name="prod_trunk")

    after_429, after_500 = sleeps.calls
    assert after_429 >= 2 * after_500


def test_server_error_on_get_is_retried_with_growing_backoff(
    client: ExotelClient, fake: Fake, sleeps: Sleeps
) -> None:
    boom = ok(error_body(500, 1050, "Internal error", "boom"), 500)
    fake.on("GET", "trunks", boom, boom, ok(listing([trunk()])))

    found = client.list_trunks()

    assert [t.trunk_sid for t in found] == [SID]
    assert fake.count("GET", "trunks") == 3
    assert 0 < sleeps.calls[0] < sleeps.calls[1]


def test_transport_error_on_put_is_retried(client: ExotelClient, fake: Fake) -> None:
    fake.on(
        "PUT",
        f"trunks/{SID}",
        httpx.ConnectTimeout("timed out"),
        ok(single(trunk("renamed"), method="PUT")),
    )

    updated = client.update_trunk(SID, trunk_name="renamed")

    assert updated.trunk_name == "renamed"


def test_transport_errors_that_persist_surface_as_transport_error(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("GET", "trunks", httpx.ConnectError("connection refused"))

    with pytest.raises(TransportError) as info:
        client.list_trunks()

    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert fake.count("GET", "trunks") == 4


@pytest.mark.parametrize(
    ("code", "body_code"), [(1001, 400), (1002, 400), (1007, 400), (1008, 409), (1011, 415)]
)
def test_client_errors_are_never_retried(
    client: ExotelClient, fake: Fake, sleeps: Sleeps, code: int, body_code: int
) -> None:
    fake.on("PUT", f"trunks/{SID}", ok(error_body(body_code, code, "no", "no"), body_code))

    with pytest.raises(ApiError):
        client.update_trunk(SID, trunk_name="x")

    assert fake.count("PUT", f"trunks/{SID}") == 1
    assert sleeps.calls == []


# --- idempotent creates --------------------------------------------------------------------


def test_create_after_a_server_error_adopts_the_object_the_first_attempt_made(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("POST", "trunks", ok(error_body(500, 1050, "Internal error", "boom"), 500))
    fake.on(
        "GET", "trunks", ok(listing([trunk("other", "trmum1aaaaaaaaaaaaaaaaaaa1a1n"), trunk()]))
    )

    created = client.create_trunk("prod_trunk")

    assert created.trunk_sid == SID
    assert fake.count("POST", "trunks") == 1


def test_create_after_a_server_error_posts_again_when_nothing_was_made(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on(
        "POST", "trunks", ok(error_body(502, 1050, "Bad gateway", "boom"), 502), ok(single(trunk()))
    )
    fake.on("GET", "trunks", ok(listing([])))

    created = client.create_trunk("prod_trunk")

    assert created.trunk_sid == SID
    assert fake.count("POST", "trunks") == 2
    assert fake.count("GET", "trunks") == 1


def test_duplicate_on_a_retry_after_a_lost_response_adopts_the_existing_object(
    client: ExotelClient, fake: Fake
) -> None:
    # The lookup races the lost write (not visible yet), the re-POST then hits 1008.
    dup = error_body(
        409, 1008, "Duplicate resource", "Unable to Whitelist-ip with ip 44.248.146.10"
    )
    entry = {"id": "721", "ip": "44.248.146.10", "mask": 32, "trunk_sid": SID}
    path = f"trunks/{SID}/whitelisted-ips"
    fake.on("POST", path, lost(), ok(dup, 200))
    fake.on("GET", path, ok(listing([])), ok(listing([entry])))

    created = client.create_whitelisted_ip(SID, "44.248.146.10")

    assert created.id == "721"
    assert fake.count("POST", path) == 2


def test_duplicate_after_only_rate_limits_is_someone_elses_object(
    client: ExotelClient, fake: Fake
) -> None:
    retry_at_once = httpx.Response(429, headers={"Retry-After": "0"})
    fake.on("POST", MAPPINGS, retry_at_once, ok(MAPPING_EXISTS, 200))

    with pytest.raises(Duplicate):
        client.create_phone_mapping(SID, "+919876543210")

    assert fake.count("GET", MAPPINGS) == 0


def test_create_posts_again_when_the_lookup_cannot_answer_and_adopts_on_1008(
    client: ExotelClient, fake: Fake
) -> None:
    down = ok(error_body(503, 1050, "Service Unavailable", "down"), 503)
    fake.on("POST", MAPPINGS, lost(), ok(MAPPING_EXISTS, 200))
    fake.on("GET", MAPPINGS, down, down, down, down, ok(listing([mapping()])))

    created = client.create_phone_mapping(SID, "+919876543210")

    assert created.id == "41512"
    assert fake.count("POST", MAPPINGS) == 2
    assert fake.count("GET", MAPPINGS) == 5  # a failed lookup (1 + 3 retries), then the adoption


def test_create_does_not_swallow_a_failing_lookup(client: ExotelClient, fake: Fake) -> None:
    fake.on("POST", "trunks", lost())
    fake.on("GET", "trunks", ok(error_body(401, 1010, "Authorization failed", "bad token"), 401))

    with pytest.raises(AuthFailed):
        client.create_trunk("prod_trunk")

    assert fake.count("POST", "trunks") == 1
    assert fake.count("GET", "trunks") == 1


# --- deletes -------------------------------------------------------------------------------


def test_delete_of_a_missing_id_raises_not_found(client: ExotelClient, fake: Fake) -> None:
    path = f"trunks/{SID}/whitelisted-ips"
    fake.on("DELETE", path, ok(error_body(404, 1000, "Not Found", "Not Found"), 404))

    with pytest.raises(NotFound):
        client.delete_whitelisted_ip(SID, "999")


def test_delete_whose_answer_was_lost_succeeds_when_the_retry_finds_it_gone(
    client: ExotelClient, fake: Fake
) -> None:
    path = f"trunks/{SID}/destination-uris"
    fake.on("DELETE", path, lost(), ok(error_body(404, 1000, "Not Found", "Not Found"), 404))

    client.delete_destination_uri(SID, "2543")

    assert fake.count("DELETE", path) == 2


# --- reads ---------------------------------------------------------------------------------


def test_listing_follows_next_page_uri_by_offset(client: ExotelClient, fake: Fake) -> None:
    page1 = listing([mapping(f"+9198765432{i:02d}") for i in range(50)], next_uri="/next")
    page2 = listing([mapping(f"+9198765433{i:02d}") for i in range(7)])
    fake.on("GET", MAPPINGS, ok(page1), ok(page2))

    found = client.list_phone_mappings(SID)

    assert len(found) == 57
    offsets = [r.url.params["offset"] for r in fake.seen]
    assert offsets == ["0", "50"]
    assert all(r.url.params["page_size"] == "50" for r in fake.seen)


def test_listing_that_never_ends_is_stopped(client: ExotelClient, fake: Fake) -> None:
    path = f"trunks/{SID}/credentials"
    endless = listing([{"id": str(i), "user_name": f"u{i}"} for i in range(50)], next_uri="/again")
    fake.on("GET", path, ok(endless))

    with pytest.raises(ExotelError, match="keeps offering another page"):
        client.list_digest_credentials(SID)

    assert len(fake.seen) == 100  # 5000 items / 50


def test_list_without_metadata_is_one_page(client: ExotelClient, fake: Fake) -> None:
    path = f"trunks/{SID}/credentials"
    fake.on("GET", path, ok({"request_id": RID, "http_code": 200, "response": []}))

    assert client.list_digest_credentials(SID) == []


def test_get_trunk_uses_the_filter_and_raises_not_found_for_an_empty_list(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("GET", "trunks", ok(listing([])))

    with pytest.raises(NotFound):
        client.get_trunk(SID)

    assert fake.seen[0].url.params["trunk_sid"] == SID


def test_find_helpers_return_none_when_absent_and_match_natural_keys(
    client: ExotelClient, fake: Fake
) -> None:
    dest = {"id": "2544", "destination": "sip:SBC.Example.com:5061;transport=tls"}
    fake.on("GET", f"trunks/{SID}/destination-uris", ok(listing([dest])))
    fake.on("GET", "trunks", ok(listing([trunk("alpha")])))

    assert client.find_destination_uri(SID, "sbc.example.com:5061;transport=tls") is not None
    assert client.find_destination_uri(SID, "other.example.com:5061;transport=tls") is None
    assert client.find_trunk("alpha") is not None
    assert client.find_trunk("beta") is None


def test_update_without_data_in_the_answer_reads_the_trunk_back(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("PUT", f"trunks/{SID}", httpx.Response(200))
    fake.on("GET", "trunks", ok(listing([trunk("renamed")])))

    assert client.update_trunk(SID, trunk_name="renamed").trunk_name == "renamed"


def test_unexpected_success_shape_is_an_api_error_not_a_crash(
    client: ExotelClient, fake: Fake
) -> None:
    fake.on("POST", "trunks", ok(single({"trunk_name": "no sid"})))

    with pytest.raises(ApiError, match="Unexpected response shape"):
        client.create_trunk("prod_trunk")


# --- secrets ---------------------------------------------------------------------------------


def test_token_and_password_never_appear_in_errors_or_reprs(
    client: ExotelClient, fake: Fake
) -> None:
    password = "S3cretDigestPass_x"
    echo = error_body(400, 1002, "Invalid parameter", f"bad password {password} for {TOKEN}")
    fake.on("POST", f"trunks/{SID}/credentials", ok(echo, 400))
    fake.on("GET", "trunks", httpx.ConnectError(f"refused while sending {TOKEN}"))

    with pytest.raises(InvalidParameter) as api_error:
        client.create_digest_credential(SID, "agent_1", password)
    with pytest.raises(TransportError) as transport_error:
        client.list_trunks()

    for text in (
        str(api_error.value),
        repr(api_error.value),
        str(transport_error.value),
        repr(client),
        repr(client.settings),
    ):
        assert password not in text
        assert TOKEN not in text
