"""The stack-output contract: the keys every project of ours exports, for CI to script against.

`pulumi stack output --json` of the root project and of every example has these keys (see
docs/outputs.md). Keeping them in one function means the examples cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

__all__ = ["STACK_OUTPUT_KEYS", "export_trunk_outputs"]

#: key -> what it holds. ``sip_password`` is always a secret.
STACK_OUTPUT_KEYS: dict[str, str] = {
    "trunk_sid": "Exotel trunk SID",
    "sip_realm": "SIP domain and digest realm, {account_sid}.pstn.exotel.com",
    "edge_tcp": "SIP edge host:port for TCP (5070 at Exotel)",
    "edge_tls": "SIP edge host:port for TLS (443 at Exotel)",
    "inbound_dial_uri": "what an App Bazaar Connect applet dials: sip:<trunk_sid>",
    "sip_username": "digest user name for the Voice-AI platform",
    "sip_password": "digest password (secret)",
    "dids": "E.164 numbers mapped to the trunk",
    "inbound_destinations": "destination URIs Exotel sends inbound calls to",
}


def export_trunk_outputs(
    trunk: Any,
    credential: Any | None = None,
    mappings: Sequence[Any] = (),
    destinations: Sequence[Any] = (),
) -> None:
    """Export the contract keys from a trunk, its digest credential, DID mappings and destinations.

    A project without a credential exports ``""`` for ``sip_username`` and ``sip_password``
    (Pulumi drops null outputs), so every key is always present.
    """
    pulumi.export("trunk_sid", trunk.trunk_sid)
    pulumi.export("sip_realm", trunk.sip_realm)
    pulumi.export("edge_tcp", trunk.edge_tcp)
    pulumi.export("edge_tls", trunk.edge_tls)
    pulumi.export("inbound_dial_uri", trunk.inbound_dial_uri)
    if credential is not None:
        pulumi.export("sip_username", credential.user_name)
        pulumi.export("sip_password", pulumi.Output.secret(credential.password))
    else:
        # Pulumi drops null outputs; an empty string keeps the JSON shape stable.
        pulumi.export("sip_username", "")
        pulumi.export("sip_password", "")
    pulumi.export("dids", pulumi.Output.all(*[m.phone_number for m in mappings]))
    pulumi.export("inbound_destinations", pulumi.Output.all(*[d.destination for d in destinations]))
