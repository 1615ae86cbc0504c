# mypy: disable-error-code="empty-body"
# The body helpers below are declarations: `PROFILE.builds` gives them their bodies.
"""NLPearl.AI "Custom VoIP": the outbound values for its console, and the inbound destination.

NLPearl's Outbound section sends SIP to the trunk's SIP domain (`{account_sid}.pstn.exotel.com`)
with a "User Part" and optional credentials; `custom_voip_outbound` returns those values keyed
by the console's labels. The Inbound section shows a "SIP Domain" only after it is saved:
`inbound_destination` takes that value and turns it into an Exotel destination.
"""

from __future__ import annotations

from ._common import (
    Body,
    CredentialLike,
    Exotel,
    Field,
    Format,
    InboundTarget,
    Number,
    PlatformCall,
    PlatformProfile,
    Transport,
    TrunkLike,
    destination_from_console,
)

__all__ = ["PROFILE", "custom_voip_outbound", "inbound_destination"]

_OUTBOUND = PlatformCall(
    helper="custom_voip_outbound",
    feeds="NLPearl console: Settings → Phone Numbers → Custom VoIP → Outbound configuration",
    fields=(
        Field("Phone Number", Exotel.NUMBER),
        Field("SIP Trunk URL", Format("sip:{sip_domain}")),
        Field("User Part", Exotel.USER_NAME),
        Field("Username", Exotel.USER_NAME),
        Field("Password", Exotel.PASSWORD),
    ),
)

PROFILE = PlatformProfile(
    key="nlpearl",
    title="NLPearl.AI",
    calls=(_OUTBOUND,),
    inbound=InboundTarget(console_label="SIP Domain"),
    notes=(
        '"Username" / "Password" go under Credentials Authentication; "User Part" may '
        "instead be the DID if the From user should show the number.",
        "Outbound needs no destination URI; inbound does.",
    ),
)


@PROFILE.builds(_OUTBOUND)
def custom_voip_outbound(
    trunk: TrunkLike, credential: CredentialLike, phone_number: Number
) -> Body:
    """The Custom VoIP outbound values for an Exotel DID (secret)."""


def inbound_destination(sip_domain: str, transport: Transport | None = None) -> str:
    """The Exotel destination for the "SIP Domain" NLPearl shows after saving Inbound."""
    return destination_from_console(sip_domain, "sip_domain", transport)
