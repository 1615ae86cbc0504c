"""Inbound to Retell: map the DID to a trunk whose destination is Retell's SIP host.

After `pulumi up`, point the DID's App Bazaar flow (Connect applet) at the exported
`inbound_dial_uri`; Exotel has no API for that step.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.voice_ai import retell

config = pulumi.Config()

trunk = exotel.Trunk("retell", trunk_name="retell_inbound")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
inbound = exotel.DestinationUri(
    "retell-inbound", trunk_sid=trunk.trunk_sid, destination=retell.inbound_destination()
)

export_trunk_outputs(trunk, None, mappings=[did], destinations=[inbound])
