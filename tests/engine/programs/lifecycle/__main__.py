"""All five resources, every field driven by config so tests can update, replace and adopt."""

import pulumi

import pulumi_exotel as exotel
from pulumi_exotel.outputs import export_trunk_outputs
from tests.engine.program_config import digest_credential

t = pulumi.Config("t")
adopt = t.get_bool("adopt") or False

trunk_args = {"trunk_name": t.get("trunkName") or "engine_trunk"}
if t.get("domainName"):
    trunk_args["domain_name"] = t.require("domainName")
if t.get("callerId"):
    trunk_args["caller_id"] = t.require("callerId")
trunk = exotel.Trunk("trunk", adopt=adopt, **trunk_args)

did = exotel.PhoneMapping(
    "did",
    trunk_sid=trunk.trunk_sid,
    phone_number=t.get("did") or "+918047091234",
    mode=t.get("mode") or "pstn",
    adopt=adopt,
)

cred = digest_credential(
    t,
    trunk,
    "engine",
    friendly_name=t.get("credFriendly") or "engine_cred",
    adopt=adopt,
    verify_at_edge=t.get_bool("verifyAtEdge") or False,
)

acl = exotel.WhitelistedIp(
    "acl", trunk_sid=trunk.trunk_sid, ip=t.get("ip") or "44.248.146.11", adopt=adopt
)

dest = exotel.DestinationUri(
    "dest",
    trunk_sid=trunk.trunk_sid,
    destination=t.get("destination") or "sip.example.com:5061;transport=tls",
    priority=t.get_int("priority") or 0,
    weight=t.get_int("weight") or 1,
    adopt=adopt,
)
ip_dest = exotel.DestinationUri(
    "ipdest",
    trunk_sid=trunk.trunk_sid,
    destination=acl.ip.apply(lambda ip: f"{ip}:5061;transport=tls"),
    whitelisted_ip=acl,
    adopt=adopt,
)

export_trunk_outputs(trunk, cred, mappings=[did], destinations=[dest, ip_dest])
pulumi.export(
    "ids",
    {
        "trunk": trunk.id,
        "did": did.id,
        "cred": cred.id,
        "acl": acl.id,
        "dest": dest.id,
        "ipdest": ip_dest.id,
    },
)
