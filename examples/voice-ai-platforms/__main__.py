"""Every Voice-AI platform from one Exotel trunk: the stack outputs are the platforms' inputs.

One trunk, one DID, one digest credential. Each `voice_ai.<platform>` helper turns them into the
body that platform's API or console takes; the bodies are exported under the platform's name
(`pulumi stack output livekit --show-secrets`), secret because they carry the password. The
contract keys (docs/outputs.md) are exported too, so CI can read the plain values.

The platforms with a fixed SIP host also get a DestinationUri each, to show every
`inbound_destination` passing Exotel's validation. A real trunk routes to one platform: keep the
one you use (the lowest `priority` wins). Smallest, NLPearl and Vocallabs show their inbound
target only in their console, so they get none here.

Pipecat dials out through Daily, which cannot do digest auth: its settings need the SBC's static
IP allowlisted. Exotel advises against mixing the IP allowlist and digest on one trunk without
checking with them; this example has both only to show every helper.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel import voice_ai
from pulumi_exotel.outputs import export_trunk_outputs

config = pulumi.Config()

trunk = exotel.Trunk("voice-ai", trunk_name="voice_ai_all")
did = exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number=config.require("did"))
credential = exotel.DigestCredential(
    "agent", trunk_sid=trunk.trunk_sid, user_name_prefix="agent", friendly_name="voice_ai_all"
)
sbc = exotel.WhitelistedIp("sbc", trunk_sid=trunk.trunk_sid, ip=config.require("sbcIp"))

fixed_hosts = {
    "livekit": voice_ai.livekit.inbound_destination(config.require("livekitProject")),
    "retell": voice_ai.retell.inbound_destination(),
    "elevenlabs": voice_ai.elevenlabs.inbound_destination(),
    "vapi": voice_ai.vapi.inbound_destination(),
    "bolna": voice_ai.bolna.inbound_destination(),
    "rapida": voice_ai.rapida.inbound_destination(),
}
destinations = [
    exotel.DestinationUri(
        f"{platform}-inbound", trunk_sid=trunk.trunk_sid, destination=destination, priority=rank
    )
    for rank, (platform, destination) in enumerate(fixed_hosts.items())
]

export_trunk_outputs(trunk, credential, mappings=[did], destinations=destinations)

# Each platform's request bodies (or console values), keyed by the helper that built them.
platforms = {
    "livekit": {
        "outbound_trunk": voice_ai.livekit.outbound_trunk(trunk, credential, [did], name="exotel")
    },
    "retell": {"import_phone_number": voice_ai.retell.import_phone_number(trunk, credential, did)},
    "elevenlabs": {
        "create_sip_trunk_phone_number": voice_ai.elevenlabs.create_sip_trunk_phone_number(
            trunk, credential, did, label="Exotel"
        )
    },
    "vapi": {"byo_sip_trunk_credential": voice_ai.vapi.byo_sip_trunk_credential(trunk, credential)},
    "bolna": {
        "sip_trunk": voice_ai.bolna.sip_trunk(trunk, credential, name="exotel"),
        "trunk_number": voice_ai.bolna.trunk_number(did),
    },
    "smallest": {"import_sip": voice_ai.smallest.import_sip(trunk, credential, did)},
    "nlpearl": {
        "custom_voip_outbound": voice_ai.nlpearl.custom_voip_outbound(trunk, credential, did)
    },
    "rapida": {
        "sip_trunk_credential": voice_ai.rapida.sip_trunk_credential(trunk, credential, did)
    },
    "vocallabs": {"create_sip_call": voice_ai.vocallabs.create_sip_call(did)},
    "pipecat": {
        "start_dialout": voice_ai.pipecat.start_dialout(
            trunk, config.require("dialoutTo"), whitelisted_ip=sbc
        )
    },
}
# Vapi's phone number needs the id Vapi returned for the credential above.
vapi_credential_id = config.get("vapiCredentialId")
if vapi_credential_id:
    platforms["vapi"]["byo_phone_number"] = voice_ai.vapi.byo_phone_number(
        did, credential_id=vapi_credential_id
    )

for platform, bodies in platforms.items():
    pulumi.export(platform, bodies)
