"""What the Voice-AI helpers accept and return.

The helpers take the resources duck-typed: anything carrying the same output attributes as
`pulumi_exotel.Trunk`, `DigestCredential`, `PhoneMapping` or `WhitelistedIp` works (a stand-in
in a test, a `StackReference`'s outputs wrapped in an object). Each helper returns a `Body`.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias, Union

import pulumi

__all__ = [
    "Body",
    "CredentialLike",
    "Number",
    "PhoneNumberLike",
    "TrunkLike",
    "WhitelistedIpLike",
]

#: What every body helper returns: the platform call's body, secret when it carries the password.
Body: TypeAlias = pulumi.Output[dict[str, Any]]


class TrunkLike(Protocol):
    """The outputs of `pulumi_exotel.Trunk` the helpers read."""

    @property
    def domain_name(self) -> pulumi.Output[str]: ...

    @property
    def edge_tcp(self) -> pulumi.Output[str]: ...

    @property
    def edge_tls(self) -> pulumi.Output[str]: ...


class CredentialLike(Protocol):
    """The outputs of `pulumi_exotel.DigestCredential` the helpers read."""

    @property
    def user_name(self) -> pulumi.Output[str]: ...

    @property
    def password(self) -> pulumi.Output[str]: ...


class PhoneNumberLike(Protocol):
    """The output of `pulumi_exotel.PhoneMapping` the helpers read."""

    @property
    def phone_number(self) -> pulumi.Output[str]: ...


class WhitelistedIpLike(Protocol):
    """The output of `pulumi_exotel.WhitelistedIp` the helpers read."""

    @property
    def ip(self) -> pulumi.Output[str]: ...


#: A DID: a `PhoneMapping` (preferred: the body then waits for the mapping), or an E.164 string.
Number = Union[PhoneNumberLike, str, "pulumi.Output[str]"]
