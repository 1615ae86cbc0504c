"""The Vapi twin driven by Vapi's own SDK client, so request and answer shapes are Vapi's.

Phone numbers go through ``Vapi(...).phone_numbers``. The SDK has no credential client (Vapi's
``POST /credential`` is a plain call), so credentials go through the same SDK's HTTP wrapper
with bodies serialised, and answers parsed, by the SDK's own types and functions.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytest.importorskip("vapi", reason="the Vapi twin needs vapi-server-sdk (the vapi extra)")

from vapi import Vapi  # noqa: E402
from vapi.core.api_error import ApiError  # noqa: E402
from vapi.core.pydantic_utilities import parse_obj_as  # noqa: E402
from vapi.core.serialization import convert_and_respect_annotation_metadata  # noqa: E402
from vapi.types.byo_phone_number import ByoPhoneNumber  # noqa: E402
from vapi.types.byo_sip_trunk_credential import ByoSipTrunkCredential  # noqa: E402
from vapi.types.create_byo_phone_number_dto import CreateByoPhoneNumberDto  # noqa: E402
from vapi.types.create_byo_sip_trunk_credential_dto import (  # noqa: E402
    CreateByoSipTrunkCredentialDto,
)
from vapi.types.sip_trunk_gateway import SipTrunkGateway  # noqa: E402
from vapi.types.sip_trunk_outbound_authentication_plan import (  # noqa: E402
    SipTrunkOutboundAuthenticationPlan,
)
from vapi.types.update_byo_phone_number_dto import UpdateByoPhoneNumberDto  # noqa: E402
from vapi.types.update_byo_sip_trunk_credential_dto import (  # noqa: E402
    UpdateByoSipTrunkCredentialDto,
)

from pulumi_exotel.twins.vapi import DEFAULT_TOKEN, ORG_ID, VapiTwinServer  # noqa: E402
from tests.twin_fixtures import twin_fixture  # noqa: E402

PASSWORD = "twin-canary-Pw_0123456789abcdef"  # noqa: S105


server = twin_fixture(VapiTwinServer)


@pytest.fixture
def twin(server: VapiTwinServer) -> VapiTwinServer:
    httpx.post(f"{server.base_url}/_twin/reset").raise_for_status()
    return server


@pytest.fixture
def vapi(twin: VapiTwinServer) -> Vapi:
    return Vapi(token=DEFAULT_TOKEN, base_url=twin.base_url)


def credential_dto(user: str = "exo_user", password: str = PASSWORD) -> Any:
    return CreateByoSipTrunkCredentialDto(
        name="exotel-edge",
        gateways=[SipTrunkGateway(ip="in.voip.exotel.com", port=443, outbound_protocol="tls")],
        outbound_authentication_plan=SipTrunkOutboundAuthenticationPlan(
            auth_username=user, auth_password=password
        ),
    )


def sdk_call(vapi: Vapi, method: str, path: str, dto: Any = None, dto_type: Any = None) -> Any:
    """A call through the SDK's own HTTP wrapper; bodies written by the SDK's serialiser."""
    body = None
    if dto is not None:
        body = convert_and_respect_annotation_metadata(
            object_=dto, annotation=dto_type, direction="write"
        )
    response = vapi._client_wrapper.httpx_client.request(path, method=method, json=body, omit=...)
    if response.status_code >= 300:
        raise ApiError(status_code=response.status_code, body=response.json())
    return response.json()


def create_credential(vapi: Vapi, **kwargs: Any) -> ByoSipTrunkCredential:
    raw = sdk_call(
        vapi, "POST", "credential", credential_dto(**kwargs), CreateByoSipTrunkCredentialDto
    )
    return parse_obj_as(ByoSipTrunkCredential, raw)


def test_credential_round_trip_in_vapis_own_types(vapi: Vapi, twin: VapiTwinServer) -> None:
    made = create_credential(vapi)

    assert made.provider == "byo-sip-trunk"
    assert made.org_id == ORG_ID
    assert made.gateways == [
        SipTrunkGateway(ip="in.voip.exotel.com", port=443, outbound_protocol="tls")
    ]
    assert made.outbound_authentication_plan is not None
    assert made.outbound_authentication_plan.auth_username == "exo_user"
    # Like Vapi: the password is never returned, but the twin holds what it was given.
    assert made.outbound_authentication_plan.auth_password is None
    stored = httpx.get(f"{twin.base_url}/_twin/credential/{made.id}").json()
    assert stored["outboundAuthenticationPlan"]["authPassword"] == PASSWORD

    got = parse_obj_as(ByoSipTrunkCredential, sdk_call(vapi, "GET", f"credential/{made.id}"))
    assert got == made
    listed = [parse_obj_as(ByoSipTrunkCredential, c) for c in sdk_call(vapi, "GET", "credential")]
    assert [c.id for c in listed] == [made.id]


def test_credential_update_in_place_replaces_the_auth_plan(
    vapi: Vapi, twin: VapiTwinServer
) -> None:
    made = create_credential(vapi)
    patch = UpdateByoSipTrunkCredentialDto(
        outbound_authentication_plan=SipTrunkOutboundAuthenticationPlan(
            auth_username="exo_user_2", auth_password="rotated-Pw_2"
        )
    )
    raw = sdk_call(vapi, "PATCH", f"credential/{made.id}", patch, UpdateByoSipTrunkCredentialDto)
    updated = parse_obj_as(ByoSipTrunkCredential, raw)

    assert updated.id == made.id
    assert updated.name == "exotel-edge"  # fields not sent are kept
    assert updated.outbound_authentication_plan is not None
    assert updated.outbound_authentication_plan.auth_username == "exo_user_2"
    stored = httpx.get(f"{twin.base_url}/_twin/credential/{made.id}").json()
    assert stored["outboundAuthenticationPlan"]["authPassword"] == "rotated-Pw_2"


def test_credential_delete_then_get_is_404(vapi: Vapi) -> None:
    made = create_credential(vapi)
    sdk_call(vapi, "DELETE", f"credential/{made.id}")
    with pytest.raises(ApiError) as err:
        sdk_call(vapi, "GET", f"credential/{made.id}")
    assert err.value.status_code == 404
    with pytest.raises(ApiError) as again:
        sdk_call(vapi, "DELETE", f"credential/{made.id}")
    assert again.value.status_code == 404


def test_phone_number_lifecycle_through_the_sdk_client(vapi: Vapi) -> None:
    credential = create_credential(vapi)
    made = vapi.phone_numbers.create(
        request=CreateByoPhoneNumberDto(
            number="+918047091234", credential_id=credential.id, name="support"
        )
    )
    assert isinstance(made, ByoPhoneNumber)
    assert (made.number, made.credential_id, made.name) == (
        "+918047091234",
        credential.id,
        "support",
    )
    assert made.provider == "byo-phone-number"

    got = vapi.phone_numbers.get(made.id)
    assert got == made
    assert [n.id for n in vapi.phone_numbers.list()] == [made.id]

    updated = vapi.phone_numbers.update(
        made.id, request=UpdateByoPhoneNumberDto(name="sales", assistant_id="asst-1")
    )
    assert isinstance(updated, ByoPhoneNumber)
    assert (updated.name, updated.assistant_id, updated.number) == ("sales", "asst-1", made.number)

    vapi.phone_numbers.delete(made.id)
    with pytest.raises(ApiError) as err:
        vapi.phone_numbers.get(made.id)
    assert err.value.status_code == 404
    assert vapi.phone_numbers.list() == []


def test_phone_number_needs_an_existing_credential(vapi: Vapi) -> None:
    with pytest.raises(ApiError) as err:
        vapi.phone_numbers.create(
            request=CreateByoPhoneNumberDto(number="+918047091234", credential_id="nope")
        )
    assert err.value.status_code == 400
    assert "credentialId" in str(err.value.body)


def test_phone_number_must_be_e164_unless_the_check_is_off(vapi: Vapi) -> None:
    credential = create_credential(vapi)
    with pytest.raises(ApiError) as err:
        vapi.phone_numbers.create(
            request=CreateByoPhoneNumberDto(number="08047091234", credential_id=credential.id)
        )
    assert err.value.status_code == 400
    made = vapi.phone_numbers.create(
        request=CreateByoPhoneNumberDto(
            number="08047091234", credential_id=credential.id, number_e_164_check_enabled=False
        )
    )
    assert made.number == "08047091234"


# --- strictness: raw requests the SDK would never send ------------------------------------------


def raw(twin: VapiTwinServer, method: str, path: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    return httpx.request(method, f"{twin.base_url}{path}", json=body, headers=headers)


def good_credential_body() -> dict[str, Any]:
    return {
        "provider": "byo-sip-trunk",
        "name": "exotel-edge",
        "gateways": [{"ip": "in.voip.exotel.com", "port": 443, "outboundProtocol": "tls"}],
        "outboundAuthenticationPlan": {"authUsername": "u", "authPassword": PASSWORD},
    }


def test_the_good_raw_body_is_accepted(twin: VapiTwinServer) -> None:
    # The baseline of the strictness tests below: only their one change makes them fail.
    assert raw(twin, "POST", "/credential", good_credential_body()).status_code == 200


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ((), "sipTrunkName"),
        (("gateways", 0), "transport"),
        (("outboundAuthenticationPlan",), "authRealm"),
        ((), "outbound_authentication_plan"),  # the Python name, not the wire name
    ],
)
def test_a_field_the_sdk_type_does_not_declare_is_refused(
    twin: VapiTwinServer, where: tuple[Any, ...], field: str
) -> None:
    body = good_credential_body()
    node: Any = body
    for key in where:
        node = node[key]
    node[field] = "x"

    response = raw(twin, "POST", "/credential", body)

    assert response.status_code == 400, response.text
    assert response.json()["statusCode"] == 400
    assert any(field in m and "should not exist" in m for m in response.json()["message"])
    assert raw(twin, "GET", "/credential").json() == []


def test_undeclared_fields_are_refused_on_update_and_phone_numbers(twin: VapiTwinServer) -> None:
    made = raw(twin, "POST", "/credential", good_credential_body()).json()
    assert (
        raw(twin, "PATCH", f"/credential/{made['id']}", {"provider": "byo-sip-trunk"}).status_code
        == 400
    )
    number = {"provider": "byo-phone-number", "number": "+918047091234", "credentialId": made["id"]}
    assert raw(twin, "POST", "/phone-number", {**number, "sipUri": "x"}).status_code == 400
    created = raw(twin, "POST", "/phone-number", number)
    assert created.status_code == 200
    patch = raw(twin, "PATCH", f"/phone-number/{created.json()['id']}", {"twilioAccountSid": "x"})
    assert patch.status_code == 400


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda b: b.pop("gateways"), "gateways"),
        (lambda b: b["gateways"][0].pop("ip"), "ip"),
        (lambda b: b["gateways"][0].update(port="443"), "port"),
        (lambda b: b.update(provider="twilio"), "provider"),
        (lambda b: b["gateways"][0].update(outboundProtocol="sctp"), "outboundProtocol"),
        (lambda b: b["outboundAuthenticationPlan"].update(authPassword=7), "authPassword"),
    ],
)
def test_missing_or_mistyped_fields_are_refused(
    twin: VapiTwinServer, change: Any, needle: str
) -> None:
    body = good_credential_body()
    change(body)
    response = raw(twin, "POST", "/credential", body)
    assert response.status_code == 400, response.text
    assert any(needle in m for m in response.json()["message"])
    # The password is never echoed back in an error.
    assert PASSWORD not in response.text


def test_a_wrong_token_is_refused_and_nothing_is_created(twin: VapiTwinServer) -> None:
    vapi = Vapi(token="wrong", base_url=twin.base_url)
    with pytest.raises(ApiError) as err:
        vapi.phone_numbers.list()
    assert err.value.status_code == 401


def test_the_request_counter_counts_api_calls_only(twin: VapiTwinServer, vapi: Vapi) -> None:
    create_credential(vapi)
    vapi.phone_numbers.list()
    httpx.get(f"{twin.base_url}/_twin/stats")
    stats = httpx.get(f"{twin.base_url}/_twin/stats").json()
    assert stats["total"] == 2
    assert stats["by_route"] == {"POST /credential": 1, "GET /phone-number": 1}
