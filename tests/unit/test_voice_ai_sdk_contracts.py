"""Each helper's body, checked against the platform's own SDK request types.

The types come from the installed SDKs (livekit-protocol, retell-sdk, elevenlabs,
vapi-server-sdk), not from a copy of ours: an unknown field, a missing required field or a value
outside the SDK's enum fails here, so an SDK upgrade that renames a field shows up at once.
"""

from __future__ import annotations

import inspect
from typing import Any, get_args

import pydantic
import pytest
import typing_extensions
from elevenlabs.conversational_ai.phone_numbers.client import PhoneNumbersClient
from elevenlabs.conversational_ai.phone_numbers.types.phone_numbers_create_request_body import (
    PhoneNumbersCreateRequestBody,
    PhoneNumbersCreateRequestBody_SipTrunk,
)
from elevenlabs.core.pydantic_utilities import parse_obj_as
from elevenlabs.types import (
    OutboundSipTrunkConfigRequestModel,
    SipMediaEncryptionEnum,
    SipTrunkTransportEnum,
)
from google.protobuf import json_format
from livekit.api.sip_service import SipService
from livekit.protocol.sip import (
    CreateSIPOutboundTrunkRequest,
    SIPOutboundTrunkInfo,
    SIPOutboundTrunkUpdate,
    SIPTransport,
)
from retell.resources.phone_number import PhoneNumberResource
from retell.types.phone_number_import_params import PhoneNumberImportParams
from retell.types.phone_number_update_params import PhoneNumberUpdateParams
from vapi.core.serialization import convert_and_respect_annotation_metadata
from vapi.types import (
    CreateByoPhoneNumberDto,
    CreateByoSipTrunkCredentialDto,
    SipTrunkGatewayOutboundProtocol,
)

from pulumi_exotel.voice_ai import elevenlabs, livekit, retell, vapi
from tests.unit import test_voice_ai_common as common
from tests.unit.test_voice_ai_common import (
    DID,
    EDGE_TCP,
    EDGE_TLS,
    PASSWORD,
    USER_NAME,
    VAPI_CREDENTIAL_ID,
    resolve,
    stand_ins,
)

pytestmark = pytest.mark.unit

TRANSPORTS = [("tls", EDGE_TLS), ("tcp", EDGE_TCP)]


def literal_values(enum_type: Any) -> tuple[str, ...]:
    """The Literal members of a Fern enum alias ``Union[Literal[...], Any]``."""
    literal = get_args(enum_type)[0]
    return get_args(literal)


def unknown_fields(model: pydantic.BaseModel, prefix: str = "") -> list[str]:
    """Keys a Fern model kept as extras (Fern models allow extras, so forbid them here)."""
    found = [prefix + key for key in model.model_extra or {}]
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, pydantic.BaseModel):
                found += unknown_fields(item, f"{prefix}{name}.")
    return found


def bind(method: Any, *args: Any, **kwargs: Any) -> None:
    """Fail if the SDK method would not accept these arguments (unknown or missing ones)."""
    inspect.signature(method).bind(None, *args, **kwargs)


def typed_dict_keys(typed_dict: Any) -> tuple[set[str], set[str]]:
    """(all keys, required keys) of a TypedDict written with ``Required[...]``."""
    hints = typing_extensions.get_type_hints(typed_dict, include_extras=True)
    required = {
        k for k, v in hints.items() if typing_extensions.get_origin(v) is typing_extensions.Required
    }
    return set(hints), required


# --- LiveKit ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("transport", "edge"), TRANSPORTS)
def test_livekit_outbound_trunk_is_a_create_sip_outbound_trunk_request(
    transport: str, edge: str
) -> None:
    s = stand_ins()
    body, _ = resolve(
        livekit.outbound_trunk(s.trunk, s.credential, [s.did], name="exotel", transport=transport)
    )
    # ParseDict rejects unknown fields and wrong enum names.
    request = json_format.ParseDict({"trunk": body}, CreateSIPOutboundTrunkRequest())
    trunk = request.trunk
    assert trunk == SIPOutboundTrunkInfo(**body)
    assert trunk.address == edge
    assert trunk.transport == SIPTransport.Value(f"SIP_TRANSPORT_{transport.upper()}")
    assert list(trunk.numbers) == [DID]
    assert (trunk.auth_username, trunk.auth_password) == (USER_NAME, PASSWORD)
    assert trunk.name == "exotel"


def test_livekit_update_fields_fit_update_outbound_trunk_fields() -> None:
    s = stand_ins()
    body, _ = resolve(livekit.update_outbound_trunk_fields(s.trunk, s.credential, [s.did]))
    bind(SipService.update_outbound_trunk_fields, "ST_trunk", **body)
    # The method turns `numbers` into a ListUpdate; everything else lands in this message.
    update = json_format.ParseDict(
        {k: v for k, v in body.items() if k != "numbers"}, SIPOutboundTrunkUpdate()
    )
    assert update.auth_password == PASSWORD
    assert update.transport == SIPTransport.SIP_TRANSPORT_TLS


# --- Retell -----------------------------------------------------------------------------------


def test_retell_import_matches_phone_number_import_params() -> None:
    # The shared sample (with a nickname and an agent list) is the body checked here.
    body, _ = resolve(common.SAMPLE_CALLS[("retell", "import_phone_number")](stand_ins()))
    declared, required = typed_dict_keys(PhoneNumberImportParams)
    assert set(body) <= declared, f"undeclared keys: {set(body) - declared}"
    assert required <= set(body), f"missing required keys: {required - set(body)}"
    pydantic.TypeAdapter(PhoneNumberImportParams).validate_python(body)
    bind(PhoneNumberResource.import_, **body)
    assert body["termination_uri"] == EDGE_TLS
    # "Valid values are "TLS", "TCP" and "UDP"" (the SDK's docstring; the type is str).
    assert body["transport"] == "TLS"
    assert (body["sip_trunk_auth_username"], body["sip_trunk_auth_password"]) == (
        USER_NAME,
        PASSWORD,
    )


def test_retell_update_uses_the_update_calls_own_field_names() -> None:
    s = stand_ins()
    body, _ = resolve(retell.update_phone_number(s.trunk, s.credential, s.did, transport="tcp"))
    declared, _ = typed_dict_keys(PhoneNumberUpdateParams)
    # phone_number is the path parameter of the update call, not a body field.
    assert set(body) - {"phone_number"} <= declared
    pydantic.TypeAdapter(PhoneNumberUpdateParams).validate_python(
        {k: v for k, v in body.items() if k != "phone_number"}
    )
    bind(PhoneNumberResource.update, **body)
    assert (body["auth_username"], body["auth_password"]) == (USER_NAME, PASSWORD)
    assert (body["termination_uri"], body["transport"]) == (EDGE_TCP, "TCP")


# --- ElevenLabs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("transport", "edge"), TRANSPORTS)
def test_elevenlabs_body_is_a_sip_trunk_create_request(transport: str, edge: str) -> None:
    s = stand_ins()
    body, _ = resolve(
        elevenlabs.create_sip_trunk_phone_number(
            s.trunk,
            s.credential,
            s.did,
            label="Exotel",
            transport=transport,
            media_encryption="disabled",
        )
    )
    model = parse_obj_as(PhoneNumbersCreateRequestBody, body)  # the provider discriminates
    assert isinstance(model, PhoneNumbersCreateRequestBody_SipTrunk)
    PhoneNumbersCreateRequestBody_SipTrunk.model_validate(body)  # required fields present
    assert unknown_fields(model) == []
    assert model.dict() == body  # the SDK serialises exactly what we produced
    config = model.outbound_trunk_config
    assert config is not None and config.credentials is not None
    assert config.transport == transport
    assert config.transport in literal_values(SipTrunkTransportEnum)
    assert config.media_encryption in literal_values(SipMediaEncryptionEnum)
    assert (config.address, config.credentials.username, config.credentials.password) == (
        edge,
        USER_NAME,
        PASSWORD,
    )
    assert model.phone_number == DID


def test_elevenlabs_update_fits_phone_numbers_update() -> None:
    s = stand_ins()
    body, _ = resolve(elevenlabs.update_phone_number(s.trunk, s.credential))
    bind(PhoneNumbersClient.update, "phnum_123", **body)
    config = OutboundSipTrunkConfigRequestModel.model_validate(body["outbound_trunk_config"])
    assert unknown_fields(config) == []
    assert config.credentials is not None and config.credentials.password == PASSWORD


# --- Vapi -------------------------------------------------------------------------------------


def vapi_model(model_type: Any, wire: dict[str, Any]) -> Any:
    """Read our camelCase JSON the way the Vapi SDK reads the API's."""
    fields = convert_and_respect_annotation_metadata(
        object_=wire, annotation=model_type, direction="read"
    )
    return model_type.model_validate(fields)


def test_vapi_credential_is_a_create_byo_sip_trunk_credential_dto() -> None:
    s = stand_ins()
    wire, _ = resolve(vapi.byo_sip_trunk_credential(s.trunk, s.credential, name="exotel"))
    model = vapi_model(CreateByoSipTrunkCredentialDto, wire)
    assert unknown_fields(model) == []
    assert model.dict() == wire  # aliases right: the SDK writes back the same JSON
    (gateway,) = model.gateways
    assert (gateway.ip, gateway.port, gateway.outbound_protocol) == (
        "in.voip.exotel.com",
        443,
        "tls",
    )
    assert gateway.outbound_protocol in literal_values(SipTrunkGatewayOutboundProtocol)
    plan = model.outbound_authentication_plan
    assert (plan.auth_username, plan.auth_password) == (USER_NAME, PASSWORD)


def test_vapi_phone_number_is_a_create_byo_phone_number_dto() -> None:
    s = stand_ins()
    wire, _ = resolve(
        vapi.byo_phone_number(s.did, credential_id=VAPI_CREDENTIAL_ID, assistant_id="asst_1")
    )
    model = vapi_model(CreateByoPhoneNumberDto, wire)
    assert unknown_fields(model) == []
    assert model.dict() == wire
    assert (model.number, model.credential_id) == (DID, VAPI_CREDENTIAL_ID)


def test_a_misspelled_field_would_be_caught() -> None:
    """The checks above can fail: the same checks on a wrong body do."""
    wire = {
        "provider": "byo-sip-trunk",
        "gateways": [{"ip": "in.voip.exotel.com", "outboundProtocoll": "tls"}],
    }
    assert unknown_fields(vapi_model(CreateByoSipTrunkCredentialDto, wire)) == [
        "gateways.outboundProtocoll"
    ]
    with pytest.raises(json_format.ParseError):
        json_format.ParseDict({"trunk": {"adress": "x"}}, CreateSIPOutboundTrunkRequest())
    with pytest.raises(TypeError):
        bind(PhoneNumberResource.import_, phone_number=DID)  # termination_uri missing
