"""One small program per error case (``t:case``), so each message is seen through the real CLI.

- ``trunk`` (default): a trunk alone.
- ``child``: a phone mapping on the trunk SID given as ``t:trunkSid`` (no Trunk in the program).
- ``duplicate``: a trunk and two DestinationUri resources with the same destination.
"""

import pulumi

import pulumi_exotel as exotel

t = pulumi.Config("t")
case = t.get("case") or "trunk"

if case == "child":
    exotel.PhoneMapping("did", trunk_sid=t.require("trunkSid"), phone_number="+918047091234")
else:
    trunk = exotel.Trunk("trunk", trunk_name="errors_trunk")
    if case == "duplicate":
        for name in ("inbound", "inbound-again"):
            exotel.DestinationUri(
                name, trunk_sid=trunk.trunk_sid, destination="sip.example.com:5061;transport=tls"
            )
