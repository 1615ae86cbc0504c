"""The twins' shared parts: the server thread, the request counter, and the body check against
the vendors' SDK types (a TypedDict from Retell's SDK, pydantic models from ElevenLabs')."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pulumi_exotel.twins._server import RequestLog, TwinServer, counted_app, shape_problems

pytestmark = pytest.mark.unit

retell_types = pytest.importorskip("retell.types.phone_number_import_params")
el_types = pytest.importorskip(
    "elevenlabs.conversational_ai.phone_numbers.types.phone_numbers_create_request_body"
)


def test_server_counts_api_requests_by_route_not_control_ones() -> None:
    async def get_item(request: Request) -> Response:
        return JSONResponse({"id": request.path_params["item"]})

    log = RequestLog()
    twin = TwinServer(counted_app([Route("/items/{item}", get_item)], log), name="toy").start()
    try:
        with httpx.Client(base_url=twin.base_url) as http:
            assert http.get("/items/a").json() == {"id": "a"}
            http.get("/items/b")
            http.get("/nowhere")
            stats = http.get("/_twin/stats").json()
            log = stats.pop("log")
            assert stats == {
                "total": 3,
                "by_route": {"GET /items/{item}": 2, "GET (unmatched)": 1},
            }
            assert [e["path"] for e in log] == ["/items/a", "/items/b", "/nowhere"]
            assert [e["at"] for e in log] == sorted(e["at"] for e in log)
            http.post("/_twin/stats/reset")
            assert http.get("/_twin/stats").json()["total"] == 0
    finally:
        twin.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = twin.base_url


def test_typeddict_required_unknown_and_nested_types() -> None:
    params = retell_types.PhoneNumberImportParams
    good = {
        "phone_number": "+918047091234",
        "termination_uri": "in.voip.exotel.com:443",
        "inbound_agents": [{"agent_id": "a", "weight": 1}],
        "transport": None,
    }
    assert shape_problems(params, good) == []
    assert shape_problems(params, {**good, "sip_password": "x"}) == [
        "body.sip_password: is not a field of PhoneNumberImportParams"
    ]
    assert shape_problems(params, {"inbound_agents": [{"weight": "1"}]}) == [
        "body.phone_number: is required",
        "body.termination_uri: is required",
        "body.inbound_agents.0.agent_id: is required",
        "body.inbound_agents.0.weight: must be float",
    ]


def test_pydantic_models_nested_unknown_field_and_no_values_in_messages() -> None:
    body = {
        "provider": "sip_trunk",
        "phone_number": "+918047091234",
        "label": "l",
        "outbound_trunk_config": {
            "address": "in.voip.exotel.com:443",
            "credentials": {"username": "u", "password": "pw-canary", "realm": "r"},
        },
    }
    problems = shape_problems(el_types.PhoneNumbersCreateRequestBody, body)
    assert problems == [
        "body.outbound_trunk_config.credentials.realm: is not a field of "
        "SipTrunkCredentialsRequestModel"
    ]
    wrong = {**body, "outbound_trunk_config": {"credentials": {"password": 5}}}
    problems = shape_problems(el_types.PhoneNumbersCreateRequestBody_SipTrunk, wrong)
    assert "body.outbound_trunk_config.address: is required" in problems
    assert "body.outbound_trunk_config.credentials.password: must be str" in problems
    assert not any("pw-canary" in p for p in problems)
