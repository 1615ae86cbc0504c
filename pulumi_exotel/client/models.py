"""Typed Exotel objects (what ``data`` holds) and the request bodies the client sends.

Objects accept what Exotel is documented to return, including its variants: ids arrive as
digit strings (a bare integer is coerced to a string), ``mode: null`` on a phone mapping
means ``pstn``, and unknown extra fields are ignored. Timestamps stay the ISO-8601 strings
Exotel sent, so they round-trip unchanged into Pulumi outputs.

Request bodies are models too; ``body()`` turns one into the JSON dict to send and is the only
place a ``SecretStr`` password is revealed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

__all__ = [
    "CreateDestinationUrisRequest",
    "CreateDigestCredentialRequest",
    "CreatePhoneMappingRequest",
    "CreateTrunkRequest",
    "CreateWhitelistedIpRequest",
    "DestinationItem",
    "DestinationUri",
    "DigestCredential",
    "ExotelObject",
    "PhoneMapping",
    "PhoneMode",
    "RequestBody",
    "SetTrunkSettingsRequest",
    "SettingItem",
    "Trunk",
    "TrunkSetting",
    "UpdateDestinationUriRequest",
    "UpdateDigestCredentialRequest",
    "UpdatePhoneMappingRequest",
    "UpdateTrunkRequest",
    "WhitelistedIp",
    "normalize_destination",
]

PhoneMode = Literal["pstn", "flow"]


def normalize_destination(destination: str) -> str:
    """Comparable form of a destination URI: no ``sip:`` prefix, lower case, no spaces.

    Exotel stores ``44.248.146.11:5061;transport=tls`` as ``sip:44.248.146.11:5061;transport=tls``.
    """
    text = destination.strip().lower()
    return text[4:] if text.startswith("sip:") else text


class ExotelObject(BaseModel):
    """Base of every object Exotel returns: tolerant of extra fields, ids coerced to strings."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)


class Trunk(ExotelObject):
    """A SIP trunk (``POST /trunks``). Everything but the name, nso code and domain is computed."""

    trunk_sid: str
    trunk_name: str
    domain_name: str | None = None
    nso_code: str | None = None
    status: str | None = None
    auth_type: str | None = None
    registration_enabled: str | None = None
    secure_trunking: str | None = None
    edge_preference: str | None = None
    date_created: str | None = None
    date_updated: str | None = None
    destination_uris: str | None = None
    whitelisted_ips: str | None = None
    credentials: str | None = None
    phone_numbers: str | None = None


class PhoneMapping(ExotelObject):
    """A DID (Exophone) mapped to a trunk. ``mode`` is never None: Exotel's null means pstn."""

    id: str
    phone_number: str
    trunk_sid: str | None = None
    mode: str = "pstn"
    date_created: str | None = None
    date_updated: str | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _null_mode_is_pstn(cls, value: object) -> object:
        return "pstn" if value is None or value == "" else value


class WhitelistedIp(ExotelObject):
    """One ACL entry: an IPv4 address (``mask`` 32 for a single address) allowed on the trunk."""

    id: str
    ip: str
    mask: int = 32
    trunk_sid: str | None = None
    friendly_name: str | None = None
    date_created: str | None = None
    date_updated: str | None = None


class DestinationUri(ExotelObject):
    """Where inbound calls go. Exotel stores ``destination`` with a ``sip:`` prefix."""

    id: str
    destination: str
    type: str | None = None
    priority: int = 0
    weight: int = 1
    trunk_sid: str | None = None
    date_created: str | None = None
    date_updated: str | None = None

    @property
    def normalized(self) -> str:
        """``destination`` without ``sip:``, lower case (see ``normalize_destination``)."""
        return normalize_destination(self.destination)


class DigestCredential(ExotelObject):
    """A SIP digest user on the trunk. Exotel never returns the password."""

    id: str
    user_name: str
    trunk_sid: str | None = None
    friendly_name: str | None = None
    date_created: str | None = None
    date_updated: str | None = None


class TrunkSetting(ExotelObject):
    """A trunk setting; ``trunk_external_alias`` (the outbound caller id) is the documented one."""

    name: str
    value: str | None = None
    trunk_sid: str | None = None
    date_created: str | None = None
    date_updated: str | None = None


# --- request bodies -------------------------------------------------------------------------


class RequestBody(BaseModel):
    """Base of the bodies the client sends. ``repr`` masks secrets; ``body()`` reveals them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def body(self) -> dict[str, Any]:
        """The JSON object to send: unset optional fields are omitted, secrets revealed."""
        body: dict[str, Any] = _reveal(self.model_dump(exclude_none=True))
        return body

    def secrets(self) -> list[str]:
        """Secret values in this body, so error text can be scrubbed of them."""
        return [v.get_secret_value() for v in _walk_secrets(self) if v.get_secret_value()]


def _reveal(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    return value


def _walk_secrets(model: BaseModel) -> list[SecretStr]:
    found: list[SecretStr] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, SecretStr):
                found.append(item)
            elif isinstance(item, BaseModel):
                found.extend(_walk_secrets(item))
    return found


class CreateTrunkRequest(RequestBody):
    trunk_name: str
    nso_code: str = "ANY-ANY"
    domain_name: str


class UpdateTrunkRequest(RequestBody):
    trunk_name: str | None = None
    auth_type: str | None = None
    nso_code: str | None = None


class CreatePhoneMappingRequest(RequestBody):
    phone_number: str
    # Always sent: omitted, Exotel stores null (which acts as pstn but reads back ambiguously).
    mode: str = "pstn"


class UpdatePhoneMappingRequest(RequestBody):
    phone_number: str
    mode: str


class CreateWhitelistedIpRequest(RequestBody):
    ip: str
    mask: int = 32


class DestinationItem(RequestBody):
    destination: str


class CreateDestinationUrisRequest(RequestBody):
    destinations: list[DestinationItem] = Field(min_length=1)


class UpdateDestinationUriRequest(RequestBody):
    priority: int | None = None
    weight: int | None = None


class CreateDigestCredentialRequest(RequestBody):
    user_name: str
    password: SecretStr
    friendly_name: str | None = None


class UpdateDigestCredentialRequest(RequestBody):
    user_name: str | None = None
    password: SecretStr | None = None
    friendly_name: str | None = None


class SettingItem(RequestBody):
    name: str
    value: str


class SetTrunkSettingsRequest(RequestBody):
    settings: list[SettingItem] = Field(min_length=1)
