"""Pipecat via Daily SIP: the dial-out target on Exotel's edge, and a fixed inbound host.

Pipecat is not a trunk provider: its agents reach the PSTN through Daily. Daily's SIP dial-out
(`start_dialout`) has no digest username or password fields, so Exotel can only accept those
calls by source IP: a static egress IP (or your SBC's) allowlisted with a `WhitelistedIp`.
`start_dialout` therefore takes that `WhitelistedIp`, and refuses a `DigestCredential` with an
explanation instead of producing settings that would be rejected with 401.

Inbound, Daily gives each room its own `sip_uri`, which is not a static destination: bridge the
call from your webhook instead, unless your deployment has a fixed SIP host.
"""

from __future__ import annotations

import pulumi

from pulumi_exotel.invalid_input import InvalidInput
from pulumi_exotel.sip_uri import Transport, destination_from_console

from .inputs import Body, CredentialLike, TrunkLike, WhitelistedIpLike
from .mapping import BodyField, Format, PlatformCall
from .profile import InboundTarget, PlatformProfile, e164_output

__all__ = ["PROFILE", "inbound_destination", "start_dialout"]

NO_DIGEST = (
    "Daily's SIP dial-out has no digest username/password fields, so Exotel cannot challenge "
    "it: allowlist a static egress IP with a WhitelistedIp (or dial through an SBC that does "
    "digest) and pass that WhitelistedIp instead of a credential"
)

_DIALOUT = PlatformCall(
    helper="start_dialout",
    feeds="settings of Daily `start_dialout` (Pipecat `DailyTransport.start_dialout`)",
    fields=(BodyField("sipUri", Format("sip:{to}@{edge};transport={transport}")),),
)
PROFILE = PlatformProfile(
    key="pipecat",
    title="Pipecat (via Daily)",
    calls=(_DIALOUT,),
    inbound=InboundTarget(console_label="fixed SIP host of your deployment"),
    notes=(
        NO_DIGEST + ".",
        "Daily's per-room `sip_uri` changes per call: it cannot be a `DestinationUri`.",
    ),
)


def start_dialout(
    trunk: TrunkLike,
    to: pulumi.Input[str],
    *,
    whitelisted_ip: WhitelistedIpLike,
    credential: CredentialLike | None = None,
    transport: Transport = "tls",
    edge: str | None = None,
) -> Body:
    """Daily dial-out settings that send a call to ``to`` through Exotel's edge.

    Resolves once ``whitelisted_ip`` exists, since Exotel rejects the call before that.
    """
    if credential is not None:
        raise InvalidInput("credential", type(credential).__name__, NO_DIGEST)
    return PROFILE.render(
        _DIALOUT,
        trunk=trunk,
        transport=transport,
        edge=edge,
        to=e164_output(to, "to"),
        after=[whitelisted_ip.ip],
    )


def inbound_destination(sip_host: str, transport: Transport | None = None) -> str:
    """The Exotel destination for a fixed SIP host in front of your Pipecat agents."""
    return destination_from_console(sip_host, "sip_host", transport)
