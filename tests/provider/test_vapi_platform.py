"""The Vapi providers' methods called directly against the Vapi twin over loopback HTTP.

The engine tier (tests/engine/test_vapi_stack.py) runs the same resources through the real
Pulumi CLI; here each rule is checked on its own, quickly: local check/diff, in-place updates,
adopt-or-refuse, gone on read, delete of a gone object, scrubbed errors.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytest.importorskip("vapi", reason="the Vapi resources need vapi-server-sdk (the vapi extra)")

from pulumi_exotel.platforms import _base  # noqa: E402
from pulumi_exotel.platforms._base import PlatformProviderError  # noqa: E402
from pulumi_exotel.platforms.vapi import (  # noqa: E402
    ByoSipTrunkCredentialProvider,
    PhoneNumberProvider,
)
from pulumi_exotel.twins.vapi import DEFAULT_TOKEN, VapiTwinServer  # noqa: E402
from tests.twin_fixtures import twin_fixture  # noqa: E402

pytestmark = pytest.mark.provider

PASSWORD = "Provider_Canary_Pw_0123456789"  # noqa: S105


server = twin_fixture(VapiTwinServer)


@pytest.fixture
def twin(server: VapiTwinServer, monkeypatch: pytest.MonkeyPatch) -> VapiTwinServer:
    httpx.post(f"{server.base_url}/_twin/reset").raise_for_status()
    monkeypatch.setattr(_base, "_stack_config", {})
    monkeypatch.setenv("VAPI_API_KEY", DEFAULT_TOKEN)
    monkeypatch.setenv("VAPI_BASE_URL", server.base_url)
    return server


def stored(twin: VapiTwinServer, kind: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    return httpx.get(f"{twin.base_url}/{kind}", headers=headers).json()  # type: ignore[no-any-return]


def twin_total(twin: VapiTwinServer) -> int:
    return int(httpx.get(f"{twin.base_url}/_twin/stats").json()["total"])


def cred_inputs(**over: Any) -> dict[str, Any]:
    provider = ByoSipTrunkCredentialProvider()
    news = {
        "name": "exotel-mumbai",
        "edge": "in.voip.exotel.com:443",
        "user_name": "exo_user_1",
        "password": PASSWORD,
        **over,
    }
    result = provider.check({}, news)
    assert result.failures == [], result.failures
    return dict(result.inputs)


def test_credential_create_read_update_delete(twin: VapiTwinServer) -> None:
    provider = ByoSipTrunkCredentialProvider()
    created = provider.create(cred_inputs())
    outs = created.outs
    assert outs["credential_id"] == created.id
    assert (outs["edge"], outs["transport"], outs["user_name"]) == (
        "in.voip.exotel.com:443",
        "tls",
        "exo_user_1",
    )
    [body] = stored(twin, "credential")
    assert body["gateways"] == [
        {"ip": "in.voip.exotel.com", "port": 443, "outboundProtocol": "tls"}
    ]
    password = httpx.get(f"{twin.base_url}/_twin/credential/{created.id}").json()
    assert password["outboundAuthenticationPlan"]["authPassword"] == PASSWORD

    # Unchanged program: no change, and no request.
    before = twin_total(twin)
    assert provider.diff(created.id, outs, cred_inputs()).changes is False
    # A rotation: user name and password change in place.
    rotated = cred_inputs(user_name="exo_user_2", password="Rotated_Pw_987654321")
    diff = provider.diff(created.id, outs, rotated)
    assert twin_total(twin) == before
    assert diff.changes is True
    assert diff.replaces == []
    updated = provider.update(created.id, outs, rotated).outs
    assert updated["credential_id"] == created.id
    assert updated["user_name"] == "exo_user_2"
    held = httpx.get(f"{twin.base_url}/_twin/credential/{created.id}").json()
    assert held["outboundAuthenticationPlan"] == {
        "authUsername": "exo_user_2",
        "authPassword": "Rotated_Pw_987654321",
    }

    read = provider.read(created.id, updated)
    assert read.id == created.id
    assert read.outs["password"] == "Rotated_Pw_987654321"  # kept: Vapi never returns it
    assert read.inputs is not None and read.inputs["edge"] == "in.voip.exotel.com:443"

    provider.delete(created.id, updated)
    assert stored(twin, "credential") == []
    gone = provider.read(created.id, updated)
    assert gone.id == ""
    provider.delete(created.id, updated)  # already gone: fine


def test_check_refuses_tcp_and_bad_edges_without_a_request(twin: VapiTwinServer) -> None:
    provider = ByoSipTrunkCredentialProvider()
    base = {"name": "x", "user_name": "u", "password": PASSWORD}
    tcp = provider.check({}, {**base, "edge": "in.voip.exotel.com:5070", "transport": "tcp"})
    [failure] = tcp.failures
    assert failure.property == "transport"
    assert "'tcp'" in failure.reason and "TLS only" in failure.reason
    bad_edge = provider.check({}, {**base, "edge": "sip:in.voip.exotel.com"})
    [failure] = bad_edge.failures
    assert failure.property == "edge" and "host:port" in failure.reason
    empty = provider.check({}, {**base, "edge": "in.voip.exotel.com:443", "password": ""})
    [failure] = empty.failures
    assert failure.property == "password"
    assert twin_total(twin) == 0


def test_missing_api_key_fails_check_naming_config_and_env(
    twin: VapiTwinServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = cred_inputs()
    monkeypatch.delenv("VAPI_API_KEY")
    result = ByoSipTrunkCredentialProvider().check({}, news)
    reasons = " ".join(f.reason for f in result.failures)
    assert "vapi:apiKey" in reasons and "VAPI_API_KEY" in reasons


def test_existing_credential_needs_adopt_and_adopt_takes_it_over(twin: VapiTwinServer) -> None:
    provider = ByoSipTrunkCredentialProvider()
    first = provider.create(cred_inputs())

    with pytest.raises(PlatformProviderError) as err:
        provider.create(cred_inputs(password="Other_Pw_123456789"))
    assert "adopt=True" in str(err.value) and "exotel-mumbai" in str(err.value)
    assert "Other_Pw_123456789" not in str(err.value)

    adopted = provider.create(cred_inputs(adopt=True, user_name="exo_user_9"))
    assert adopted.id == first.id
    assert len(stored(twin, "credential")) == 1
    held = httpx.get(f"{twin.base_url}/_twin/credential/{first.id}").json()
    assert held["outboundAuthenticationPlan"]["authUsername"] == "exo_user_9"


def test_phone_number_lifecycle_and_adopt(twin: VapiTwinServer) -> None:
    cred = ByoSipTrunkCredentialProvider().create(cred_inputs())
    provider = PhoneNumberProvider()
    news = provider.check(
        {}, {"number": "+918047091234", "credential_id": cred.id, "name": "support"}
    ).inputs
    made = provider.create(news)
    assert made.outs["phone_number_id"] == made.id
    assert made.outs["status"] == "active"
    assert provider.diff(made.id, made.outs, news).changes is False

    changed = {**news, "assistant_id": "asst-42"}
    changed.pop("name")
    diff = provider.diff(made.id, made.outs, changed)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(made.id, made.outs, changed).outs
    assert (outs["assistant_id"], outs["name"]) == ("asst-42", None)
    [number] = stored(twin, "phone-number")
    assert number["assistantId"] == "asst-42" and "name" not in number

    with pytest.raises(PlatformProviderError, match="adopt=True"):
        provider.create(news)
    assert provider.create({**news, "adopt": True}).id == made.id

    httpx.delete(
        f"{twin.base_url}/phone-number/{made.id}",
        headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"},
    ).raise_for_status()
    assert provider.read(made.id, outs).id == ""


def test_phone_number_check_names_field_value_and_rule(twin: VapiTwinServer) -> None:
    result = PhoneNumberProvider().check({}, {"number": "08047091234", "credential_id": "c"})
    [failure] = result.failures
    assert failure.property == "number"
    assert "08047091234" in failure.reason and "E.164" in failure.reason


def test_vapi_errors_reach_the_user_without_the_password(twin: VapiTwinServer) -> None:
    provider = PhoneNumberProvider()
    news = provider.check({}, {"number": "+918047091234", "credential_id": "no-such"}).inputs
    with pytest.raises(PlatformProviderError) as err:
        provider.create(news)
    text = str(err.value)
    assert "Vapi" in text and "credentialId" in text
    assert stored(twin, "phone-number") == []


def test_a_wrong_api_key_says_which_setting_to_check(
    twin: VapiTwinServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAPI_API_KEY", "Wrong_Key_Canary_123")
    with pytest.raises(PlatformProviderError) as err:
        ByoSipTrunkCredentialProvider().create(cred_inputs())
    text = str(err.value)
    assert "401" in text and "vapi:apiKey" in text
    assert "Wrong_Key_Canary_123" not in text and PASSWORD not in text


@pytest.mark.parametrize(
    ("route", "news"),
    [
        ("POST /credential", None),
        ("POST /phone-number", {"number": "+918047091234", "name": "support"}),
    ],
)
def test_a_create_whose_answer_is_lost_keeps_the_object_it_made(
    twin: VapiTwinServer, route: str, news: dict[str, Any] | None
) -> None:
    if news is None:
        provider: Any = ByoSipTrunkCredentialProvider()
        inputs = cred_inputs()
        kind = "credential"
    else:
        cred = ByoSipTrunkCredentialProvider().create(cred_inputs())
        provider = PhoneNumberProvider()
        inputs = provider.check({}, {**news, "credential_id": cred.id}).inputs
        kind = "phone-number"
    httpx.post(
        f"{twin.base_url}/_twin/fail-after-write", json={"route": route, "times": 1}
    ).raise_for_status()

    made = provider.create(inputs)  # Vapi applied it, then its answer was a 502

    [only] = stored(twin, kind)
    assert made.id == only["id"]  # taken over, not orphaned, not made twice
    assert provider.diff(made.id, made.outs, inputs).changes is False
