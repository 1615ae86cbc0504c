"""ElevenLabs end to end: the Exotel trunk, DID and digest credential, and the ElevenLabs number
(provider `sip_trunk`) that dials through them, in one program.

Set `elevenlabs:apiKey` (secret) or ELEVENLABS_API_KEY, and the Exotel settings. Bump the
`rotation` config value to rotate the credential: one `pulumi up` creates the new credential,
updates the ElevenLabs number in place, then deletes the old credential.

With `exotelAppId` set, a second DID is also imported through ElevenLabs' native Exotel
integration (`ExotelPhoneNumber`: the Exotel account's API key and token, no SIP credential),
reusing this stack's `exotel:*` settings.

After `pulumi up`, point the DID's App Bazaar flow (Connect applet) at the exported
`inbound_dial_uri`; Exotel has no API for that step.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from pulumi_exotel.platforms import elevenlabs
from pulumi_exotel.voice_ai import elevenlabs as elevenlabs_bodies

config = pulumi.Config()
transport = config.get("transport") or "tls"

trunk = exotel.Trunk("elevenlabs", trunk_name="elevenlabs_e2e")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "elevenlabs-agent",
    trunk_sid=trunk.trunk_sid,
    user_name_prefix="elevenlabs",
    keepers={"rotation": config.get("rotation") or "1"},
)
inbound = exotel.DestinationUri(
    "elevenlabs-inbound",
    trunk_sid=trunk.trunk_sid,
    destination=elevenlabs_bodies.inbound_destination(),
)
number = elevenlabs.PhoneNumber(
    "elevenlabs-number",
    phone_number=did.phone_number,
    label=config.get("label") or "Exotel support line",
    address=trunk.edge_tls if transport == "tls" else trunk.edge_tcp,
    transport=transport,
    user_name=credential.user_name,
    password=credential.password,
    agent_id=config.get("agentId"),
    adopt=config.get_bool("adopt") or False,
)

export_trunk_outputs(trunk, credential, mappings=[did], destinations=[inbound])
pulumi.export("elevenlabs_phone_number_id", number.phone_number_id)
pulumi.export("elevenlabs_label", number.label)

app_id = config.get("exotelAppId")
if app_id:
    exotel_config = pulumi.Config("exotel")
    native = elevenlabs.ExotelPhoneNumber(
        "elevenlabs-native",
        phone_number=config.get("nativeDid") or "+918047091271",
        label="Native Exotel line",
        account_sid=exotel_config.require("accountSid"),
        api_key=exotel_config.require("apiKey"),
        api_token=exotel_config.require_secret("apiToken"),
        api_subdomain=exotel_config.get("subdomain") or "api.in.exotel.com",
        app_id=app_id,
    )
    pulumi.export("elevenlabs_native_phone_number_id", native.phone_number_id)
