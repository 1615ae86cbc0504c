"""One trunk and its children, as listed in the `bench:spec` config (JSON written by
`bench/stack_scale.py`, which creates the same objects with a naive script to compare)."""

import pulumi

import pulumi_exotel as exotel

spec = pulumi.Config("bench").require_object("spec")

trunk = exotel.Trunk("trunk", trunk_name=spec["trunk_name"])
for i, number in enumerate(spec["phone_numbers"]):
    exotel.PhoneMapping(f"did{i}", trunk_sid=trunk.trunk_sid, phone_number=number)
for i, user_name in enumerate(spec["user_names"]):
    # A fixed user name and a generated password; the realm wired from the trunk, as the
    # README's examples do (a create then needs no read of the trunk).
    exotel.DigestCredential(
        f"cred{i}", trunk_sid=trunk.trunk_sid, sip_realm=trunk.sip_realm, user_name=user_name
    )
for i, ip in enumerate(spec["ips"]):
    exotel.WhitelistedIp(f"acl{i}", trunk_sid=trunk.trunk_sid, ip=ip)
for i, destination in enumerate(spec["destinations"]):
    exotel.DestinationUri(f"dest{i}", trunk_sid=trunk.trunk_sid, destination=destination)
pulumi.export("trunk_sid", trunk.trunk_sid)
