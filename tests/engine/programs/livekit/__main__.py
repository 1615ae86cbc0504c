"""An Exotel trunk, DIDs and a digest credential feeding a LiveKit SIP outbound trunk.

Config (namespace ``t``) drives what the engine tests change: ``dids`` (comma-separated E.164),
``transport``, ``keepers`` (rotation), ``lkName``, ``adopt``, and a fixed ``credUser`` /
``credPassword`` (secret) instead of generated ones.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.platforms.livekit import SipOutboundTrunk
from tests.engine.program_config import digest_credential

t = pulumi.Config("t")

trunk = exotel.Trunk("trunk", trunk_name="livekit_trunk")
dids = [
    exotel.PhoneMapping(f"did{i}", trunk_sid=trunk.trunk_sid, phone_number=number)
    for i, number in enumerate((t.get("dids") or "+918047091234").split(","))
]
cred = digest_credential(t, trunk, "livekit")
outbound = SipOutboundTrunk(
    "livekit-out",
    name=t.get("lkName") or "exotel-out",
    trunk=trunk,
    numbers=dids,
    # The credential's outputs one by one (examples/livekit-end-to-end passes credential=cred).
    auth_username=cred.user_name,
    auth_password=cred.password,
    transport=t.get("transport") or "tls",
    adopt=t.get_bool("adopt") or False,
)

pulumi.export("sip_trunk_id", outbound.sip_trunk_id)
pulumi.export("address", outbound.address)
pulumi.export("numbers", outbound.numbers)
pulumi.export("auth_password", outbound.auth_password)
pulumi.export("sip_username", cred.user_name)
pulumi.export("sip_realm", trunk.sip_realm)
