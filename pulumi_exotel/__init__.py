"""Exotel SIP trunking as Pulumi resources.

    import pulumi_exotel as exotel

    trunk = exotel.Trunk("voice-ai", trunk_name="voice_ai_prod", caller_id="+918047091234")
    exotel.PhoneMapping("did", trunk_sid=trunk.trunk_sid, phone_number="+918047091234")

The resource classes are imported on first use, so tools that only need a part of the package
(the emulator, the SIP verifier) do not pay for importing the Pulumi SDK.
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi_exotel.resources.destination_uri import DestinationUri
    from pulumi_exotel.resources.digest_credential import DigestCredential
    from pulumi_exotel.resources.phone_mapping import PhoneMapping
    from pulumi_exotel.resources.trunk import Trunk
    from pulumi_exotel.resources.whitelisted_ip import WhitelistedIp

__all__ = [
    "DestinationUri",
    "DigestCredential",
    "PhoneMapping",
    "Trunk",
    "WhitelistedIp",
    "__version__",
]

try:
    __version__ = metadata.version("pulumi-exotel")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_RESOURCES = {
    "DestinationUri": "pulumi_exotel.resources.destination_uri",
    "DigestCredential": "pulumi_exotel.resources.digest_credential",
    "PhoneMapping": "pulumi_exotel.resources.phone_mapping",
    "Trunk": "pulumi_exotel.resources.trunk",
    "WhitelistedIp": "pulumi_exotel.resources.whitelisted_ip",
}


def __getattr__(name: str) -> Any:
    module = _RESOURCES.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_exotel' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_RESOURCES})
