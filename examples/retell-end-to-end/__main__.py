"""Retell end to end: the Exotel trunk, DID and digest credential, and the Retell number that
dials through them, in one program.

Set `retell:apiKey` (secret) or RETELL_API_KEY, and the Exotel settings. Bump the `rotation`
config value to rotate the credential: one `pulumi up` creates the new credential, updates the
Retell number in place, then deletes the old credential, so Retell never holds a dead password.

    pulumi config set --secret retell:apiKey key_...
    pulumi config set agentId agent_...
    pulumi up
    pulumi config set rotation 2 && pulumi up      # gap-free rotation

After `pulumi up`, point the DID's App Bazaar flow (Connect applet) at the exported
`inbound_dial_uri`; Exotel has no API for that step.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.platforms import retell
from pulumi_exotel.voice_ai import retell as retell_bodies

config = pulumi.Config()
transport = config.get("transport") or "tls"

trunk = exotel.Trunk("retell", trunk_name="retell_e2e")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "retell-agent",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="retell",
    keepers={"rotation": config.get("rotation") or "1"},
)
inbound = exotel.DestinationUri(
    "retell-inbound", trunk_sid=trunk.trunk_sid, destination=retell_bodies.inbound_destination()
)
number = retell.PhoneNumber(
    "retell-number",
    phone_number=did.phone_number,
    termination_uri=trunk.edge_tls if transport == "tls" else trunk.edge_tcp,
    transport=transport,
    user_name=credential.user_name,
    password=credential.password,
    nickname=config.get("nickname") or "Exotel support line",
    inbound_agents=[{"agent_id": config.get("agentId") or "agent_demo", "weight": 1}],
    adopt=config.get_bool("adopt") or False,
)

export_trunk_outputs(trunk, credential, mappings=[did], destinations=[inbound])
pulumi.export("retell_phone_number", number.phone_number)
pulumi.export("retell_nickname", number.nickname)
