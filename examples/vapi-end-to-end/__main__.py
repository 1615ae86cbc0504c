"""Exotel and Vapi in one program: Vapi dials out through Exotel, and Exotel sends calls to Vapi.

Exotel side: a trunk, the DID mapped to it, a digest credential (rotated by changing the
`rotation` config), and a destination at Vapi's SIP host (TLS: Vapi has no TCP, Exotel no UDP).
Vapi side: a `byo-sip-trunk` credential whose gateway is the trunk's TLS edge and whose outbound
authentication is the digest credential, and the DID as a Vapi phone number on it.

Configure Vapi with `pulumi config set --secret vapi:apiKey ...` (or VAPI_API_KEY). A rotation
updates the Vapi credential in place between creating the new Exotel credential and deleting the
old one, so Vapi never holds a dead password. Point the DID's App Bazaar flow (Connect applet) at
the exported `inbound_dial_uri`; Exotel has no API for that step.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.platforms import vapi
from pulumi_exotel.voice_ai import vapi as vapi_helpers

config = pulumi.Config()

trunk = exotel.Trunk("vapi", trunk_name="vapi_e2e")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "vapi-agent",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="vapi",
    keepers={"rotation": config.require("rotation")},
)
inbound = exotel.DestinationUri(
    "vapi-inbound", trunk_sid=trunk.trunk_sid, destination=vapi_helpers.inbound_destination()
)

vapi_trunk = vapi.ByoSipTrunkCredential(
    "exotel-trunk", trunk=trunk, credential=credential, name="exotel-vapi-e2e"
)
vapi_number = vapi.PhoneNumber(
    "exotel-did",
    phone_number=did,
    credential_id=vapi_trunk.credential_id,
    name="Exotel DID",
    assistant_id=config.get("assistantId") or None,
)

export_trunk_outputs(trunk, credential, mappings=[did], destinations=[inbound])
pulumi.export("vapi_credential_id", vapi_trunk.credential_id)
pulumi.export("vapi_phone_number_id", vapi_number.phone_number_id)
