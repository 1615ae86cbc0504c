"""Destination URI calls: ``/trunks/{sid}/destination-uris`` (where inbound calls go).

Creation is a batch POST; the client always sends a batch of one and returns that item, or
raises the item's failure (``BatchItemError``, also ``InvalidParameter`` for Exotel's
"Destination not whitelisted").
"""

from __future__ import annotations

from pulumi_exotel.client._base import Children, ClientBase
from pulumi_exotel.client.errors import ApiError
from pulumi_exotel.client.http import JsonBody
from pulumi_exotel.client.models import (
    CreateDestinationUrisRequest,
    DestinationItem,
    DestinationUri,
    UpdateDestinationUriRequest,
    normalize_destination,
)

__all__ = ["DestinationUrisMixin"]


_DESTINATIONS = Children("destination-uris", DestinationUri)


class DestinationUrisMixin(ClientBase):
    def create_destination_uri(self, trunk_sid: str, destination: str) -> DestinationUri:
        """``POST`` one destination (``host:port;transport=tls|tcp``).

        Exotel appends rather than rejecting repeats, so after an unknown outcome the client
        looks for the destination before posting again.
        """
        body = CreateDestinationUrisRequest(destinations=[DestinationItem(destination=destination)])
        return self._core.create(
            _DESTINATIONS.path(trunk_sid),
            body,
            self._first_item,
            lambda: self.find_destination_uri(trunk_sid, destination),
        )

    def _first_item(self, answer: JsonBody) -> DestinationUri:
        items = self._core.batch(answer, DestinationUri)
        if not items:
            raise ApiError(200, None, "Exotel answered without the object", "POST destination-uris")
        return items[0]

    def list_destination_uris(
        self, trunk_sid: str, *, max_age: float = 0.0
    ) -> list[DestinationUri]:
        """All of the trunk's entries; ``max_age`` > 0 shares a recent listing (``listings``)."""
        return self._list_children(_DESTINATIONS, trunk_sid, max_age=max_age)

    def find_destination_uri(self, trunk_sid: str, destination: str) -> DestinationUri | None:
        """The entry whose destination matches, ignoring a ``sip:`` prefix and case."""
        wanted = normalize_destination(destination)
        entries = self.list_destination_uris(trunk_sid)
        return next((e for e in entries if e.normalized == wanted), None)

    def update_destination_uri(
        self,
        trunk_sid: str,
        destination_id: str,
        *,
        priority: int | None = None,
        weight: int | None = None,
    ) -> DestinationUri:
        """``PUT …/destination-uris/{id}`` with ``priority`` and/or ``weight``."""
        body = UpdateDestinationUriRequest(priority=priority, weight=weight)
        return self._update_child(_DESTINATIONS, trunk_sid, destination_id, body)

    def delete_destination_uri(self, trunk_sid: str, destination_id: str) -> None:
        """``DELETE …/destination-uris?id=``; raises ``NotFound`` for an unknown id."""
        self._delete_child(_DESTINATIONS, trunk_sid, destination_id)
