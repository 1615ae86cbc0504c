"""Vocallabs (Superflow B2B API): the `did` for `createSIPCall`, and an inbound destination.

Vocallabs is API-first: `POST https://api.superflow.run/b2b/vocallabs/createSIPCall` takes the
Exotel DID as `did` (plus your own websocket and webhook URLs). It publishes no SIP gateway or
origination host, so there is no digest credential to hand over, and an inbound route exists
only once Vocallabs gives you a SIP target: `inbound_destination` takes it as input.
"""

from __future__ import annotations

import pulumi

from pulumi_exotel.sip_uri import Transport, destination_from_console

from .inputs import Body, Number
from .mapping import Arg, BodyField, Exotel, PlatformCall
from .profile import InboundTarget, PlatformProfile

__all__ = ["PROFILE", "create_sip_call", "inbound_destination"]

_CALL = PlatformCall(
    helper="create_sip_call",
    feeds="`POST /b2b/vocallabs/createSIPCall` body (the Exotel part of it)",
    fields=(BodyField("did", Exotel.NUMBER), BodyField("phone_number", Arg("to"))),
)

PROFILE = PlatformProfile(
    key="vocallabs",
    title="Vocallabs",
    calls=(_CALL,),
    inbound=InboundTarget(console_label="SIP target from Vocallabs"),
    notes=(
        "`websocket_url`, `webhook_url` and `sample_rate` are yours to add: they are not "
        "Exotel values.",
        "Vocallabs documents no SIP host; confirm the SIP leg with Vocallabs before relying "
        "on the trunk.",
    ),
)


@PROFILE.serves(_CALL)
def create_sip_call(phone_number: Number, *, to: pulumi.Input[str] | None = None) -> Body:
    """The `did` (and optionally the callee) of a Vocallabs `createSIPCall` request."""
    return PROFILE.render(_CALL, **locals())


def inbound_destination(sip_target: str, transport: Transport | None = None) -> str:
    """The Exotel destination for a SIP target Vocallabs gives you."""
    return destination_from_console(sip_target, "sip_target", transport)
