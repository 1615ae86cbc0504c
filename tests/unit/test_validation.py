"""Input rules of the five resources (``pulumi_exotel.resources.validation``): what passes, what is
refused, and that a refusal names the field, the value and the rule (never a password)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_exotel.resources import validation as v

pytestmark = pytest.mark.unit

Validator = Callable[[object, str], Any]


@pytest.mark.parametrize(
    ("validator", "value", "canonical"),
    [
        (v.validate_trunk_name, "voice_ai_prod", "voice_ai_prod"),
        (v.validate_trunk_name, "A" * 16, "A" * 16),
        (v.validate_trunk_sid, "trmum1f708622631150902801a1n", "trmum1f708622631150902801a1n"),
        (v.validate_nso_code, "ANY-ANY", "ANY-ANY"),
        (v.validate_domain_name, "Demo1.PSTN.exotel.com", "demo1.pstn.exotel.com"),
        (v.validate_e164, "+918047091234", "+918047091234"),
        (v.validate_caller_id, "+14155550100", "+14155550100"),
        (v.validate_mode, "flow", "flow"),
        (v.validate_friendly_name, "", ""),
        (v.validate_friendly_name, "livekit_prod", "livekit_prod"),
        (v.validate_password, "Abc_1234", "Abc_1234"),
        (v.validate_user_name, "livekit.prod-1", "livekit.prod-1"),
        (v.validate_user_name_prefix, "livekit", "livekit"),
        (v.validate_keepers, {"rotation": "2026-11"}, {"rotation": "2026-11"}),
        (v.validate_whitelist_ip, " 44.248.146.11 ", "44.248.146.11"),
        (v.validate_mask, 32.0, 32),
        (v.validate_priority, 0.0, 0),
        (v.validate_priority, 65535, 65535),
        (v.validate_weight, 1, 1),
        (
            v.validate_destination,
            "sip.example.com:5061;transport=tls",
            "sip.example.com:5061;transport=tls",
        ),
        (
            v.validate_destination,
            "SIP:Sip.Example.COM:5061;transport=TLS",
            "sip.example.com:5061;transport=tls",
        ),
        (
            v.validate_destination,
            "sip:44.248.146.11:5060;transport=tcp",
            "44.248.146.11:5060;transport=tcp",
        ),
    ],
)
def test_valid_values_come_back_in_canonical_form(
    validator: Validator, value: object, canonical: object
) -> None:
    result = validator(value, "field")
    assert result == canonical
    assert type(result) is type(canonical)


@pytest.mark.parametrize(
    ("validator", "value", "rule_words"),
    [
        (v.validate_trunk_name, "voice-ai", "letters, digits or _"),
        (v.validate_trunk_name, "A" * 17, "1-16"),
        (v.validate_trunk_name, "", "1-16"),
        (v.validate_trunk_name, 12, "must be a string"),
        (v.validate_trunk_sid, "trmum1/abc", "trunk SID"),
        (v.validate_nso_code, "any any", "ANY-ANY"),
        (v.validate_domain_name, "demo1.example.com", ".pstn.exotel.com"),
        (v.validate_domain_name, "a.b.pstn.exotel.com", "one DNS label"),
        (v.validate_e164, "918047091234", "E.164"),
        (v.validate_e164, "+91 80470 91234", "E.164"),
        (v.validate_e164, "+0918047091", "E.164"),
        (v.validate_e164, "+1234567", "E.164"),
        (v.validate_mode, "ivr", "'pstn'"),
        (v.validate_friendly_name, "elevenlabs-prod", "rejects hyphens"),
        (v.validate_friendly_name, "x" * 33, "at most 32"),
        (v.validate_user_name, "-lead", "starting with a letter or digit"),
        (v.validate_user_name, "a b", "letters, digits"),
        (v.validate_user_name_prefix, "p" * 49, "1-48"),
        (v.validate_keepers, ["rotation"], "map"),
        (v.validate_whitelist_ip, "10.0.0.5", "public IPv4"),
        (v.validate_whitelist_ip, "127.0.0.1", "public IPv4"),
        (v.validate_whitelist_ip, "100.64.0.1", "public IPv4"),
        (v.validate_whitelist_ip, "224.0.0.1", "public IPv4"),
        (v.validate_whitelist_ip, "203.0.113.50", "RFC 5737"),
        (v.validate_whitelist_ip, "44.248.146", "IPv4 address"),
        (v.validate_whitelist_ip, "44.248.146.11/24", "IPv4 address"),
        (v.validate_mask, 24, "one IP, not a CIDR range"),
        (v.validate_mask, 32.5, "integer"),
        (v.validate_mask, True, "integer"),
        (v.validate_priority, -1, "between 0 and 65535"),
        (v.validate_weight, 0, "between 1 and 65535"),
        (v.validate_destination, "sip.example.com:5061", "host:port;transport=tls"),
        (v.validate_destination, "sip.example.com:5060;transport=udp", "no UDP"),
        (v.validate_destination, "sip.example.com:70000;transport=tls", "port"),
        (v.validate_destination, "10.1.2.3:5061;transport=tls", "public IPv4"),
        (v.validate_destination, "198.51.100.7:5061;transport=tls", "RFC 5737"),
        (v.validate_destination, "localhost:5061;transport=tls", "fully qualified"),
        (v.validate_destination, "sip.example.123:5061;transport=tls", "fully qualified"),
    ],
)
def test_invalid_values_name_field_value_and_rule(
    validator: Validator, value: object, rule_words: str
) -> None:
    with pytest.raises(v.InvalidInput) as caught:
        validator(value, "the_field")
    message = str(caught.value)
    assert message.startswith(f"the_field {value!r} is invalid: ")
    assert rule_words in message
    assert caught.value.field == "the_field"


@pytest.mark.parametrize("password", ["short", "has space in it", "ünïcödé_pass", "p" * 65])
def test_a_refused_password_is_never_echoed(password: str) -> None:
    with pytest.raises(v.InvalidInput) as caught:
        v.validate_password(password)
    message = str(caught.value)
    assert password not in message
    assert message.startswith("password <secret> is invalid: ")
    assert "[A-Za-z0-9_]{8,64}" in message


def test_a_password_of_the_wrong_type_is_not_echoed_either() -> None:
    with pytest.raises(v.InvalidInput) as caught:
        v.validate_password(12345678)
    assert "12345678" not in str(caught.value)


def test_parse_destination_splits_host_port_and_transport() -> None:
    parsed = v.parse_destination("sip:44.248.146.11:5061;transport=TLS")
    assert (parsed.host, parsed.port, parsed.transport) == ("44.248.146.11", 5061, "tls")
    assert parsed.is_ip
    assert not v.parse_destination("sip.example.com:5061;transport=tls").is_ip
    assert str(parsed) == "44.248.146.11:5061;transport=tls"


def test_child_ids_parse_strictly_and_say_the_expected_form() -> None:
    sid = "trmum1f708622631150902801a1n"
    assert v.parse_child_id(f"{sid}/1153", "WhitelistedIp", "acl_id") == (sid, "1153")
    for bad in ("1153", f"{sid}/", f"{sid}/abc", f"{sid}/1/2", f"/{sid}", ""):
        with pytest.raises(ValueError, match=r"expected '<trunk_sid>/<acl_id>'"):
            v.parse_child_id(bad, "WhitelistedIp", "acl_id")
