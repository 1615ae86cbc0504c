"""The Retell twin driven by Retell's own SDK client: the request and response shapes are the
vendor's. Raw requests check that the twin refuses what the SDK's types do not declare."""

from __future__ import annotations

import httpx
import pytest

from pulumi_exotel.twins._server import shape_problems

retell = pytest.importorskip("retell")
from retell.types.phone_number_response import PhoneNumberResponse  # noqa: E402

from pulumi_exotel.twins.retell import RetellTwin  # noqa: E402
from tests.twin_fixtures import twin_fixture  # noqa: E402

pytestmark = pytest.mark.api

KEY = "retell-test-key"
NUMBER = "+918047091234"
IMPORT = {
    "phone_number": NUMBER,
    "termination_uri": "in.voip.exotel.com:443",
    "transport": "TLS",
    "sip_trunk_auth_username": "agent_1",
    "sip_trunk_auth_password": "pw_canary_1",
    "nickname": "support",
    "inbound_agents": [{"agent_id": "agent_a", "weight": 1}],
}


server = twin_fixture(lambda: RetellTwin(KEY))


@pytest.fixture
def sdk(twin: RetellTwin) -> retell.Retell:
    return retell.Retell(api_key=KEY, base_url=twin.base_url, max_retries=0)


def test_import_get_update_list_delete_through_the_sdk(
    twin: RetellTwin, sdk: retell.Retell
) -> None:
    made = sdk.phone_number.import_(**IMPORT)
    assert made.phone_number == NUMBER and made.phone_number_type == "custom"
    assert made.sip_outbound_trunk_config is not None
    assert made.sip_outbound_trunk_config.auth_username == "agent_1"
    assert made.inbound_agents is not None and made.inbound_agents[0].agent_id == "agent_a"

    got = sdk.phone_number.retrieve(NUMBER)
    assert got.nickname == "support"
    assert "pw_canary_1" not in got.model_dump_json()  # Retell never returns the password
    assert twin.credential(NUMBER) == ("agent_1", "pw_canary_1")

    updated = sdk.phone_number.update(NUMBER, auth_username="agent_2", auth_password="pw_2")
    assert updated.sip_outbound_trunk_config is not None
    assert updated.sip_outbound_trunk_config.auth_username == "agent_2"
    assert updated.nickname == "support"  # a partial update keeps the rest
    assert twin.credential(NUMBER) == ("agent_2", "pw_2")

    listed = sdk.phone_number.list()
    assert [n.phone_number for n in listed.items] == [NUMBER] and not listed.has_more

    sdk.phone_number.delete(NUMBER)
    with pytest.raises(retell.NotFoundError):
        sdk.phone_number.retrieve(NUMBER)
    with pytest.raises(retell.NotFoundError):
        sdk.phone_number.delete(NUMBER)
    assert twin.numbers() == []


def test_answers_fit_the_sdk_response_type_exactly(sdk: retell.Retell, twin: RetellTwin) -> None:
    sdk.phone_number.import_(**IMPORT)
    raw = httpx.get(
        f"{twin.base_url}/get-phone-number/{NUMBER}", headers={"Authorization": f"Bearer {KEY}"}
    ).json()
    assert shape_problems(PhoneNumberResponse, raw) == []


def test_list_pages(sdk: retell.Retell) -> None:
    for i in range(3):
        sdk.phone_number.import_(
            phone_number=f"+9180470912{i:02d}", termination_uri="e.example:5070"
        )
    first = sdk.phone_number.list(limit=2)
    assert len(first.items) == 2 and first.has_more and first.pagination_key
    rest = sdk.phone_number.list(limit=2, pagination_key=first.pagination_key)
    assert len(rest.items) == 1 and not rest.has_more


def test_duplicate_import_is_a_conflict(sdk: retell.Retell) -> None:
    sdk.phone_number.import_(**IMPORT)
    with pytest.raises(retell.ConflictError):
        sdk.phone_number.import_(**IMPORT)


def test_wrong_key_is_refused(twin: RetellTwin) -> None:
    other = retell.Retell(api_key="wrong", base_url=twin.base_url, max_retries=0)
    with pytest.raises(retell.AuthenticationError):
        other.phone_number.list()


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        ("/import-phone-number", "POST", {**IMPORT, "sip_trunk_realm": "x"}),
        ("/import-phone-number", "POST", {**IMPORT, "password": "x"}),
        ("/update-phone-number/" + NUMBER, "PATCH", {"sip_trunk_auth_password": "x"}),
        ("/update-phone-number/" + NUMBER, "PATCH", {"auth_password": "x", "phone_number": NUMBER}),
    ],
)
def test_a_field_the_sdk_type_does_not_declare_is_refused(
    twin: RetellTwin, sdk: retell.Retell, path: str, method: str, body: dict[str, object]
) -> None:
    sdk.phone_number.import_(phone_number=NUMBER, termination_uri="e.example:5070")
    answer = httpx.request(
        method, twin.base_url + path, json=body, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert answer.status_code == 422, answer.text
    assert "is not a field" in answer.text


def test_missing_required_and_wrong_types_are_refused(twin: RetellTwin) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    answer = httpx.post(
        f"{twin.base_url}/import-phone-number",
        json={"phone_number": NUMBER, "inbound_agents": [{"agent_id": 5, "weight": 1}]},
        headers=headers,
    )
    assert answer.status_code == 422
    messages = {tuple(d["loc"]): d["msg"] for d in answer.json()["detail"]}
    assert messages[("body", "termination_uri")] == "is required"
    assert messages[("body", "inbound_agents", "0", "agent_id")] == "must be str"
    answer = httpx.post(
        f"{twin.base_url}/import-phone-number",
        json={"phone_number": NUMBER, "termination_uri": "e.example:5070", "transport": "SCTP"},
        headers=headers,
    )
    assert answer.status_code == 422 and "TLS, TCP, UDP" in answer.text


def test_requests_are_counted(twin: RetellTwin, sdk: retell.Retell) -> None:
    sdk.phone_number.import_(**IMPORT)
    sdk.phone_number.retrieve(NUMBER)
    stats = httpx.get(f"{twin.base_url}/_twin/stats").json()
    assert stats["by_route"] == {
        "POST /import-phone-number": 1,
        "GET /get-phone-number/{phone_number}": 1,
    }
