"""Vapi: a `byo-sip-trunk` credential dialling Exotel, its phone number, and the inbound route.

Vapi's Python SDK has no client for the credential call: `byo_sip_trunk_credential` is the JSON
body of `POST https://api.vapi.ai/credential` (camelCase, as Vapi's `CreateByoSipTrunkCredentialDto`
serialises). `byo_phone_number` is the body of `POST /phone-number`
(`CreateByoPhoneNumberDto`), which needs the credential id Vapi returned.

Vapi has no TCP and the Exotel edge has no UDP, so the two meet over TLS only, both ways.
"""

from __future__ import annotations

import pulumi

from pulumi_exotel.sip_uri import Transport

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import Arg, BodyField, Exotel, Fixed, PlatformCall, digest_login
from .profile import InboundTarget, PlatformProfile

__all__ = ["PROFILE", "byo_phone_number", "byo_sip_trunk_credential", "inbound_destination"]

#: Why Vapi meets Exotel over TLS only (the words of the error for any other transport).
TLS_ONLY_RULE = (
    "Vapi has no TCP and the Exotel edge has no UDP, so Vapi reaches Exotel over TLS only"
)

# The two calls' field mappings are shared with `pulumi_exotel.platforms.vapi` (through
# `PROFILE.call`), whose resources send these bodies themselves: one source of truth.
CREDENTIAL_CALL = PlatformCall(
    helper="byo_sip_trunk_credential",
    feeds="`POST /credential` body (`CreateByoSipTrunkCredentialDto`)",
    fields=(
        BodyField("provider", Fixed("byo-sip-trunk")),
        BodyField("name", Arg("name")),
        BodyField("gateways[].ip", Exotel.EDGE_HOST),
        BodyField("gateways[].port", Exotel.EDGE_PORT),
        BodyField("gateways[].outboundProtocol", Exotel.TRANSPORT, {"tls": "tls"}),
        *digest_login(
            "outboundAuthenticationPlan.authUsername", "outboundAuthenticationPlan.authPassword"
        ),
    ),
    transports=("tls",),
    transport_rule=TLS_ONLY_RULE,
)
PHONE_NUMBER_CALL = PlatformCall(
    helper="byo_phone_number",
    feeds="`POST /phone-number` body (`CreateByoPhoneNumberDto`)",
    fields=(
        BodyField("provider", Fixed("byo-phone-number")),
        BodyField("number", Exotel.NUMBER),
        BodyField("credentialId", Arg("credential_id")),
        BodyField("name", Arg("name")),
        BodyField("assistantId", Arg("assistant_id")),
    ),
)

PROFILE = PlatformProfile(
    key="vapi",
    title="Vapi",
    calls=(CREDENTIAL_CALL, PHONE_NUMBER_CALL),
    inbound=InboundTarget(host="sip.vapi.ai", ports={"tls": 5061}, transport_rule=TLS_ONLY_RULE),
    notes=(
        "`credential_id` is the `id` Vapi returns for the `byo-sip-trunk` credential.",
        "Exotel's ACL for Vapi's SBCs lists 44.229.228.186 and 44.238.177.138 (US), for "
        "IP auth instead of digest.",
    ),
)


@PROFILE.serves(CREDENTIAL_CALL)
def byo_sip_trunk_credential(
    trunk: TrunkLike,
    credential: CredentialLike,
    *,
    name: pulumi.Input[str] | None = None,
    transport: Transport = "tls",
    edge: str | None = None,
) -> Body:
    """Body of Vapi's credential call: Exotel's TLS edge as gateway, digest auth (secret)."""
    return PROFILE.render(CREDENTIAL_CALL, **locals())


@PROFILE.serves(PHONE_NUMBER_CALL)
def byo_phone_number(
    phone_number: Number,
    *,
    credential_id: pulumi.Input[str],
    name: pulumi.Input[str] | None = None,
    assistant_id: pulumi.Input[str] | None = None,
) -> Body:
    """Body of Vapi's phone-number call for an Exotel DID on the `byo-sip-trunk` credential."""
    return PROFILE.render(PHONE_NUMBER_CALL, **locals())


def inbound_destination(transport: Transport = "tls") -> str:
    """``sip.vapi.ai:5061;transport=tls``: where Exotel sends calls for Vapi assistants."""
    return PROFILE.inbound_destination(transport)
