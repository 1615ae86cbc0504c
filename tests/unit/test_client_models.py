"""Client models accept Exotel's documented variants and keep secrets out of sight."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from pulumi_exotel.client.envelopes import BatchEnvelope, ListEnvelope, SingleEnvelope
from pulumi_exotel.client.models import (
    CreateDigestCredentialRequest,
    CreatePhoneMappingRequest,
    DestinationUri,
    PhoneMapping,
    TrunkSetting,
    UpdateDestinationUriRequest,
    UpdateDigestCredentialRequest,
    WhitelistedIp,
    normalize_destination,
)

pytestmark = pytest.mark.unit


def test_bare_integer_ids_become_strings() -> None:
    entry = WhitelistedIp.model_validate({"id": 721, "ip": "44.248.146.10", "mask": 32})

    assert entry.id == "721"


@pytest.mark.parametrize(("raw", "expected"), [(None, "pstn"), ("pstn", "pstn"), ("flow", "flow")])
def test_phone_mapping_mode_null_reads_as_pstn(raw: str | None, expected: str) -> None:
    mapping = PhoneMapping.model_validate(
        {"id": "41512", "phone_number": "+919876543210", "mode": raw}
    )

    assert mapping.mode == expected


def test_phone_mapping_without_mode_reads_as_pstn() -> None:
    assert PhoneMapping.model_validate({"id": "1", "phone_number": "+1"}).mode == "pstn"


def test_unknown_fields_are_ignored_so_new_exotel_fields_do_not_break_reads() -> None:
    uri = DestinationUri.model_validate(
        {"id": "2543", "destination": "sip:a.example.com:5061;transport=tls", "new_field": [1]}
    )

    assert uri.priority == 0 and uri.weight == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sip:44.248.146.11:5061;transport=tls", "44.248.146.11:5061;transport=tls"),
        ("SIP:SBC.Example.COM:5061;transport=TLS", "sbc.example.com:5061;transport=tls"),
        ("  sbc.example.com:5060;transport=tcp ", "sbc.example.com:5060;transport=tcp"),
    ],
)
def test_normalize_destination(raw: str, expected: str) -> None:
    assert normalize_destination(raw) == expected


def test_list_envelope_without_metadata_parses() -> None:
    env = ListEnvelope[TrunkSetting].model_validate({"http_code": 200, "response": []})

    assert env.metadata is None and env.response == []


def test_batch_envelope_without_failed_reads_it_as_zero() -> None:
    env = BatchEnvelope[TrunkSetting].model_validate(
        {
            "metadata": {"total": 1, "success": 1},
            "response": [
                {
                    "code": 200,
                    "status": "success",
                    "data": {"name": "trunk_external_alias", "value": "+911234567890"},
                }
            ],
        }
    )

    assert env.metadata is not None and env.metadata.failed == 0


def test_item_status_decides_success_not_http_code() -> None:
    env = SingleEnvelope[PhoneMapping].model_validate(
        {
            "http_code": 200,
            "response": {
                "code": 409,
                "status": "failure",
                "error_data": {"code": 1008, "message": "Duplicate resource"},
                "data": None,
            },
        }
    )

    assert not env.response.ok


def test_password_is_masked_in_repr_and_dumps_but_sent_in_the_body() -> None:
    body = CreateDigestCredentialRequest(
        user_name="agent_1", password=SecretStr("pw_Secret_123"), friendly_name="lk"
    )

    assert "pw_Secret_123" not in repr(body)
    assert "pw_Secret_123" not in body.model_dump_json()
    assert body.body() == {
        "user_name": "agent_1",
        "password": "pw_Secret_123",
        "friendly_name": "lk",
    }
    assert body.secrets() == ["pw_Secret_123"]


def test_update_bodies_send_only_the_fields_given() -> None:
    assert UpdateDestinationUriRequest(weight=5).body() == {"weight": 5}
    assert UpdateDigestCredentialRequest(friendly_name="x").body() == {"friendly_name": "x"}
    assert UpdateDigestCredentialRequest(friendly_name="x").secrets() == []


def test_create_phone_mapping_body_always_carries_mode() -> None:
    assert CreatePhoneMappingRequest(phone_number="+919876543210").body() == {
        "phone_number": "+919876543210",
        "mode": "pstn",
    }


def test_request_bodies_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        CreatePhoneMappingRequest.model_validate({"phone_number": "+1", "colour": "red"})
