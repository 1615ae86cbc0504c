"""Rapida AI over SIP: the values for its SIP Trunk credential, and the inbound destination.

Rapida is configured in its console (Integration → Tools → SIP Trunk, then a Phone deployment),
so `sip_trunk_credential` returns the values keyed by the console's labels.
"""

from __future__ import annotations

from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import BodyField, Exotel, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile

__all__ = ["PROFILE", "inbound_destination", "sip_trunk_credential"]

_TCP_ONLY = "Rapida documents SIP over UDP or TCP and the Exotel edge has no UDP, so TCP only"

_CREDENTIAL = PlatformCall(
    helper="sip_trunk_credential",
    feeds="Rapida console: Integration → Tools → SIP Trunk, and the Phone deployment",
    fields=(
        BodyField("SIP URI", Exotel.EDGE),
        *digest_login("Username", "Password"),
        BodyField("Phone Number", Exotel.NUMBER),
    ),
    transports=("tcp",),
    transport_rule=_TCP_ONLY,
)

PROFILE = PlatformProfile(
    key="rapida",
    title="Rapida AI",
    calls=(_CREDENTIAL,),
    inbound=InboundTarget(
        host="sip-01.in.rapida.ai", ports={"tcp": 5060}, transport_rule=_TCP_ONLY
    ),
    notes=(
        "Rapida also has a native Exotel path (an App Bazaar flow to Rapida's webhook and media "
        "stream) that needs no trunk.",
    ),
)


@PROFILE.serves(_CREDENTIAL)
def sip_trunk_credential(
    trunk: TrunkLike,
    credential: CredentialLike,
    phone_number: Number,
    *,
    transport: Transport = "tcp",
    edge: str | None = None,
) -> Body:
    """The SIP Trunk credential values pointing Rapida at Exotel's TCP edge (secret)."""
    return PROFILE.render(_CREDENTIAL, **locals())


def inbound_destination(transport: Transport = "tcp") -> str:
    """``sip-01.in.rapida.ai:5060;transport=tcp``: where Exotel sends calls for Rapida."""
    return PROFILE.inbound_destination(transport)
