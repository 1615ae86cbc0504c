"""Bolna: a SIP trunk that dials Exotel with digest auth, its numbers, and the inbound route.

`sip_trunk` is the JSON body of `POST https://api.bolna.ai/sip-trunks/trunks`; `trunk_number`
the body that adds one Exotel DID to that trunk (`POST .../trunks/{trunk_id}/numbers`).
Bolna publishes no Python SDK, so these shapes come from its API reference only.
"""

from __future__ import annotations

import pulumi

from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import Arg, BodyField, Exotel, Fixed, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile, never_returns_password

__all__ = ["PROFILE", "inbound_destination", "sip_trunk", "trunk_number"]

_TRUNK = PlatformCall(
    helper="sip_trunk",
    feeds="`POST /sip-trunks/trunks` body",
    fields=(
        BodyField("name", Arg("name")),
        BodyField("provider", Fixed("exotel")),
        BodyField("description", Arg("description")),
        BodyField("auth_type", Fixed("userpass")),
        *digest_login("auth_username", "auth_password"),
        BodyField("gateways[].gateway_address", Exotel.EDGE_HOST),
        BodyField("gateways[].port", Exotel.EDGE_PORT),
        BodyField("gateways[].priority", Fixed(1)),
        BodyField("transport", Exotel.TRANSPORT, {"tls": "transport-tls", "tcp": "transport-tcp"}),
    ),
)
_NUMBER = PlatformCall(
    helper="trunk_number",
    feeds="`POST /sip-trunks/trunks/{trunk_id}/numbers` body",
    # Bolna's add-number reference names the DID `phone_number` (`e164` belongs to its newer
    # `/trunk` API, a different resource model).
    fields=(BodyField("phone_number", Exotel.NUMBER), BodyField("name", Arg("name"))),
)

PROFILE = PlatformProfile(
    key="bolna",
    title="Bolna",
    calls=(_TRUNK, _NUMBER),
    inbound=InboundTarget(host="sip.bolna.ai", ports={"tcp": 5060, "tls": 5061}),
    notes=(
        "Bolna accepts inbound INVITEs only from the carrier IPs listed on its trunk: add "
        "Exotel's signalling IPs there.",
        never_returns_password("Bolna", "PATCH the trunk with a new `sip_trunk` body"),
    ),
)


@PROFILE.serves(_TRUNK)
def sip_trunk(
    trunk: TrunkLike,
    credential: CredentialLike,
    *,
    name: pulumi.Input[str],
    transport: Transport = "tls",
    edge: str | None = None,
    description: pulumi.Input[str] | None = None,
) -> Body:
    """Body of Bolna's create-trunk call: Exotel's edge as gateway, digest auth (secret)."""
    return PROFILE.render(_TRUNK, **locals())


@PROFILE.serves(_NUMBER)
def trunk_number(phone_number: Number, *, name: pulumi.Input[str] | None = None) -> Body:
    """Body that adds an Exotel DID to the Bolna trunk."""
    return PROFILE.render(_NUMBER, **locals())


def inbound_destination(transport: Transport = "tcp") -> str:
    """``sip.bolna.ai:5060;transport=tcp`` (or ``:5061;transport=tls``) for Bolna agents."""
    return PROFILE.inbound_destination(transport)
