"""Typed client for Exotel's SIP trunking API (v2 trunk configuration).

``ExotelClient`` has one method per endpoint, returning the models in ``models``; failures
raise the tree in ``errors`` (drawn in its docstring). Requests share a process-wide limiter
(``limits``) and retry safely (``http``).
"""

from pulumi_exotel.client.api import ExotelClient
from pulumi_exotel.client.errors import (
    ApiError,
    AuthFailed,
    BatchItemError,
    Duplicate,
    ExotelError,
    Forbidden,
    InvalidParameter,
    InvalidRequestBody,
    MissingParameter,
    NotFound,
    RateLimited,
    ServerError,
    StoreUnavailable,
    TransportError,
    Unreachable,
    UnsupportedContentType,
)
from pulumi_exotel.client.http import RetryPolicy
from pulumi_exotel.client.limits import RequestLimiter
from pulumi_exotel.client.models import (
    DestinationUri,
    DigestCredential,
    PhoneMapping,
    Trunk,
    TrunkSetting,
    WhitelistedIp,
    normalize_destination,
)

__all__ = [
    "ApiError",
    "AuthFailed",
    "BatchItemError",
    "DestinationUri",
    "DigestCredential",
    "Duplicate",
    "ExotelClient",
    "ExotelError",
    "Forbidden",
    "InvalidParameter",
    "InvalidRequestBody",
    "MissingParameter",
    "NotFound",
    "PhoneMapping",
    "RateLimited",
    "RequestLimiter",
    "RetryPolicy",
    "ServerError",
    "StoreUnavailable",
    "TransportError",
    "Trunk",
    "TrunkSetting",
    "Unreachable",
    "UnsupportedContentType",
    "WhitelistedIp",
    "normalize_destination",
]
