"""The five Exotel resources as Pulumi dynamic resources, one module per resource.

Each module holds the ``Resource`` users write in their program and the ``ResourceProvider``
that Pulumi pickles by reference into state and runs in its dynamic-provider process, so the
provider classes must stay at these import paths (``pulumi_exotel.resources.trunk.TrunkProvider``
...): moving one breaks every stack that has it in its state.
"""

from pulumi_exotel.resources.destination_uri import DestinationUri, DestinationUriProvider
from pulumi_exotel.resources.digest_credential import DigestCredential, DigestCredentialProvider
from pulumi_exotel.resources.phone_mapping import PhoneMapping, PhoneMappingProvider
from pulumi_exotel.resources.trunk import Trunk, TrunkProvider
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIp, WhitelistedIpProvider

__all__ = [
    "DestinationUri",
    "DestinationUriProvider",
    "DigestCredential",
    "DigestCredentialProvider",
    "PhoneMapping",
    "PhoneMappingProvider",
    "Trunk",
    "TrunkProvider",
    "WhitelistedIp",
    "WhitelistedIpProvider",
]
