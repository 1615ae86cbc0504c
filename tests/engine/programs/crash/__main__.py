"""42 objects over two trunks: the stack the crash test kills at random moments.

Per trunk: 5 phone mappings, 4 ACL entries, 2 FQDN and 2 IP destinations (each after its ACL
entry), 3 credentials with fixed user names and 4 with generated ones (21 objects).
"""

import pulumi

import pulumi_exotel as exotel

TRUNKS = 2

for n in range(TRUNKS):
    trunk = exotel.Trunk(f"trunk{n}", trunk_name=f"crash_trunk{n}")
    sid = trunk.trunk_sid
    for i in range(5):
        exotel.PhoneMapping(f"did{n}_{i}", trunk_sid=sid, phone_number=f"+9180470912{n}{i}")
    acls = [
        exotel.WhitelistedIp(f"acl{n}_{i}", trunk_sid=sid, ip=f"44.248.{n}.{10 + i}")
        for i in range(4)
    ]
    for i in range(2):
        exotel.DestinationUri(
            f"fqdn{n}_{i}",
            trunk_sid=sid,
            destination=f"sip{i}.example.com:5061;transport=tls",
            priority=i,
        )
        exotel.DestinationUri(
            f"ipdest{n}_{i}",
            trunk_sid=sid,
            destination=acls[i].ip.apply(lambda ip: f"{ip}:5061;transport=tls"),
            whitelisted_ip=acls[i],
        )
    for i in range(3):
        exotel.DigestCredential(
            f"fixed{n}_{i}",
            trunk_sid=sid,
            user_name=f"crash{n}_user{i}",
            friendly_name=f"fixed_{i}",
        )
    for i in range(4):
        exotel.DigestCredential(
            f"gen{n}_{i}",
            trunk_sid=sid,
            user_name_prefix=f"gen{n}",
            keepers={"rotation": "1"},
        )

pulumi.export("trunks", TRUNKS)
