"""The ElevenLabs providers' methods against the ElevenLabs twin over loopback HTTP."""

from __future__ import annotations

import pytest

pytest.importorskip("elevenlabs")

from pulumi_exotel.platforms._base import PlatformProviderError, remember_config  # noqa: E402
from pulumi_exotel.platforms.elevenlabs import (  # noqa: E402
    SETTINGS,
    ExotelPhoneNumberProvider,
    PhoneNumberProvider,
)
from pulumi_exotel.twins.elevenlabs import ElevenLabsTwin  # noqa: E402
from tests.twin_fixtures import twin_fixture, use_twin  # noqa: E402

pytestmark = pytest.mark.provider

KEY = "elevenlabs-key-canary"
NUMBER = "+918047091234"
SIP = {
    "phone_number": NUMBER,
    "label": "support",
    "address": "in.voip.exotel.com:443",
    "transport": "tls",
    "user_name": "agent_1",
    "password": "pw_canary_1",
    "inbound_allowed_numbers": ["+918047091299"],
}
NATIVE = {
    "phone_number": NUMBER,
    "label": "native",
    "account_sid": "demo1",
    "api_key": "exotel_key",
    "api_token": "token_canary",
    "app_id": "123456",
}


server = twin_fixture(lambda: ElevenLabsTwin(KEY))


@pytest.fixture
def twin(server: ElevenLabsTwin, monkeypatch: pytest.MonkeyPatch) -> ElevenLabsTwin:
    return use_twin(server, SETTINGS, KEY, monkeypatch)


def test_sip_trunk_number_lifecycle_with_in_place_rotation(twin: ElevenLabsTwin) -> None:
    provider = PhoneNumberProvider()
    checked = provider.check({}, dict(SIP))
    assert checked.failures == []
    made = provider.create(checked.inputs)
    assert made.outs["provider"] == "sip_trunk" and made.outs["phone_number_id"] == made.id
    assert twin.credential(made.id) == ("agent_1", "pw_canary_1")
    assert twin.stored(made.id)["inbound"] == {"allowed_numbers": ["+918047091299"]}

    assert not provider.diff(made.id, made.outs, checked.inputs).changes
    read = provider.read(made.id, made.outs)
    assert read.id == made.id and read.outs["password"] == "pw_canary_1"
    assert not provider.diff(made.id, read.outs, checked.inputs).changes

    rotated = {**checked.inputs, "user_name": "agent_2", "password": "pw_2"}
    diff = provider.diff(made.id, made.outs, rotated)
    assert diff.changes and not diff.replaces
    twin.requests.reset()
    provider.update(made.id, made.outs, rotated)
    assert twin.credential(made.id) == ("agent_2", "pw_2")
    assert twin.requests.snapshot()["by_route"] == {
        "PATCH /v1/convai/phone-numbers/{phone_number_id}": 1
    }

    provider.delete(made.id, made.outs)
    assert twin.ids() == [] and provider.read(made.id, made.outs).id == ""
    provider.delete(made.id, made.outs)


def test_sip_trunk_adopt(twin: ElevenLabsTwin) -> None:
    provider = PhoneNumberProvider()
    first = provider.create(dict(SIP))
    with pytest.raises(PlatformProviderError, match="already exists in ElevenLabs.*adopt=True"):
        provider.create(dict(SIP))
    adopted = provider.create({**SIP, "password": "pw_new", "adopt": True})
    assert adopted.id == first.id
    assert twin.credential(first.id) == ("agent_1", "pw_new")


def test_native_exotel_number(twin: ElevenLabsTwin) -> None:
    provider = ExotelPhoneNumberProvider()
    checked = provider.check({}, dict(NATIVE))
    assert checked.failures == [] and checked.inputs["api_subdomain"] == "api.in.exotel.com"
    made = provider.create(checked.inputs)
    assert made.outs["provider"] == "exotel"
    assert twin.stored(made.id)["native"]["api_token"] == "token_canary"
    relabel = provider.diff(made.id, made.outs, {**checked.inputs, "label": "new"})
    assert relabel.changes and not relabel.replaces
    provider.update(made.id, made.outs, {**checked.inputs, "label": "new"})
    assert twin.stored(made.id)["label"] == "new"
    new_token = provider.diff(made.id, made.outs, {**checked.inputs, "api_token": "t2"})
    assert new_token.replaces == ["api_token"] and new_token.delete_before_replace
    # A sip_trunk resource must not take over a native number.
    with pytest.raises(PlatformProviderError, match="provider 'exotel'"):
        PhoneNumberProvider().create({**SIP, "adopt": True})


def test_errors_name_field_and_hide_secrets(twin: ElevenLabsTwin) -> None:
    bad = ExotelPhoneNumberProvider().check({}, {**NATIVE, "api_subdomain": "api.us.exotel.com"})
    assert "api.in.exotel.com, api.exotel.com" in bad.failures[0].reason
    half = PhoneNumberProvider().check({}, {**SIP, "password": None})
    assert half.failures[0].property == "password"
    remember_config(
        SETTINGS, {"elevenlabs:apiKey": "wrong-canary", "elevenlabs:baseUrl": twin.base_url}
    )
    with pytest.raises(PlatformProviderError) as caught:
        PhoneNumberProvider().create(dict(SIP))
    text = str(caught.value)
    assert "elevenlabs:apiKey" in text and "wrong-canary" not in text and "pw_canary_1" not in text


@pytest.mark.parametrize("provider_class", [PhoneNumberProvider, ExotelPhoneNumberProvider])
def test_create_whose_answer_is_lost_keeps_the_number_it_made(
    twin: ElevenLabsTwin, provider_class: type[PhoneNumberProvider]
) -> None:
    twin.fail_after_write("POST /v1/convai/phone-numbers")
    props = SIP if provider_class is PhoneNumberProvider else NATIVE
    provider = provider_class()
    made = provider.create(provider.check({}, dict(props)).inputs)
    assert twin.ids() == [made.id]  # one number, in state, not orphaned or doubled
    assert twin.requests.snapshot()["by_route"]["POST /v1/convai/phone-numbers"] == 1
    assert not provider.diff(made.id, made.outs, provider.check({}, dict(props)).inputs).changes
