"""A static-IP PBX: allowlist its IP, then route inbound calls to it over TLS.

The destination is an IP literal, so Exotel requires the allowlist entry first; passing
`whitelisted_ip=` makes that ordering explicit to Pulumi.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs

config = pulumi.Config()
pbx_ip = config.require("ip")

trunk = exotel.Trunk("pbx", trunk_name="office_pbx")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
acl = exotel.WhitelistedIp("pbx-ip", trunk_sid=trunk.trunk_sid, ip=pbx_ip)
inbound = exotel.DestinationUri(
    "pbx-inbound",
    trunk_sid=trunk.trunk_sid,
    destination=f"{pbx_ip}:5061;transport=tls",
    whitelisted_ip=acl,
)

export_trunk_outputs(trunk, None, mappings=[did], destinations=[inbound])
