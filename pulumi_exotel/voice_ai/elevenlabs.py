"""ElevenLabs Agents: an Exotel DID as a `sip_trunk` phone number, and the inbound destination.

`create_sip_trunk_phone_number` is the body of
`ElevenLabs().conversational_ai.phone_numbers.create(request=PhoneNumbersCreateRequestBody_SipTrunk(**body))`;
`update_phone_number` the keyword arguments of `...phone_numbers.update(phone_number_id, **body)`
(the id is ElevenLabs', returned by the create call).
"""

from __future__ import annotations

from typing import Literal

import pulumi

from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import Arg, BodyField, Exotel, Fixed, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile, never_returns_password

__all__ = ["PROFILE", "create_sip_trunk_phone_number", "inbound_destination", "update_phone_number"]

MediaEncryption = Literal["disabled", "allowed", "required"]

_TRANSPORT = {"tls": "tls", "tcp": "tcp"}
_OUTBOUND_CONFIG = (
    BodyField("outbound_trunk_config.address", Exotel.EDGE),
    BodyField("outbound_trunk_config.transport", Exotel.TRANSPORT, _TRANSPORT),
    BodyField("outbound_trunk_config.media_encryption", Arg("media_encryption")),
    # Without credentials ElevenLabs assumes IP (ACL) auth; Exotel needs digest here.
    *digest_login(
        "outbound_trunk_config.credentials.username", "outbound_trunk_config.credentials.password"
    ),
)
_CREATE = PlatformCall(
    helper="create_sip_trunk_phone_number",
    feeds="`PhoneNumbersCreateRequestBody_SipTrunk` for "
    "`ElevenLabs().conversational_ai.phone_numbers.create`",
    fields=(
        BodyField("provider", Fixed("sip_trunk")),
        BodyField("phone_number", Exotel.NUMBER),
        BodyField("label", Arg("label")),
        BodyField("agent_id", Arg("agent_id")),
        *_OUTBOUND_CONFIG,
    ),
)
_UPDATE = PlatformCall(
    helper="update_phone_number",
    feeds="keyword arguments of `ElevenLabs().conversational_ai.phone_numbers.update"
    "(phone_number_id, ...)`",
    fields=_OUTBOUND_CONFIG,
)

PROFILE = PlatformProfile(
    key="elevenlabs",
    title="ElevenLabs",
    calls=(_CREATE, _UPDATE),
    inbound=InboundTarget.documented_only(
        "sip.rtc.elevenlabs.io", "tcp", 5060, whose="ElevenLabs'"
    ),
    notes=(
        "`media_encryption` is `disabled`, `allowed` or `required`; left out, ElevenLabs "
        "uses its default.",
        never_returns_password("ElevenLabs", "apply `update_phone_number`"),
    ),
)


@PROFILE.serves(_CREATE)
def create_sip_trunk_phone_number(
    trunk: TrunkLike,
    credential: CredentialLike,
    phone_number: Number,
    *,
    label: pulumi.Input[str],
    transport: Transport = "tls",
    edge: str | None = None,
    media_encryption: MediaEncryption | None = None,
    agent_id: pulumi.Input[str] | None = None,
) -> Body:
    """Body that imports an Exotel DID into ElevenLabs with digest auth toward Exotel (secret)."""
    return PROFILE.render(_CREATE, **locals())


@PROFILE.serves(_UPDATE)
def update_phone_number(
    trunk: TrunkLike,
    credential: CredentialLike,
    *,
    transport: Transport = "tls",
    edge: str | None = None,
    media_encryption: MediaEncryption | None = None,
) -> Body:
    """`outbound_trunk_config` that moves an imported number to a (rotated) credential (secret)."""
    return PROFILE.render(_UPDATE, **locals())


def inbound_destination(transport: Transport = "tcp") -> str:
    """``sip.rtc.elevenlabs.io:5060;transport=tcp``: where Exotel sends calls for ElevenLabs."""
    return PROFILE.inbound_destination(transport)
