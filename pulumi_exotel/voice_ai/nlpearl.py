"""NLPearl.AI "Custom VoIP": the outbound values for its console, and the inbound destination.

NLPearl's Outbound section sends SIP to the trunk's SIP domain (`{account_sid}.pstn.exotel.com`)
with a "User Part" and optional credentials; `custom_voip_outbound` returns those values keyed
by the console's labels. The Inbound section shows a "SIP Domain" only after it is saved:
`inbound_destination` takes that value and turns it into an Exotel destination.
"""

from __future__ import annotations

from pulumi_exotel.sip_uri import Transport, destination_from_console

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import BodyField, Exotel, Format, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile

__all__ = ["PROFILE", "custom_voip_outbound", "inbound_destination"]

_OUTBOUND = PlatformCall(
    helper="custom_voip_outbound",
    feeds="NLPearl console: Settings → Phone Numbers → Custom VoIP → Outbound configuration",
    fields=(
        BodyField("Phone Number", Exotel.NUMBER),
        BodyField("SIP Trunk URL", Format("sip:{sip_domain}")),
        BodyField("User Part", Exotel.USER_NAME),
        *digest_login("Username", "Password"),
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


@PROFILE.serves(_OUTBOUND)
def custom_voip_outbound(
    trunk: TrunkLike, credential: CredentialLike, phone_number: Number
) -> Body:
    """The Custom VoIP outbound values for an Exotel DID (secret)."""
    return PROFILE.render(_OUTBOUND, **locals())


def inbound_destination(sip_domain: str, transport: Transport | None = None) -> str:
    """The Exotel destination for the "SIP Domain" NLPearl shows after saving Inbound."""
    return destination_from_console(sip_domain, "sip_domain", transport)
