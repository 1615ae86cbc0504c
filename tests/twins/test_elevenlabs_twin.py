"""The ElevenLabs twin driven by ElevenLabs' own SDK client: request and response shapes are
the vendor's. Raw requests check that the twin refuses what the SDK's types do not declare."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_exotel.twins._server import shape_problems

elevenlabs = pytest.importorskip("elevenlabs")
from elevenlabs.conversational_ai.phone_numbers.types import (  # noqa: E402
    PhoneNumbersCreateRequestBody_Exotel,
    PhoneNumbersCreateRequestBody_SipTrunk,
    PhoneNumbersGetResponse_SipTrunk,
)
from elevenlabs.core.api_error import ApiError  # noqa: E402

from pulumi_exotel.twins.elevenlabs import ElevenLabsTwin  # noqa: E402
from tests.twin_fixtures import twin_fixture  # noqa: E402

pytestmark = pytest.mark.api

KEY = "elevenlabs-test-key"
NUMBER = "+918047091234"
OUTBOUND = {
    "address": "in.voip.exotel.com:443",
    "transport": "tls",
    "credentials": {"username": "agent_1", "password": "pw_canary_1"},
}


server = twin_fixture(lambda: ElevenLabsTwin(KEY))


@pytest.fixture
def numbers(twin: ElevenLabsTwin) -> Any:
    return elevenlabs.ElevenLabs(
        api_key=KEY, base_url=twin.base_url
    ).conversational_ai.phone_numbers


def sip_trunk(**extra: Any) -> Any:
    return PhoneNumbersCreateRequestBody_SipTrunk(
        phone_number=NUMBER,
        label="support",
        outbound_trunk_config=elevenlabs.OutboundSipTrunkConfigRequestModel(**OUTBOUND),
        **extra,
    )


def test_sip_trunk_create_get_update_list_delete_through_the_sdk(
    twin: ElevenLabsTwin, numbers: Any
) -> None:
    made = numbers.create(request=sip_trunk(agent_id="agent_a"))
    got = numbers.get(made.phone_number_id)
    assert got.provider == "sip_trunk" and got.phone_number == NUMBER
    assert got.outbound_trunk.username == "agent_1" and got.outbound_trunk.has_auth_credentials
    assert got.assigned_agent.agent_id == "agent_a"
    assert "pw_canary_1" not in got.json()  # ElevenLabs never returns the password
    assert twin.credential(made.phone_number_id) == ("agent_1", "pw_canary_1")

    rotated = {**OUTBOUND, "credentials": {"username": "agent_2", "password": "pw_2"}}
    updated = numbers.update(
        made.phone_number_id,
        outbound_trunk_config=elevenlabs.OutboundSipTrunkConfigRequestModel(**rotated),
    )
    assert updated.outbound_trunk.username == "agent_2"
    assert updated.label == "support"  # a partial update keeps the rest
    assert twin.credential(made.phone_number_id) == ("agent_2", "pw_2")

    keep = {**OUTBOUND, "credentials": {"username": "agent_2"}}
    numbers.update(
        made.phone_number_id,
        outbound_trunk_config=elevenlabs.OutboundSipTrunkConfigRequestModel(**keep),
    )
    assert twin.credential(made.phone_number_id) == ("agent_2", "pw_2")  # "remain unchanged"

    assert [n.phone_number_id for n in numbers.list()] == [made.phone_number_id]
    numbers.delete(made.phone_number_id)
    with pytest.raises(ApiError) as gone:
        numbers.get(made.phone_number_id)
    assert gone.value.status_code == 404
    assert twin.ids() == []


def test_native_exotel_provider(twin: ElevenLabsTwin, numbers: Any) -> None:
    made = numbers.create(
        request=PhoneNumbersCreateRequestBody_Exotel(
            phone_number=NUMBER,
            label="native",
            account_sid="demo1",
            api_key="key",
            api_token="token_canary",
            api_subdomain="api.in.exotel.com",
            app_id="123456",
        )
    )
    got = numbers.get(made.phone_number_id)
    assert got.provider == "exotel" and "token_canary" not in got.json()
    assert twin.stored(made.phone_number_id)["native"]["api_token"] == "token_canary"
    assert numbers.update(made.phone_number_id, label="renamed").label == "renamed"


def test_answers_fit_the_sdk_response_type_exactly(twin: ElevenLabsTwin, numbers: Any) -> None:
    made = numbers.create(request=sip_trunk())
    raw = httpx.get(
        f"{twin.base_url}/v1/convai/phone-numbers/{made.phone_number_id}",
        headers={"xi-api-key": KEY},
    ).json()
    assert shape_problems(PhoneNumbersGetResponse_SipTrunk, raw) == []


def test_duplicate_number_is_a_conflict_and_wrong_key_refused(
    twin: ElevenLabsTwin, numbers: Any
) -> None:
    numbers.create(request=sip_trunk())
    with pytest.raises(ApiError) as conflict:
        numbers.create(request=sip_trunk())
    assert conflict.value.status_code == 409
    other = elevenlabs.ElevenLabs(api_key="wrong", base_url=twin.base_url)
    with pytest.raises(ApiError) as refused:
        other.conversational_ai.phone_numbers.list()
    assert refused.value.status_code == 401


def _raw(twin: ElevenLabsTwin, method: str, path: str, body: Any) -> httpx.Response:
    return httpx.request(
        method,
        f"{twin.base_url}/v1/convai/phone-numbers{path}",
        json=body,
        headers={"xi-api-key": KEY},
    )


CREATE = {
    "provider": "sip_trunk",
    "phone_number": NUMBER,
    "label": "l",
    "outbound_trunk_config": OUTBOUND,
}


@pytest.mark.parametrize(
    "body",
    [
        {**CREATE, "sip_password": "x"},
        {**CREATE, "outbound_trunk_config": {**OUTBOUND, "realm": "x"}},
        {
            **CREATE,
            "outbound_trunk_config": {**OUTBOUND, "credentials": {"username": "u", "secret": "x"}},
        },
        {
            "provider": "exotel",
            "phone_number": NUMBER,
            "label": "l",
            "account_sid": "a",
            "api_key": "k",
            "api_token": "t",
            "api_subdomain": "api.exotel.com",
            "app_id": "1",
            "outbound_trunk_config": OUTBOUND,
        },
    ],
)
def test_a_create_field_the_sdk_type_does_not_declare_is_refused(
    twin: ElevenLabsTwin, body: dict[str, Any]
) -> None:
    answer = _raw(twin, "POST", "", body)
    assert answer.status_code == 422, answer.text
    assert "is not a field" in answer.text
    assert twin.ids() == []


def test_an_update_field_the_sdk_does_not_send_is_refused(
    twin: ElevenLabsTwin, numbers: Any
) -> None:
    made = numbers.create(request=sip_trunk())
    answer = _raw(twin, "PATCH", f"/{made.phone_number_id}", {"phone_number": "+918047091299"})
    assert answer.status_code == 422 and "is not a field" in answer.text
    answer = _raw(
        twin,
        "PATCH",
        f"/{made.phone_number_id}",
        {"outbound_trunk_config": {**OUTBOUND, "credentials": {"password": "x"}}},
    )
    assert answer.status_code == 422 and "username" in answer.text


def test_missing_required_fields_are_refused(twin: ElevenLabsTwin) -> None:
    answer = _raw(twin, "POST", "", {"provider": "sip_trunk", "phone_number": NUMBER})
    assert answer.status_code == 422
    locs = [tuple(d["loc"]) for d in answer.json()["detail"]]
    assert ("body", "label") in locs
    answer = _raw(twin, "POST", "", {"provider": "vonage", "phone_number": NUMBER, "label": "l"})
    assert answer.status_code == 422 and "provider" in answer.text
