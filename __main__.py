"""The demo stack: a trunk for a Voice-AI agent, one DID, a digest credential, one inbound route.

`make demo` runs it against the local emulator; README "Use real Exotel" shows the three
`pulumi config set` lines that point a new stack at Exotel instead.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs

config = pulumi.Config()

trunk = exotel.Trunk("voice-ai", trunk_name="voice_ai_demo")
did = exotel.PhoneMapping(
    "did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"), mode="pstn"
)
credential = exotel.DigestCredential(
    "agent",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="agent",
    friendly_name="demo_agent",
    keepers={"rotation": "2026-11"},
)
inbound = exotel.DestinationUri(
    "inbound", trunk_sid=trunk.trunk_sid, destination=config.require("destination")
)

export_trunk_outputs(trunk, credential, mappings=[did], destinations=[inbound])
