"""Retell AI custom telephony: import an Exotel DID, re-point it after a rotation, route inbound.

`import_phone_number` is the keyword arguments of `Retell().phone_number.import_(**body)`;
`update_phone_number` those of `Retell().phone_number.update(**body)`, whose digest fields have
other names (`auth_username` / `auth_password`) than the import call's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import Arg, BodyField, Exotel, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile, never_returns_password

__all__ = ["PROFILE", "import_phone_number", "inbound_destination", "update_phone_number"]

_ROUTE = (
    BodyField("phone_number", Exotel.NUMBER),
    BodyField("termination_uri", Exotel.EDGE),
    BodyField("transport", Exotel.TRANSPORT, {"tls": "TLS", "tcp": "TCP"}),
)
_IMPORT = PlatformCall(
    helper="import_phone_number",
    feeds="keyword arguments of `Retell().phone_number.import_`",
    fields=(
        *_ROUTE,
        *digest_login("sip_trunk_auth_username", "sip_trunk_auth_password"),
        BodyField("nickname", Arg("nickname")),
        BodyField("inbound_agents", Arg("inbound_agents")),
        BodyField("outbound_agents", Arg("outbound_agents")),
    ),
)
_UPDATE = PlatformCall(
    helper="update_phone_number",
    feeds="keyword arguments of `Retell().phone_number.update`",
    fields=(
        *_ROUTE,
        *digest_login("auth_username", "auth_password"),
    ),
)

PROFILE = PlatformProfile(
    key="retell",
    title="Retell AI",
    calls=(_IMPORT, _UPDATE),
    inbound=InboundTarget.documented_only("sip.retellai.com", "tcp", 5060, whose="Retell's"),
    notes=(
        "Retell 6.x binds agents as weighted lists: `inbound_agents` / `outbound_agents` "
        'are `[{"agent_id": ..., "weight": 1}]`.',
        never_returns_password("Retell", "apply `update_phone_number`"),
    ),
)

Agents = Sequence[Mapping[str, Any]]


@PROFILE.serves(_IMPORT)
def import_phone_number(
    trunk: TrunkLike,
    credential: CredentialLike,
    phone_number: Number,
    *,
    transport: Transport = "tls",
    edge: str | None = None,
    nickname: pulumi.Input[str] | None = None,
    inbound_agents: pulumi.Input[Agents] | None = None,
    outbound_agents: pulumi.Input[Agents] | None = None,
) -> Body:
    """Arguments of Retell's import call for an Exotel DID reached through the edge (secret)."""
    return PROFILE.render(_IMPORT, **locals())


@PROFILE.serves(_UPDATE)
def update_phone_number(
    trunk: TrunkLike,
    credential: CredentialLike,
    phone_number: Number,
    *,
    transport: Transport = "tls",
    edge: str | None = None,
) -> Body:
    """Arguments of Retell's update call that move a number to a (rotated) credential (secret)."""
    return PROFILE.render(_UPDATE, **locals())


def inbound_destination(transport: Transport = "tcp") -> str:
    """``sip.retellai.com:5060;transport=tcp``: where Exotel sends calls for Retell agents."""
    return PROFILE.inbound_destination(transport)
