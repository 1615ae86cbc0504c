"""The LiveKit providers' methods against a real livekit-server (with Redis) on loopback.

Each test walks what Pulumi would call (check, diff, create, read, update, delete) directly,
through a counting proxy, so the number of requests each step makes is part of the assertions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_exotel.platforms import _base
from pulumi_exotel.platforms._base import PlatformProviderError, remember_config
from pulumi_exotel.platforms.livekit import (
    SETTINGS,
    SipDispatchRuleProvider,
    SipInboundTrunkProvider,
    SipOutboundTrunkProvider,
)
from tests.livekit_server import LiveKit

pytestmark = pytest.mark.provider

PASSWORD = "pw_rotation_one_1234567890abcdef"


@pytest.fixture
def configured(livekit: LiveKit, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveKit]:
    """The provider process's settings point at the proxy (as configure() would do)."""
    for setting in SETTINGS.settings.values():
        monkeypatch.delenv(setting.env, raising=False)
    remember_config(SETTINGS, livekit.config)
    yield livekit
    remember_config(SETTINGS, {})
    _base._clients.clear()


def outbound_props(**overrides: Any) -> dict[str, Any]:
    props = {
        "name": "exotel-out",
        "address": "in.voip.exotel.com:443",
        "transport": "SIP_TRANSPORT_TLS",
        "numbers": ["+918069001234"],
        "auth_username": "agent_0a1b2c3d",
        "auth_password": PASSWORD,
        "metadata": None,
        "destination_country": None,
        "adopt": False,
    }
    props.update(overrides)
    return props


def checked(provider: Any, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    inputs: dict[str, Any] = result.inputs
    return inputs


def test_outbound_trunk_lifecycle_updates_in_place(configured: LiveKit) -> None:
    provider = SipOutboundTrunkProvider()
    proxy, api = configured.proxy, configured.api()
    inputs = checked(provider, outbound_props())
    assert proxy.total() == 0  # check is local

    created = provider.create(inputs)
    (trunk,) = api.outbound_trunks()
    assert trunk.sip_trunk_id == created.id
    assert (trunk.address, trunk.auth_username, trunk.auth_password) == (
        "in.voip.exotel.com:443",
        "agent_0a1b2c3d",
        PASSWORD,
    )
    assert created.outs["sip_trunk_id"] == created.id
    assert created.outs["transport"] == "SIP_TRANSPORT_TLS"

    proxy.reset()
    assert provider.diff(created.id, created.outs, inputs).changes is False
    new_inputs = checked(
        provider,
        outbound_props(
            address="in.voip.exotel.com:5070",
            transport="SIP_TRANSPORT_TCP",
            numbers=["+918069001234", "+918069005678"],
            auth_password="pw_rotation_two_abcdef1234567890",
        ),
    )
    diff = provider.diff(created.id, created.outs, new_inputs)
    assert diff.changes is True and not diff.replaces
    assert proxy.total() == 0  # diff is local too

    updated = provider.update(created.id, created.outs, new_inputs)
    assert proxy.calls == {"UpdateSIPOutboundTrunk": 1}
    (trunk,) = api.outbound_trunks()
    assert trunk.sip_trunk_id == created.id  # same trunk, changed in place
    assert trunk.address == "in.voip.exotel.com:5070"
    assert list(trunk.numbers) == ["+918069001234", "+918069005678"]
    assert trunk.auth_password == "pw_rotation_two_abcdef1234567890"
    assert updated.outs["transport"] == "SIP_TRANSPORT_TCP"

    read = provider.read(created.id, updated.outs)
    assert read.id == created.id and read.outs["address"] == "in.voip.exotel.com:5070"
    assert "auth_password" not in read.inputs  # never a plain input after refresh

    provider.delete(created.id, updated.outs)
    assert api.outbound_trunks() == []
    assert provider.read(created.id, updated.outs).id == ""  # gone: refresh drops it
    provider.delete(created.id, updated.outs)  # deleting a gone trunk succeeds


def test_outbound_destination_country_changes_in_place_keeping_other_fields(
    configured: LiveKit,
) -> None:
    provider = SipOutboundTrunkProvider()
    created = provider.create(checked(provider, outbound_props(destination_country="IN")))
    news = checked(provider, outbound_props(destination_country="SG", metadata="m2"))
    assert provider.diff(created.id, created.outs, news).replaces == []
    updated = provider.update(created.id, created.outs, news)
    (trunk,) = configured.api().outbound_trunks()
    assert trunk.sip_trunk_id == created.id
    assert (trunk.destination_country, trunk.metadata) == ("SG", "m2")
    assert (trunk.address, list(trunk.numbers), trunk.auth_password) == (
        "in.voip.exotel.com:443",
        ["+918069001234"],
        PASSWORD,
    )
    assert provider.diff(created.id, updated.outs, news).changes is False


def test_outbound_trunk_name_taken_needs_adopt(configured: LiveKit) -> None:
    provider = SipOutboundTrunkProvider()
    api = configured.api()
    existing = api.create_outbound_trunk(
        name="exotel-out", address="old.example.com:5060", numbers=["+918069000000"]
    )
    with pytest.raises(PlatformProviderError, match="already exists in LiveKit.*adopt=True"):
        provider.create(checked(provider, outbound_props()))

    adopted = provider.create(checked(provider, outbound_props(adopt=True)))
    assert adopted.id == existing.sip_trunk_id
    (trunk,) = api.outbound_trunks()
    assert (trunk.address, list(trunk.numbers), trunk.auth_password) == (
        "in.voip.exotel.com:443",
        ["+918069001234"],
        PASSWORD,
    )
    inputs = checked(provider, outbound_props(adopt=True))
    assert provider.diff(adopted.id, adopted.outs, inputs).changes is False


def test_outbound_create_whose_answer_is_lost_keeps_the_trunk_it_made(
    configured: LiveKit,
) -> None:
    provider = SipOutboundTrunkProvider()
    configured.proxy.lose_response_of("CreateSIPOutboundTrunk")
    created = provider.create(checked(provider, outbound_props()))
    (trunk,) = configured.api().outbound_trunks()  # exactly one: no orphan, no duplicate
    assert trunk.sip_trunk_id == created.id
    assert configured.proxy.calls["CreateSIPOutboundTrunk"] == 1


def test_outbound_create_refused_before_reaching_livekit_fails_and_leaves_nothing(
    configured: LiveKit,
) -> None:
    provider = SipOutboundTrunkProvider()
    configured.proxy.fail_next("CreateSIPOutboundTrunk")
    with pytest.raises(PlatformProviderError, match="HTTP 502") as raised:
        provider.create(checked(provider, outbound_props()))
    assert PASSWORD not in str(raised.value)
    assert configured.api().outbound_trunks() == []


def test_outbound_check_names_field_value_and_rule_without_the_secret(
    configured: LiveKit,
) -> None:
    provider = SipOutboundTrunkProvider()
    result = provider.check(
        {},
        outbound_props(
            address="sip:in.voip.exotel.com:443",
            transport="SIP_TRANSPORT_UDP",
            numbers=["08069001234"],
            auth_password=7,
        ),
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert "sip:in.voip.exotel.com:443" in reasons["address"]
    assert "host:port" in reasons["address"]
    assert "no UDP" in reasons["transport"]
    assert "08069001234" in reasons["numbers"] and "E.164" in reasons["numbers"]
    assert "7" not in reasons["auth_password"] and "<secret>" in reasons["auth_password"]
    assert configured.proxy.total() == 0


def test_missing_settings_fail_check_naming_key_and_env(
    configured: LiveKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_config(SETTINGS, {"livekit:url": configured.proxy.url})
    result = SipOutboundTrunkProvider().check({}, outbound_props())
    (failure,) = result.failures
    assert "livekit:apiKey" in failure.reason and "LIVEKIT_API_KEY" in failure.reason
    assert "livekit:apiSecret" in failure.reason and "LIVEKIT_API_SECRET" in failure.reason

    monkeypatch.setenv("LIVEKIT_API_KEY", configured.server.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", configured.server.api_secret)
    assert SipOutboundTrunkProvider().check({}, outbound_props()).failures == []


def test_wrong_secret_is_an_auth_error_that_never_shows_the_secret(
    configured: LiveKit,
) -> None:
    wrong = "wrong-secret-" + "x" * 32
    remember_config(SETTINGS, {**configured.config, "livekit:apiSecret": wrong})
    provider = SipOutboundTrunkProvider()
    with pytest.raises(PlatformProviderError) as raised:
        provider.create(checked(provider, outbound_props()))
    text = str(raised.value)
    assert "refused the API credentials" in text and "livekit:apiSecret" in text
    assert wrong not in text and PASSWORD not in text


def test_inbound_trunk_and_dispatch_rule_update_in_place(configured: LiveKit) -> None:
    api = configured.api()
    inbound = SipInboundTrunkProvider()
    inbound_inputs = checked(
        inbound,
        {
            "name": "exotel-in",
            "numbers": ["+918069001234"],
            "allowed_addresses": ["182.76.143.61"],
            "adopt": False,
        },
    )
    trunk = inbound.create(inbound_inputs)
    changed = checked(
        inbound,
        {**inbound_inputs, "allowed_addresses": ["182.76.143.0/24"], "numbers": []},
    )
    assert inbound.diff(trunk.id, trunk.outs, changed).replaces == []
    trunk_after = inbound.update(trunk.id, trunk.outs, changed)
    (listed,) = api.inbound_trunks()
    assert listed.sip_trunk_id == trunk.id
    assert list(listed.allowed_addresses) == ["182.76.143.0/24"] and list(listed.numbers) == []
    assert trunk_after.outs["numbers"] == []

    rules = SipDispatchRuleProvider()
    rule_inputs = checked(
        rules,
        {
            "name": "exotel-calls",
            "trunk_ids": [trunk.id],
            "room_prefix": "call-",
            "agent_name": "receptionist",
            "agent_metadata": '{"lang": "hi"}',
            "adopt": False,
        },
    )
    assert rule_inputs["kind"] == "individual"
    rule = rules.create(rule_inputs)
    assert rules.diff(rule.id, rule.outs, rule_inputs).changes is False
    direct = checked(
        rules,
        {
            **rule_inputs,
            "kind": "direct",
            "room_prefix": None,
            "room_name": "front-desk",
            "agent_name": "concierge",
        },
    )
    diff = rules.diff(rule.id, rule.outs, direct)
    assert diff.changes is True and diff.replaces == []
    after = rules.update(rule.id, rule.outs, direct)
    (listed_rule,) = api.dispatch_rules()
    assert listed_rule.sip_dispatch_rule_id == rule.id
    assert listed_rule.rule.dispatch_rule_direct.room_name == "front-desk"
    assert listed_rule.room_config.agents[0].agent_name == "concierge"
    assert rules.diff(rule.id, after.outs, direct).changes is False

    api.delete_dispatch_rule(rule.id)  # out of band
    assert rules.read(rule.id, after.outs).id == ""
    rules.delete(rule.id, after.outs)
    inbound.delete(trunk.id, trunk_after.outs)
    assert api.inbound_trunks() == [] and api.dispatch_rules() == []


def test_dispatch_rule_check_explains_kind_rules(configured: LiveKit) -> None:
    result = SipDispatchRuleProvider().check(
        {}, {"name": "r", "kind": "direct", "room_prefix": "call-"}
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert "required with kind='direct'" in reasons["room_name"]
    assert "kind='individual'" in reasons["room_prefix"]
    bad_kind = SipDispatchRuleProvider().check({}, {"name": "r", "kind": "callee"})
    assert "'callee'" in bad_kind.failures[0].reason


def test_inbound_trunk_and_rule_adopt_by_name_and_refuse_an_ambiguous_name(
    configured: LiveKit,
) -> None:
    api = configured.api()
    existing = api.create_inbound_trunk(name="exotel-in", numbers=["+918069001234"])
    inbound = SipInboundTrunkProvider()
    props = {"name": "exotel-in", "numbers": ["+918069001234"], "adopt": False}
    props["allowed_addresses"] = ["182.76.143.61"]
    with pytest.raises(PlatformProviderError, match="'exotel-in' already exists in LiveKit"):
        inbound.create(checked(inbound, props))
    adopted = inbound.create(checked(inbound, {**props, "adopt": True}))
    assert adopted.id == existing.sip_trunk_id
    (trunk,) = api.inbound_trunks()
    assert list(trunk.allowed_addresses) == ["182.76.143.61"]
    assert inbound.diff(adopted.id, adopted.outs, checked(inbound, props)).changes is False

    # LiveKit accepts a second trunk with the same name (other numbers): adopt cannot choose.
    api.create_inbound_trunk(name="exotel-in", numbers=["+918069005678"])
    with pytest.raises(PlatformProviderError, match="2 LiveKit SIP inbound trunks are named"):
        inbound.create(checked(inbound, {**props, "adopt": True}))

    rules = SipDispatchRuleProvider()
    rule_props = {"name": "exotel-calls", "trunk_ids": [adopted.id], "room_prefix": "a-"}
    first = rules.create(checked(rules, {**rule_props, "adopt": False}))
    with pytest.raises(PlatformProviderError, match="already exists in LiveKit"):
        rules.create(checked(rules, {**rule_props, "adopt": False}))
    taken = rules.create(checked(rules, {**rule_props, "room_prefix": "b-", "adopt": True}))
    assert taken.id == first.id
    (rule,) = api.dispatch_rules()
    assert rule.rule.dispatch_rule_individual.room_prefix == "b-"
