"""ElevenLabs Agents: an Exotel DID as an ElevenLabs phone number, as a Pulumi resource.

Two resource classes, one per way ElevenLabs reaches Exotel (ElevenLabs' own ``provider``
discriminator; separate classes because their inputs and secrets differ):

- :class:`PhoneNumber`, provider ``sip_trunk``: ElevenLabs dials the Exotel edge with a digest
  credential. Every input but ``phone_number`` updates the number in place, so a credential
  rotation re-points it between the new credential's creation and the old one's deletion::

      elevenlabs.PhoneNumber(
          "did",
          phone_number=mapping.phone_number,
          label="support",
          address=trunk.edge_tls,
          transport="tls",
          user_name=credential.user_name,
          password=credential.password,
      )

  The create and update bodies come from the same field mapping as the body helpers
  :func:`pulumi_exotel.voice_ai.elevenlabs.create_sip_trunk_phone_number` /
  ``update_phone_number``; the inbound config (``inbound_allowed_addresses``,
  ``inbound_allowed_numbers``) is added here.
- :class:`ExotelPhoneNumber`, provider ``exotel``: ElevenLabs' native Exotel integration
  (account SID, API key and token, subdomain, app id; the SDK's
  ``PhoneNumbersCreateRequestBody_Exotel``). No SIP credential is involved. ElevenLabs can
  change only ``label`` and ``agent_id`` of such a number, so any other change replaces it
  (deleting the old number first, as ElevenLabs holds one number per E.164).

ElevenLabs never returns passwords or tokens: a refresh keeps the ones in state.
Needs ``pip install 'pulumi-exotel[elevenlabs]'``. Config: ``elevenlabs:apiKey`` (secret) or
``ELEVENLABS_API_KEY``; ``elevenlabs:baseUrl`` or ``ELEVENLABS_BASE_URL`` to point at another
server (the local twin in tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi
from pulumi.dynamic import CheckFailure

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
    validate_transport,
)
from pulumi_exotel.resources.validation import InvalidInput, validate_e164
from pulumi_exotel.voice_ai.elevenlabs import PROFILE

if TYPE_CHECKING:
    from elevenlabs import ElevenLabs

__all__ = [
    "SETTINGS",
    "ExotelPhoneNumber",
    "ExotelPhoneNumberProvider",
    "PhoneNumber",
    "PhoneNumberProvider",
]

_sdk = import_sdk("elevenlabs", "elevenlabs")
_bodies = import_sdk(
    "elevenlabs.conversational_ai.phone_numbers.types.phone_numbers_create_request_body",
    "elevenlabs",
)

SETTINGS = api_key_settings("ElevenLabs", extra="elevenlabs")


#: The voice_ai mappings of ElevenLabs' create and update calls: the bodies sent here.
CREATE = PROFILE.call("create_sip_trunk_phone_number")
UPDATE = PROFILE.call("update_phone_number")

MEDIA_ENCRYPTIONS = ("disabled", "allowed", "required")
EXOTEL_SUBDOMAINS = ("api.in.exotel.com", "api.exotel.com")


def _one_of(choices: Sequence[str]) -> Any:
    def validate(value: object, field: str) -> str:
        if value not in choices:
            raise InvalidInput(field, value, f"must be one of {', '.join(choices)}")
        return str(value)

    return validate


def _strings(value: object, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(field, value, "must be a list of non-empty strings")
    return list(value)


def _numbers(value: object, field: str) -> list[str]:
    return [validate_e164(v, field) for v in _strings(value, field)]


#: The inputs both kinds of number have.
_NUMBER_FIELDS = {
    "phone_number": InputSpec(validate_e164, "replace", required=True),
    "label": InputSpec(validate_text, "update", required=True),
    "agent_id": InputSpec(validate_text, "update"),
}


class _NumberProvider(PlatformProvider["ElevenLabs"]):
    """What both kinds of number share: the client, lookups, delete, ids, errors."""

    settings_spec = SETTINGS
    id_field = "phone_number_id"
    natural_key = "phone_number"
    provider_name: ClassVar[str]

    def _build_client(self, settings: ResolvedSettings) -> ElevenLabs:
        client: ElevenLabs = _sdk.ElevenLabs(
            api_key=settings["api_key"], base_url=settings.get("base_url") or None, timeout=30
        )
        return client

    def _find(self, client: ElevenLabs, props: Props) -> Any:
        listed = client.conversational_ai.phone_numbers.list()
        found = next((n for n in listed if n.phone_number == props["phone_number"]), None)
        if found is not None and found.provider != self.provider_name:
            raise self._exists_error(
                f"A number {props['phone_number']!r} of provider {found.provider!r} (not "
                f"{self.provider_name!r})"
            )
        return found

    def _get(self, client: ElevenLabs, id_: str) -> Any:
        return client.conversational_ai.phone_numbers.get(id_)

    def _create_once(self, client: ElevenLabs, props: Props, request: Any) -> Any:
        """The create call without SDK retries (a retry after a lost answer would make a second
        number or meet a 409); ``_post_or_find`` keeps a number whose answer was lost."""
        numbers = client.conversational_ai.phone_numbers
        return self._post_or_find(
            client,
            props,
            lambda: numbers.create(request=request, request_options={"max_retries": 0}),
        )

    def _after_post(self, client: ElevenLabs, made: Any, props: Props) -> Any:
        # The create call answers only the id; the outputs come from the number itself.
        return self._get(client, made.phone_number_id)

    def _remove(self, client: ElevenLabs, id_: str) -> None:
        client.conversational_ai.phone_numbers.delete(id_)

    def _object_id(self, obj: Any) -> str:
        return str(obj.phone_number_id)

    def _common_outputs(self, inputs: Props, obj: Any) -> Props:
        agent = getattr(obj, "assigned_agent", None)
        return {
            **inputs,
            "phone_number": obj.phone_number,
            "phone_number_id": obj.phone_number_id,
            "provider": obj.provider,
            "label": obj.label,
            "agent_id": None if agent is None else agent.agent_id,
        }

    def _error_text(self, exc: Exception) -> str:
        body = getattr(exc, "body", None)
        status = getattr(exc, "status_code", "?")
        if isinstance(body, dict):
            detail = body.get("detail")
            if isinstance(detail, dict) and detail.get("message"):
                return f"HTTP {status}: {detail['message']}"
            if isinstance(detail, list):
                said = "; ".join(
                    f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg')}"
                    for d in detail
                    if isinstance(d, dict)
                )
                return f"HTTP {status}: {said}"
        return f"HTTP {status}" if status != "?" else super()._error_text(exc)


class PhoneNumberProvider(_NumberProvider):
    """A ``sip_trunk`` number; its Pulumi id is ElevenLabs' ``phone_number_id``."""

    kind = "ElevenLabs SIP trunk phone number"
    resource_class = "elevenlabs.PhoneNumber"
    provider_name = "sip_trunk"
    secret_fields = ("password",)
    fields = {
        **_NUMBER_FIELDS,
        "address": InputSpec(validate_sip_address, "update", required=True),
        "transport": InputSpec(validate_transport, "update", default="tls"),
        # Left out: whatever ElevenLabs has (its default) stays.
        "media_encryption": InputSpec(_one_of(MEDIA_ENCRYPTIONS), "update", unset="keep"),
        "user_name": InputSpec(validate_text, "update"),
        "password": InputSpec(validate_secret_text, "update"),
        "inbound_allowed_addresses": InputSpec(_strings, "update", unset="keep"),
        "inbound_allowed_numbers": InputSpec(_numbers, "update", unset="keep"),
    }

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        if bool(inputs.get("user_name")) == bool(inputs.get("password")):
            return []
        missing = "password" if inputs.get("user_name") else "user_name"
        return [
            CheckFailure(
                missing,
                f"{missing} is required with the other: Exotel's edge needs both (digest "
                "authentication), from the same DigestCredential",
            )
        ]

    # --- bodies: the voice_ai mapping, one source of truth ----------------------------------

    @staticmethod
    def _values(props: Props) -> dict[str, Any]:
        return {
            "numbers": [props["phone_number"]],
            "edge": props["address"],
            "transport": props.get("transport") or "tls",
            "user_name": props.get("user_name"),
            "password": props.get("password"),
            "label": props.get("label"),
            "agent_id": props.get("agent_id"),
            "media_encryption": props.get("media_encryption"),
        }

    @staticmethod
    def _inbound(props: Props) -> dict[str, Any] | None:
        inbound = {
            "allowed_addresses": props.get("inbound_allowed_addresses"),
            "allowed_numbers": props.get("inbound_allowed_numbers"),
        }
        inbound = {k: v for k, v in inbound.items() if v is not None}
        return inbound or None

    def _post(self, client: ElevenLabs, props: Props) -> Any:
        body = CREATE.body(**self._values(props))
        inbound = self._inbound(props)
        if inbound is not None:
            body["inbound_trunk_config"] = inbound
        request = _bodies.PhoneNumbersCreateRequestBody_SipTrunk(**body)
        return self._create_once(client, props, request)

    def _changes(self, olds: Props | None, news: Props) -> dict[str, Any]:
        """The update call's arguments: the outbound config always (it carries the password,
        which ElevenLabs cannot compare for us), the rest when changed."""
        body: dict[str, Any] = UPDATE.body(**self._values(news))
        body["outbound_trunk_config"] = _sdk.OutboundSipTrunkConfigRequestModel(
            **body["outbound_trunk_config"]
        )
        for name in ("label", "agent_id"):
            if olds is None or olds.get(name) != news.get(name):
                body[name] = news.get(name)
        inbound = self._inbound(news)
        if inbound is not None and (olds is None or self._inbound(olds) != inbound):
            body["inbound_trunk_config"] = _sdk.InboundSipTrunkConfigRequestModel(**inbound)
        return body

    def _take_over(self, client: ElevenLabs, found: Any, props: Props) -> Any:
        numbers = client.conversational_ai.phone_numbers
        return numbers.update(found.phone_number_id, **self._changes(None, props))

    def _patch(self, client: ElevenLabs, id_: str, olds: Props, news: Props) -> Any:
        return client.conversational_ai.phone_numbers.update(id_, **self._changes(olds, news))

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        """``inputs`` overlaid with what ElevenLabs reports (never the password)."""
        outs = self._common_outputs(inputs, obj)
        outbound = getattr(obj, "outbound_trunk", None)
        if outbound is not None:
            outs["address"] = outbound.address
            if outbound.transport in ("tls", "tcp"):
                outs["transport"] = outbound.transport
            outs["media_encryption"] = outbound.media_encryption
            if outbound.username is not None:
                outs["user_name"] = outbound.username
        inbound = getattr(obj, "inbound_trunk", None)
        if inbound is not None:
            if inbound.allowed_addresses:
                outs["inbound_allowed_addresses"] = list(inbound.allowed_addresses)
            if inbound.allowed_numbers:
                outs["inbound_allowed_numbers"] = list(inbound.allowed_numbers)
        return outs


class ExotelPhoneNumberProvider(_NumberProvider):
    """A number of ElevenLabs' native ``exotel`` provider (no SIP credential)."""

    kind = "ElevenLabs Exotel phone number"
    resource_class = "elevenlabs.ExotelPhoneNumber"
    provider_name = "exotel"
    secret_fields = ("api_token",)
    fields = {
        **_NUMBER_FIELDS,
        "account_sid": InputSpec(validate_text, "replace", required=True),
        "api_key": InputSpec(validate_text, "replace", required=True),
        "api_token": InputSpec(validate_secret_text, "replace", required=True),
        "api_subdomain": InputSpec(
            _one_of(EXOTEL_SUBDOMAINS), "replace", default=EXOTEL_SUBDOMAINS[0]
        ),
        "app_id": InputSpec(validate_text, "replace", required=True),
        "applet_url": InputSpec(validate_text, "replace"),
    }

    def _delete_before_replace(self, olds: Props, news: Props) -> bool:
        # ElevenLabs holds one number per E.164: the old one must go before the new one.
        return bool(olds.get("phone_number") == news.get("phone_number"))

    def _post(self, client: ElevenLabs, props: Props) -> Any:
        names = ("phone_number", "label", "agent_id", "account_sid", "api_key", "api_token")
        body = {name: props.get(name) for name in names}
        body.update(
            api_subdomain=props.get("api_subdomain") or EXOTEL_SUBDOMAINS[0],
            app_id=props["app_id"],
            applet_url=props.get("applet_url"),
        )
        request = _bodies.PhoneNumbersCreateRequestBody_Exotel(
            **{k: v for k, v in body.items() if v is not None}
        )
        return self._create_once(client, props, request)

    def _take_over(self, client: ElevenLabs, found: Any, props: Props) -> Any:
        # Only label and agent can change in place; the Exotel account fields are trusted as
        # given (ElevenLabs never shows them back).
        return client.conversational_ai.phone_numbers.update(
            found.phone_number_id, label=props["label"], agent_id=props.get("agent_id")
        )

    def _patch(self, client: ElevenLabs, id_: str, olds: Props, news: Props) -> Any:
        changes = {k: news.get(k) for k in ("label", "agent_id") if olds.get(k) != news.get(k)}
        return client.conversational_ai.phone_numbers.update(id_, **changes)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        return self._common_outputs(inputs, obj)


class _ElevenLabsNumber(PlatformResource):
    """Outputs both number classes have."""

    phone_number: pulumi.Output[str]
    """The DID in E.164."""
    phone_number_id: pulumi.Output[str]
    """ElevenLabs' id of the number (the Pulumi id)."""
    provider: pulumi.Output[str]
    """``sip_trunk`` or ``exotel``."""
    label: pulumi.Output[str]
    """ElevenLabs' label for the number."""
    agent_id: pulumi.Output[str | None]
    """The agent answering the number."""


class PhoneNumber(_ElevenLabsNumber, module="elevenlabs", name="PhoneNumber"):
    """An Exotel DID in ElevenLabs with provider ``sip_trunk``, dialling the Exotel edge.

    ``phone_number`` changes replace it; every other input is updated in place (a rotation of
    ``user_name`` / ``password`` included). ``password`` is always a secret. With ``adopt=True``
    an existing ``sip_trunk`` number with that E.164 is taken over and updated to these inputs.
    """

    address: pulumi.Output[str]
    """Where ElevenLabs sends outbound SIP: the Exotel edge ``host:port``."""
    transport: pulumi.Output[str]
    """``tls`` or ``tcp``."""
    media_encryption: pulumi.Output[str | None]
    """``disabled``, ``allowed`` or ``required`` (left out: ElevenLabs' default)."""
    user_name: pulumi.Output[str | None]
    """SIP digest user name (``DigestCredential.user_name``)."""
    password: pulumi.Output[str | None]
    """SIP digest password (secret; ElevenLabs never returns it)."""
    inbound_allowed_addresses: pulumi.Output[list[str] | None]
    """Addresses allowed to send calls in (Exotel's signalling IPs)."""
    inbound_allowed_numbers: pulumi.Output[list[str] | None]
    """Caller numbers allowed in (E.164)."""

    def __init__(
        self,
        resource_name: str,
        *,
        phone_number: pulumi.Input[str],
        label: pulumi.Input[str],
        address: pulumi.Input[str],
        transport: pulumi.Input[str] | None = None,
        user_name: pulumi.Input[str] | None = None,
        password: pulumi.Input[str] | None = None,
        agent_id: pulumi.Input[str] | None = None,
        media_encryption: pulumi.Input[str] | None = None,
        inbound_allowed_addresses: pulumi.Input[Sequence[str]] | None = None,
        inbound_allowed_numbers: pulumi.Input[Sequence[str]] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(PhoneNumberProvider(), resource_name, locals(), opts)


class ExotelPhoneNumber(_ElevenLabsNumber, module="elevenlabs", name="ExotelPhoneNumber"):
    """An Exotel DID in ElevenLabs through its native ``exotel`` provider (no SIP credential).

    ``label`` and ``agent_id`` update in place; any other change replaces the number (the old
    one is deleted first). ``api_token`` is always a secret.
    """

    account_sid: pulumi.Output[str]
    """Exotel account SID."""
    api_key: pulumi.Output[str]
    """Exotel API key."""
    api_token: pulumi.Output[str]
    """Exotel API token (secret)."""
    api_subdomain: pulumi.Output[str]
    """``api.in.exotel.com`` (Mumbai, default) or ``api.exotel.com`` (Singapore)."""
    app_id: pulumi.Output[str]
    """The Exotel app (flow) id ElevenLabs connects calls through."""
    applet_url: pulumi.Output[str | None]
    """Optional applet URL."""

    def __init__(
        self,
        resource_name: str,
        *,
        phone_number: pulumi.Input[str],
        label: pulumi.Input[str],
        account_sid: pulumi.Input[str],
        api_key: pulumi.Input[str],
        api_token: pulumi.Input[str],
        app_id: pulumi.Input[str],
        api_subdomain: pulumi.Input[str] | None = None,
        applet_url: pulumi.Input[str] | None = None,
        agent_id: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(ExotelPhoneNumberProvider(), resource_name, locals(), opts)
