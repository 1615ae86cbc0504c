"""A platform's profile: its calls, its inbound target, and how a helper renders a call.

`PlatformProfile.render` is what every body helper returns: it checks the arguments it can check
now (so a bad transport or edge fails at `pulumi preview`), gathers the Exotel values the call
reads from the resources' Outputs, and applies `PlatformCall.body` once they are known.

Rules kept here, once for every platform:

- Transport is `tls` or `tcp`: the Exotel edge has no UDP. A platform call may allow fewer.
- The edge (`host:port`) is the trunk's `edge_tls` / `edge_tcp` for the chosen transport,
  unless `edge=` overrides it (an edge assigned at onboarding).
- A digest password is always read through `pulumi.Output.secret`, so every body that carries
  it is a secret Output, whatever the caller passed in.
- Numbers are E.164 and destinations follow `DestinationUri`'s rule: both are checked by the
  same functions the resources use.

`PlatformProfile.serves` marks a helper as the one for a call and checks, at import, that it
takes exactly the parameters that call's fields read: the cross-check between a helper's
signature (what users and the docs see) and the mapping (what it returns).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pulumi

from pulumi_exotel.resources.validation import validate_e164
from pulumi_exotel.sip_uri import Transport, check_transport, parse_edge, validate_destination

from .inputs import Body, CredentialLike, Number, TrunkLike
from .mapping import EDGE_SOURCES, Exotel, PlatformCall

__all__ = [
    "InboundTarget",
    "PlatformProfile",
    "e164_output",
    "never_returns_password",
    "select_edge",
]

_Helper = TypeVar("_Helper", bound=Callable[..., Body])


@dataclass(frozen=True)
class InboundTarget:
    """Where Exotel sends inbound calls for this platform (a `DestinationUri.destination`).

    Either a fixed ``host`` (it may hold ``{placeholders}`` the helper fills) with a port per
    supported transport, or nothing fixed: then ``console_label`` names what the platform's
    console shows, which the helper takes as input and normalises.
    """

    helper: str = "inbound_destination"
    host: str | None = None
    ports: Mapping[Transport, int] = field(default_factory=dict)
    console_label: str | None = None
    transport_rule: str = ""

    @classmethod
    def documented_only(
        cls, host: str, transport: Transport, port: int, *, whose: str
    ) -> InboundTarget:
        """A fixed host documented for one transport and port; the refusal quotes both."""
        rule = f"{whose} SIP host is documented for {transport.upper()} on {port} only"
        return cls(host=host, ports={transport: port}, transport_rule=rule)

    def destination(self, platform: str, transport: str, **params: str) -> str:
        """The validated destination for a fixed host."""
        if self.host is None:
            raise TypeError(f"{platform} has no fixed SIP host: use {self.helper}(<value>)")
        chosen = check_transport(platform, transport, tuple(self.ports), self.transport_rule)
        host = self.host.format(**params)
        return validate_destination(f"{host}:{self.ports[chosen]};transport={chosen}")


@dataclass(frozen=True)
class PlatformProfile:
    """Everything the helpers and the docs know about one platform."""

    key: str
    title: str
    calls: tuple[PlatformCall, ...]
    inbound: InboundTarget
    notes: tuple[str, ...] = ()

    def call(self, helper: str) -> PlatformCall:
        """The call whose helper is named ``helper``: what a platform resource builds from."""
        for candidate in self.calls:
            if candidate.helper == helper:
                return candidate
        raise KeyError(f"{self.title} has no call {helper!r}")

    def inbound_destination(self, transport: str, **params: str) -> str:
        """The validated destination on the fixed inbound host; ``params`` fill its placeholders."""
        return self.inbound.destination(self.title, transport, **params)

    def serves(self, call: PlatformCall) -> Callable[[_Helper], _Helper]:
        """Mark the decorated function as ``call``'s helper; it is returned unchanged.

        The parameters ``trunk``, ``credential``, ``phone_number`` (one DID) or ``numbers``,
        ``transport`` and ``edge`` are the Exotel inputs; every other one is the `Arg` of that
        name. A helper that does not take exactly what ``call``'s fields read fails at import.
        """

        def check(helper: _Helper) -> _Helper:
            expected = exotel_parameters(call) | set(call.arguments)
            taken = set(inspect.signature(helper).parameters)
            if call not in self.calls or helper.__name__ != call.helper or taken != expected:
                raise TypeError(
                    f"{self.key}.{helper.__name__} does not declare {self.title}'s "
                    f"{call.helper}: it must have that name and take exactly {sorted(expected)}"
                )
            return helper

        return check

    def render(
        self,
        call: PlatformCall,
        *,
        trunk: TrunkLike | None = None,
        credential: CredentialLike | None = None,
        phone_number: Number | None = None,
        numbers: Sequence[Number] = (),
        transport: str | None = None,
        edge: str | None = None,
        after: Sequence[pulumi.Output[Any]] = (),
        **arguments: Any,
    ) -> Body:
        """The body of ``call`` as an Output; secret when it carries the password.

        Takes a helper's parameters by name, so a helper is ``return PROFILE.render(CALL,
        **locals())``: the Exotel inputs (``phone_number`` is one DID, ``numbers`` several) and
        the call's own ``arguments``. Arguments are checked now (a bad transport or edge fails
        at `pulumi preview`); values that are Outputs are checked once known. ``after`` only
        orders: the body resolves once those Outputs (e.g. a `WhitelistedIp`) are known.
        """
        if phone_number is not None:
            numbers = [phone_number]
        needs = call.needs
        missing_args = set(call.arguments) - set(arguments)
        if missing_args:
            raise TypeError(f"{call.helper}: no value for {sorted(missing_args)}")
        inputs: dict[str, Any] = dict(arguments)
        chosen = call.transports[0]
        if transport is not None:
            chosen = check_transport(self.title, transport, call.transports, call.transport_rule)
        inputs["transport"] = chosen
        if needs & EDGE_SOURCES:
            inputs["edge"] = select_edge(_require(trunk, "trunk", call), chosen, edge)
        if Exotel.USER_NAME in needs:
            inputs["user_name"] = _require(credential, "credential", call).user_name
        if Exotel.PASSWORD in needs:
            # Secret even if a stand-in or a plain string was passed: the body carries it.
            inputs["password"] = pulumi.Output.secret(
                _require(credential, "credential", call).password
            )
        if needs & {Exotel.NUMBER, Exotel.NUMBERS}:
            if not numbers or (Exotel.NUMBER in needs and len(numbers) != 1):
                raise TypeError(
                    f"{call.helper}: needs exactly one phone number"
                    if Exotel.NUMBER in needs
                    else f"{call.helper}: needs at least one phone number"
                )
            inputs["numbers"] = pulumi.Output.all(*[_number_output(n) for n in numbers])
        if Exotel.SIP_DOMAIN in needs:
            inputs["sip_domain"] = _require(trunk, "trunk", call).domain_name
        if after:
            inputs[_AFTER] = pulumi.Output.all(*after)
        return pulumi.Output.all(**inputs).apply(lambda known: call.body(**_without_after(known)))


_AFTER = "_after"


def _without_after(known: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in known.items() if name != _AFTER}


def exotel_parameters(call: PlatformCall) -> set[str]:
    """The Exotel parameters a helper of ``call`` takes: those its fields read, no others."""
    needs = call.needs
    declared = {
        "trunk": bool(needs & (EDGE_SOURCES | {Exotel.SIP_DOMAIN})),
        "credential": bool(needs & {Exotel.USER_NAME, Exotel.PASSWORD}),
        "phone_number": Exotel.NUMBER in needs,
        "numbers": Exotel.NUMBERS in needs,
        "transport": call.depends_on_transport,
        "edge": bool(needs & EDGE_SOURCES),
    }
    return {name for name, wanted in declared.items() if wanted}


def _require(value: Any, name: str, call: PlatformCall) -> Any:
    if value is None:
        raise TypeError(f"{call.helper}: a {name} is required")
    return value


def select_edge(trunk: TrunkLike, transport: Transport, edge: str | None) -> pulumi.Output[str]:
    """The edge ``host:port`` for ``transport``: the override if given, else the trunk's."""
    if edge is not None:
        host, port = parse_edge(edge)
        return pulumi.Output.from_input(f"{host}:{port}")
    return trunk.edge_tls if transport == "tls" else trunk.edge_tcp


def _number_output(number: Number) -> pulumi.Output[str]:
    value = number if isinstance(number, (str, pulumi.Output)) else number.phone_number
    return e164_output(value, "phone_number")


def e164_output(number: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    """``number`` checked as E.164: a literal at once (so at preview), an Output once known."""
    if isinstance(number, str):
        validate_e164(number, name)
    return pulumi.Output.from_input(number).apply(lambda known: validate_e164(known, name))


def never_returns_password(platform: str, then: str) -> str:
    """The note for a platform that keeps the password write-only: what to do after a rotation."""
    return f"{platform} never returns the password: after a rotation, {then}."
