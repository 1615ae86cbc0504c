"""The Retell PhoneNumber provider's methods against the Retell twin over loopback HTTP."""

from __future__ import annotations

import pytest

pytest.importorskip("retell")

from pulumi_exotel.platforms._base import PlatformProviderError, remember_config  # noqa: E402
from pulumi_exotel.platforms.retell import SETTINGS, PhoneNumberProvider  # noqa: E402
from pulumi_exotel.twins.retell import RetellTwin  # noqa: E402
from tests.twin_fixtures import twin_fixture, use_twin  # noqa: E402

pytestmark = pytest.mark.provider

KEY = "retell-key-canary"
NUMBER = "+918047091234"
PROPS = {
    "phone_number": NUMBER,
    "termination_uri": "in.voip.exotel.com:443",
    "transport": "tls",
    "user_name": "agent_1",
    "password": "pw_canary_1",
    "nickname": "support",
    "inbound_agents": [{"agent_id": "agent_a", "weight": 1.0}],
}


server = twin_fixture(lambda: RetellTwin(KEY))


@pytest.fixture
def twin(server: RetellTwin, monkeypatch: pytest.MonkeyPatch) -> RetellTwin:
    return use_twin(server, SETTINGS, KEY, monkeypatch)


def test_create_read_update_in_place_delete(twin: RetellTwin) -> None:
    provider = PhoneNumberProvider()
    checked = provider.check({}, dict(PROPS))
    assert checked.failures == []
    made = provider.create(checked.inputs)
    assert made.id == NUMBER and made.outs["phone_number_type"] == "custom"
    assert twin.credential(NUMBER) == ("agent_1", "pw_canary_1")

    read = provider.read(NUMBER, made.outs)
    assert read.id == NUMBER and read.outs["password"] == "pw_canary_1"
    assert read.outs["transport"] == "tls" and read.outs["user_name"] == "agent_1"

    rotated = {**checked.inputs, "user_name": "agent_2", "password": "pw_2"}
    diff = provider.diff(NUMBER, made.outs, rotated)
    assert diff.changes and not diff.replaces
    twin.requests.reset()
    provider.update(NUMBER, made.outs, rotated)
    assert twin.credential(NUMBER) == ("agent_2", "pw_2")
    assert twin.requests.snapshot()["by_route"] == {"PATCH /update-phone-number/{phone_number}": 1}

    provider.delete(NUMBER, made.outs)
    assert twin.numbers() == []
    assert provider.read(NUMBER, made.outs).id == ""
    provider.delete(NUMBER, made.outs)  # already gone: fine


def test_existing_number_needs_adopt(twin: RetellTwin) -> None:
    provider = PhoneNumberProvider()
    provider.create(dict(PROPS))
    with pytest.raises(PlatformProviderError, match="already exists in Retell.*adopt=True"):
        provider.create(dict(PROPS))
    adopted = provider.create({**PROPS, "password": "pw_new", "adopt": True})
    assert adopted.id == NUMBER
    assert twin.credential(NUMBER) == ("agent_1", "pw_new")


def test_refusals_say_what_and_never_the_secrets(twin: RetellTwin) -> None:
    remember_config(
        SETTINGS, {"retell:apiKey": "wrong-key-canary", "retell:baseUrl": twin.base_url}
    )
    with pytest.raises(PlatformProviderError) as caught:
        PhoneNumberProvider().create(dict(PROPS))
    text = str(caught.value)
    assert "refused the API credentials" in text and "retell:apiKey" in text
    assert "wrong-key-canary" not in text and "pw_canary_1" not in text


def test_check_rules_are_local(twin: RetellTwin) -> None:
    provider = PhoneNumberProvider()
    bad = provider.check(
        {},
        {
            **PROPS,
            "transport": "udp",
            "password": None,
            "inbound_agents": [{"agent_id": "a", "weight": 0.5}],
        },
    )
    reasons = {f.property: f.reason for f in bad.failures}
    assert "Exotel edge has no UDP" in reasons["transport"]
    assert "add up to 1" in reasons["inbound_agents"]
    assert twin.requests.snapshot()["total"] == 0
    remember_config(SETTINGS, {})
    missing = provider.check({}, dict(PROPS))
    assert any(
        "retell:apiKey" in f.reason and "RETELL_API_KEY" in f.reason for f in missing.failures
    )


def test_create_whose_answer_is_lost_keeps_the_number_it_made(twin: RetellTwin) -> None:
    twin.fail_after_write("POST /import-phone-number")
    made = PhoneNumberProvider().create(dict(PROPS))
    assert made.id == NUMBER and twin.numbers() == [NUMBER]
    assert twin.credential(NUMBER) == ("agent_1", "pw_canary_1")
    # One import (not retried into a 409), then the lookup that found it.
    routes = twin.requests.snapshot()["by_route"]
    assert routes["POST /import-phone-number"] == 1
