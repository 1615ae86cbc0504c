"""Smallest AI (Atoms): the values for its "Import SIP" screen, and the inbound destination.

Atoms is configured in its console, so `import_sip` returns the values keyed by the screen's
own labels. Atoms shows a tenant-specific "SIP Origination URL" only after the import:
`inbound_destination` takes that value and turns it into an Exotel destination.
"""

from __future__ import annotations

from pulumi_exotel.sip_uri import Transport, destination_from_console

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import BodyField, Exotel, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile

__all__ = ["PROFILE", "import_sip", "inbound_destination"]

_IMPORT = PlatformCall(
    helper="import_sip",
    feeds='Atoms console: Phone Numbers → Add Number → "Import SIP"',
    fields=(
        BodyField("Phone Number", Exotel.NUMBER),
        BodyField("SIP Termination URL", Exotel.EDGE),
        *digest_login("Username", "Password"),
    ),
)

PROFILE = PlatformProfile(
    key="smallest",
    title="Smallest AI (Atoms)",
    calls=(_IMPORT,),
    inbound=InboundTarget(console_label="SIP Origination URL"),
    notes=(
        "Pick the edge (`transport=`) that matches the transport Atoms uses toward the "
        "termination URL.",
        "Outbound calls can then be started with Atoms' API once the number is linked to an agent.",
    ),
)


@PROFILE.serves(_IMPORT)
def import_sip(
    trunk: TrunkLike,
    credential: CredentialLike,
    phone_number: Number,
    *,
    transport: Transport = "tls",
    edge: str | None = None,
) -> Body:
    """The "Import SIP" values for an Exotel DID reached through the edge (secret)."""
    return PROFILE.render(_IMPORT, **locals())


def inbound_destination(sip_origination_url: str, transport: Transport | None = None) -> str:
    """The Exotel destination for the "SIP Origination URL" Atoms shows after the import."""
    return destination_from_console(sip_origination_url, "sip_origination_url", transport)
