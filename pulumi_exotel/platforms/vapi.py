"""Vapi's side of an Exotel trunk: a ``byo-sip-trunk`` credential that dials the Exotel edge with
a digest credential, and the BYO phone numbers (Exotel DIDs) bound to it.

- :class:`ByoSipTrunkCredential` (``POST/PATCH/DELETE /credential``): one gateway, the Exotel
  edge over TLS (Vapi has no TCP, Exotel no UDP), and an outbound authentication plan with the
  digest user name and password. Every input changes in place (``PATCH``), so a ``keepers``
  rotation of the ``DigestCredential`` updates this credential between the creation of the new
  Exotel credential and the deletion of the old one: no call is placed with a dead password.
- :class:`PhoneNumber` (``/phone-number``): an Exotel DID on that credential, with an optional
  assistant for inbound calls. Every input changes in place too.

Bodies come from the field mappings of :mod:`pulumi_exotel.voice_ai.vapi` (one source of truth
with the ``voice_ai`` helpers) and are checked against Vapi's SDK types before they are sent.
Phone numbers go through ``Vapi(...).phone_numbers``; Vapi's SDK has no credential client, so the
credential calls go through the same SDK's HTTP wrapper (auth, retries, base URL).

Config: ``vapi:apiKey`` (secret) or ``VAPI_API_KEY``; ``vapi:baseUrl`` or ``VAPI_BASE_URL``
(default Vapi's own; a local twin in tests). Needs the ``vapi`` extra (``vapi-server-sdk``).
Vapi never returns the password: it is kept from the inputs, as a secret output.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from pulumi_exotel.platforms._base import (
    InputSpec,
    PlatformProvider,
    PlatformResource,
    Props,
    ResolvedSettings,
    api_key_settings,
    import_sdk,
    validate_secret_text,
    validate_sip_address,
    validate_text,
)
from pulumi_exotel.resources.validation import InvalidInput, validate_e164
from pulumi_exotel.sip_uri import Transport, check_transport
from pulumi_exotel.voice_ai.inputs import CredentialLike, Number, TrunkLike
from pulumi_exotel.voice_ai.profile import e164_output, select_edge
from pulumi_exotel.voice_ai.vapi import PROFILE

#: The voice_ai mappings of Vapi's two calls: the bodies sent here.
CREDENTIAL_CALL = PROFILE.call("byo_sip_trunk_credential")
PHONE_NUMBER_CALL = PROFILE.call("byo_phone_number")

import_sdk("vapi", "vapi")

from vapi import Vapi  # noqa: E402 (after the check that names the extra)
from vapi.core.api_error import ApiError  # noqa: E402
from vapi.core.pydantic_utilities import parse_obj_as  # noqa: E402
from vapi.core.serialization import convert_and_respect_annotation_metadata  # noqa: E402
from vapi.types.byo_phone_number import ByoPhoneNumber  # noqa: E402
from vapi.types.byo_sip_trunk_credential import ByoSipTrunkCredential as CredentialObject  # noqa: E402
from vapi.types.create_byo_phone_number_dto import CreateByoPhoneNumberDto  # noqa: E402
from vapi.types.create_byo_sip_trunk_credential_dto import (  # noqa: E402
    CreateByoSipTrunkCredentialDto,
)
from vapi.types.update_byo_phone_number_dto import UpdateByoPhoneNumberDto  # noqa: E402
from vapi.types.update_byo_sip_trunk_credential_dto import (  # noqa: E402
    UpdateByoSipTrunkCredentialDto,
)

__all__ = [
    "ByoSipTrunkCredential",
    "ByoSipTrunkCredentialProvider",
    "PhoneNumber",
    "PhoneNumberProvider",
    "SETTINGS",
    "VapiApi",
]

SETTINGS = api_key_settings("Vapi", extra="vapi")

#: Vapi lists at most this many phone numbers or credentials per call (adoption looks there).
_LIST_LIMIT = 1000


class VapiApi:
    """The calls the two resources make, in Vapi's SDK types; errors are the SDK's ``ApiError``."""

    def __init__(self, settings: ResolvedSettings) -> None:
        base_url = settings.get("base_url")
        if base_url is None:
            self.sdk = Vapi(token=settings["api_key"])
        else:
            self.sdk = Vapi(token=settings["api_key"], base_url=base_url.rstrip("/"))

    # --- credentials: no SDK client, so the SDK's HTTP wrapper and serialiser -----------------

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        body_type: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        payload = None
        if body is not None:
            payload = convert_and_respect_annotation_metadata(
                object_=body, annotation=body_type, direction="write"
            )
        response = self.sdk._client_wrapper.httpx_client.request(
            path, method=method, json=payload, params=params, omit=...
        )
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        if not 200 <= response.status_code < 300:
            raise ApiError(
                status_code=response.status_code, headers=dict(response.headers), body=answer
            )
        return answer

    def create_credential(self, dto: CreateByoSipTrunkCredentialDto) -> CredentialObject:
        answer = self._call("POST", "credential", dto, CreateByoSipTrunkCredentialDto)
        return parse_obj_as(CredentialObject, answer)

    def get_credential(self, credential_id: str) -> CredentialObject:
        return parse_obj_as(CredentialObject, self._call("GET", f"credential/{credential_id}"))

    def list_credentials(self) -> list[Any]:
        answer = self._call("GET", "credential", params={"limit": _LIST_LIMIT})
        return list(answer) if isinstance(answer, list) else []

    def update_credential(
        self, credential_id: str, dto: UpdateByoSipTrunkCredentialDto
    ) -> CredentialObject:
        answer = self._call(
            "PATCH", f"credential/{credential_id}", dto, UpdateByoSipTrunkCredentialDto
        )
        return parse_obj_as(CredentialObject, answer)

    def delete_credential(self, credential_id: str) -> None:
        self._call("DELETE", f"credential/{credential_id}")

    # --- phone numbers: the SDK's own client ------------------------------------------------

    def create_number(self, dto: CreateByoPhoneNumberDto) -> ByoPhoneNumber:
        return _byo_number(self.sdk.phone_numbers.create(request=dto))

    def get_number(self, number_id: str) -> ByoPhoneNumber:
        return _byo_number(self.sdk.phone_numbers.get(number_id))

    def list_numbers(self) -> list[Any]:
        return list(self.sdk.phone_numbers.list(limit=_LIST_LIMIT))

    def update_number(self, number_id: str, dto: UpdateByoPhoneNumberDto) -> ByoPhoneNumber:
        return _byo_number(self.sdk.phone_numbers.update(number_id, request=dto))

    def delete_number(self, number_id: str) -> None:
        self.sdk.phone_numbers.delete(number_id)


def _byo_number(answer: Any) -> ByoPhoneNumber:
    if not isinstance(answer, ByoPhoneNumber):
        raise ApiError(
            status_code=None,
            body=f"expected a byo-phone-number, Vapi answered a {type(answer).__name__}",
        )
    return answer


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


# --- validation (check: no I/O) -------------------------------------------------------------------


def _validate_transport(value: object, field: str) -> Transport:
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be 'tls'")
    return check_transport(
        "Vapi", value, CREDENTIAL_CALL.transports, CREDENTIAL_CALL.transport_rule
    )


class _VapiProvider(PlatformProvider[VapiApi]):
    """What both Vapi providers share: settings, client, ids, adoption through ``_patch``."""

    settings_spec = SETTINGS

    def _build_client(self, settings: ResolvedSettings) -> VapiApi:
        return VapiApi(settings)

    def _take_over(self, client: VapiApi, found: Any, props: Props) -> Any:
        return self._patch(client, found.id, {}, props)

    def _object_id(self, obj: Any) -> str:
        return str(obj.id)

    def _vapi_outputs(self, inputs: Props, obj: Any) -> Props:
        """``inputs`` with the outputs every Vapi object has: its id (as ``id_field``), org and
        dates."""
        return {
            **inputs,
            self.id_field: obj.id,
            "org_id": obj.org_id,
            "created_at": _iso(obj.created_at),
            "updated_at": _iso(obj.updated_at),
        }


# --- ByoSipTrunkCredential --------------------------------------------------------------------


class ByoSipTrunkCredentialProvider(_VapiProvider):
    """Create, read, update (``PATCH``) and delete one ``byo-sip-trunk`` credential."""

    kind = "Vapi BYO SIP trunk credential"
    resource_class = "ByoSipTrunkCredential"
    id_field = "credential_id"
    natural_key = "name"
    secret_fields = ("password",)
    fields: ClassVar[dict[str, InputSpec]] = {
        "name": InputSpec(validate_text, "update", required=True),
        "edge": InputSpec(validate_sip_address, "update", required=True),
        "transport": InputSpec(_validate_transport, "update", default="tls"),
        "user_name": InputSpec(validate_text, "update", required=True),
        "password": InputSpec(validate_secret_text, "update", required=True),
    }

    def _body(self, props: Props) -> dict[str, Any]:
        return CREDENTIAL_CALL.body(
            edge=props["edge"],
            transport=props["transport"],
            user_name=props["user_name"],
            password=props["password"],
            name=props["name"],
        )

    def _find(self, client: VapiApi, props: Props) -> Any | None:
        for item in client.list_credentials():
            if item.get("provider") == "byo-sip-trunk" and item.get("name") == props["name"]:
                return parse_obj_as(CredentialObject, item)
        return None

    def _post(self, client: VapiApi, props: Props) -> Any:
        dto = parse_obj_as(CreateByoSipTrunkCredentialDto, self._body(props))
        return self._post_or_find(client, props, lambda: client.create_credential(dto))

    def _get(self, client: VapiApi, id_: str) -> Any | None:
        return client.get_credential(id_)

    def _patch(self, client: VapiApi, id_: str, olds: Props, news: Props) -> Any:
        # Everything but the provider (fixed, and not a field of the update type), every time:
        # Vapi replaces the authentication plan as a whole.
        body = {k: v for k, v in self._body(news).items() if k != "provider"}
        return client.update_credential(id_, parse_obj_as(UpdateByoSipTrunkCredentialDto, body))

    def _remove(self, client: VapiApi, id_: str) -> None:
        client.delete_credential(id_)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        outs = self._vapi_outputs(inputs, obj)
        if obj.name is not None:
            outs["name"] = obj.name
        if obj.gateways:
            gateway = obj.gateways[0]
            if gateway.port is not None:
                outs["edge"] = f"{gateway.ip}:{int(gateway.port)}"
            if gateway.outbound_protocol is not None:
                outs["transport"] = gateway.outbound_protocol
        plan = obj.outbound_authentication_plan
        if plan is not None and plan.auth_username is not None:
            outs["user_name"] = plan.auth_username
        # Vapi never returns the password: what was sent is what it holds.
        outs["password"] = inputs.get("password")
        return outs


class ByoSipTrunkCredential(PlatformResource, module="vapi", name="ByoSipTrunkCredential"):
    """A Vapi ``byo-sip-trunk`` credential that dials the Exotel edge with a digest credential.

    ``trunk`` gives the edge (``Trunk.edge_tls``, or ``edge=`` for one assigned at onboarding),
    ``credential`` the digest user name and password (secret). Every change is an in-place
    ``PATCH``: a rotated ``DigestCredential`` updates this credential, it is never replaced.
    """

    credential_id: pulumi.Output[str]
    """Vapi's id of the credential: what `PhoneNumber` takes as ``credential_id``."""
    org_id: pulumi.Output[str]
    """The Vapi org the credential belongs to."""
    name: pulumi.Output[str]
    """The credential's name in Vapi (its natural key for ``adopt``)."""
    edge: pulumi.Output[str]
    """The gateway Vapi dials: the Exotel edge ``host:port``."""
    transport: pulumi.Output[str]
    """``tls`` (the only transport Vapi and Exotel share)."""
    user_name: pulumi.Output[str]
    """The digest user name Vapi authenticates with."""
    password: pulumi.Output[str]
    """The digest password (secret; Vapi never returns it)."""
    created_at: pulumi.Output[str]
    """When Vapi created the credential (ISO-8601)."""
    updated_at: pulumi.Output[str]
    """When Vapi last changed it (ISO-8601)."""

    def __init__(
        self,
        resource_name: str,
        *,
        trunk: TrunkLike,
        credential: CredentialLike,
        name: pulumi.Input[str] | None = None,
        transport: Transport = "tls",
        edge: str | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        chosen = _validate_transport(transport, "transport")
        inputs = {
            "name": resource_name if name is None else name,
            "edge": select_edge(trunk, chosen, edge),
            "transport": chosen,
            "user_name": credential.user_name,
            "password": credential.password,
            "adopt": adopt,
        }
        super().__init__(ByoSipTrunkCredentialProvider(), resource_name, inputs, opts)


# --- PhoneNumber --------------------------------------------------------------------------------


class PhoneNumberProvider(_VapiProvider):
    """Create, read, update (``PATCH``) and delete one ``byo-phone-number``."""

    kind = "Vapi phone number"
    resource_class = "PhoneNumber"
    id_field = "phone_number_id"
    natural_key = "number"
    fields: ClassVar[dict[str, InputSpec]] = {
        "number": InputSpec(validate_e164, "update", required=True),
        "credential_id": InputSpec(validate_text, "update", required=True),
        "name": InputSpec(validate_text, "update"),
        "assistant_id": InputSpec(validate_text, "update"),
    }

    def _body(self, props: Props) -> dict[str, Any]:
        return PHONE_NUMBER_CALL.body(
            numbers=[props["number"]],
            credential_id=props["credential_id"],
            name=props.get("name"),
            assistant_id=props.get("assistant_id"),
        )

    def _find(self, client: VapiApi, props: Props) -> Any | None:
        for item in client.list_numbers():
            if isinstance(item, ByoPhoneNumber) and item.number == props["number"]:
                return item
        return None

    def _post(self, client: VapiApi, props: Props) -> Any:
        dto = parse_obj_as(CreateByoPhoneNumberDto, self._body(props))
        return self._post_or_find(client, props, lambda: client.create_number(dto))

    def _get(self, client: VapiApi, id_: str) -> Any | None:
        return client.get_number(id_)

    def _patch(self, client: VapiApi, id_: str, olds: Props, news: Props) -> Any:
        body = {k: v for k, v in self._body(news).items() if k != "provider"}
        # An optional field dropped from the program is cleared in Vapi (null), not kept.
        for wire, name in (("name", "name"), ("assistantId", "assistant_id")):
            if news.get(name) is None:
                body[wire] = None
        return client.update_number(id_, parse_obj_as(UpdateByoPhoneNumberDto, body))

    def _remove(self, client: VapiApi, id_: str) -> None:
        client.delete_number(id_)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        return {
            **self._vapi_outputs(inputs, obj),
            "number": obj.number,
            "credential_id": obj.credential_id,
            "name": obj.name,
            "assistant_id": obj.assistant_id,
            "status": obj.status,
        }


class PhoneNumber(PlatformResource, module="vapi", name="PhoneNumber"):
    """An Exotel DID in Vapi (``byo-phone-number``) on a `ByoSipTrunkCredential`.

    ``phone_number`` is a ``PhoneMapping`` (the number then waits for the mapping) or an E.164
    string; ``credential_id`` is ``ByoSipTrunkCredential.credential_id``. Every change is an
    in-place ``PATCH``.
    """

    phone_number_id: pulumi.Output[str]
    """Vapi's id of the phone number."""
    number: pulumi.Output[str]
    """The DID in E.164."""
    credential_id: pulumi.Output[str]
    """The ``byo-sip-trunk`` credential Vapi calls it through."""
    name: pulumi.Output[str | None]
    """The number's name in Vapi, if given."""
    assistant_id: pulumi.Output[str | None]
    """The assistant that answers inbound calls, if given."""
    org_id: pulumi.Output[str]
    """The Vapi org the number belongs to."""
    status: pulumi.Output[str]
    """Vapi's status of the number (``active``...)."""
    created_at: pulumi.Output[str]
    """When Vapi created the number (ISO-8601)."""
    updated_at: pulumi.Output[str]
    """When Vapi last changed it (ISO-8601)."""

    def __init__(
        self,
        resource_name: str,
        *,
        phone_number: Number,
        credential_id: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        assistant_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        number = (
            phone_number
            if isinstance(phone_number, (str, pulumi.Output))
            else phone_number.phone_number
        )
        given = {**locals(), "number": e164_output(number, "phone_number")}
        super().__init__(PhoneNumberProvider(), resource_name, given, opts)
