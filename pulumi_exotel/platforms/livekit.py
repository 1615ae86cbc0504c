"""LiveKit's SIP side of an Exotel trunk as Pulumi resources: outbound trunk, inbound trunk and
dispatch rule, through LiveKit's own SDK (``livekit-api``).

- :class:`SipOutboundTrunk` sends LiveKit's outgoing calls to the Exotel edge with a digest
  credential. Its fields come from ``voice_ai.livekit.outbound_trunk`` (one field mapping for
  the request-body helpers and this resource). The edge address, transport, numbers and the
  credential change in place through LiveKit's partial update, so a ``keepers`` rotation of the
  ``DigestCredential`` updates this trunk between creating the new credential and deleting the
  old one: no moment without a working credential.
- :class:`SipInboundTrunk` accepts the calls Exotel sends to LiveKit (numbers, allowed source
  addresses, optional digest auth); every field changes in place.
- :class:`SipDispatchRule` puts each inbound call in a room (one per caller, or one fixed room)
  and can dispatch an agent to it; every field changes in place (LiveKit's full-replace update,
  same rule id).

Settings: ``livekit:url``, ``livekit:apiKey``, ``livekit:apiSecret`` (secret), else LiveKit's own
``LIVEKIT_URL``, ``LIVEKIT_API_KEY``, ``LIVEKIT_API_SECRET``; read in the provider process only.

LiveKit lets several objects share a name, so the name is the natural key only here: create
refuses a name that is taken (``adopt=True`` takes that object over instead). The provider's
methods are synchronous (Pulumi's rule); each SDK call runs on its own event loop. The SDK's
Cloud failover, which replays a request after a 5xx or transport error, is off: a replayed create
makes a second trunk. Instead, a create whose answer is lost looks its object up by name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_exotel.platforms._base import (
    InputSpec,
    PlatformProvider,
    PlatformProviderError,
    PlatformResource,
    PlatformSettings,
    Props,
    ResolvedSettings,
    Setting,
    import_sdk,
    is_unknown,
    validate_secret_text,
    validate_sip_address,
)
from pulumi_exotel.resources.validation import InvalidInput, validate_e164
from pulumi_exotel.sip_uri import Transport
from pulumi_exotel.voice_ai.inputs import CredentialLike, Number, TrunkLike
from pulumi_exotel.voice_ai.livekit import (
    OUTBOUND_FIELDS,
    TRANSPORTS,
    UPDATE_FIELDS,
    outbound_trunk,
)

import_sdk("livekit.api", "livekit")
from livekit.api import LiveKitAPI  # noqa: E402 (after the check that names the extra)
from livekit.protocol import sip  # noqa: E402
from livekit.protocol.agent_dispatch import RoomAgentDispatch  # noqa: E402
from livekit.protocol.models import ListUpdate  # noqa: E402
from livekit.protocol.room import RoomConfiguration  # noqa: E402

__all__ = [
    "SETTINGS",
    "LiveKitSip",
    "SipDispatchRule",
    "SipDispatchRuleProvider",
    "SipInboundTrunk",
    "SipInboundTrunkProvider",
    "SipOutboundTrunk",
    "SipOutboundTrunkProvider",
]

SETTINGS = PlatformSettings(
    "LiveKit",
    extra="livekit",
    settings={
        "url": Setting("livekit:url", "LIVEKIT_URL"),
        "api_key": Setting("livekit:apiKey", "LIVEKIT_API_KEY"),
        "api_secret": Setting("livekit:apiSecret", "LIVEKIT_API_SECRET", secret=True),
    },
)

_T = TypeVar("_T")


# --- The SDK, synchronously -------------------------------------------------------------------


class LiveKitSip:
    """LiveKit's SIP service, one synchronous call at a time.

    Built once per provider process and settings (never pickled). Each call opens an
    ``aiohttp`` session on a fresh event loop, so the engine's worker threads never share one.
    """

    def __init__(self, url: str, api_key: str, api_secret: str) -> None:
        self._url, self._api_key, self._api_secret = url, api_key, api_secret

    def _call(self, answer: type[_T], method: str, *args: Any, **kwargs: Any) -> _T:
        """``api.sip.<method>(...)``, whose answer is an ``answer``."""

        async def call() -> Any:
            api = LiveKitAPI(self._url, self._api_key, self._api_secret, failover=False)
            async with api:
                return await getattr(api.sip, method)(*args, **kwargs)

        result: _T = asyncio.run(call())
        return result

    def outbound_trunks(self, ids: Sequence[str] = ()) -> list[sip.SIPOutboundTrunkInfo]:
        request = sip.ListSIPOutboundTrunkRequest(trunk_ids=list(ids))
        return list(
            self._call(sip.ListSIPOutboundTrunkResponse, "list_outbound_trunk", request).items
        )

    def inbound_trunks(self, ids: Sequence[str] = ()) -> list[sip.SIPInboundTrunkInfo]:
        request = sip.ListSIPInboundTrunkRequest(trunk_ids=list(ids))
        return list(
            self._call(sip.ListSIPInboundTrunkResponse, "list_inbound_trunk", request).items
        )

    def dispatch_rules(self, ids: Sequence[str] = ()) -> list[sip.SIPDispatchRuleInfo]:
        request = sip.ListSIPDispatchRuleRequest(dispatch_rule_ids=list(ids))
        return list(
            self._call(sip.ListSIPDispatchRuleResponse, "list_dispatch_rule", request).items
        )

    def create_outbound_trunk(self, trunk: sip.SIPOutboundTrunkInfo) -> sip.SIPOutboundTrunkInfo:
        request = sip.CreateSIPOutboundTrunkRequest(trunk=trunk)
        return self._call(sip.SIPOutboundTrunkInfo, "create_outbound_trunk", request)

    def create_inbound_trunk(self, trunk: sip.SIPInboundTrunkInfo) -> sip.SIPInboundTrunkInfo:
        request = sip.CreateSIPInboundTrunkRequest(trunk=trunk)
        return self._call(sip.SIPInboundTrunkInfo, "create_inbound_trunk", request)

    def create_dispatch_rule(self, rule: sip.SIPDispatchRuleInfo) -> sip.SIPDispatchRuleInfo:
        request = sip.CreateSIPDispatchRuleRequest(dispatch_rule=rule)
        return self._call(sip.SIPDispatchRuleInfo, "create_dispatch_rule", request)

    def update_outbound_trunk(self, trunk_id: str, **fields: Any) -> sip.SIPOutboundTrunkInfo:
        """LiveKit's partial update: only the given fields change."""
        method = "update_outbound_trunk_fields"
        return self._call(sip.SIPOutboundTrunkInfo, method, trunk_id, **fields)

    def replace_outbound_trunk(
        self, trunk_id: str, trunk: sip.SIPOutboundTrunkInfo
    ) -> sip.SIPOutboundTrunkInfo:
        """LiveKit's full update: the trunk keeps its id and takes every field of ``trunk``."""
        return self._call(sip.SIPOutboundTrunkInfo, "update_outbound_trunk", trunk_id, trunk)

    def update_inbound_trunk(self, trunk_id: str, **fields: Any) -> sip.SIPInboundTrunkInfo:
        """LiveKit's partial update: only the given fields change."""
        method = "update_inbound_trunk_fields"
        return self._call(sip.SIPInboundTrunkInfo, method, trunk_id, **fields)

    def replace_dispatch_rule(
        self, rule_id: str, rule: sip.SIPDispatchRuleInfo
    ) -> sip.SIPDispatchRuleInfo:
        """LiveKit's full update: the rule keeps its id and takes every field of ``rule``."""
        return self._call(sip.SIPDispatchRuleInfo, "update_dispatch_rule", rule_id, rule)

    def delete_trunk(self, trunk_id: str) -> None:
        request = sip.DeleteSIPTrunkRequest(sip_trunk_id=trunk_id)
        self._call(sip.SIPTrunkInfo, "delete_trunk", request)

    def delete_dispatch_rule(self, rule_id: str) -> None:
        request = sip.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule_id)
        self._call(sip.SIPDispatchRuleInfo, "delete_dispatch_rule", request)


# --- Input rules (no I/O) ---------------------------------------------------------------------


def _validate_name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        rule = "must be a non-empty string (the name adopt=True looks up)"
        raise InvalidInput(field, value, rule)
    return value


def _validate_nonempty(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInput(field, value, "must be a non-empty string")
    return value


def _validate_text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, value, f"must be a string, got {type(value).__name__}")
    return value


def _validate_address(value: object, field: str) -> str:
    rule = "must be host:port without a sip: scheme, e.g. in.voip.exotel.com:443"
    return validate_sip_address(value, field, rule)


def _validate_transport(value: object, field: str) -> str:
    if value not in TRANSPORTS:
        rule = f"must be one of {', '.join(TRANSPORTS)} (the Exotel edge has no UDP)"
        raise InvalidInput(field, value, rule)
    return str(value)


def _validate_country(value: object, field: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise InvalidInput(field, value, "must be a two-letter ISO 3166 country code, e.g. IN")
    return value


def _list_of(
    item: Callable[[object, str], str], *, at_least_one: bool = False
) -> Callable[[object, str], Any]:
    """A validator of a list whose items follow ``item``; unknown items pass (preview)."""

    def validate(value: object, field: str) -> Any:
        if not isinstance(value, (list, tuple)):
            raise InvalidInput(field, value, "must be a list")
        if at_least_one and not value:
            raise InvalidInput(field, value, "must hold at least one entry")
        if any(is_unknown(v) for v in value):
            return list(value)
        return [item(v, f"{field}[{i}]") for i, v in enumerate(value)]

    return validate


def _validate_allowed_address(value: object, field: str) -> str:
    rule = "must be an IPv4 address or CIDR block, e.g. 182.76.143.61 or 182.76.143.0/24"
    try:
        network = ipaddress.ip_network(value if isinstance(value, str) else "", strict=False)
    except ValueError:
        raise InvalidInput(field, value, rule) from None
    if network.version != 4:
        raise InvalidInput(field, value, rule)
    return str(value)


def _validate_kind(value: object, field: str) -> str:
    if value not in _RULE_KINDS:
        raise InvalidInput(field, value, f"must be one of {', '.join(_RULE_KINDS)}")
    return str(value)


def _or_empty(value: Any) -> Any:
    return value or ""


def _or_empty_list(value: Any) -> Any:
    return list(value or [])


# --- Shared provider parts ----------------------------------------------------------------------


class _LiveKitProvider(PlatformProvider[LiveKitSip]):
    """What the three LiveKit providers share: settings, client, errors, name lookup."""

    settings_spec = SETTINGS
    natural_key = "name"

    def _build_client(self, settings: ResolvedSettings) -> LiveKitSip:
        return LiveKitSip(settings["url"], settings["api_key"], settings["api_secret"])

    def _error_text(self, exc: Exception) -> str:
        code, message = getattr(exc, "code", None), getattr(exc, "message", None)
        status = getattr(exc, "status", None)
        if isinstance(code, str) and isinstance(message, str):
            return f"{code}: {message}" if message else f"{code} (HTTP {status})"
        return super()._error_text(exc)

    def _named(self, found: Sequence[_T], name: str) -> _T | None:
        """The one object called ``name`` among ``found``; several is an error."""
        named = [obj for obj in found if getattr(obj, "name", None) == name]
        if len(named) > 1:
            ids = ", ".join(self._object_id(obj) for obj in named)
            raise PlatformProviderError(
                f"{len(named)} {self.kind}s are named {name!r} in LiveKit ({ids}): adopt needs "
                "exactly one. Delete the extra ones, or give this resource another name."
            )
        return named[0] if named else None

    def _inputs_from(self, outs: Props) -> Props:
        inputs = super()._inputs_from(outs)
        # A password read back is never stored as a plain input after a refresh.
        for name in self.secret_fields:
            inputs.pop(name, None)
        return inputs


def _trunk_outputs(inputs: Props, trunk: Any, names: Sequence[str]) -> Props:
    """Outputs: ``inputs`` with the fields as LiveKit has them (drift shows on refresh)."""
    outs = {**inputs, "sip_trunk_id": trunk.sip_trunk_id}
    for name in names:
        value = getattr(trunk, name)
        if name == "transport":
            value = sip.SIPTransport.Name(value)
        elif not isinstance(value, str):
            value = list(value)
        outs[name] = value
    # LiveKit answers "" for an unset text field: keep the input's None then.
    for name in names:
        if outs[name] == "" and inputs.get(name) is None:
            outs[name] = None
    if not outs.get("auth_password") and inputs.get("auth_password"):
        outs["auth_password"] = inputs["auth_password"]
    return outs


def _list_update(old: Any, new: Any) -> Any:
    """A partial update's list value: the new list; an empty one removes the old entries
    (LiveKit 1.13 refuses ``ListUpdate.clear``, and an empty ``set`` changes nothing)."""
    return list(new) if new else ListUpdate(remove=list(old or []))


# --- SipOutboundTrunk ---------------------------------------------------------------------------

_OUTBOUND_OUTPUTS = (*OUTBOUND_FIELDS, "destination_country")


class _TrunkProvider(_LiveKitProvider):
    """What the outbound and inbound trunk providers share: the trunk built from the fields
    LiveKit keeps (``trunk_fields``), lookup by name, take-over through ``_patch``, read back."""

    secret_fields = ("auth_password",)
    trunk_fields: ClassVar[tuple[str, ...]]
    trunk_type: ClassVar[type[Any]]

    def _trunks(self, client: LiveKitSip, ids: Sequence[str] = ()) -> list[Any]:
        raise NotImplementedError

    def _create_trunk(self, client: LiveKitSip, trunk: Any) -> Any:
        raise NotImplementedError

    def _find(self, client: LiveKitSip, props: Props) -> Any | None:
        return self._named(self._trunks(client), props["name"])

    def _post(self, client: LiveKitSip, props: Props) -> Any:
        given = {k: props[k] for k in self.trunk_fields if props.get(k) is not None}
        trunk = self.trunk_type(**given)
        return self._post_or_find(client, props, lambda: self._create_trunk(client, trunk))

    def _take_over(self, client: LiveKitSip, found: Any, props: Props) -> Any:
        current = _trunk_outputs({}, found, self.trunk_fields)
        return self._patch(client, found.sip_trunk_id, current, props)

    def _get(self, client: LiveKitSip, id_: str) -> Any | None:
        found = self._trunks(client, [id_])
        return found[0] if found else None

    def _remove(self, client: LiveKitSip, id_: str) -> None:
        client.delete_trunk(id_)

    def _object_id(self, obj: Any) -> str:
        return str(obj.sip_trunk_id)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        return _trunk_outputs(inputs, obj, self.trunk_fields)


class SipOutboundTrunkProvider(_TrunkProvider):
    """Create, read, update (in place) and delete one LiveKit SIP outbound trunk."""

    kind = "LiveKit SIP outbound trunk"
    resource_class = "SipOutboundTrunk"
    trunk_fields = _OUTBOUND_OUTPUTS
    trunk_type = sip.SIPOutboundTrunkInfo
    fields = {
        "name": InputSpec(_validate_name, "update", required=True),
        "address": InputSpec(_validate_address, "update", required=True),
        "transport": InputSpec(_validate_transport, "update", required=True),
        "numbers": InputSpec(_list_of(validate_e164, at_least_one=True), "update", required=True),
        "auth_username": InputSpec(_validate_nonempty, "update", required=True),
        "auth_password": InputSpec(validate_secret_text, "update", required=True),
        "metadata": InputSpec(_validate_text, "update", canonical=_or_empty),
        "destination_country": InputSpec(_validate_country, "update", canonical=_or_empty),
    }

    def _trunks(self, client: LiveKitSip, ids: Sequence[str] = ()) -> list[Any]:
        return client.outbound_trunks(ids)

    def _create_trunk(self, client: LiveKitSip, trunk: Any) -> Any:
        return client.create_outbound_trunk(trunk)

    def _patch(
        self, client: LiveKitSip, id_: str, olds: Props, news: Props
    ) -> sip.SIPOutboundTrunkInfo:
        # The rotation fields (UPDATE_FIELDS, as the voice_ai helper declares them) and the rest.
        changes: dict[str, Any] = {}
        for name in ("name", *UPDATE_FIELDS, "metadata", "destination_country"):
            if self.fields[name].same(olds.get(name), news.get(name)):
                continue
            value = news.get(name)
            if name == "numbers":
                changes[name] = _list_update(olds.get(name), value)
            elif name == "transport":
                changes[name] = sip.SIPTransport.Value(str(value))
            else:
                changes[name] = _or_empty(value)  # "" clears a text field
        if "destination_country" in changes:
            # The SDK's partial update has no destination_country: replace the trunk as LiveKit
            # has it now with the new fields (same id; fields this resource does not manage stay).
            current = self._get(client, id_)
            if current is None:
                raise PlatformProviderError(
                    f"{self.kind} {id_} no longer exists in LiveKit: run `pulumi refresh`, then "
                    "`pulumi up` creates it again"
                )
            fields = {k: news.get(k) for k in _OUTBOUND_OUTPUTS}
            current.ClearField("numbers")
            current.MergeFrom(
                sip.SIPOutboundTrunkInfo(**{k: v for k, v in fields.items() if v is not None})
            )
            current.destination_country = fields["destination_country"] or ""
            current.metadata = fields["metadata"] or ""
            return client.replace_outbound_trunk(id_, current)
        return client.update_outbound_trunk(id_, **changes)


class SipOutboundTrunk(PlatformResource, module="livekit", name="SipOutboundTrunk"):
    """A LiveKit SIP outbound trunk that places LiveKit's calls through an Exotel trunk.

    Its fields are what ``voice_ai.livekit.outbound_trunk`` renders from the Exotel resources:
    ``address`` is the trunk's edge for ``transport`` (or ``edge=``), ``auth_username`` /
    ``auth_password`` the credential's (``credential=cred``, or ``auth_username=cred.user_name,
    auth_password=cred.password``), ``numbers`` the DIDs. Every field changes in place.
    """

    sip_trunk_id: pulumi.Output[str]
    """LiveKit's id of the trunk (``ST_...``): what ``CreateSIPParticipant`` dials out through."""
    name: pulumi.Output[str]
    """The trunk's name in LiveKit (also what ``adopt=True`` looks up)."""
    address: pulumi.Output[str]
    """Where LiveKit sends calls: the Exotel edge ``host:port``."""
    transport: pulumi.Output[str]
    """``SIP_TRANSPORT_TLS`` or ``SIP_TRANSPORT_TCP``."""
    numbers: pulumi.Output[list[str]]
    """The DIDs LiveKit may call from (E.164)."""
    auth_username: pulumi.Output[str]
    """The digest user name (the credential's ``user_name``)."""
    auth_password: pulumi.Output[str]
    """The digest password; always a secret output."""
    metadata: pulumi.Output[str | None]
    """Free text LiveKit keeps with the trunk."""
    destination_country: pulumi.Output[str | None]
    """Two-letter country code LiveKit Cloud uses to pick the region that dials out."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        trunk: TrunkLike,
        numbers: Sequence[Number],
        credential: CredentialLike | None = None,
        auth_username: pulumi.Input[str] | None = None,
        auth_password: pulumi.Input[str] | None = None,
        transport: Transport = "tls",
        edge: str | None = None,
        metadata: pulumi.Input[str] | None = None,
        destination_country: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        body = outbound_trunk(
            trunk,
            _credential(credential, auth_username, auth_password),
            numbers,
            name=name,
            transport=transport,
            edge=edge,
            metadata=metadata,
        )
        # The rendered fields in place of the arguments they came from (the password secret
        # again by secret_fields).
        given = {**locals(), **{field: _body_field(body, field) for field in OUTBOUND_FIELDS}}
        super().__init__(SipOutboundTrunkProvider(), resource_name, given, opts)


@dataclass(frozen=True)
class _GivenCredential:
    """``auth_username`` / ``auth_password`` given one by one, shaped as a credential."""

    user_name: pulumi.Output[str]
    password: pulumi.Output[str]


def _credential(
    credential: CredentialLike | None,
    auth_username: pulumi.Input[str] | None,
    auth_password: pulumi.Input[str] | None,
) -> CredentialLike:
    """The credential to render: ``credential=``, or ``auth_username=`` + ``auth_password=``."""
    given = (auth_username, auth_password)
    if credential is not None:
        if given != (None, None):
            raise TypeError(
                "SipOutboundTrunk: give credential= or auth_username= and auth_password=, not both"
            )
        return credential
    if None in given:
        raise TypeError(
            "SipOutboundTrunk: give credential= (a DigestCredential), or both auth_username= "
            "and auth_password="
        )
    return _GivenCredential(
        pulumi.Output.from_input(auth_username).apply(str),
        pulumi.Output.from_input(auth_password).apply(str),
    )


def _body_field(body: pulumi.Output[dict[str, Any]], name: str) -> Any:
    """One field of a rendered body, not secret (the resource makes the password secret)."""
    return pulumi.Output.unsecret(body.apply(lambda fields: fields.get(name)))


# --- SipInboundTrunk ----------------------------------------------------------------------------

_INBOUND_FIELDS = (
    "name",
    "numbers",
    "allowed_addresses",
    "allowed_numbers",
    "auth_username",
    "auth_password",
    "metadata",
)


class SipInboundTrunkProvider(_TrunkProvider):
    """Create, read, update (in place) and delete one LiveKit SIP inbound trunk."""

    kind = "LiveKit SIP inbound trunk"
    resource_class = "SipInboundTrunk"
    trunk_fields = _INBOUND_FIELDS
    trunk_type = sip.SIPInboundTrunkInfo
    fields = {
        "name": InputSpec(_validate_name, "update", required=True),
        "numbers": InputSpec(_list_of(validate_e164), "update", canonical=_or_empty_list),
        "allowed_addresses": InputSpec(
            _list_of(_validate_allowed_address), "update", canonical=_or_empty_list
        ),
        "allowed_numbers": InputSpec(_list_of(validate_e164), "update", canonical=_or_empty_list),
        "auth_username": InputSpec(_validate_nonempty, "update", canonical=_or_empty),
        "auth_password": InputSpec(validate_secret_text, "update", canonical=_or_empty),
        "metadata": InputSpec(_validate_text, "update", canonical=_or_empty),
    }

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        has_user = bool(inputs.get("auth_username"))
        has_password = bool(inputs.get("auth_password"))
        if has_user != has_password:
            return [
                CheckFailure(
                    "auth_password" if has_user else "auth_username",
                    "auth_username and auth_password go together: give both or neither",
                )
            ]
        return []

    def _trunks(self, client: LiveKitSip, ids: Sequence[str] = ()) -> list[Any]:
        return client.inbound_trunks(ids)

    def _create_trunk(self, client: LiveKitSip, trunk: Any) -> Any:
        return client.create_inbound_trunk(trunk)

    def _patch(
        self, client: LiveKitSip, id_: str, olds: Props, news: Props
    ) -> sip.SIPInboundTrunkInfo:
        changes: dict[str, Any] = {}
        for name in _INBOUND_FIELDS:
            if self.fields[name].same(olds.get(name), news.get(name)):
                continue
            value = news.get(name)
            if name in ("numbers", "allowed_addresses", "allowed_numbers"):
                changes[name] = _list_update(olds.get(name), value)
            else:
                changes[name] = _or_empty(value)
        return client.update_inbound_trunk(id_, **changes)


class SipInboundTrunk(PlatformResource, module="livekit", name="SipInboundTrunk"):
    """A LiveKit SIP inbound trunk: which calls LiveKit accepts (from Exotel, for its DIDs).

    ``numbers`` are the DIDs called (a ``PhoneMapping`` or an E.164 string each); with none,
    any number is accepted. ``allowed_addresses`` are the source IPs or CIDR blocks LiveKit
    accepts calls from (Exotel's signalling addresses); ``auth_username`` / ``auth_password``
    ask the caller for digest auth. Every field changes in place.
    """

    sip_trunk_id: pulumi.Output[str]
    """LiveKit's id of the trunk (``ST_...``): what a ``SipDispatchRule`` names."""
    name: pulumi.Output[str]
    """The trunk's name in LiveKit (also what ``adopt=True`` looks up)."""
    numbers: pulumi.Output[list[str]]
    """The called numbers this trunk takes (E.164); empty for any."""
    allowed_addresses: pulumi.Output[list[str]]
    """Source IPv4 addresses or CIDR blocks calls may come from; empty for any."""
    allowed_numbers: pulumi.Output[list[str]]
    """Caller numbers accepted (E.164); empty for any."""
    auth_username: pulumi.Output[str | None]
    """Digest user name callers must use, if any."""
    auth_password: pulumi.Output[str | None]
    """Digest password callers must use, if any; always a secret output."""
    metadata: pulumi.Output[str | None]
    """Free text LiveKit keeps with the trunk."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        numbers: Sequence[Number] = (),
        allowed_addresses: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        allowed_numbers: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        auth_username: pulumi.Input[str] | None = None,
        auth_password: pulumi.Input[str] | None = None,
        metadata: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        given = {**locals(), "numbers": [_number(n) for n in numbers]}
        super().__init__(SipInboundTrunkProvider(), resource_name, given, opts)


def _number(number: Number) -> pulumi.Input[str]:
    """A DID given as a ``PhoneMapping`` (then the trunk waits for the mapping) or a string."""
    return number if isinstance(number, (str, pulumi.Output)) else number.phone_number


# --- SipDispatchRule ----------------------------------------------------------------------------

_RULE_KINDS = ("individual", "direct")
_RULE_FIELDS = (
    "name",
    "trunk_ids",
    "kind",
    "room_prefix",
    "room_name",
    "agent_name",
    "agent_metadata",
    "metadata",
)


class SipDispatchRuleProvider(_LiveKitProvider):
    """Create, read, update (in place) and delete one LiveKit SIP dispatch rule."""

    kind = "LiveKit SIP dispatch rule"
    resource_class = "SipDispatchRule"
    fields = {
        "name": InputSpec(_validate_name, "update", required=True),
        "trunk_ids": InputSpec(_list_of(_validate_nonempty), "update", canonical=_or_empty_list),
        "kind": InputSpec(_validate_kind, "update", default="individual"),
        "room_prefix": InputSpec(_validate_text, "update", canonical=_or_empty),
        "room_name": InputSpec(_validate_text, "update", canonical=_or_empty),
        "agent_name": InputSpec(_validate_text, "update", canonical=_or_empty),
        "agent_metadata": InputSpec(_validate_text, "update", canonical=_or_empty),
        "metadata": InputSpec(_validate_text, "update", canonical=_or_empty),
    }

    def _check_together(self, inputs: Props) -> list[CheckFailure]:
        kind = inputs.get("kind")
        failures: list[CheckFailure] = []
        if (
            kind == "direct"
            and not inputs.get("room_name")
            and not is_unknown(inputs.get("room_name"))
        ):
            failures.append(CheckFailure("room_name", "room_name is required with kind='direct'"))
        if kind == "individual" and inputs.get("room_name"):
            failures.append(
                CheckFailure(
                    "room_name",
                    "room_name is for kind='direct'; kind='individual' makes one room per "
                    "caller, named room_prefix + a random part",
                )
            )
        if kind == "direct" and inputs.get("room_prefix"):
            failures.append(
                CheckFailure("room_prefix", "room_prefix is for kind='individual', not 'direct'")
            )
        if inputs.get("agent_metadata") and not inputs.get("agent_name"):
            failures.append(
                CheckFailure(
                    "agent_metadata", "agent_metadata needs agent_name (the agent to dispatch)"
                )
            )
        return failures

    def _info(self, props: Props) -> sip.SIPDispatchRuleInfo:
        if props.get("kind") == "direct":
            rule = sip.SIPDispatchRule(
                dispatch_rule_direct=sip.SIPDispatchRuleDirect(room_name=props["room_name"])
            )
        else:
            rule = sip.SIPDispatchRule(
                dispatch_rule_individual=sip.SIPDispatchRuleIndividual(
                    room_prefix=props.get("room_prefix") or ""
                )
            )
        room_config = None
        if props.get("agent_name"):
            agent = RoomAgentDispatch(
                agent_name=props["agent_name"], metadata=props.get("agent_metadata") or ""
            )
            room_config = RoomConfiguration(agents=[agent])
        return sip.SIPDispatchRuleInfo(
            name=props["name"],
            trunk_ids=list(props.get("trunk_ids") or []),
            rule=rule,
            metadata=props.get("metadata") or "",
            room_config=room_config,
        )

    def _find(self, client: LiveKitSip, props: Props) -> sip.SIPDispatchRuleInfo | None:
        return self._named(client.dispatch_rules(), props["name"])

    def _post(self, client: LiveKitSip, props: Props) -> Any:
        info = self._info(props)
        return self._post_or_find(client, props, lambda: client.create_dispatch_rule(info))

    def _take_over(
        self, client: LiveKitSip, found: sip.SIPDispatchRuleInfo, props: Props
    ) -> sip.SIPDispatchRuleInfo:
        return client.replace_dispatch_rule(found.sip_dispatch_rule_id, self._info(props))

    def _get(self, client: LiveKitSip, id_: str) -> sip.SIPDispatchRuleInfo | None:
        found = client.dispatch_rules([id_])
        return found[0] if found else None

    def _patch(
        self, client: LiveKitSip, id_: str, olds: Props, news: Props
    ) -> sip.SIPDispatchRuleInfo:
        return client.replace_dispatch_rule(id_, self._info(news))

    def _remove(self, client: LiveKitSip, id_: str) -> None:
        client.delete_dispatch_rule(id_)

    def _object_id(self, obj: Any) -> str:
        return str(obj.sip_dispatch_rule_id)

    def _outputs(self, inputs: Props, obj: Any) -> Props:
        rule: sip.SIPDispatchRuleInfo = obj
        which = rule.rule.WhichOneof("rule")
        agents = list(rule.room_config.agents)
        found = {
            "name": rule.name,
            "trunk_ids": list(rule.trunk_ids),
            "kind": "direct" if which == "dispatch_rule_direct" else "individual",
            "room_prefix": rule.rule.dispatch_rule_individual.room_prefix,
            "room_name": rule.rule.dispatch_rule_direct.room_name,
            "agent_name": agents[0].agent_name if agents else "",
            "agent_metadata": agents[0].metadata if agents else "",
            "metadata": rule.metadata,
        }
        outs = {**inputs, "sip_dispatch_rule_id": rule.sip_dispatch_rule_id}
        for name, value in found.items():
            # LiveKit answers "" for unset text: keep the input's None then.
            outs[name] = None if value == "" and inputs.get(name) is None else value
        return outs


class SipDispatchRule(PlatformResource, module="livekit", name="SipDispatchRule"):
    """A LiveKit SIP dispatch rule: which room an inbound call joins, and which agent joins it.

    ``kind="individual"`` (default) gives each caller a new room named ``room_prefix`` plus a
    random part; ``kind="direct"`` puts every call in ``room_name``. ``agent_name`` dispatches
    that agent (with ``agent_metadata``) into the room. ``trunk_ids`` limit the rule to those
    inbound trunks (empty: every trunk). Every field changes in place.
    """

    sip_dispatch_rule_id: pulumi.Output[str]
    """LiveKit's id of the rule (``SDR_...``)."""
    name: pulumi.Output[str]
    """The rule's name in LiveKit (also what ``adopt=True`` looks up)."""
    trunk_ids: pulumi.Output[list[str]]
    """The inbound trunks the rule applies to; empty for all."""
    kind: pulumi.Output[str]
    """``individual`` (a room per caller) or ``direct`` (one fixed room)."""
    room_prefix: pulumi.Output[str | None]
    """Prefix of the per-caller room names (``individual``)."""
    room_name: pulumi.Output[str | None]
    """The room every call joins (``direct``)."""
    agent_name: pulumi.Output[str | None]
    """The agent dispatched into the room, if any."""
    agent_metadata: pulumi.Output[str | None]
    """Metadata the dispatched agent receives."""
    metadata: pulumi.Output[str | None]
    """Free text LiveKit keeps with the rule."""

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        trunk_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        kind: pulumi.Input[str] = "individual",
        room_prefix: pulumi.Input[str] | None = None,
        room_name: pulumi.Input[str] | None = None,
        agent_name: pulumi.Input[str] | None = None,
        agent_metadata: pulumi.Input[str] | None = None,
        metadata: pulumi.Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(SipDispatchRuleProvider(), resource_name, locals(), opts)
