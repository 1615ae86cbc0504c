"""Voice-AI platform helpers: Exotel trunk outputs shaped for each platform's API or console.

One module per platform. Each has functions named after the platform call they feed, returning
a `pulumi.Output` of exactly that call's body (secret whenever it carries the digest password),
and an `inbound_destination` for `DestinationUri(destination=...)`::

    from pulumi_exotel.voice_ai import livekit, retell

    livekit.outbound_trunk(trunk, credential, [did], name="exotel")
    exotel.DestinationUri("retell", trunk_sid=trunk.trunk_sid,
                          destination=retell.inbound_destination())

The helpers take the resources duck-typed (see `TrunkLike`, `CredentialLike`,
`PhoneNumberLike`), so anything with the same output attributes works. `PROFILES` holds each
platform's field mapping; `voice_ai.docs` renders it as the README tables.
"""

from __future__ import annotations

from pulumi_exotel.invalid_input import InvalidInput
from pulumi_exotel.sip_uri import Transport

from . import (
    bolna,
    elevenlabs,
    livekit,
    nlpearl,
    pipecat,
    rapida,
    retell,
    smallest,
    vapi,
    vocallabs,
)
from .inputs import CredentialLike, Number, PhoneNumberLike, TrunkLike, WhitelistedIpLike
from .profile import PlatformProfile

__all__ = [
    "PROFILES",
    "CredentialLike",
    "InvalidInput",
    "Number",
    "PhoneNumberLike",
    "PlatformProfile",
    "Transport",
    "TrunkLike",
    "WhitelistedIpLike",
    "bolna",
    "elevenlabs",
    "livekit",
    "nlpearl",
    "pipecat",
    "rapida",
    "retell",
    "smallest",
    "vapi",
    "vocallabs",
]

#: Every platform, in the order the docs list them: the five with an API first.
PROFILES: tuple[PlatformProfile, ...] = tuple(
    module.PROFILE
    for module in (
        livekit,
        retell,
        elevenlabs,
        vapi,
        bolna,
        smallest,
        nlpearl,
        rapida,
        vocallabs,
        pipecat,
    )
)
