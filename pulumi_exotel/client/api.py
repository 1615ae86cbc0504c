"""``ExotelClient``: one typed method per Exotel SIP-trunking endpoint.

The methods live in one mixin per concept (``trunks.py``, ``phone_mappings.py``, ...); this
module only assembles them and owns the connection. Every call goes through ``HttpCore``
(``http.py``): the shared limiter, retries, and the single envelope/error choke point.

    with ExotelClient(ExotelSettings.load()) as client:
        trunk = client.create_trunk("prod_trunk")
        client.create_phone_mapping(trunk.trunk_sid, "+919876543210")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_exotel.client.destination_uris import DestinationUrisMixin
from pulumi_exotel.client.digest_credentials import DigestCredentialsMixin
from pulumi_exotel.client.http import HttpCore, HttpOptions
from pulumi_exotel.client.limits import RequestLimiter
from pulumi_exotel.client.phone_mappings import PhoneMappingsMixin
from pulumi_exotel.client.store import Journal, Store, open_store
from pulumi_exotel.client.trunk_settings import TrunkSettingsMixin
from pulumi_exotel.client.trunks import TrunksMixin
from pulumi_exotel.client.whitelisted_ips import WhitelistedIpsMixin
from pulumi_exotel.config import ExotelSettings

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["ExotelClient"]


class ExotelClient(
    TrunksMixin,
    PhoneMappingsMixin,
    WhitelistedIpsMixin,
    DestinationUrisMixin,
    DigestCredentialsMixin,
    TrunkSettingsMixin,
):
    """Sync, thread-safe Exotel API client.

    ``transport`` reaches a fake or an in-process app instead of the network (httpx's own
    injection point). ``retry_policy`` and ``limiter`` default to the settings' retries and
    the process-wide limiter for this base URL + account.
    """

    def __init__(self, settings: ExotelSettings, **options: Unpack[HttpOptions]) -> None:
        self.settings = settings
        self._core = HttpCore(settings, **options)

    @property
    def limiter(self) -> RequestLimiter:
        return self._core.limiter

    @property
    def store(self) -> Store:
        """The ``exotel:rateLimitStore`` for this account: the rate budget and the journal."""
        return open_store(self.settings.store_location, self.settings.api_root)

    @property
    def journal(self) -> Journal:
        """The account's intent journal, kept where the rate budget is (``store.py``)."""
        return self.store.journal

    def close(self) -> None:
        """Close pooled connections. The shared limiter stays for other clients."""
        self._core.close()

    def __enter__(self) -> ExotelClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ExotelClient({self._core.api_root!r})"
