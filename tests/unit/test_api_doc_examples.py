"""Every JSON example of Exotel's API sources parses into the client's types.

The examples are transcribed here as literals, and each case's id names its source by the tags
of `docs/sources.md` (REF, REF-old, T2025, DEV-old, ...) after the number of the topic it
belongs to (1 conventions, 3 trunks, 4 phone numbers, 5 ACLs, 6 destinations, 7 credentials,
8 settings). Where a source elides a value (``"…"``, ``<sid>``, a bare key) a realistic value
of the documented form is filled in; everything the source does state is kept as written,
quirks included.

Not transcribed: the flat ``GET /trunk-maps`` object (DEV), because the client has no call for
that endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from pulumi_exotel.client import errors
from pulumi_exotel.client.envelopes import (
    BatchEnvelope,
    ErrorEnvelope,
    ListEnvelope,
    SingleEnvelope,
)
from pulumi_exotel.client.http import HttpCore
from pulumi_exotel.client.limits import RequestLimiter
from pulumi_exotel.client.models import (
    CreateDestinationUrisRequest,
    CreateDigestCredentialRequest,
    CreatePhoneMappingRequest,
    CreateTrunkRequest,
    CreateWhitelistedIpRequest,
    DestinationUri,
    DigestCredential,
    PhoneMapping,
    SetTrunkSettingsRequest,
    Trunk,
    TrunkSetting,
    UpdateDestinationUriRequest,
    UpdateDigestCredentialRequest,
    UpdatePhoneMappingRequest,
    UpdateTrunkRequest,
    WhitelistedIp,
)
from pulumi_exotel.config import ExotelSettings
from tests.unit.envelopes import RID, SID, error_body, ok_item, single

pytestmark = pytest.mark.unit

TS = "2026-01-23T10:15:30Z"

# 3 (REF): the trunk object returned by POST /trunks (and DELETE /trunks, GET /trunks).
TRUNK = {
    "trunk_sid": SID,
    "trunk_name": "prod_trunk",
    "domain_name": "ameyo5m.pstn.exotel.com",
    "nso_code": "ANY-ANY",
    "date_created": TS,
    "date_updated": TS,
    "status": "active",
    "auth_type": "IP-WHITELIST",
    "registration_enabled": "disabled",
    "secure_trunking": "disabled",
    "edge_preference": "auto",
    "destination_uris": f"/v2/accounts/ameyo5m/trunks/{SID}/destination-uris",
    "whitelisted_ips": f"/v2/accounts/ameyo5m/trunks/{SID}/whitelisted-ips",
    "credentials": f"/v2/accounts/ameyo5m/trunks/{SID}/credentials",
    "phone_numbers": f"/v2/accounts/ameyo5m/trunks/{SID}/phone-numbers",
}
# 4 phone numbers (REF)
MAPPING = {
    "id": "41512",
    "phone_number": "+919876543210",
    "trunk_sid": SID,
    "date_created": TS,
    "date_updated": TS,
    "mode": None,
}
# 5 ACLs (REF)
ACL = {
    "id": "1153",
    "mask": 32,
    "trunk_sid": SID,
    "ip": "44.248.146.11",
    "friendly_name": None,
    "date_created": TS,
    "date_updated": TS,
}
# 6 destinations (REF)
DESTINATION = {
    "id": "2543",
    "destination": "sip:44.248.146.11:5061;transport=tls",
    "date_created": TS,
    "date_updated": TS,
    "type": "public",
    "priority": 0,
    "weight": 1,
    "trunk_sid": SID,
}
# 7 credentials (CREDDOC, SNIP)
CREDENTIAL = {
    "id": "1234",
    "trunk_sid": SID,
    "user_name": "agent_1",
    "friendly_name": "elevenlabs_prod",
    "date_created": TS,
    "date_updated": TS,
}
# 8 settings (REF)
SETTING = {
    "name": "trunk_external_alias",
    "value": "+911234567890",
    "trunk_sid": SID,
    "date_created": TS,
    "date_updated": TS,
}


def phone_list_meta() -> dict[str, Any]:
    return {
        "page_size": 50,
        "first_page_uri": f"/v2/accounts/ameyo5m/trunks/{SID}/phone-numbers?offset=0&page_size=50",
        "prev_page_uri": None,
        "next_page_uri": None,
    }


# (example id, type it must parse into, the literal)
SUCCESS_EXAMPLES: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
    ("1.1 single envelope: create trunk", SingleEnvelope[Trunk], single(TRUNK)),
    ("3 delete trunk returns the deleted trunk", SingleEnvelope[Trunk], single(TRUNK, "DELETE")),
    (
        "3 trunk sample sids",
        ListEnvelope[Trunk],
        {
            "request_id": RID,
            "method": "GET",
            "http_code": 200,
            "metadata": {
                "page_size": 50,
                "first_page_uri": "/v2/accounts/ameyo5m/trunks?offset=0&page_size=50",
                "prev_page_uri": None,
                "next_page_uri": None,
            },
            "response": [
                ok_item({**TRUNK, "trunk_sid": sid, "trunk_name": f"t{i}"})
                for i, sid in enumerate(
                    [
                        "trmum1f708622631150902801a1n",
                        "trmum15f77c83605998cdb9d1a1n",
                        "trmum17d8e9a37a3732ecbf91a3u",
                    ]
                )
            ],
        },
    ),
    ("4 map number", SingleEnvelope[PhoneMapping], single(MAPPING)),
    (
        "4 PUT number returns the updated mapping",
        SingleEnvelope[PhoneMapping],
        single({**MAPPING, "mode": "flow", "date_updated": "2026-01-23T11:00:00Z"}, "PUT"),
    ),
    (
        "1.1 list envelope: phone numbers",
        ListEnvelope[PhoneMapping],
        {
            "request_id": RID,
            "method": "GET",
            "http_code": 200,
            "metadata": phone_list_meta(),
            "response": [ok_item(MAPPING)],
        },
    ),
    ("5 map ACL", SingleEnvelope[WhitelistedIp], single(ACL)),
    (
        "5 list ACLs (T2025 ids 721/722)",
        ListEnvelope[WhitelistedIp],
        {
            "request_id": RID,
            "method": "GET",
            "http_code": 200,
            "metadata": {**phone_list_meta(), "first_page_uri": None},
            "response": [
                ok_item({**ACL, "id": "721", "ip": "44.248.146.10"}),
                ok_item({**ACL, "id": "722", "ip": "44.248.146.12"}),
            ],
        },
    ),
    (
        "1.1 batch envelope: destination created",
        BatchEnvelope[DestinationUri],
        {
            "request_id": RID,
            "method": "POST",
            "http_code": 200,
            "metadata": {"total": 1, "success": 1, "failed": 0},
            "response": [ok_item(DESTINATION)],
        },
    ),
    (
        "1.2 destinations listed newest first",
        ListEnvelope[DestinationUri],
        {
            "request_id": RID,
            "method": "GET",
            "http_code": 200,
            "metadata": phone_list_meta(),
            "response": [
                ok_item(
                    {
                        **DESTINATION,
                        "id": "2544",
                        "destination": "sip:sbc.example.com:5061;transport=tls",
                    }
                ),
                ok_item(DESTINATION),
            ],
        },
    ),
    (
        "6 T2025 destination with no transport (UDP)",
        SingleEnvelope[DestinationUri],
        single({**DESTINATION, "id": "971", "destination": "sip:44.248.146.11:5060"}),
    ),
    ("7 credential POST", SingleEnvelope[DigestCredential], single(CREDENTIAL)),
    ("7 credential DELETE", SingleEnvelope[DigestCredential], single(CREDENTIAL, "DELETE")),
    (
        "1.1 credentials list adds total and page",
        ListEnvelope[DigestCredential],
        {
            "request_id": RID,
            "method": "GET",
            "http_code": 200,
            "metadata": {
                "total": 1,
                "page": 0,
                "page_size": 50,
                "first_page_uri": f"/v2/accounts/ameyo5m/trunks/{SID}/credentials"
                "?page_size=50&offset=0",
                "prev_page_uri": None,
                "next_page_uri": None,
            },
            "response": [ok_item(CREDENTIAL)],
        },
    ),
    (
        "1.1 REF-old empty credentials list without metadata",
        ListEnvelope[DigestCredential],
        {"request_id": RID, "method": "GET", "http_code": 200, "response": []},
    ),
    (
        "8 settings POST: batch without failed",
        BatchEnvelope[TrunkSetting],
        {
            "request_id": RID,
            "method": "POST",
            "http_code": 200,
            "metadata": {"total": 1, "success": 1},
            "response": [ok_item(SETTING)],
        },
    ),
    (
        "1.1 DEV-old bare integer ids",
        SingleEnvelope[WhitelistedIp],
        single({**ACL, "id": 1153}),
    ),
]

REQUEST_EXAMPLES: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
    (
        "3 create trunk",
        CreateTrunkRequest,
        {
            "trunk_name": "prod_trunk",
            "nso_code": "ANY-ANY",
            "domain_name": "ameyo5m.pstn.exotel.com",
        },
    ),
    (
        "3 PUT trunk",
        UpdateTrunkRequest,
        {"trunk_name": "renamed", "auth_type": "IP-WHITELIST", "nso_code": "ANY-ANY"},
    ),
    ("4 map number", CreatePhoneMappingRequest, {"phone_number": "+919876543210", "mode": "pstn"}),
    ("4 PUT number", UpdatePhoneMappingRequest, {"phone_number": "+919876543210", "mode": "flow"}),
    ("5 map ACL", CreateWhitelistedIpRequest, {"ip": "44.248.146.11", "mask": 32}),
    (
        "6 add destination",
        CreateDestinationUrisRequest,
        {"destinations": [{"destination": "44.248.146.11:5061;transport=tls"}]},
    ),
    ("6 PUT destination", UpdateDestinationUriRequest, {"priority": 1, "weight": 10}),
    (
        "7 create credential",
        CreateDigestCredentialRequest,
        {"user_name": "agent_1", "password": "Str0ng_Pass_1", "friendly_name": "elevenlabs_prod"},
    ),
    ("7 PUT credential", UpdateDigestCredentialRequest, {"password": "N3w_Pass_2"}),
    (
        "8 set alias",
        SetTrunkSettingsRequest,
        {"settings": [{"name": "trunk_external_alias", "value": "+911234567890"}]},
    ),
]

Check = Callable[[errors.ApiError], bool]

# (example id, HTTP status, the literal, the client error it must become, extra check)
ERROR_EXAMPLES: list[tuple[str, int, dict[str, Any], type[errors.ApiError], Check]] = [
    (
        "1.1 error envelope (1002)",
        400,
        error_body(400, 1002, "Invalid parameter", "Maximum allowed length for TrunkName is 16"),
        errors.InvalidParameter,
        lambda e: e.description == "Maximum allowed length for TrunkName is 16",
    ),
    (
        "1.1 quirk: 409 inside an HTTP 200 (duplicate mapping)",
        200,
        {
            **error_body(
                200,
                1008,
                "Duplicate resource",
                f"Unable to create DidTrunkMapping with TrunkSid {SID}",
            ),
            "http_code": 200,
        },
        errors.Duplicate,
        lambda e: e.http_status == 200 and e.code == 1008,
    ),
    (
        "5 duplicate ACL in an HTTP 200",
        200,
        {
            **error_body(
                200, 1008, "Duplicate resource", "Unable to Whitelist-ip with ip 44.248.146.10"
            ),
            "http_code": 200,
        },
        errors.Duplicate,
        lambda e: "44.248.146.10" in str(e),
    ),
    (
        "3 REF duplicate trunk as a real 409",
        409,
        error_body(409, 1008, "Duplicate resource", "Trunk with name 'prod_trunk' already exists"),
        errors.Duplicate,
        lambda e: e.http_status == 409,
    ),
    (
        "1.3 1000 unknown trunk",
        404,
        error_body(404, 1000, "Not Found", "Not Found"),
        errors.NotFound,
        lambda e: e.code == 1000,
    ),
    (
        "1.3 1001 missing name",
        400,
        error_body(400, 1001, "Mandatory Parameter missing", "TrunkName is mandatory"),
        errors.MissingParameter,
        lambda e: e.description == "TrunkName is mandatory",
    ),
    (
        "1.3 1003 foreign trunk",
        403,
        error_body(403, 1003, "Authorization failed", "Authorization failed"),
        errors.Forbidden,
        lambda e: e.code == 1003,
    ),
    (
        "1.3 1007 Go parser text",
        400,
        error_body(
            400,
            1007,
            "Invalid request body,failed parsing ",
            "json: cannot unmarshal number -1 into Go struct field "
            "CreateWhitelistipsRequest.mask of type uint8",
        ),
        errors.InvalidRequestBody,
        lambda e: "uint8" in (e.description or ""),
    ),
    (
        "1.3 1010 bad key or wrong region",
        401,
        error_body(401, 1010, "Authorization failed", "Authorization failed"),
        errors.AuthFailed,
        lambda e: e.http_status == 401,
    ),
    (
        "1 1011 wrong content type",
        415,
        error_body(415, 1011, "unsupported content type", "text/plain"),
        errors.UnsupportedContentType,
        lambda e: e.description == "text/plain",
    ),
    (
        "1.1 batch envelope: destination not whitelisted (207)",
        207,
        {
            "request_id": RID,
            "method": "POST",
            "http_code": 207,
            "metadata": {"total": 1, "success": 0, "failed": 1},
            "response": [
                {
                    "code": 400,
                    "error_data": {
                        "code": 1002,
                        "message": "Invalid parameter",
                        "description": "Destination not whitelisted",
                    },
                    "status": "failure",
                    "data": None,
                }
            ],
        },
        errors.InvalidParameter,
        lambda e: isinstance(e, errors.BatchItemError) and e.index == 0,
    ),
    (
        "6 destination not a valid Ip or Fqdn (207, second item)",
        207,
        {
            "request_id": RID,
            "method": "POST",
            "http_code": 207,
            "metadata": {"total": 2, "success": 1, "failed": 1},
            "response": [
                ok_item(DESTINATION),
                {
                    "code": 400,
                    "error_data": {
                        "code": 1002,
                        "message": "Invalid parameter",
                        "description": "Destination is not a valid Ip or Fqdn",
                    },
                    "status": "failure",
                    "data": None,
                },
            ],
        },
        errors.InvalidParameter,
        lambda e: isinstance(e, errors.BatchItemError) and e.index == 1,
    ),
]


@pytest.mark.parametrize(
    ("example", "kind", "literal"), SUCCESS_EXAMPLES, ids=[e[0] for e in SUCCESS_EXAMPLES]
)
def test_success_example_parses(
    example: str, kind: type[BaseModel], literal: dict[str, Any]
) -> None:
    parsed = kind.model_validate(literal)

    items = parsed.response if isinstance(parsed.response, list) else [parsed.response]  # type: ignore[attr-defined]
    assert all(item.ok for item in items)
    assert all(item.data is None or isinstance(item.data, BaseModel) for item in items)


@pytest.mark.parametrize(
    ("example", "kind", "literal"), REQUEST_EXAMPLES, ids=[e[0] for e in REQUEST_EXAMPLES]
)
def test_request_example_parses_and_round_trips(
    example: str, kind: type[BaseModel], literal: dict[str, Any]
) -> None:
    parsed = kind.model_validate(literal)

    assert parsed.body() == literal  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def core() -> HttpCore:
    settings = ExotelSettings(
        api_key="k", api_token="t_secret", account_sid="ameyo5m", base_url="https://docs.test"
    )
    return HttpCore(settings, limiter=RequestLimiter(1000, 1))


@pytest.mark.parametrize(
    ("example", "status", "literal", "expected", "check"),
    ERROR_EXAMPLES,
    ids=[e[0] for e in ERROR_EXAMPLES],
)
def test_error_example_parses_and_maps_to_the_client_error(
    core: HttpCore,
    example: str,
    status: int,
    literal: dict[str, Any],
    expected: type[errors.ApiError],
    check: Check,
) -> None:
    if isinstance(literal["response"], dict):
        assert ErrorEnvelope.model_validate(literal).response.error_data.code is not None
    else:
        BatchEnvelope[DestinationUri].model_validate(literal)

    with pytest.raises(expected) as info:
        core.unwrap(httpx.Response(status, json=literal))

    assert info.value.request_id == RID
    assert check(info.value)


def test_phone_mapping_example_with_null_mode_reads_as_pstn() -> None:
    parsed = SingleEnvelope[PhoneMapping].model_validate(single(MAPPING))

    assert parsed.response.data is not None and parsed.response.data.mode == "pstn"
