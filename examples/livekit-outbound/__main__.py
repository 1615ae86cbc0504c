"""Outbound from LiveKit: trunk, DID and digest credential, shaped as LiveKit's outbound trunk.

`livekit_outbound_trunk` is exactly a `SIPOutboundTrunkInfo` body (secret, since it holds the
password): pass it to `livekit-api`'s `create_outbound_trunk`, or read it in CI with
`pulumi stack output livekit_outbound_trunk --show-secrets`.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.voice_ai import livekit

config = pulumi.Config()

trunk = exotel.Trunk("livekit", trunk_name="livekit_out")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "livekit",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="livekit",
    friendly_name="livekit_prod",
    keepers={"rotation": "2026-11"},
)

export_trunk_outputs(trunk, credential, mappings=[did])
pulumi.export(
    "livekit_outbound_trunk",
    livekit.outbound_trunk(trunk, credential, numbers=[did], name="exotel", transport="tls"),
)
