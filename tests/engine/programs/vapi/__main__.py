"""Exotel trunk, DID and digest credential, and the Vapi credential and number that use them.

Every knob is `t:*` config so the engine tests can update, rotate and adopt.
"""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.platforms import vapi
from tests.engine.program_config import digest_credential

t = pulumi.Config("t")
adopt = t.get_bool("adopt") or False

trunk = exotel.Trunk("trunk", trunk_name="vapi_engine")
did = exotel.PhoneMapping(
    "did", trunk_sid=trunk.trunk_sid, phone_number=t.get("did") or "+918047091260"
)
cred = digest_credential(t, trunk, "vapi")

vapi_cred = vapi.ByoSipTrunkCredential(
    "vapi-cred",
    trunk=trunk,
    credential=cred,
    name=t.get("credName") or "exotel-engine",
    adopt=adopt,
)
number = vapi.PhoneNumber(
    "vapi-number",
    phone_number=did,
    credential_id=vapi_cred.credential_id,
    name=t.get("numberName"),
    assistant_id=t.get("assistantId"),
    adopt=adopt,
)

pulumi.export("exotel_user", cred.user_name)
pulumi.export("vapi_credential_id", vapi_cred.credential_id)
pulumi.export("vapi_user", vapi_cred.user_name)
pulumi.export("vapi_password", vapi_cred.password)
pulumi.export("vapi_edge", vapi_cred.edge)
pulumi.export("vapi_number_id", number.phone_number_id)
pulumi.export("vapi_number", number.number)
pulumi.export("vapi_number_name", number.name)
