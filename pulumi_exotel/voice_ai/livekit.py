"""LiveKit SIP: an outbound trunk that dials out through Exotel, and the inbound destination.

`outbound_trunk` is the `SIPOutboundTrunkInfo` for `LiveKitAPI.sip.create_outbound_trunk(
CreateSIPOutboundTrunkRequest(trunk=SIPOutboundTrunkInfo(**body)))` (field names of
livekit-protocol); `update_outbound_trunk_fields` is the keyword arguments of
`LiveKitAPI.sip.update_outbound_trunk_fields(trunk_id, **body)`, used after a password rotation.

The same declarations are the field mapping of `pulumi_exotel.platforms.livekit.SipOutboundTrunk`,
which renders its inputs with `outbound_trunk` and sends `UPDATE_FIELDS` through LiveKit's
partial update: one source for both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pulumi

from pulumi_exotel.invalid_input import InvalidInput
from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import Arg, BodyField, Exotel, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile

# The field-name constants below are for platforms.livekit, not part of the helpers' surface.
__all__ = ["PROFILE", "inbound_destination", "outbound_trunk", "update_outbound_trunk_fields"]

_TRANSPORT = {"tls": "SIP_TRANSPORT_TLS", "tcp": "SIP_TRANSPORT_TCP"}
_DIGEST_FIELDS = (
    # LiveKit's address is host[:port] with no sip: scheme.
    BodyField("address", Exotel.EDGE),
    BodyField("transport", Exotel.TRANSPORT, _TRANSPORT),
    BodyField("numbers", Exotel.NUMBERS),
    *digest_login("auth_username", "auth_password"),
)
_OUTBOUND = PlatformCall(
    helper="outbound_trunk",
    feeds="`SIPOutboundTrunkInfo` for `LiveKitAPI.sip.create_outbound_trunk`",
    fields=(
        BodyField("name", Arg("name")),
        *_DIGEST_FIELDS,
        BodyField("metadata", Arg("metadata")),
    ),
)
_UPDATE = PlatformCall(
    helper="update_outbound_trunk_fields",
    feeds="keyword arguments of `LiveKitAPI.sip.update_outbound_trunk_fields(trunk_id, ...)`",
    fields=_DIGEST_FIELDS,
)

#: `SIPOutboundTrunkInfo` fields `outbound_trunk` fills, in declaration order.
OUTBOUND_FIELDS: tuple[str, ...] = tuple(f.path for f in _OUTBOUND.fields)
#: The fields a rotation (or a new edge or DID) changes, all in LiveKit's partial update.
UPDATE_FIELDS: tuple[str, ...] = tuple(f.path for f in _UPDATE.fields)
#: LiveKit's `SIPTransport` names for the transports the Exotel edge speaks.
TRANSPORTS: tuple[str, ...] = tuple(_TRANSPORT.values())

PROFILE = PlatformProfile(
    key="livekit",
    title="LiveKit",
    calls=(_OUTBOUND, _UPDATE),
    inbound=InboundTarget(host="{project_id}.sip.livekit.cloud", ports={"tls": 5061, "tcp": 5060}),
    notes=(
        "`project_id` is the subdomain of the project's SIP URI "
        "(`sip:<project_id>.sip.livekit.cloud`); the whole URI is accepted too.",
        "LiveKit stores the password and returns it on read, so a self-hosted stack can "
        "compare it after a rotation.",
    ),
)


@PROFILE.serves(_OUTBOUND)
def outbound_trunk(
    trunk: TrunkLike,
    credential: CredentialLike,
    numbers: Sequence[Number],
    *,
    name: pulumi.Input[str],
    transport: Transport = "tls",
    edge: str | None = None,
    metadata: pulumi.Input[str] | None = None,
) -> Body:
    """`SIPOutboundTrunkInfo` fields for a LiveKit trunk that sends calls to Exotel (secret)."""
    return PROFILE.render(_OUTBOUND, **locals())


@PROFILE.serves(_UPDATE)
def update_outbound_trunk_fields(
    trunk: TrunkLike,
    credential: CredentialLike,
    numbers: Sequence[Number],
    *,
    transport: Transport = "tls",
    edge: str | None = None,
) -> Body:
    """Keyword arguments that point an existing LiveKit trunk at a (rotated) credential (secret)."""
    return PROFILE.render(_UPDATE, **locals())


_PROJECT_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_SIP_DOMAIN = ".sip.livekit.cloud"


def inbound_destination(project_id: str, transport: Transport = "tls") -> str:
    """The Exotel destination for a LiveKit Cloud project, e.g.
    ``vjnxecm0tjk.sip.livekit.cloud:5061;transport=tls``."""
    project = project_id.strip().lower()
    project = project.removeprefix("sip:").removesuffix(_SIP_DOMAIN)
    if not _PROJECT_RE.fullmatch(project):
        raise InvalidInput(
            "project_id",
            project_id,
            "must be the LiveKit project's SIP subdomain, as in sip:<project_id>.sip.livekit.cloud",
        )
    return PROFILE.inbound_destination(transport, project_id=project)
