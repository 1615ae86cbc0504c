"""Both sides of an Exotel trunk and LiveKit SIP in one program.

Exotel: a trunk, the DID mapped to it, a digest credential (rotated by ``rotation``) and the
destination Exotel sends inbound calls to (LiveKit's SIP host).
LiveKit: an outbound trunk that dials out through the Exotel edge with that credential, an
inbound trunk that takes Exotel's calls for the DID, and a dispatch rule that puts each caller
in a new room with an agent.

Changing ``rotation`` rotates the credential with no gap: Pulumi creates the new credential,
updates the LiveKit outbound trunk in place, then deletes the old credential.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.platforms import livekit
from pulumi_exotel.voice_ai.livekit import inbound_destination

config = pulumi.Config()
sip_host = config.require("livekitSipHost")

trunk = exotel.Trunk("livekit", trunk_name="livekit_e2e")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "livekit",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="livekit",
    keepers={"rotation": config.require("rotation")},
)
to_livekit = exotel.DestinationUri(
    "to-livekit",
    trunk_sid=trunk.trunk_sid,
    destination=inbound_destination(sip_host),
)

outbound = livekit.SipOutboundTrunk(
    "outbound",
    name="exotel-outbound",
    trunk=trunk,
    credential=credential,
    numbers=[did],
    transport="tls",
)
inbound = livekit.SipInboundTrunk(
    "inbound",
    name="exotel-inbound",
    numbers=[did],
    allowed_addresses=config.require("exotelSourceIps").split(","),
)
rule = livekit.SipDispatchRule(
    "calls",
    name="exotel-callers",
    trunk_ids=[inbound.sip_trunk_id],
    kind="individual",
    room_prefix="exotel-",
    agent_name=config.require("agentName"),
)

export_trunk_outputs(trunk, credential, mappings=[did], destinations=[to_livekit])
pulumi.export("livekit_outbound_trunk_id", outbound.sip_trunk_id)
pulumi.export("livekit_inbound_trunk_id", inbound.sip_trunk_id)
pulumi.export("livekit_dispatch_rule_id", rule.sip_dispatch_rule_id)
